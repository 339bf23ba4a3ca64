"""The unit of work as services and their callers see it (the SQL one lives in ``core.storage.uow``).

Pages and CLI commands open one per user action and pass it to the services they call::

    with unit_of_work(url) as uow:
        move_staff(uow, actor, moves, reason)
"""

from __future__ import annotations

from core.storage.uow import UnitOfWork, unit_of_work

__all__ = ["UnitOfWork", "unit_of_work"]
