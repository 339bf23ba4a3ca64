"""The front line on the phone (网格员, 社区工作人员): what they enter where they stand, inside their own
grids or community, each form at most once.

Every form from a phone carries an id made on the device (``client_id``). The first submission writes and
stores the id beside what it wrote, in the same transaction; a resubmission after a dropped connection
finds the id and returns the first result without writing again (``Submitted.repeat``). Two submissions
racing on the same id: the second one's insert of the id fails at commit and the caller retries, finding it.

Door-to-door screening (数电灯): one visit per door (building, unit, room) of a campaign. Outcomes:

* ``lit`` 在家（亮灯）— at home, as on the roster;
* ``extra`` 人在但不在名单 — someone at home who is not on the roster: added to it (name, phone);
* ``dark`` 不在家 — nobody at home: to follow up by phone;
* ``away_reached`` / ``away_unreached`` 在名单但不在家（已电话联系 / 联系不上）— a dark door followed up
  (at the door, or later from the follow-up list; the later call changes only the outcome).

Each new visit adds one progress row to the campaign (visited 1; at home for lit/extra, not at home
otherwise; a roster discrepancy for extra), so the desk's counts and burn-down move at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.i18n import DEFAULT_LANG, translate
from core.model.actor import Actor, require, write_service
from core.model.errors import ConcurrentChange, InvalidInput, NotFound, RuleViolation
from core.model.privacy import mask_names, mask_phones
from core.services import clock, screening
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

#: desk roles that may enter on the front line's behalf, beside the front line itself
ENTRY_ROLES = ("grid_member", "community_staff", "coordinator", "clerk", "admin")
OUTCOMES = ("lit", "extra", "dark", "away_reached", "away_unreached")
FOLLOW_UPS = ("away_reached", "away_unreached")
AT_HOME = frozenset({"lit", "extra"})
TEMP_RANGE = (34.0, 43.0)
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
MAX_TEXT = 300


@dataclass(frozen=True)
class Submitted:
    """What a form wrote (``ref``), and whether this was a resubmission of one already accepted."""

    kind: str
    ref: str
    repeat: bool


def check_client_id(client_id: str) -> str:
    if not CLIENT_ID_RE.match(client_id or ""):
        raise InvalidInput("front.client_id_invalid")
    return client_id


def earlier(uow: UnitOfWork, actor: Actor, client_id: str, kind: str) -> Submitted | None:
    """The first submission of this form, when the device sends it again (same id, same person, same kind)."""
    seen = uow.front_line.submission(check_client_id(client_id))
    if seen is None:
        return None
    if seen["username"] != actor.username or seen["kind"] != kind:
        raise InvalidInput("front.client_id_reused")
    return Submitted(kind, str(seen["ref"]), repeat=True)


def remember(uow: UnitOfWork, actor: Actor, client_id: str, kind: str, ref: str, now: dt.datetime) -> Submitted:
    uow.front_line.add_submission(client_id=client_id, kind=kind, ref=ref, username=actor.username, at=now)
    return Submitted(kind, ref, repeat=False)


def my_grids(uow: UnitOfWork, actor: Actor) -> pd.DataFrame:
    """The grids the account works in (a desk account: every grid of its streets)."""
    require(actor, *ENTRY_ROLES)
    return uow.front_line.grids_of(streets=actor.streets, communities=actor.communities, grids=actor.grids)


def grid_shapes(uow: UnitOfWork, actor: Actor, grid_ids: list[int]) -> pd.DataFrame:
    """Centre and outline of grids of mine (for the phone's map); grids outside the account's are left out."""
    mine = set(my_grids(uow, actor)["id"].astype(int))
    return uow.front_line.grid_shapes([g for g in grid_ids if g in mine])


def _grid_in_scope(uow: UnitOfWork, actor: Actor, grid_id: int) -> dict[str, Any]:
    g = uow.screening.grid_street(grid_id)
    if g is None:
        raise NotFound("front.grid_missing", id=grid_id)
    require(actor, *ENTRY_ROLES, places=[(g["street_code"], g["community_code"], g["code"])])
    return g


def _door(building: str, unit: str, room: str) -> tuple[str, str, str]:
    b, u, r = (str(x or "").strip() for x in (building, unit, room))
    if not b or not r:
        raise InvalidInput("front.door_missing")
    if max(len(b), len(u) * 3, len(r) * 3) > 60:
        raise InvalidInput("front.door_too_long")
    return b, u, r


def _temperature(value: float | None) -> float | None:
    if value is None:
        return None
    t = round(float(value), 1)
    if not TEMP_RANGE[0] <= t <= TEMP_RANGE[1]:
        raise InvalidInput("front.temperature_range", low=TEMP_RANGE[0], high=TEMP_RANGE[1], reading=t)
    return t


@write_service(*ENTRY_ROLES)
def record_visit(uow: UnitOfWork, actor: Actor, *, client_id: str, campaign_id: int, grid_id: int, building: str,
                 unit: str, room: str, outcome: str, temperature: float | None = None, note: str = "",
                 person_name: str = "", person_phone: str = "", now: dt.datetime | None = None) -> Submitted:
    """One door of a campaign (see the module): the visit, its progress row, a roster addition for a person
    not on the roster, all in the caller's transaction; a resubmission returns the first visit."""
    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "screening.visit")
    if again is not None:
        return again
    if outcome not in OUTCOMES:
        raise InvalidInput("front.outcome_unknown", outcome=outcome)
    b, u, r = _door(building, unit, room)
    note = (note or "").strip()
    if len(note) > MAX_TEXT:
        raise InvalidInput("front.text_too_long", max=MAX_TEXT)
    temp = _temperature(temperature)
    name = (person_name or "").strip()
    if outcome == "extra" and not name:
        raise InvalidInput("front.person_missing")
    camp = screening.running_campaign(uow, campaign_id)
    g = _grid_in_scope(uow, actor, grid_id)
    target = uow.screening.target_of(campaign_id, grid_id)
    if target is None:
        raise NotFound("screening.grid_not_in_campaign", grid_id=grid_id, code=camp.code)
    if uow.front_line.visit_at(campaign_id, grid_id, b, u, r) is not None:
        raise RuleViolation("front.door_visited", door=door_label(b, u, r))
    so_far = screening.visited_within_target(uow, campaign_id, g, target, 1)
    home = outcome in AT_HOME
    progress_id = uow.front_line.add_progress(
        campaign_id=campaign_id, grid_id=grid_id, building=b, at=now, visited=1, at_home=int(home),
        not_home=int(not home), discrepancies=int(outcome == "extra"), entered_by=actor.username)
    visit = uow.front_line.add_visit(campaign_id=campaign_id, grid_id=grid_id, building=b, unit=u, room=r,
                                     outcome=outcome, temperature=temp, note=note, progress_id=progress_id,
                                     entered_by=actor.username, at=now,
                                     followed_up_at=now if outcome in FOLLOW_UPS else None)
    if outcome == "extra":
        uow.front_line.add_roster_addition(visit_id=visit.id, community_id=int(g["community_id"]), grid_id=grid_id,
                                           name=name[:60], phone=(person_phone or "").strip()[:32] or None,
                                           added_by=actor.username, added_at=now)
    record(uow, actor, "screening.visit", "screening_campaign", camp.code, community_code=g["community_code"],
           after={"grid": g["code"], "door": door_label(b, u, r), "outcome": outcome, "temperature": temp,
                  "roster_added": outcome == "extra", "total": so_far + 1}, batch_id=new_batch_id())
    return remember(uow, actor, client_id, "screening.visit", str(visit.id), now)


@write_service(*ENTRY_ROLES)
def follow_up_visit(uow: UnitOfWork, actor: Actor, *, client_id: str, visit_id: int, outcome: str,
                    expected_version: int, note: str = "", now: dt.datetime | None = None) -> Submitted:
    """The phone call after a dark door: reached (已电话联系) or not (联系不上); the campaign's counts stay."""
    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "screening.follow_up")
    if again is not None:
        return again
    if outcome not in FOLLOW_UPS:
        raise InvalidInput("front.follow_up_unknown", outcome=outcome)
    visit = uow.front_line.visit_row(visit_id)
    if visit is None:
        raise NotFound("front.visit_missing", id=visit_id)
    g = _grid_in_scope(uow, actor, visit.grid_id)
    if visit.version != expected_version:
        raise ConcurrentChange("front.visit_changed", door=door_label(visit.building, visit.unit, visit.room))
    if visit.outcome in AT_HOME:
        raise RuleViolation("front.visit_was_home", door=door_label(visit.building, visit.unit, visit.room))
    before = visit.outcome
    visit.outcome = outcome
    visit.followed_up_at = now
    extra = (note or "").strip()[:MAX_TEXT]
    if extra:
        visit.note = f"{visit.note}\n{extra}".strip()[:2000]
    uow.flush()
    camp = uow.screening.campaign(visit.campaign_id)
    record(uow, actor, "screening.follow_up", "screening_campaign", camp.code if camp else str(visit.campaign_id),
           community_code=g["community_code"], before={"outcome": before},
           after={"grid": g["code"], "door": door_label(visit.building, visit.unit, visit.room), "outcome": outcome},
           batch_id=new_batch_id())
    return remember(uow, actor, client_id, "screening.follow_up", str(visit.id), now)


def door_label(building: str, unit: str, room: str) -> str:
    """3栋-2单元-501 (no unit: 3栋-501)."""
    return "-".join(x for x in (building, unit, room) if x)


# --- reads ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridCampaign:
    """A running campaign in the account's grids: target, visited, the doors visited and to follow up."""

    campaign: dict[str, Any]
    grids: pd.DataFrame  # id, code, name, community, target, visited
    visits: pd.DataFrame  # VISIT_COLUMNS
    follow_up: pd.DataFrame  # dark doors not yet followed up


def campaign_in_my_grids(uow: UnitOfWork, actor: Actor, campaign_id: int | None = None) -> GridCampaign | None:
    """The newest running campaign (or ``campaign_id``) seen from the account's grids; None when none runs."""
    camps = uow.screening.campaigns()
    running = camps[camps["status"] == "active"] if len(camps) else camps
    if campaign_id is not None:
        running = running[running["id"] == campaign_id]
    if not len(running):
        return None
    camp = running.sort_values("started_at").iloc[-1].to_dict()
    mine = my_grids(uow, actor)
    targets = uow.screening.targets(int(camp["id"]))
    grids = mine.merge(targets[["grid_id", "target_households"]].rename(columns={"grid_id": "id"}), on="id")
    progress = uow.screening.progress(int(camp["id"]))
    done = progress.groupby("grid_id")["visited"].sum() if len(progress) else pd.Series(dtype="int64")
    grids = grids.assign(target=grids["target_households"].astype(int),
                         visited=grids["id"].map(done).fillna(0).astype(int)).drop(columns="target_households")
    visits = uow.front_line.visits(int(camp["id"]), [int(x) for x in grids["id"]])
    follow = visits[visits["outcome"] == "dark"]
    return GridCampaign(camp, grids.reset_index(drop=True), visits, follow.reset_index(drop=True))


def roster_additions(uow: UnitOfWork, actor: Actor, grid_ids: list[int]) -> pd.DataFrame:
    """People added to the roster by visits in the grids; names and phones masked except for the person who
    entered them and the roles with need-to-know."""
    require(actor, *ENTRY_ROLES)
    df = uow.front_line.roster_additions(grid_ids)
    if actor.sees_personal_data or not len(df):
        return df
    own = df["added_by"] == actor.username
    return df.assign(name=df["name"].where(own, mask_names(df["name"])),
                     phone=df["phone"].where(own, mask_phones(df["phone"])))



def campaign_feed(uow: UnitOfWork, campaign_id: int, streets: tuple[str, ...] | None = None) -> pd.DataFrame:
    """For the desk: the newest doors the front line entered in a campaign (inside ``streets``), with the name and
    phone of a person added to the roster (personal data: the page masks it for roles without need-to-know)."""
    visits, adds = uow.front_line.campaign_feed(campaign_id, frozenset(streets) if streets is not None else None)
    out = visits.merge(adds.rename(columns={"visit_id": "id", "name": "added_name", "phone": "added_phone"})
                       [["id", "added_name", "added_phone"]], on="id", how="left")
    return out.assign(door=[door_label(b, u, r) for b, u, r in zip(out["building"], out["unit"], out["room"],
                                                                   strict=True)])


#: needs ticked at an isolation check, each an errand of this kind (买菜、买药、代缴费用、陪同就医)
NEEDS = ("groceries", "medicine", "bills", "hospital")


@dataclass(frozen=True)
class CheckDone:
    submitted: Submitted
    max_temp: float
    errands: list[str]  # codes of the errands raised
    incidents: list[str]  # codes of the incidents raised (a fever)


@write_service(*ENTRY_ROLES)
def check_household(uow: UnitOfWork, actor: Actor, *, client_id: str, household_id: int, temperatures: list[float],
                    needs: list[str] = (), note: str = "",  # type: ignore[assignment]
                    now: dt.datetime | None = None) -> CheckDone:
    """Today's check of an isolated household from the phone: the readings, each need ticked as an errand in
    the queue with its deadline, and a fever raised as an incident at once; a resubmission writes nothing."""
    from core.services import errands, isolation

    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "isolation.check")
    if again is not None:
        return CheckDone(again, float("nan"), [], [])
    unknown = [n for n in needs if n not in NEEDS]
    if unknown:
        raise InvalidInput("front.need_unknown", needs=unknown)
    hottest = isolation.record_check(uow, actor, household_id, temperatures, need_groceries="groceries" in needs,
                                     need_medicine="medicine" in needs,
                                     need_other="、".join(n for n in needs if n not in ("groceries", "medicine")),
                                     note=note, now=now)
    raised = [errands.create_errand(uow, actor, kind=n, household_id=household_id, now=now,
                                    detail=translate(f"front.need_detail.{n}", DEFAULT_LANG)).code for n in needs]
    fever = isolation.raise_fever_now(uow, actor, household_id, now=now)
    done = remember(uow, actor, client_id, "isolation.check", str(household_id), now)
    return CheckDone(done, hottest, raised, fever.incident_codes)


def isolation_today(uow: UnitOfWork, actor: Actor, grid_ids: list[int], now: dt.datetime | None = None) -> pd.DataFrame:
    """Today's households of the account's grids, unchecked first; head of household and phone masked except
    for roles with need-to-know (the front line sees the door, not the name)."""
    require(actor, *ENTRY_ROLES)
    day = (now or clock.wall_now()).date()
    df = uow.front_line.isolation_today(grid_ids, day)
    if not len(df):
        return df
    df = df.sort_values(["checked_today", "code"], kind="stable").reset_index(drop=True)
    if actor.sees_personal_data:
        return df
    return df.assign(head_name=mask_names(df["head_name"]), phone=mask_phones(df["phone"]))


# --- errands for any resident --------------------------------------------------------------------


def _own_staff_id(uow: UnitOfWork, actor: Actor) -> int | None:
    user = uow.identity.get_user(actor.username)
    return None if user is None or user.get("staff_id") is None else int(user["staff_id"])


@write_service(*ENTRY_ROLES)
def new_errand(uow: UnitOfWork, actor: Actor, *, client_id: str, grid_id: int, kind: str, detail: str,
               resident_name: str = "", phone: str = "", address: str = "",
               now: dt.datetime | None = None) -> Submitted:
    """An errand for a resident of one of my grids (交电费, 降压药 …), into the errands queue with its deadline."""
    from core.services import errands

    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "errand.create")
    if again is not None:
        return again
    _grid_in_scope(uow, actor, grid_id)
    made = errands.create_errand(uow, actor, kind=kind, detail=detail, grid_id=grid_id, resident_name=resident_name,
                                 phone=phone, address=address, now=now)
    return remember(uow, actor, client_id, "errand.create", made.code, now)


@write_service(*ENTRY_ROLES)
def act_on_my_errand(uow: UnitOfWork, actor: Actor, *, client_id: str, errand_id: int, action: str,
                     expected_version: int, note: str = "", now: dt.datetime | None = None) -> Submitted:
    """``take`` an open errand of my grids (assigned to my own staff record) or mark one I took ``delivered``
    (done, with the time); audited as the desk's assign / complete."""
    now = now or clock.wall_now()
    kind = f"errand.{action}"
    again = earlier(uow, actor, client_id, kind)
    if again is not None:
        return again
    if action not in ("take", "deliver"):
        raise InvalidInput("front.errand_action_unknown", action=action)
    row = uow.volunteers.lock_errand(errand_id)
    if row is None:
        raise NotFound("errand.missing", id=errand_id)
    comm = uow.tables.community_ref(row.community_id)
    assert comm is not None
    grid = uow.screening.grid_street(row.grid_id) if row.grid_id is not None else None
    require(actor, *ENTRY_ROLES, places=[(comm["street_code"], comm["code"], grid["code"] if grid else None)])
    if row.version != expected_version:
        raise ConcurrentChange("errand.changed", code=row.code)
    mine = _own_staff_id(uow, actor)
    if mine is None:
        raise RuleViolation("front.no_staff_record")
    before = {"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version}
    if action == "take":
        if row.status not in ("new", "assigned") or (row.status == "assigned" and row.assignee_staff_id != mine):
            raise RuleViolation("front.errand_taken", code=row.code)
        row.status, row.assignee_staff_id, row.assigned_at = "assigned", mine, now
    else:
        if row.assignee_staff_id != mine or row.status not in ("assigned", "in_progress"):
            raise RuleViolation("front.errand_not_mine", code=row.code)
        row.status, row.closed_at = "done", now
    extra = (note or "").strip()[:MAX_TEXT]
    if extra:
        row.note = (row.note + "\n" if row.note else "") + extra
    uow.volunteers.flush()
    record(uow, actor, "errand.assign" if action == "take" else "errand.complete", "service_request", row.code,
           community_code=comm["code"], before=before,
           after={"status": row.status, "assignee_staff_id": row.assignee_staff_id, "version": row.version},
           reason=extra, batch_id=new_batch_id())
    return remember(uow, actor, client_id, kind, row.code, now)


def errands_in_my_grids(uow: UnitOfWork, actor: Actor, now: dt.datetime | None = None) -> pd.DataFrame:
    """Open errands of my grids (and those I closed today), soonest deadline first; the resident's name,
    phone and full address only on the errands I took (need-to-know), masked on the others."""
    require(actor, *ENTRY_ROLES)
    now = now or clock.wall_now()
    df = uow.volunteers.errands(dt.datetime.combine(now.date(), dt.time(0, 0)))
    if not len(df):
        return df
    inside = [actor.in_place(s, c, g if isinstance(g, str) else None)
              for s, c, g in zip(df["street_code"], df["community_code"], df["grid_code"], strict=True)]
    df = df[pd.Series(inside, index=df.index, dtype=bool)]
    df = df[df["status"].isin(["new", "assigned", "in_progress", "done"])].copy()
    mine = _own_staff_id(uow, actor)
    if not len(df):
        return df.assign(mine=pd.Series(dtype=bool), closed=pd.Series(dtype=bool))
    own = df["assignee_staff_id"].eq(mine) if mine is not None else pd.Series(False, index=df.index)
    if not actor.sees_personal_data:
        df["resident_name"] = df["resident_name"].where(own, mask_names(df["resident_name"]))
        df["phone"] = df["phone"].where(own, mask_phones(df["phone"]))
        df["address"] = df["address"].where(own, df["address"].astype(str).str.slice(0, 6) + "…")
    df["mine"] = own
    df["closed"] = df["status"].eq("done")
    return df.sort_values(["closed", "deadline"], kind="stable").reset_index(drop=True)
