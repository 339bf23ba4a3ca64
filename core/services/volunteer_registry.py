"""The volunteer registry: when each volunteer or party member can serve (weekdays and hours), which the
assignment checks warn about (``core.model.volunteer_rules``)."""

from __future__ import annotations

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput, NotFound
from core.model.volunteer_rules import DEPLOYABLE_KINDS, weekdays
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

REGISTRY_ROLES = ("coordinator", "clerk", "admin")


@write_service(*REGISTRY_ROLES)
def set_availability(uow: UnitOfWork, actor: Actor, staff_id: int, days: str, hour_from: int, hour_to: int) -> None:
    """Register when a volunteer can serve (weekday digits 0 = Monday … 6 = Sunday, whole hours)."""
    clean = "".join(str(d) for d in weekdays(days))
    if not clean:
        raise InvalidInput("volunteer.weekdays_missing")
    if not 0 <= int(hour_from) < int(hour_to) <= 24:
        raise InvalidInput("volunteer.hours_range")
    repo = uow.volunteers
    person = repo.staff_ref(staff_id)
    if person is None or person["kind"] not in DEPLOYABLE_KINDS:
        raise NotFound("volunteer.volunteer_missing", id=staff_id)
    if person["community_id"] is not None:
        comm = uow.tables.community_ref(int(person["community_id"]))
        require(actor, *REGISTRY_ROLES, streets=[comm["street_code"]] if comm else [])
    row = repo.get_availability(staff_id)
    before = None if row is None else {"days": row.days, "hour_from": row.hour_from, "hour_to": row.hour_to}
    if row is None:
        row = repo.add_availability(staff_id)
    row.days, row.hour_from, row.hour_to = clean, int(hour_from), int(hour_to)
    row.updated_by, row.updated_at = actor.username, clock.wall_now()
    record(uow, actor, "volunteer.availability", "staff", person["code"], before=before,
           after={"days": clean, "hour_from": int(hour_from), "hour_to": int(hour_to)}, batch_id=new_batch_id())
