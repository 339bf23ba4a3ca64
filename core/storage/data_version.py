"""The data version: a fingerprint that changes with every committed write, for caches to key on.

Every write of the product is audited, so a transaction that appended to ``audit_log`` is a write.
An engine hook notes such an insert on its connection; just before that transaction commits, the session
hook moves the one ``data_version`` row on by one. The row is taken last (after the transaction's
other locks), so on PostgreSQL committing writers pass it one at a time — the counter grows in commit
order — and no lock cycle can run through it. Readers see the counter of the commits their snapshot holds.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from core.storage.rows import DataVersion

ROW_ID = 1
#: the key on a connection's info while its transaction has appended to the audit log
AUDITED = "fangxian.audited"
_AUDIT_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"?audit_log"?[\s(]', re.IGNORECASE)


def _note_audit_insert(conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if _AUDIT_INSERT.match(statement):
        conn.info[AUDITED] = True


def _forget(conn: Connection) -> None:
    conn.info.pop(AUDITED, None)


def install(engine: Engine) -> None:
    """Watch ``engine``'s statements for audit inserts (``core.storage.db.get_engine`` calls it)."""
    event.listen(engine, "before_cursor_execute", _note_audit_insert)
    for name in ("begin", "commit", "rollback"):
        event.listen(engine, name, _forget)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    if session.get_transaction() is None:
        return
    session.flush()  # the commit's own flush comes after this hook: audit rows still pending go now
    conn = session.connection()
    if conn.info.pop(AUDITED, False):
        moved = session.execute(update(DataVersion).where(DataVersion.id == ROW_ID).values(n=DataVersion.n + 1))
        if not moved.rowcount:  # type: ignore[attr-defined]
            session.add(DataVersion(id=ROW_ID, epoch="recreated", n=1))
            session.flush()


def current(session: Session) -> str:
    """The version as this session's snapshot sees it (``epoch:n``)."""
    row = session.execute(select(DataVersion.epoch, DataVersion.n).where(DataVersion.id == ROW_ID)).first()
    return f"{row.epoch}:{row.n}" if row is not None else "none:0"
