"""Threshold alerts as pure rules: the rule kinds, the default rules, and the vectorised evaluation
over the gap result and incidents (no I/O; the reads and writes are in core.services.alerts).

``evaluate`` gives every (rule, subject) that fires now; ``merge_instances`` joins the firing set with
the stored instances (first seen, acknowledged). A firing alert that has no stored instance yet counts
as new (first seen = now, or the moment the data says it began, e.g. an incident's deadline).

Rule kinds and what ``threshold`` means:

* community_short: a community's shortage (people) is above the threshold;
* grid_uncovered: a grid has no more than ``threshold`` on-duty grid members (default 0: none);
* incident_overdue: an open incident is more than ``threshold`` hours past its deadline;
* checkpoint_unstaffed: a community has more than ``threshold`` checkpoint shifts unstaffed today;
* errand_overdue: an open errand is more than ``threshold`` hours past its deadline
  (inputs from ``core.services.errands.overdue_alert_inputs``, no personal data).

A subject is a code (``community:420102001001``, ``grid:…``, ``incident:…``); the names of kinds
are catalogue texts (``alert_kind.<kind>``), the default rules' notes too (``alerts.default_note.<code>``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.errors import InvalidInput

RULE_KINDS = ("community_short", "grid_uncovered", "incident_overdue", "checkpoint_unstaffed", "errand_overdue")
LEVELS = ("warning", "critical")

#: used until an admin saves the first rule (then the stored table is authoritative); ``note`` is
#: filled from the catalogue by the service
DEFAULT_RULES = pd.DataFrame([
    {"code": "community_short.warning", "kind": "community_short", "threshold": 30.0, "level": "warning",
     "enabled": True, "note": ""},
    {"code": "community_short.critical", "kind": "community_short", "threshold": 60.0, "level": "critical",
     "enabled": True, "note": ""},
    {"code": "grid_uncovered.warning", "kind": "grid_uncovered", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": ""},
    {"code": "incident_overdue.warning", "kind": "incident_overdue", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": ""},
    {"code": "incident_overdue.critical", "kind": "incident_overdue", "threshold": 24.0, "level": "critical",
     "enabled": True, "note": ""},
    {"code": "checkpoint_unstaffed.warning", "kind": "checkpoint_unstaffed", "threshold": 10.0,
     "level": "warning", "enabled": True, "note": ""},
    {"code": "errand_overdue.warning", "kind": "errand_overdue", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": ""},
])

FIRING_COLUMNS = ["rule_code", "kind", "level", "subject", "street_code", "street", "community", "target",
                  "value", "threshold", "since"]


@dataclass(frozen=True)
class AlertInputs:
    """What evaluation looks at: per-community and per-grid gaps, open incidents (with community)."""

    community: pd.DataFrame  # community_id, code, name, street_code, street, shortage, checkpoint_shifts(_staffed)
    grid: pd.DataFrame  # grid_id, code, name, community, street_code, street, grid_members_on_duty
    incidents: pd.DataFrame  # code, community_id, type, severity, deadline (open ones only)
    errands: pd.DataFrame | None = None  # code, community_id, kind, deadline, hours_late (overdue errands)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in FIRING_COLUMNS})


def _fire(rule: pd.Series, hit: pd.DataFrame, *, subject: pd.Series, community: pd.Series, target: pd.Series,
          value: pd.Series, since: pd.Series | None = None) -> pd.DataFrame:
    return pd.DataFrame({
        "rule_code": rule["code"], "kind": rule["kind"], "level": rule["level"], "subject": subject.to_numpy(),
        "street_code": hit["street_code"].to_numpy(), "street": hit["street"].to_numpy(),
        "community": community.to_numpy(), "target": target.to_numpy(), "value": value.to_numpy(float),
        "threshold": float(rule["threshold"]),
        "since": since.to_numpy() if since is not None else pd.Series([pd.NaT] * len(hit)).to_numpy(),
    })


def _community_short(rule: pd.Series, x: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    c = x.community
    hit = c[c["shortage"].to_numpy(float) > float(rule["threshold"])]
    return _fire(rule, hit, subject="community:" + hit["code"].astype(str), community=hit["name"],
                 target=hit["name"], value=hit["shortage"])


def _grid_uncovered(rule: pd.Series, x: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    g = x.grid
    hit = g[g["grid_members_on_duty"].to_numpy(float) <= float(rule["threshold"])]
    return _fire(rule, hit, subject="grid:" + hit["code"].astype(str), community=hit["community"],
                 target=hit["name"], value=hit["grid_members_on_duty"])


def _checkpoint_unstaffed(rule: pd.Series, x: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    c = x.community
    unstaffed = c["checkpoint_shifts"] - c["checkpoint_shifts_staffed"]
    mask = unstaffed.to_numpy(float) > float(rule["threshold"])
    hit = c[mask]
    return _fire(rule, hit, subject="checkpoints:" + hit["code"].astype(str), community=hit["name"],
                 target=hit["name"], value=unstaffed[mask])


def _incident_overdue(rule: pd.Series, x: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    inc = x.incidents
    if not len(inc):
        return _empty()
    deadline = pd.to_datetime(inc["deadline"])
    hours = (pd.Timestamp(now) - deadline).dt.total_seconds() / 3600.0
    mask = (hours > float(rule["threshold"])).to_numpy()
    comm = x.community.set_index("community_id")
    hit = inc[mask].assign(street_code=lambda d: d["community_id"].map(comm["street_code"]),
                           street=lambda d: d["community_id"].map(comm["street"]),
                           community=lambda d: d["community_id"].map(comm["name"]))
    since = deadline[mask] + pd.to_timedelta(float(rule["threshold"]), unit="h")
    return _fire(rule, hit, subject="incident:" + hit["code"].astype(str), community=hit["community"],
                 target=hit["code"], value=hours[mask].round(1), since=since)


def _errand_overdue(rule: pd.Series, x: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    e = x.errands  # core.services.errands.overdue_alert_inputs: code, community_id, kind, deadline, hours_late
    if e is None or not len(e):
        return _empty()
    mask = (e["hours_late"].astype(float) > float(rule["threshold"])).to_numpy()
    comm = x.community.set_index("community_id")
    hit = e[mask].assign(street_code=lambda d: d["community_id"].map(comm["street_code"]),
                         street=lambda d: d["community_id"].map(comm["street"]),
                         community=lambda d: d["community_id"].map(comm["name"]))
    since = pd.to_datetime(hit["deadline"]) + pd.to_timedelta(float(rule["threshold"]), unit="h")
    return _fire(rule, hit, subject="errand:" + hit["code"].astype(str), community=hit["community"],
                 target=hit["code"], value=hit["hours_late"].astype(float).round(1), since=since)


EVALUATORS = {"community_short": _community_short, "grid_uncovered": _grid_uncovered,
              "incident_overdue": _incident_overdue, "checkpoint_unstaffed": _checkpoint_unstaffed,
              "errand_overdue": _errand_overdue}


def evaluate(rules: pd.DataFrame, inputs: AlertInputs, now: dt.datetime) -> pd.DataFrame:
    """Every (rule, subject) that fires now: one vectorised mask per enabled rule (rules are few)."""
    parts = [EVALUATORS[r["kind"]](r, inputs, now) for _, r in rules[rules["enabled"].astype(bool)].iterrows()
             if r["kind"] in EVALUATORS]
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    return pd.concat(parts, ignore_index=True)[FIRING_COLUMNS]


def merge_instances(firing: pd.DataFrame, instances: pd.DataFrame, now: dt.datetime,
                    new_within: dt.timedelta) -> pd.DataFrame:
    """Firing alerts with their stored state: first_seen, acknowledged_by/at, is_new; highest level
    first, then newest. Stored instances that no longer fire are left out (their condition cleared)."""
    inst = instances[["rule_code", "subject", "first_seen", "acknowledged_by", "acknowledged_at"]] \
        if len(instances) else pd.DataFrame(columns=["rule_code", "subject", "first_seen", "acknowledged_by",
                                                     "acknowledged_at"])
    out = firing.merge(inst, on=["rule_code", "subject"], how="left")
    first = pd.to_datetime(out["first_seen"]).astype("datetime64[ns]")
    since = pd.to_datetime(out["since"]).astype("datetime64[ns]")
    first = first.fillna(since.where(since <= pd.Timestamp(now))).fillna(pd.Timestamp(now))
    out["first_seen"] = first
    out["acknowledged"] = out["acknowledged_at"].notna()
    out["is_new"] = (pd.Timestamp(now) - first) <= pd.Timedelta(new_within)
    out["level_rank"] = out["level"].map({"critical": 2, "warning": 1}).fillna(0).astype(int)
    out = out.sort_values(["level_rank", "is_new", "value"], ascending=[False, False, False], kind="stable")
    return out.drop(columns=["since"]).reset_index(drop=True)


def for_display(alerts: pd.DataFrame) -> pd.DataFrame:
    """What a wall shows: one line per (kind, subject) at its highest firing level, unless that level
    was acknowledged (acknowledging the worst level covers the milder ones; an escalation shows again)."""
    worst = alerts.drop_duplicates(subset=["kind", "subject"], keep="first")
    return worst[~worst["acknowledged"].astype(bool)].reset_index(drop=True)


def check_rule(kind: str, threshold: float, level: str) -> None:
    """Raise InvalidInput unless the kind, level and threshold make a rule."""
    if kind not in RULE_KINDS:
        raise InvalidInput("alerts.unknown_kind", kind=kind)
    if level not in LEVELS:
        raise InvalidInput("alerts.level_invalid", level=level)
    if not isinstance(threshold, (int, float)) or not math.isfinite(float(threshold)) or threshold < 0:
        raise InvalidInput("alerts.threshold_invalid", threshold=threshold)



def summary(alerts: pd.DataFrame) -> dict[str, Any]:
    """Counts for a header: shown, critical, new."""
    return {"total": int(len(alerts)), "critical": int((alerts["level"] == "critical").sum()),
            "new": int(np.asarray(alerts["is_new"], dtype=bool).sum()) if len(alerts) else 0}
