"""Demo deployments and errands, written inside the demo seeding transaction (after the isolation extras).

* availability for every volunteer and party member (most every day, some weekdays or daytime only);
* tasks for today and the last ``DAYS - 1`` days: checkpoint shifts (07–15, 15–23) at a share of the
  checkpoints, door-to-door screening, deliveries to isolated households, elderly-care visits,
  disinfection and publicity; filled from the volunteers of the same community, one task a person a day
  (no conflicts), with a few seats left empty today and a few tasks overbooked;
* a small core of stalwarts who took both checkpoint shifts every day (the coordinator's override on
  record): the worn-out people the hours view is meant to find;
* hours checked in and out for what is over, people on post now (as of 09:30), a few no-shows;
* an errands queue for the isolated households over the last two days, some of it overdue.
Deterministic for the demo's seed. No SQL here: the storage modules do the writing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from core.demo.names import TASK_TITLES
from core.demo.scales import DemoData
from core.model.volunteer_rules import ERRAND_DEADLINE_HOURS
from core.storage.repositories import volunteers_repo as repo

DAYS = 8
CHECKPOINT_SHARE = 0.14
STALWARTS = 36
#: (type, start hour, end hour, share of communities, people needed: fixed or per isolated household)
COMMUNITY_TASKS = (
    ("door_to_door", 9, 12, 0.55, 4),
    ("elderly_care", 9, 11, 0.4, 2),
    ("publicity", 15, 17, 0.2, 2),
    ("disinfection", 18, 20, 0.3, 3),
)
DEMO_NOW = dt.time(9, 30)


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    out = df.astype(object).where(df.notna(), None)
    return out.to_dict("records")  # type: ignore[return-value]


def write_volunteers(session: Any, d: DemoData) -> dict[str, int]:
    """Called once by ``core.demo.seed.write_demo`` after the isolation extras are in."""
    st = d.staff
    if not len(d.incidents) or not (st["kind"] == "volunteer").any():
        return {}
    rng = np.random.default_rng(d.seed + 17)
    now = dt.datetime.combine(d.today, DEMO_NOW)
    staff_id = pd.Series(np.arange(1, len(st) + 1), index=st["code"].to_numpy())
    comm_id = pd.Series(np.arange(1, len(d.communities) + 1), index=d.communities["code"].to_numpy())
    people = st[st["kind"].isin(["volunteer", "party_member"])].assign(
        staff_id=lambda x: x["code"].map(staff_id), community_id=lambda x: x["community_code"].map(comm_id))
    _availability(session, people, rng)
    tasks = _tasks(d, rng, comm_id, repo.checkpoint_ids(session))
    repo.bulk_insert(session, "task", _records(tasks.drop(columns=["ci"])))
    task_id = pd.Series(repo.ids_by_code(session))
    tasks["id"] = tasks["code"].map(task_id)
    assign = _assignments(tasks, people, rng, now)
    repo.bulk_insert(session, "assignment", _records(assign))
    n_err = _errands(session, d, people, rng, now)
    return {"tasks": len(tasks), "assignments": len(assign), "errands": n_err}


def _availability(session: Any, people: pd.DataFrame, rng: np.random.Generator) -> None:
    n = len(people)
    pattern = rng.choice(3, n, p=[0.72, 0.18, 0.10])
    days = np.array(["0123456", "01234", "0123456"])[pattern]
    hour_from = np.array([6, 7, 8])[pattern]
    hour_to = np.array([23, 23, 18])[pattern]
    repo.bulk_insert(session, "availability", _records(pd.DataFrame({
        "staff_id": people["staff_id"].to_numpy(), "days": days, "hour_from": hour_from, "hour_to": hour_to,
        "updated_by": "system"})))


def _tasks(d: DemoData, rng: np.random.Generator, comm_id: pd.Series, cp_ids: dict[str, int]) -> pd.DataFrame:
    comms = d.communities.reset_index(drop=True)
    cps = d.checkpoints.assign(ci=lambda x: x["community_code"].map(pd.Series(np.arange(len(comms)),
                                                                               index=comms["code"])))
    cps = cps[rng.random(len(cps)) < CHECKPOINT_SHARE]
    grid_id = pd.Series(np.arange(1, len(d.grids) + 1), index=d.grids["code"].to_numpy())
    parts = []
    for k in range(DAYS):  # a few days: each one vectorised over the district
        day = d.today - dt.timedelta(days=DAYS - 1 - k)
        for h0, h1 in ((7, 15), (15, 23)):
            parts.append(pd.DataFrame({
                "type": "checkpoint", "title": cps["name"].to_numpy(), "ci": cps["ci"].to_numpy(),
                "grid_id": cps["grid_code"].map(grid_id).to_numpy(), "checkpoint_id": cps["code"].map(cp_ids).to_numpy(),
                "lon": cps["lon"].to_numpy(), "lat": cps["lat"].to_numpy(),
                "starts_at": dt.datetime.combine(day, dt.time(h0)), "ends_at": dt.datetime.combine(day, dt.time(h1)),
                "needed": 2}))
        iso = comms["isolated_households"].to_numpy()
        has = np.flatnonzero(iso > 0)
        parts.append(_community_tasks(comms, has, "delivery", day, 14, 17, np.ceil(iso[has] / 8).astype(int), rng))
        for type_, h0, h1, share, need in COMMUNITY_TASKS:
            pick = np.flatnonzero(rng.random(len(comms)) < share)
            parts.append(_community_tasks(comms, pick, type_, day, h0, h1, np.full(len(pick), need), rng))
    t = pd.concat(parts, ignore_index=True)
    t["community_id"] = comms["code"].to_numpy()[t["ci"].to_numpy()]
    t["community_id"] = t["community_id"].map(comm_id)
    t = t.sort_values(["starts_at", "ci", "type"], kind="stable").reset_index(drop=True)
    day_str = pd.to_datetime(t["starts_at"]).dt.strftime("%Y%m%d")
    t["code"] = "T" + day_str + "-" + pd.Series(np.arange(1, len(t) + 1)).astype(str).str.zfill(5)
    t["status"], t["created_by"], t["version"], t["note"] = "open", "system", 1, ""
    t["created_at"] = pd.to_datetime(t["starts_at"]) - pd.Timedelta(hours=12)
    return t


def _community_tasks(comms: pd.DataFrame, idx: np.ndarray, type_: str, day: dt.date, h0: int, h1: int,
                     needed: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    jitter = rng.normal(0, 1, (len(idx), 2)) * 0.002
    return pd.DataFrame({
        "type": type_, "title": comms["name"].to_numpy()[idx] + TASK_TITLES[type_], "ci": idx, "grid_id": None,
        "checkpoint_id": None, "lon": comms["lon"].to_numpy()[idx] + jitter[:, 0],
        "lat": comms["lat"].to_numpy()[idx] + jitter[:, 1] * 0.8,
        "starts_at": dt.datetime.combine(day, dt.time(h0)), "ends_at": dt.datetime.combine(day, dt.time(h1)),
        "needed": np.maximum(needed, 1)})


def _assignments(tasks: pd.DataFrame, people: pd.DataFrame, rng: np.random.Generator, now: dt.datetime) -> pd.DataFrame:
    active = people[people["on_duty"].astype(bool)]
    vol = active[active["kind"] == "volunteer"]
    stalwart_ids = rng.choice(vol["staff_id"].to_numpy(), STALWARTS, replace=False)
    pool = active[~active["staff_id"].isin(stalwart_ids)]
    pool = pool[(pool["kind"] == "volunteer") | (rng.random(len(pool)) < 0.5)]
    day = pd.to_datetime(tasks["starts_at"]).dt.date
    is_today = (day == now.date()).to_numpy()
    # seats: most tasks filled, some short (more so today), a few overbooked by one
    r = rng.random(len(tasks))
    short = np.where(r < np.where(is_today, 0.28, 0.12), rng.integers(1, tasks["needed"].to_numpy() + 1), 0)
    fill = np.maximum(tasks["needed"].to_numpy() - short + (r > 0.975), 0)
    seats = tasks.loc[np.repeat(tasks.index.to_numpy(), fill), ["id", "community_id", "starts_at"]].reset_index(drop=True)
    seats["day"] = pd.to_datetime(seats["starts_at"]).dt.date
    seats = seats.sample(frac=1.0, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)
    seats["rank"] = seats.groupby(["day", "community_id"]).cumcount()
    parts = []
    for dday in sorted(seats["day"].unique()):  # one shuffle of the pool a day; one task a person a day
        p = pool.sample(frac=1.0, random_state=int(rng.integers(1 << 30)))[["staff_id", "community_id"]]
        p = p.assign(rank=p.groupby("community_id").cumcount(), day=dday)
        parts.append(seats[seats["day"] == dday].merge(p, on=["day", "community_id", "rank"]))
    a = pd.concat(parts, ignore_index=True)[["id", "staff_id"]].rename(columns={"id": "task_id"})
    a["override_reason"] = ""
    # stalwarts: both checkpoint shifts of one post of their community, every day (16 h: overridden)
    cp = tasks[tasks["type"] == "checkpoint"]
    sw = vol[vol["staff_id"].isin(stalwart_ids)][["staff_id", "community_id"]]
    first_post = cp.sort_values("checkpoint_id").drop_duplicates(["community_id", "starts_at"])
    sw_a = sw.merge(first_post[["id", "community_id"]], on="community_id").rename(columns={"id": "task_id"})
    sw_a = sw_a.drop(columns=["community_id"]).assign(override_reason="人手紧张，本人自愿连班（调度员已确认）")
    a = pd.concat([a, sw_a], ignore_index=True).drop_duplicates(["task_id", "staff_id"])
    t = tasks.set_index("id")
    start = pd.to_datetime(a["task_id"].map(t["starts_at"]))
    end = pd.to_datetime(a["task_id"].map(t["ends_at"]))
    n = len(a)
    show = rng.random(n) > 0.05  # a few no-shows
    cin = start + pd.to_timedelta(rng.normal(-4, 6, n).round(), unit="m")
    cout = end + pd.to_timedelta(rng.normal(3, 8, n).round(), unit="m")
    started = (start <= pd.Timestamp(now)).to_numpy() & show
    over = (end <= pd.Timestamp(now)).to_numpy() & started
    a["checked_in_at"] = cin.where(started)
    a["checked_out_at"] = cout.where(over)
    a["hours"] = ((cout - cin).dt.total_seconds() / 3600.0).round(2).where(over)
    a["status"], a["assigned_by"] = "assigned", "system"
    a["assigned_at"] = start - pd.Timedelta(hours=10)
    a["batch_id"] = None
    return a


def _errands(session: Any, d: DemoData, people: pd.DataFrame, rng: np.random.Generator, now: dt.datetime) -> int:
    hh = repo.households_for_demo(session)
    if not len(hh):
        return 0
    hh = hh.sample(frac=0.3, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)
    n = len(hh)
    kinds = rng.choice(["groceries", "medicine", "bills", "hospital", "other"], n, p=[0.5, 0.28, 0.1, 0.04, 0.08])
    created = pd.Timestamp(now) - pd.to_timedelta(rng.uniform(0.2, 40, n), unit="h")
    created = created.round("min")
    deadline = created + pd.to_timedelta(pd.Series(kinds).map(ERRAND_DEADLINE_HOURS).to_numpy(), unit="h")
    age_h = (pd.Timestamp(now) - created).total_seconds() / 3600.0
    u = rng.random(n)
    # the older the request, the likelier it is done; a tail of open ones ran past the deadline
    done = u < np.clip(age_h.to_numpy() / 14, 0, 0.9)
    status = np.where(done, "done", np.where(u > 0.97, "cancelled",
                                             np.where(rng.random(n) < 0.35, "new",
                                                      np.where(rng.random(n) < 0.5, "assigned", "in_progress"))))
    vols = people[(people["kind"] == "volunteer") & people["on_duty"].astype(bool)]
    first_vol = vols.drop_duplicates("community_id").set_index("community_id")["staff_id"]
    assignee = hh["community_id"].map(first_vol)
    assignee = assignee.where(status != "new")
    closed = (created + pd.to_timedelta(rng.uniform(0.5, 0.9, n) * pd.Series(kinds).map(ERRAND_DEADLINE_HOURS)
                                        .to_numpy(), unit="h"))
    closed = closed.where(pd.Series(np.isin(status, ["done", "cancelled"])) & (closed <= pd.Timestamp(now)),
                          pd.Timestamp(now) - pd.Timedelta(minutes=10))
    detail = pd.Series(kinds).map({"groceries": "蔬菜、大米、鸡蛋各一份", "medicine": "降压药（硝苯地平缓释片）两盒",
                                   "bills": "代缴本月水电费", "hospital": "陪同老人到社区卫生服务中心复诊",
                                   "other": "代取快递并消杀后送达"})
    df = pd.DataFrame({
        "code": [f"R{c:%Y%m%d}-{i + 1:05d}" for i, c in enumerate(created)], "kind": kinds,
        "community_id": hh["community_id"], "grid_id": hh["grid_id"], "household_id": hh["id"],
        "resident_name": hh["head_name"], "phone": hh["phone"], "address": hh["address"], "detail": detail,
        "status": status, "created_at": created, "created_by": "clerk", "deadline": deadline,
        "assignee_staff_id": assignee, "assigned_at": (created + pd.Timedelta(minutes=20)).where(assignee.notna()),
        "started_at": (created + pd.Timedelta(minutes=50)).where(pd.Series(np.isin(status, ["in_progress", "done"]))),
        "closed_at": pd.Series(closed).where(pd.Series(np.isin(status, ["done", "cancelled"]))),
        "note": np.where(status == "cancelled", "居民已自行解决", ""), "incident_id": None, "version": 1})
    repo.bulk_insert(session, "errand", _records(df.sort_values("created_at").reset_index(drop=True)
                                                 .assign(code=lambda x: [f"R{c:%Y%m%d}-{i + 1:05d}" for i, c in
                                                                         enumerate(x["created_at"])])))
    return n
