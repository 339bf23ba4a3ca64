"""The whole schema: imports ``models`` and every ``models_*`` module so that ``Base.metadata``
holds every table (Alembic and the tests use this)."""

from __future__ import annotations

import importlib
import pkgutil

import core.storage as _pkg
from core.storage.models import Base

for _info in sorted(pkgutil.iter_modules(_pkg.__path__), key=lambda i: i.name):
    if _info.name.startswith("models_"):
        importlib.import_module(f"core.storage.{_info.name}")

metadata = Base.metadata
