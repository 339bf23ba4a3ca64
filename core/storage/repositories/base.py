"""Repositories: the storage functions of one aggregate, bound to one unit of work's session.

Each repository module keeps its SQL as plain functions ``f(session, ...)`` (easy to read and to
test) and ends with a class that binds them: ``uow.reassign.lock_staff(ids)`` calls
``lock_staff(session, ids)`` with the unit of work's session. Services see only the bound methods,
so a test can hand a service a fake unit of work with in-memory repositories.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from sqlalchemy.orm import Session

P = ParamSpec("P")
R = TypeVar("R")


class Repository:
    def __init__(self, session: Session) -> None:
        self.session = session


class bound(Generic[P, R]):  # noqa: N801  (used like a decorator-style descriptor)
    """A storage function ``f(session, *args)`` seen from a repository as the method ``f(*args)``."""

    def __init__(self, fn: Callable[Concatenate[Session, P], R]) -> None:
        self.fn = fn
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    @overload
    def __get__(self, obj: None, owner: type[Any]) -> bound[P, R]: ...

    @overload
    def __get__(self, obj: Repository, owner: type[Any]) -> Callable[P, R]: ...

    def __get__(self, obj: Repository | None, owner: type[Any]) -> bound[P, R] | Callable[P, R]:
        if obj is None:
            return self
        return functools.partial(self.fn, obj.session)
