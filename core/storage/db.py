"""Engine, sessions, migrations and the ``meta`` key/value facts (first-run setup is in
``core.demo.setup``; storage never imports the demo)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import core.storage.schema  # noqa: F401  (every table registered before use)
from core.config import database_url
from core.storage.rows import Meta

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

#: errors that mean "the database did not answer" (down, restarting, network): callers may retry
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, TimeoutError,
                                                       ConnectionError)

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def get_engine(url: str | None = None) -> Engine:
    """One engine per URL per process (engines are thread-safe and pool connections)."""
    url = database_url(url)
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                if ":memory:" in url:
                    raise ValueError("in-memory SQLite is per-thread; use a file")
                Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)
                engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (tests, forked workers)."""
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def session_factory(url: str | None = None) -> sessionmaker[Session]:
    return sessionmaker(get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A raw session in one transaction (storage, the demo seeder and migrations). Services take a
    ``core.storage.uow.UnitOfWork`` instead, opened by their caller."""
    session = session_factory(url)()
    try:
        with session.begin():
            yield session
    finally:
        session.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["engine"] = get_engine(url)
    return cfg


def migrate(url: str | None = None) -> None:
    """Upgrade the schema to the newest migration."""
    url = database_url(url)
    command.upgrade(alembic_config(url), "head")


def drop_everything(url: str | None = None) -> None:
    """Drop every table and the migration stamp (``fangxian demo --reset``); ``migrate`` rebuilds."""
    from core.storage.rows import Base

    engine = get_engine(database_url(url))
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def is_empty(url: str | None = None) -> bool:
    """True when the schema exists but no district has been loaded."""
    from core.storage.rows import District

    engine = get_engine(url)
    if not inspect(engine).has_table("district"):
        return True
    with session_scope(url) as s:
        return s.scalar(select(District.id).limit(1)) is None


def is_demo(url: str | None = None) -> bool:
    with session_scope(url) as s:
        return get_meta(s, "demo") == "1"
