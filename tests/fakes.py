"""In-memory fakes of the unit of work and its repositories (cosmicpython's FakeRepository style).

A service test builds a ``FakeUnitOfWork`` holding only the repositories that service uses, runs
the service on it and inspects what was written; no database is involved. Storage behaviour
(locks, constraints, both backends) is tested against SQLite and PostgreSQL in tests/storage.
"""

from __future__ import annotations

from typing import Any


class FakeMeta:
    def __init__(self, values: dict[str, str] | None = None) -> None:
        self.values = dict(values or {})

    def get(self, key: str) -> str | None:
        return self.values.get(key)

    def set(self, key: str, value: str) -> None:
        self.values[key] = value


class FakeAudit:
    """The audit log as a list of appended entries (there is no update and no delete)."""

    def __init__(self) -> None:
        self.entries: list[dict[str, Any]] = []

    def append(self, **fields: Any) -> None:
        self.entries.append(dict(fields))

    def append_many(self, rows: list[dict[str, Any]]) -> None:
        self.entries.extend(dict(r) for r in rows)

    def actions(self) -> list[str]:
        return [e["action"] for e in self.entries]


class FakeUnitOfWork:
    """Holds the fake repositories a test gives it (``FakeUnitOfWork(accounts=...)``); ``meta`` and
    ``audit`` are always there."""

    dialect = "fake"

    def __init__(self, *, meta: dict[str, str] | None = None, **repositories: Any) -> None:
        self.meta = FakeMeta(meta)
        self.audit = FakeAudit()
        self.flushes = 0
        for name, repo in repositories.items():
            setattr(self, name, repo)

    def flush(self) -> None:
        self.flushes += 1
