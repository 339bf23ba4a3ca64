"""Threshold alerts: the stored rules and instances, read and written through the caller's unit of
work. The rules themselves (kinds, defaults, the vectorised evaluation) are pure, in
``core.model.alert_rules``.

Reading never writes: the wall evaluates the firing set on read. Instances are persisted by
``sync_alerts`` (a system job: the CLI ``fangxian alerts sync`` or the dashboard's alert keeper thread,
both as ``SYSTEM``) and by ``acknowledge``; a wall screen's refresh needs no write.

An alert is shown until a coordinator acknowledges it or its condition clears (then ``sync_alerts``
marks it resolved; on read it simply stops firing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from core.i18n import translate
from core.model.actor import Actor, require, write_service
from core.model.alert_rules import DEFAULT_RULES, check_rule
from core.model.errors import InvalidInput
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork

RULE_CODE_MAX = 48


def default_rules() -> pd.DataFrame:
    """The default rules with their notes (Chinese, the language stored notes are kept in)."""
    return DEFAULT_RULES.assign(note=[translate(f"alerts.default_note.{c}") for c in DEFAULT_RULES["code"]])


# --- reads --------------------------------------------------------------------------------------


def rules_in_force(uow: UnitOfWork) -> pd.DataFrame:
    """The stored rules, or the defaults while none has been saved."""
    stored = uow.alerts.rules()
    return stored if len(stored) else default_rules().assign(updated_by="system", updated_at=pd.NaT)


def open_instances(uow: UnitOfWork) -> pd.DataFrame:
    return uow.alerts.open_instances()


def recent_instances(uow: UnitOfWork, since: dt.datetime) -> pd.DataFrame:
    return uow.alerts.recent_instances(since)


# --- writes -------------------------------------------------------------------------------------


@write_service("admin")
def save_rules(uow: UnitOfWork, actor: Actor, rules: Sequence[Mapping[str, Any]], reason: str = "") -> int:
    """Create or change rules (by code) in one transaction; the first save also stores the defaults.
    Each rule: code, kind, threshold, level, enabled, note. Returns how many rules changed."""
    clean = []
    for r in rules:
        code = str(r.get("code") or "").strip()
        if not code or len(code) > RULE_CODE_MAX:
            raise InvalidInput("alerts.rule_code_invalid", maximum=RULE_CODE_MAX)
        check_rule(str(r.get("kind")), r.get("threshold"), str(r.get("level")))  # type: ignore[arg-type]
        clean.append({"code": code, "kind": str(r["kind"]), "threshold": float(r["threshold"]),
                      "level": str(r["level"]), "enabled": bool(r.get("enabled", True)),
                      "note": str(r.get("note") or "")})
    batch = new_batch_id()
    now = clock.wall_now()
    changed = 0
    if not len(uow.alerts.rules()):
        for rec in default_rules().to_dict("records"):
            uow.alerts.upsert_rule({**rec, "updated_by": "system", "updated_at": now})
    for rec in clean:
        before, after = uow.alerts.upsert_rule({**rec, "updated_by": actor.username, "updated_at": now})
        if before is not None and {k: before[k] for k in rec} == {k: after[k] for k in rec}:
            continue
        changed += 1
        record(uow, actor, "alert_rule.save", "alert_rule", str(rec["code"]), before=before, after=after,
               reason=reason, batch_id=batch)
    return changed


@write_service("coordinator", "admin")
def acknowledge(uow: UnitOfWork, actor: Actor, items: Sequence[tuple[str, str, str | None]], reason: str = "",
                now: dt.datetime | None = None) -> int:
    """Acknowledge firing alerts, each given as (rule_code, subject, street_code), in one transaction:
    they leave the wall until their condition clears and fires again. Returns how many were new acks."""
    require(actor, "coordinator", "admin", streets=[sc for _, _, sc in items if sc])
    now = now or clock.wall_now()
    batch = new_batch_id()
    done = 0
    for rule_code, subject, street_code in items:  # a handful, chosen by a person
        row = uow.alerts.open_instance(rule_code, subject)
        if row is None:
            row = uow.alerts.add_instance(rule_code=rule_code, subject=subject, street_code=street_code,
                                          first_seen=now, value=0.0)
        elif row.acknowledged_at is not None:
            continue
        row.acknowledged_by = actor.username
        row.acknowledged_at = now
        done += 1
        record(uow, actor, "alert.acknowledge", "alert_instance", row.id,
               after={"rule": rule_code, "subject": subject, "acknowledged_at": now.isoformat(timespec="seconds")},
               reason=reason, batch_id=batch)
    return done


@dataclass(frozen=True)
class SyncResult:
    opened: int
    still_open: int
    resolved: int


@write_service("admin")
def sync_alerts(uow: UnitOfWork, actor: Actor, firing: pd.DataFrame, now: dt.datetime | None = None) -> SyncResult:
    """Persist the firing set: open new instances, refresh last_seen, resolve those that cleared.
    Run by the system (``SYSTEM``), never by a screen. Audited only when something opens or resolves."""
    now = now or clock.wall_now()
    stored = uow.alerts.open_instances()
    keys = firing["rule_code"].astype(str) + "|" + firing["subject"].astype(str)
    skeys = stored["rule_code"].astype(str) + "|" + stored["subject"].astype(str) if len(stored) \
        else pd.Series(dtype=str)
    fresh = firing[~keys.isin(set(skeys))].drop_duplicates(subset=["rule_code", "subject"])
    cleared = stored[~skeys.isin(set(keys))] if len(stored) else stored
    kept = stored[skeys.isin(set(keys))] if len(stored) else stored
    since = pd.to_datetime(fresh["since"])
    firsts = since.where(since <= pd.Timestamp(now)).fillna(pd.Timestamp(now))
    records = fresh[["rule_code", "subject", "street_code", "value"]].to_dict("records")
    for rec, first in zip(records, firsts, strict=True):
        uow.alerts.add_instance(rule_code=rec["rule_code"], subject=rec["subject"],
                                street_code=rec["street_code"], first_seen=first.to_pydatetime(),
                                value=float(rec["value"]))
    uow.alerts.touch_instances(kept["id"].astype(int).tolist() if len(kept) else [], now)
    uow.alerts.resolve_instances(cleared["id"].astype(int).tolist() if len(cleared) else [], now)
    if len(fresh) or len(cleared):
        record(uow, actor, "alert.sync", "alert_instance", None,
               after={"opened": int(len(fresh)), "resolved": int(len(cleared))}, batch_id=new_batch_id())
    return SyncResult(opened=int(len(fresh)), still_open=int(len(kept)), resolved=int(len(cleared)))


