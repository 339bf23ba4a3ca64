"""Calling a service from a test that holds only a database URL: one unit of work for the call, as a
page or a CLI command would open it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from core.services.uow import unit_of_work

R = TypeVar("R")


def call(url: str, service: Callable[..., R], *args: Any, **kwargs: Any) -> R:
    """``service(uow, *args, **kwargs)`` in its own unit of work on ``url`` (committed at the end)."""
    with unit_of_work(url) as uow:
        return service(uow, *args, **kwargs)
