"""Settings: which database, where the var/ folder is, whether this is a demo.

One setting chooses the database: ``FANGXIAN_DATABASE_URL`` (or, in the dashboard,
``[fangxian] database_url`` in Streamlit secrets, passed in by the dashboard). The default is a
SQLite file in ``var/`` beside the source tree, which is git-ignored and created on first run.

Time: the district's zone is ``FANGXIAN_TIMEZONE`` (an IANA name, default ``Asia/Shanghai``);
every stored time is a naive timestamp in that zone, taken from ``district_now()`` (the rows'
defaults and ``core.services.clock`` both ask here), so "the day" of anything is the date of its
stored time whatever zone the machine is set to.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.model.errors import InvalidInput

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_TIMEZONE = "Asia/Shanghai"


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


def migrate_url(explicit: str | None = None) -> str | None:
    """The database owner's URL for migrations (PostgreSQL): explicit argument, then
    ``FANGXIAN_MIGRATE_URL``; None means migrations run as the app's own role. Set it only where
    ``fangxian init`` runs, never in the app's environment (the app's role must not own the tables)."""
    return explicit or os.environ.get("FANGXIAN_MIGRATE_URL") or None


# --- the district's clock -----------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # malformed ("../x"), a folder ("Asia")
        raise InvalidInput("config.timezone_unknown", zone=name) from exc


def district_timezone() -> ZoneInfo:
    """The district's zone: ``FANGXIAN_TIMEZONE`` (default Asia/Shanghai); an unknown name is refused."""
    return _zone(os.environ.get("FANGXIAN_TIMEZONE", "").strip() or DEFAULT_TIMEZONE)


def instant() -> dt.datetime:
    """The process clock as an aware UTC instant: the one reading behind every stored time (tests
    replace this one function to simulate another moment)."""
    return dt.datetime.now(dt.UTC)


def district_now() -> dt.datetime:
    """Now in the district's zone, naive (the policy of every stored time), to the microsecond."""
    return instant().astimezone(district_timezone()).replace(tzinfo=None)
