"""The unit of work: one transaction, and the repositories that read and write inside it.

The caller owns it: one user action (a page's button, a CLI command) opens one unit of work, hands
it to the services it calls, and it commits when the block ends without an exception (any exception
rolls everything back). Services never open their own, so one action is one transaction and a
service can be tested with a fake (``tests/fakes.py``).

    with unit_of_work(url) as uow:
        result = move_staff(uow, actor, moves, reason)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property

from sqlalchemy.orm import Session

from core.storage.db import get_meta, session_factory, set_meta
from core.storage.repositories.alerts_repo import AlertsRepository
from core.storage.repositories.audit_repo import AuditRepository
from core.storage.repositories.care_repo import CareRepository
from core.storage.repositories.desk_repo import DeskRepository
from core.storage.repositories.duty_repo import DutyRepository
from core.storage.repositories.front_line_repo import FrontLineRepository
from core.storage.repositories.identity_repo import IdentityRepository
from core.storage.repositories.import_repo import ImportRepository
from core.storage.repositories.incident_repo import IncidentRepository
from core.storage.repositories.isolation_repo import IsolationRepository
from core.storage.repositories.jobs_repo import JobsRepository
from core.storage.repositories.reassign_repo import ReassignRepository
from core.storage.repositories.reports_repo import ReportsRepository
from core.storage.repositories.rosters_repo import RosterRepository
from core.storage.repositories.scenario_repo import ScenarioRepository
from core.storage.repositories.screening_repo import ScreeningRepository
from core.storage.repositories.setup_repo import SetupRepository
from core.storage.repositories.state_repo import StateRepository
from core.storage.repositories.tables_repo import TablesRepository
from core.storage.repositories.volunteers_repo import VolunteerRepository


class MetaRepository:
    """``uow.meta``: key/value facts about this database (demo flag, demo day, settings)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str) -> str | None:
        return get_meta(self.session, key)

    def set(self, key: str, value: str) -> None:
        set_meta(self.session, key, value)


class UnitOfWork:
    """One transaction over the repositories (``uow.reassign``, ``uow.audit``, ...)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``: the few places that lock differently ask this."""
        return self.session.get_bind().dialect.name

    def flush(self) -> None:
        self.session.flush()

    @cached_property
    def meta(self) -> MetaRepository:
        return MetaRepository(self.session)

    @cached_property
    def alerts(self) -> AlertsRepository:
        return AlertsRepository(self.session)

    @cached_property
    def audit(self) -> AuditRepository:
        return AuditRepository(self.session)

    @cached_property
    def care(self) -> CareRepository:
        return CareRepository(self.session)

    @cached_property
    def desk(self) -> DeskRepository:
        return DeskRepository(self.session)

    @cached_property
    def duty(self) -> DutyRepository:
        return DutyRepository(self.session)

    @cached_property
    def front_line(self) -> FrontLineRepository:
        return FrontLineRepository(self.session)

    @cached_property
    def identity(self) -> IdentityRepository:
        return IdentityRepository(self.session)

    @cached_property
    def imports(self) -> ImportRepository:
        return ImportRepository(self.session)

    @cached_property
    def incidents(self) -> IncidentRepository:
        return IncidentRepository(self.session)

    @cached_property
    def isolation(self) -> IsolationRepository:
        return IsolationRepository(self.session)

    @cached_property
    def jobs(self) -> JobsRepository:
        return JobsRepository(self.session)

    @cached_property
    def reassign(self) -> ReassignRepository:
        return ReassignRepository(self.session)

    @cached_property
    def reports(self) -> ReportsRepository:
        return ReportsRepository(self.session)

    @cached_property
    def rosters(self) -> RosterRepository:
        return RosterRepository(self.session)

    @cached_property
    def scenarios(self) -> ScenarioRepository:
        return ScenarioRepository(self.session)

    @cached_property
    def screening(self) -> ScreeningRepository:
        return ScreeningRepository(self.session)

    @cached_property
    def setup(self) -> SetupRepository:
        return SetupRepository(self.session)

    @cached_property
    def state(self) -> StateRepository:
        return StateRepository(self.session)

    @cached_property
    def tables(self) -> TablesRepository:
        return TablesRepository(self.session)

    @cached_property
    def volunteers(self) -> VolunteerRepository:
        return VolunteerRepository(self.session)


@contextmanager
def unit_of_work(url: str | None = None) -> Iterator[UnitOfWork]:
    """One transaction: commits when the block ends, rolls back on any exception."""
    session = session_factory(url)()
    try:
        with session.begin():
            yield UnitOfWork(session)
    finally:
        session.close()
