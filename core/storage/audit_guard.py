"""The guard of the audit trail: the triggers that make ``audit_log`` append-only, as they must be at
the newest migration (0002 and 0004 create them).

``verify_audit_guard`` runs at every start-up (``fangxian init``, ``fangxian serve``, the app): a
trigger missing, disabled or changed stops it with one line, because an audit trail that can be
rewritten is worse than none. ``repair_audit_guard`` (``fangxian init --repair-audit``, run as the
database owner) recreates what is wrong; the caller records the repair in the trail itself.

SQLite: triggers refuse UPDATE, DELETE and an INSERT of an existing id (``INSERT OR REPLACE``).
PostgreSQL: row triggers refuse UPDATE and DELETE, a statement trigger TRUNCATE, both enabled ALWAYS;
the app's role owns nothing (``core.storage.db.grant_app_role``), so it cannot disable or drop them.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.exc import DBAPIError

from core.config import database_url
from core.model.errors import InvalidInput
from core.storage.db import get_engine, migrate, owner_url

log = logging.getLogger(__name__)

TABLE = "audit_log"

SQLITE_TRIGGERS: dict[str, str] = {
    "audit_log_no_update": """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """,
    "audit_log_no_delete": """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """,
    "audit_log_no_replace": """
    CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
    WHEN EXISTS (SELECT 1 FROM audit_log WHERE id = NEW.id)
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: REPLACE refused'); END
    """,
}

PG_FUNCTION_NAME = "fangxian_audit_log_append_only"
PG_FUNCTION_BODY = """
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
"""
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PG_FUNCTION_NAME}() RETURNS trigger
LANGUAGE plpgsql AS $${PG_FUNCTION_BODY}$$
"""
#: name -> (definition, pg_trigger.tgtype: ROW 1 | BEFORE 2 | INSERT 4 | DELETE 8 | UPDATE 16 | TRUNCATE 32)
PG_TRIGGERS: dict[str, tuple[str, int]] = {
    "audit_log_append_only": ("""
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION fangxian_audit_log_append_only()
    """, 1 | 2 | 8 | 16),
    "audit_log_no_truncate": ("""
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION fangxian_audit_log_append_only()
    """, 2 | 32),
}

#: what ``repair_audit_guard`` runs (literal statements: names are never interpolated into SQL)
SQLITE_REINSTALL = (
    "DROP TRIGGER IF EXISTS audit_log_no_update", SQLITE_TRIGGERS["audit_log_no_update"],
    "DROP TRIGGER IF EXISTS audit_log_no_delete", SQLITE_TRIGGERS["audit_log_no_delete"],
    "DROP TRIGGER IF EXISTS audit_log_no_replace", SQLITE_TRIGGERS["audit_log_no_replace"],
)
PG_REINSTALL = (
    PG_FUNCTION,
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log", PG_TRIGGERS["audit_log_append_only"][0],
    "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_append_only",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log", PG_TRIGGERS["audit_log_no_truncate"][0],
    "ALTER TABLE audit_log ENABLE ALWAYS TRIGGER audit_log_no_truncate",
)


def _norm(sql: str | None) -> str:
    return " ".join((sql or "").split()).rstrip(";").lower()


def _problems(conn: Connection) -> list[str]:
    """What is wrong with the guard: ``audit_log`` (the table is gone) or the names of the triggers
    (and of the trigger function) that are missing, disabled or not as defined. Empty: all is well."""
    if conn.dialect.name == "sqlite":
        found: dict[str, str | None] = {str(name): sql for name, sql in conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name = :t "
            "UNION ALL SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": TABLE})}
        if TABLE not in found:
            return [TABLE]
        return [name for name, sql in SQLITE_TRIGGERS.items() if _norm(found.get(name)) != _norm(sql)]
    if conn.dialect.name != "postgresql":
        return []
    if conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": TABLE}).scalar_one() is not True:
        return [TABLE]
    rows = conn.execute(text(
        "SELECT t.tgname, t.tgtype, t.tgenabled::text, t.tgattr::text, t.tgqual IS NULL, p.proname, p.prosrc"
        " FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid"
        " WHERE t.tgrelid = to_regclass(:t) AND NOT t.tgisinternal"), {"t": TABLE}).all()
    by_name = {r[0]: r for r in rows}
    out: list[str] = []
    body_ok = True
    for name, (_sql, tgtype) in PG_TRIGGERS.items():
        row = by_name.get(name)
        if row is None:
            out.append(name)
            continue
        _, got_type, enabled, attrs, no_when, proname, prosrc = row
        if proname == PG_FUNCTION_NAME and _norm(prosrc) != _norm(PG_FUNCTION_BODY):
            body_ok = False
        # enabled ALWAYS, every column (no UPDATE OF), no WHEN clause, the right events and function
        if (int(got_type) != tgtype or enabled != "A" or (attrs or "").strip() or not no_when
                or proname != PG_FUNCTION_NAME):
            out.append(name)
    if not body_ok:
        out.append(PG_FUNCTION_NAME)
    return out


def audit_guard_problems(url: str | None = None) -> list[str]:
    """The parts of the guard that are missing or changed (empty: intact)."""
    with get_engine(database_url(url)).connect() as conn:
        return _problems(conn)


def verify_audit_guard(url: str | None = None) -> None:
    """Refuse to go on (``InvalidInput("audit_guard.missing")``) unless every trigger of the guard is
    in place, enabled and as defined; ``fangxian init --repair-audit`` fixes it."""
    problems = audit_guard_problems(url)
    if problems:
        raise InvalidInput("audit_guard.missing", parts=problems)


def repair_audit_guard(url: str | None = None, *, explicit_owner: str | None = None) -> list[str]:
    """Migrate, then recreate whatever part of the guard is missing or changed (an emptied-out
    ``audit_log`` table included), as the database owner; returns what was wrong (empty: nothing to
    do). The caller records the repair in the audit trail. Refused when the role may not change the
    schema (``audit_guard.repair_needs_owner``: set ``FANGXIAN_MIGRATE_URL``)."""
    from core.storage.schema import metadata

    url = database_url(url)
    owner = owner_url(url, explicit_owner)
    migrate(url, explicit_owner=explicit_owner)
    engine = get_engine(owner)
    try:
        with engine.begin() as conn:
            problems = _problems(conn)
            if not problems:
                return []
            if TABLE in problems:
                metadata.tables[TABLE].create(conn)
            for sql in SQLITE_REINSTALL if conn.dialect.name == "sqlite" else PG_REINSTALL:
                conn.execute(text(sql))  # text(): the driver would read the function's % as a placeholder
            left = _problems(conn)
            if left:  # cannot happen unless the definitions above drift from _problems
                raise InvalidInput("audit_guard.missing", parts=left)
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == "42501":  # insufficient_privilege: not the owner
            raise InvalidInput("audit_guard.repair_needs_owner") from None
        raise
    if TABLE in problems:
        migrate(url, explicit_owner=explicit_owner)  # grants the app's role on the recreated table again
    log.info("audit guard repaired: %s", ", ".join(problems))
    return problems


def app_role_can_tamper(url: str | None = None) -> bool:
    """PostgreSQL: True when the role of ``url`` could switch the guard off (it owns ``audit_log``, is a
    superuser, or may update, delete or truncate it): a deployment should use two roles (README)."""
    engine = get_engine(database_url(url))
    if engine.dialect.name != "postgresql":
        return False
    with engine.connect() as conn:
        return bool(conn.execute(text(
            "SELECT r.rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE')"
            " OR has_table_privilege(c.oid, 'UPDATE') OR has_table_privilege(c.oid, 'DELETE')"
            " OR has_table_privilege(c.oid, 'TRUNCATE')"
            " FROM pg_class c, pg_roles r WHERE c.oid = to_regclass(:t) AND r.rolname = current_user"),
            {"t": TABLE}).scalar())


def may_reset(url: str | None = None) -> bool:
    """Whether ``fangxian demo --reset`` may drop every table: only the demo (meta ``demo`` = 1) or a
    database with nothing to lose (no tables, or no district, no account and no audit entry)."""
    from core.storage import rows as orm

    engine = get_engine(database_url(url))
    tables = set(inspect(engine).get_table_names())
    if not tables:
        return True
    with engine.connect() as conn:
        if "meta" in tables and conn.scalar(select(orm.Meta.value).where(orm.Meta.key == "demo")) == "1":
            return True
        for table, id_column in (("district", orm.District.id), ("community", orm.Community.id),
                                 ("app_user", orm.AppUser.id), (TABLE, orm.AuditLog.id)):
            if table in tables and conn.scalar(select(id_column).limit(1)) is not None:
                return False
    return True
