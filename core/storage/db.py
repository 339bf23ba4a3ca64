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
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

import core.storage.schema  # noqa: F401  (every table registered before use)
from core.config import database_url, migrate_url
from core.model.errors import InvalidInput
from core.storage import data_version
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
    # REPLACE's implicit delete fires DELETE triggers only with recursive triggers on: audit_log's
    # no-delete trigger then refuses ``INSERT OR REPLACE`` too (migration 0004 also refuses it directly)
    cur.execute("PRAGMA recursive_triggers=ON")
    # the engines read whole tables: keep them in this (pooled) connection's page cache instead of the
    # default 2 MiB, which re-reads every page of a district-sized table from the OS on each read (measured:
    # twice the CPU time of a full staff read); pages are only held as they are read
    cur.execute("PRAGMA cache_size=-131072")  # KiB: up to 128 MiB per connection
    cur.execute("PRAGMA mmap_size=268435456")
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
                engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)
                event.listen(engine, "connect", _sqlite_pragmas)
            else:
                engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)
            data_version.install(engine)
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


def owner_url(url: str | None = None, explicit_owner: str | None = None) -> str:
    """The URL that runs migrations and other DDL for the database at ``url``: the owner's
    (``FANGXIAN_MIGRATE_URL``) when it is set and names the same database, else ``url`` itself."""
    url = database_url(url)
    owner = migrate_url(explicit_owner)
    if not owner or owner == url:
        return url
    a, b = make_url(url), make_url(owner)
    if (a.get_backend_name(), a.host, a.port, a.database) != (b.get_backend_name(), b.host, b.port, b.database):
        log.warning("FANGXIAN_MIGRATE_URL names another database than the app's: ignored")
        return url
    return owner


def migrate(url: str | None = None, *, explicit_owner: str | None = None) -> None:
    """Upgrade the schema to the newest migration, as the database owner when one is configured
    (``FANGXIAN_MIGRATE_URL``); the app's own role (the user of ``url``), if another, is then granted
    exactly what the app needs (``grant_app_role``)."""
    url = database_url(url)
    owner = owner_url(url, explicit_owner)
    try:
        command.upgrade(alembic_config(owner), "head")
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege: the app's role owns nothing
            raise InvalidInput("audit_guard.migrate_needs_owner") from None
        raise
    app_role = make_url(url).username
    if owner != url and app_role and app_role != make_url(owner).username:
        grant_app_role(owner, app_role)


def grant_app_role(owner: str, app_role: str) -> None:
    """PostgreSQL: let ``app_role`` (a login role that owns nothing) do what the app does and no more:
    SELECT/INSERT/UPDATE/DELETE on every table but ``audit_log`` (SELECT and INSERT only) and the
    migration stamp (SELECT only), and the id sequences. Without ownership it can neither disable nor
    drop the audit triggers, nor drop, truncate, update or delete the audit trail. Idempotent; run
    after every migration. A no-op on SQLite (whoever can write the file can do anything)."""
    engine = get_engine(owner)
    if engine.dialect.name != "postgresql":
        return
    role = engine.dialect.identifier_preparer.quote(app_role)
    with engine.begin() as conn:
        for sql in (
            f"GRANT USAGE ON SCHEMA public TO {role}",
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
            f"REVOKE ALL ON audit_log FROM {role}",
            f"GRANT SELECT, INSERT ON audit_log TO {role}",
            f"REVOKE ALL ON alembic_version FROM {role}",
            f"GRANT SELECT ON alembic_version TO {role}",
            # nextval for new rows; setval for the demo seeder (at worst a collision refuses an insert)
            f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role}",
        ):
            conn.exec_driver_sql(sql)


def drop_everything(url: str | None = None) -> None:
    """Drop every table and the migration stamp (``fangxian demo --reset`` and ``--drop``, which check
    first that the database is the demo); ``migrate`` rebuilds. Runs as the owner when one is set."""
    from core.storage.rows import Base

    engine = get_engine(owner_url(url))
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
