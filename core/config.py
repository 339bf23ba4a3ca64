"""Settings: which database, where the var/ folder is, whether this is a demo.

One setting chooses the database: ``FANGXIAN_DATABASE_URL`` (or, in the dashboard,
``[fangxian] database_url`` in Streamlit secrets, passed in by the dashboard). The default is a
SQLite file in ``var/`` beside the source tree, which is git-ignored and created on first run.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"


def var_dir() -> Path:
    """Folder for runtime files (the default SQLite database); created on demand."""
    path = Path(os.environ.get("FANGXIAN_VAR_DIR", PROJECT_ROOT / "var"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(explicit: str | None = None) -> str:
    """The database URL: explicit argument, then ``FANGXIAN_DATABASE_URL``, then var/fangxian.db."""
    if explicit:
        return explicit
    env = os.environ.get("FANGXIAN_DATABASE_URL")
    if env:
        return env
    return f"sqlite:///{var_dir() / 'fangxian.db'}"
