"""Threshold alerts: rules stored as data, evaluated vectorised over the gap result and incidents.

Reading never writes: ``evaluate`` is pure and ``current_alerts`` joins the firing set with the stored
instances (first seen, acknowledged). A firing alert that has no stored instance yet counts as new
(first seen = now, or the moment the data says it began, e.g. an incident's deadline). Instances are
persisted by ``sync_alerts`` (a system job: the CLI ``fangxian alerts sync`` or the dashboard's alert
keeper thread, both as ``SYSTEM``) and by ``acknowledge``; a wall screen's refresh needs no write.

An alert is shown until a coordinator acknowledges it or its condition clears (then ``sync_alerts``
marks it resolved; on read it simply stops firing).

Rule kinds and what ``threshold`` means:

* community_short: a community's shortage (people) is above the threshold;
* grid_uncovered: a grid has no more than ``threshold`` on-duty grid members (default 0: none);
* incident_overdue: an open incident is more than ``threshold`` hours past its deadline;
* checkpoint_unstaffed: a community has more than ``threshold`` checkpoint shifts unstaffed today;
* errand_overdue: an open errand (代买代办) is more than ``threshold`` hours past its deadline
  (inputs from ``core.services.errands.overdue_alert_inputs``, no personal data).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput
from core.services.audit import new_batch_id, record
from core.storage.db import session_scope
from core.storage.repositories import alerts_repo as repo

RULE_KINDS = ("community_short", "grid_uncovered", "incident_overdue", "checkpoint_unstaffed", "errand_overdue")
LEVELS = ("warning", "critical")
KIND_ZH = {"community_short": "社区缺员", "grid_uncovered": "网格无在岗网格员", "incident_overdue": "事件超时",
           "checkpoint_unstaffed": "卡点班次缺岗", "errand_overdue": "代办事项超时"}

#: used until an admin saves the first rule (then the stored table is authoritative)
DEFAULT_RULES = pd.DataFrame([
    {"code": "community_short.warning", "kind": "community_short", "threshold": 30.0, "level": "warning",
     "enabled": True, "note": "社区缺员超过 30 人"},
    {"code": "community_short.critical", "kind": "community_short", "threshold": 60.0, "level": "critical",
     "enabled": True, "note": "社区缺员超过 60 人"},
    {"code": "grid_uncovered.warning", "kind": "grid_uncovered", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": "网格没有在岗网格员"},
    {"code": "incident_overdue.warning", "kind": "incident_overdue", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": "事件超过办结时限"},
    {"code": "incident_overdue.critical", "kind": "incident_overdue", "threshold": 24.0, "level": "critical",
     "enabled": True, "note": "事件超过办结时限 24 小时"},
    {"code": "checkpoint_unstaffed.warning", "kind": "checkpoint_unstaffed", "threshold": 10.0,
     "level": "warning", "enabled": True, "note": "社区卡点缺岗超过 10 个班次"},
    {"code": "errand_overdue.warning", "kind": "errand_overdue", "threshold": 0.0, "level": "warning",
     "enabled": True, "note": "代买代办事项超过时限"},
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


# --- reads --------------------------------------------------------------------------------------


def rules_in_force(url: str | None) -> pd.DataFrame:
    """The stored rules, or the defaults while none has been saved."""
    with session_scope(url) as s:
        stored = repo.rules(s)
    return stored if len(stored) else DEFAULT_RULES.assign(updated_by="system", updated_at=pd.NaT)


def open_instances(url: str | None) -> pd.DataFrame:
    with session_scope(url) as s:
        return repo.open_instances(s)


def recent_instances(url: str | None, since: dt.datetime) -> pd.DataFrame:
    with session_scope(url) as s:
        return repo.recent_instances(s, since)


# --- writes -------------------------------------------------------------------------------------


def check_rule(kind: str, threshold: float, level: str) -> None:
    if kind not in RULE_KINDS:
        raise InvalidInput(f"未知的预警类型：{kind}")
    if level not in LEVELS:
        raise InvalidInput(f"预警级别只能是 一般 或 严重（{level}）")
    if not isinstance(threshold, (int, float)) or not math.isfinite(float(threshold)) or threshold < 0:
        raise InvalidInput(f"阈值必须是不小于 0 的数（{threshold}）")


@write_service("admin")
def save_rules(actor: Actor, url: str | None, rules: Sequence[Mapping[str, Any]], reason: str = "") -> int:
    """Create or change rules (by code) in one transaction; the first save also stores the defaults.
    Each rule: code, kind, threshold, level, enabled, note. Returns how many rules changed."""
    clean = []
    for r in rules:
        code = str(r.get("code") or "").strip()
        if not code or len(code) > 48:
            raise InvalidInput("规则编码不能为空，且不超过 48 个字符")
        check_rule(str(r.get("kind")), r.get("threshold"), str(r.get("level")))  # type: ignore[arg-type]
        clean.append({"code": code, "kind": str(r["kind"]), "threshold": float(r["threshold"]),
                      "level": str(r["level"]), "enabled": bool(r.get("enabled", True)),
                      "note": str(r.get("note") or "")})
    batch = new_batch_id()
    now = dt.datetime.now()
    changed = 0
    with session_scope(url) as s:
        if not len(repo.rules(s)):
            for rec in DEFAULT_RULES.to_dict("records"):
                repo.upsert_rule(s, {**rec, "updated_by": "system", "updated_at": now})
        for rec in clean:
            before, after = repo.upsert_rule(s, {**rec, "updated_by": actor.username, "updated_at": now})
            if before is not None and {k: before[k] for k in rec} == {k: after[k] for k in rec}:
                continue
            changed += 1
            record(s, actor, "alert_rule.save", "alert_rule", str(rec["code"]), before=before, after=after,
                   reason=reason, batch_id=batch)
    return changed


@write_service("coordinator", "admin")
def acknowledge(actor: Actor, url: str | None, items: Sequence[tuple[str, str, str | None]], reason: str = "",
                now: dt.datetime | None = None) -> int:
    """Acknowledge firing alerts, each given as (rule_code, subject, street_code), in one transaction:
    they leave the wall until their condition clears and fires again. Returns how many were new acks."""
    require(actor, "coordinator", "admin", streets=[sc for _, _, sc in items if sc])
    now = now or dt.datetime.now()
    batch = new_batch_id()
    done = 0
    with session_scope(url) as s:
        for rule_code, subject, street_code in items:  # a handful, chosen by a person
            row = repo.open_instance(s, rule_code, subject)
            if row is None:
                row = repo.add_instance(s, rule_code=rule_code, subject=subject, street_code=street_code,
                                        first_seen=now, value=0.0)
            elif row.acknowledged_at is not None:
                continue
            row.acknowledged_by = actor.username
            row.acknowledged_at = now
            done += 1
            record(s, actor, "alert.acknowledge", "alert_instance", row.id,
                   after={"rule": rule_code, "subject": subject, "acknowledged_at": now.isoformat(timespec="seconds")},
                   reason=reason, batch_id=batch)
    return done


@dataclass(frozen=True)
class SyncResult:
    opened: int
    still_open: int
    resolved: int


@write_service("admin")
def sync_alerts(actor: Actor, url: str | None, firing: pd.DataFrame, now: dt.datetime | None = None) -> SyncResult:
    """Persist the firing set: open new instances, refresh last_seen, resolve those that cleared.
    Run by the system (``SYSTEM``), never by a screen. Audited only when something opens or resolves."""
    now = now or dt.datetime.now()
    with session_scope(url) as s:
        stored = repo.open_instances(s)
        keys = firing["rule_code"].astype(str) + "|" + firing["subject"].astype(str)
        skeys = stored["rule_code"].astype(str) + "|" + stored["subject"].astype(str) if len(stored) \
            else pd.Series(dtype=str)
        fresh = firing[~keys.isin(set(skeys))].drop_duplicates(subset=["rule_code", "subject"])
        cleared = stored[~skeys.isin(set(keys))] if len(stored) else stored
        kept = stored[skeys.isin(set(keys))] if len(stored) else stored
        since = pd.to_datetime(fresh["since"])
        firsts = since.where(since <= pd.Timestamp(now)).fillna(pd.Timestamp(now))
        for rec, first in zip(fresh[["rule_code", "subject", "street_code", "value"]].to_dict("records"), firsts, strict=True):
            repo.add_instance(s, rule_code=rec["rule_code"], subject=rec["subject"],
                              street_code=rec["street_code"], first_seen=first.to_pydatetime(),
                              value=float(rec["value"]))
        repo.touch_instances(s, kept["id"].astype(int).tolist() if len(kept) else [], now)
        repo.resolve_instances(s, cleared["id"].astype(int).tolist() if len(cleared) else [], now)
        if len(fresh) or len(cleared):
            record(s, actor, "alert.sync", "alert_instance", None,
                   after={"opened": int(len(fresh)), "resolved": int(len(cleared))}, batch_id=new_batch_id())
    return SyncResult(opened=int(len(fresh)), still_open=int(len(kept)), resolved=int(len(cleared)))


def summary(alerts: pd.DataFrame) -> dict[str, Any]:
    """Counts for a header: shown, critical, new."""
    return {"total": int(len(alerts)), "critical": int((alerts["level"] == "critical").sum()),
            "new": int(np.asarray(alerts["is_new"], dtype=bool).sum()) if len(alerts) else 0}
