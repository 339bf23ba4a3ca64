"""Issue 14, point 1: simultaneous wrong passwords for one account cannot slip past the lockout. Every
attempt reads and writes the failure count under a lock (a row lock on PostgreSQL, SQLite's write lock
taken before the read), so N parallel attempts count exactly up to the limit and the rest see the lock."""

from __future__ import annotations

import threading
from collections import Counter

from core.demo.accounts import DEMO_PASSWORD
from core.model.identity_policy import MAX_FAILED_ATTEMPTS
from core.services.identity import authenticate
from core.services.uow import unit_of_work

ATTEMPTS = 16


def _attempt(url: str, password: str) -> str:
    with unit_of_work(url) as uow:
        outcome = authenticate(uow, "clerk", password)
    return "ok" if outcome.refusal is None else type(outcome.refusal).__name__


def test_parallel_wrong_passwords_lock_the_account_after_exactly_the_limit(demo_db: str) -> None:
    start = threading.Barrier(ATTEMPTS)
    results: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        start.wait()
        outcome = _attempt(demo_db, "not-the-password")
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker) for _ in range(ATTEMPTS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert Counter(results) == {"AuthenticationFailed": MAX_FAILED_ATTEMPTS,
                                "AccountLocked": ATTEMPTS - MAX_FAILED_ATTEMPTS}
    assert _attempt(demo_db, DEMO_PASSWORD) == "AccountLocked"  # the right password waits out the lock
