"""Volunteers and their deployments, as the page and the CLI read them: today's tasks (needed vs
assigned), the live assignments, the registry with hours served and fatigue, per-community figures.

Writes are elsewhere: tasks and assignments in ``core.services.volunteer_tasks``, the registry's
availability in ``core.services.volunteer_registry``. Names and phones are masked for roles that
do not see personal data (``core.model.privacy``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from core.model.norms import Norms
from core.model.privacy import mask_frame
from core.model.volunteer_rules import fatigue_table, hours_by_day
from core.services import clock
from core.services.norms import norms_for_day
from core.services.uow import UnitOfWork


def fill_label(assigned: pd.Series, needed: pd.Series) -> pd.Series:
    """Needed vs taken as "3 / 2" (overbooked shows as is)."""
    return assigned.astype(int).astype(str) + " / " + needed.astype(int).astype(str)


@dataclass(frozen=True)
class DeploymentView:
    now: dt.datetime
    today: dt.date
    tasks: pd.DataFrame  # today's tasks: ..., needed, assigned, missing, fill, overbooked, active_now
    assignments: pd.DataFrame  # today's live assignments (names masked per role)
    people: pd.DataFrame  # registry with hours and fatigue (names masked per role)
    communities: pd.DataFrame  # per community: registered, deployed today, unmet seats, per 1,000 residents
    norms: Norms
    kpis: dict[str, int] = field(default_factory=dict)


def load_view(uow: UnitOfWork, *, personal: bool, now: dt.datetime | None = None) -> DeploymentView:
    """Everything the deployment page shows, for the reference day (the demo's own today in the demo).

    Codes only (task type, kind, volunteer type, skills, weekdays): the page and the CLI put them in words."""
    now = now or clock.reference_now(uow)
    today = now.date()
    start, end = dt.datetime.combine(today, dt.time()), dt.datetime.combine(today + dt.timedelta(days=1), dt.time())
    norms = norms_for_day(uow, today)
    tasks = uow.volunteers.tasks(start, end)
    tasks = tasks[tasks["status"] == "open"].reset_index(drop=True)
    assigned = uow.volunteers.assignments(start, end)
    history = uow.volunteers.assignments(start - dt.timedelta(days=21), end)
    people = uow.volunteers.people()
    comms = uow.tables.communities()
    tasks["missing"] = (tasks["needed"] - tasks["assigned"]).clip(lower=0)
    tasks["overbooked"] = tasks["assigned"] > tasks["needed"]
    tasks["fill"] = fill_label(tasks["assigned"], tasks["needed"])
    st_, en_ = pd.to_datetime(tasks["starts_at"]), pd.to_datetime(tasks["ends_at"])
    tasks["active_now"] = (st_ <= pd.Timestamp(now)) & (en_ > pd.Timestamp(now))
    per_day = hours_by_day(history)
    fat = fatigue_table(per_day, today, norms.max_hours_per_day, norms.max_consecutive_days)
    served = history[history["hours"].notna()].groupby("staff_id")["hours"].sum()
    people = people.merge(fat, on="staff_id", how="left").fillna(
        {"hours_today": 0.0, "hours_7d": 0.0, "streak": 0, "worn_out": False})
    people["hours_served_21d"] = people["staff_id"].map(served).fillna(0.0)
    people["worn_out"] = people["worn_out"].astype(bool)
    on_post = assigned["checked_in_at"].notna() & assigned["checked_out_at"].isna()
    assigned = assigned.assign(on_post=on_post.to_numpy())
    dep_people = assigned.drop_duplicates("staff_id")
    c = comms[["id", "code", "name", "street_code", "street", "population", "lon", "lat"]].rename(
        columns={"id": "community_id"})
    vol = people[people["on_duty"].astype(bool)]
    c["volunteers"] = c["community_id"].map(vol[vol["kind"] == "volunteer"].groupby("community_id").size()).fillna(0).astype(int)
    c["party_members"] = c["community_id"].map(vol[vol["kind"] == "party_member"].groupby("community_id").size()).fillna(0).astype(int)
    c["deployed_today"] = c["community_id"].map(dep_people.groupby("community_id").size()).fillna(0).astype(int)
    c["on_post_now"] = c["community_id"].map(assigned[on_post].groupby("community_id")["staff_id"].nunique()).fillna(0).astype(int)
    c["tasks_today"] = c["community_id"].map(tasks.groupby("community_id").size()).fillna(0).astype(int)
    c["unmet_seats"] = c["community_id"].map(tasks.groupby("community_id")["missing"].sum()).fillna(0).astype(int)
    pop = c["population"].to_numpy(float)
    c["volunteers_per_1k"] = np.where(pop > 0, c["volunteers"] / np.where(pop > 0, pop, 1) * 1000, np.nan).round(2)
    kpis = {"volunteers": int((vol["kind"] == "volunteer").sum()), "party_members": int((vol["kind"] == "party_member").sum()),
            "deployed_today": int(len(dep_people)), "on_post_now": int(on_post.sum()), "tasks_today": int(len(tasks)),
            "unmet_seats": int(tasks["missing"].sum()), "worn_out": int(people["worn_out"].sum()),
            "overbooked": int(tasks["overbooked"].sum())}
    if not personal:
        people = mask_frame(people, None, name_columns=["staff_name"], phone_columns=["phone"])
        assigned = mask_frame(assigned, None, name_columns=["staff_name"], phone_columns=["phone"])
    return DeploymentView(now=now, today=today, tasks=tasks, assignments=assigned, people=people,
                          communities=c, norms=norms, kpis=kpis)


def checkpoints(uow: UnitOfWork) -> pd.DataFrame:
    """Active checkpoints (a task at one takes its community and position)."""
    return uow.volunteers.checkpoints()
