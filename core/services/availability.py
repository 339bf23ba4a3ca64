"""Whether the database answered: the errors that mean "down, restarting or unreachable", for the
front ends that wait and retry (the dashboard's router, the wall screen) without importing storage."""

from __future__ import annotations

from core.storage.db import UNAVAILABLE_ERRORS

__all__ = ["UNAVAILABLE_ERRORS"]
