"""The audit trail in words, for people: action and entity names, the object of an entry as its name
and code, the operator as display name and account, and before → after as a diff of the changed
fields with their names and the ids behind them resolved.

Pure: the names behind ids come in as ``Names`` (built by ``core.services.audit_report`` from one
lookup per entity type); the words come from the catalogue (core/i18n/audit_names.py, audit_fields.py).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from core.i18n import TABLES, translate
from core.model.privacy import mask_name

#: a value an entry holds that names another row: field -> (entity type, looked up by "id" or "code")
REF_FIELDS: dict[str, tuple[str, str]] = {
    "community_id": ("community", "id"), "community_code": ("community", "code"),
    "community": ("community", "code"), "communities": ("community", "id"),
    "street_code": ("street", "code"), "grid_id": ("grid", "id"), "grid": ("grid", "code"),
    "staff": ("staff", "code"), "grid_member": ("staff", "code"), "assignee_staff_id": ("staff", "id"),
    "checkpoint_id": ("checkpoint", "id"), "compound": ("compound", "code"), "unit": ("unit", "code"),
    "task": ("volunteer_task", "code"), "undoes": ("move_batch", "id"), "from": ("scenario", "id"),
    "streets": ("street", "code"), "updated_by": ("app_user", "code"),
}
#: entity types whose ``entity_id`` is the row's id (the others write a code)
ID_KEYED = frozenset({"kiosk_token", "scenario", "norm_version", "move_batch"})
#: actions whose ``entity_id`` is the row's id although their entity type has a code
ID_KEYED_ACTIONS = frozenset({"staff.move", "staff.move_undo"})
#: fields people need not see in the diff (a row version; the id of the entry's own batch)
HIDDEN_FIELDS = frozenset({"version", "undo_batch_id"})
#: entity types whose before/after hold counts, never references (the demo's "communities": 180)
COUNT_ENTITIES = frozenset({"database", "file", "audit_log", "alert_instance"})
#: fields an entry records on its "before" side as context, not as a value that changed
FACT_FIELDS = frozenset({("move.undo", "moves"), ("scenario.copy", "from")})
#: a field left out when the other one is on the same side (the id's name says the code already)
REDUNDANT = {"community_code": "community_id"}
#: value vocabularies: (action, entity or "*", field) -> key prefix; the first that has a text wins
VALUE_VOCAB: dict[tuple[str, str], str] = {
    ("staff.move", "kind"): "audit.value.move", ("staff", "kind"): "kind", ("*", "counted_kinds"): "kind",
    ("service_request", "kind"): "err.kind", ("alert_rule", "kind"): "alert_kind", ("export", "kind"): "audit.value.export",
    ("incident", "type"): "itype", ("volunteer_task", "type"): "vol.task", ("incident", "status"): "status",
    ("*", "risk_level"): "risk", ("*", "current"): "risk", ("*", "severity"): "severity",
    ("*", "volunteer_type"): "vtype", ("*", "roles"): "role", ("*", "skills"): "skill",
    ("*", "category"): "care.category", ("staff.duty", "reason"): "desk.duty_reason",
    ("volunteer.availability", "days"): "vol.wd", ("*", "status"): "audit.value.status",
    ("*", "level"): "audit.value.level", ("*", "fatigue_policy"): "audit.value.fatigue",
    ("*", "condition"): "audit.value.condition", ("*", "scale"): "audit.value.scale",
    ("*", "volunteers_count_for"): "vol.task", ("*", "source"): "audit.value.source",
    ("community.risk_level", "kind"): "audit.value.risk_kind", ("compound", "kind"): "audit.value.compound",
}
#: reasons core writes as a code, not in words: (action or "*", reason) -> key
REASON_CODES = {("community.risk_due", "scheduled"): "audit.reason.scheduled",
                ("*", "demo.dropped"): "audit.reason.demo_dropped"}
LIST_LIMIT = 6  # items of a list value shown before "and n more"
ISO_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?$")
MISSING = object()


def _has(key: str, lang: str) -> bool:
    return key in TABLES.get(lang, {})


def action_name(code: str, lang: str) -> str:
    """``staff.move`` -> 调动人员 (an unknown code stays as it is)."""
    key = f"audit.action.{code}"
    return translate(key, lang) if _has(key, lang) else code


def entity_type_name(entity: str, lang: str) -> str:
    """``move_batch`` -> 调配批次."""
    key = f"audit.entity.{entity}"
    return translate(key, lang) if _has(key, lang) else entity


def field_keys(name: str, action: str | None = None, entity: str | None = None) -> list[str]:
    """The catalogue keys that may name a field, most specific first."""
    return [*(f"audit.field.{c}.{name}" for c in (action, entity) if c), f"audit.field.{name}",
            f"norms.term.{name}"]


def field_name(name: str, lang: str, action: str | None = None, entity: str | None = None) -> str:
    """``community_id`` -> 所在社区 (read for the action or entity where it differs)."""
    return next((translate(k, lang) for k in field_keys(name, action, entity) if _has(k, lang)), name)


# --- the names behind ids ----------------------------------------------------------------------


@dataclass
class Names:
    """The rows an audit page refers to, by entity type, with their id and code; staff names masked
    unless the reader may see personal data."""

    lang: str
    masked: bool
    by_id: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)
    by_code: dict[str, dict[str, Mapping[str, Any]]] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Mapping[str, Iterable[Mapping[str, Any]]], lang: str, *, masked: bool) -> Names:
        out = cls(lang, masked)
        for entity, found in rows.items():
            for r in found:
                out.by_id.setdefault(entity, {})[str(r["id"])] = r
                if r.get("code") is not None:
                    out.by_code.setdefault(entity, {})[str(r["code"])] = r
        return out

    def row(self, entity: str, key: Any, by: str = "code") -> Mapping[str, Any] | None:
        table = self.by_id if by == "id" else self.by_code
        return table.get(entity, {}).get(str(key))

    def label(self, entity: str, key: Any, by: str = "code", *, short: bool = False) -> str | None:
        """The row as people know it (``short``: the name alone where a code adds nothing in a diff)."""
        r = self.row(entity, key, by)
        if r is None:
            return None
        lang, name, code = self.lang, r["name"], r.get("code")
        if entity == "staff":
            return translate("audit.label.person", lang, name=mask_name(name) if self.masked else name, code=code)
        if entity == "app_user":
            return translate("audit.label.operator", lang, name=name, account=code)
        if entity == "move_batch":
            at = r.get("created_at")
            when = at.strftime("%m-%d %H:%M") if isinstance(at, dt.datetime) else ""
            return translate("audit.label.move_batch", lang, kind=action_name(f"move.{name}", lang), when=when,
                             n=r.get("moves") or 0)
        if entity == "norm_version":
            return translate("audit.label.norm_version", lang, day=str(name))
        if code is None or short:
            return str(name)
        return translate("audit.label.name_code", lang, name=name, code=code)


def operator_label(username: str, names: Names) -> str:
    """李调度（coordinator）; the system, a CLI run and a wall screen named in words."""
    lang = names.lang
    if username == "system":
        return translate("audit.actor.system", lang)
    if username.startswith("system:cli:"):
        return translate("audit.actor.cli", lang, user=username.removeprefix("system:cli:"))
    if username.startswith("kiosk:"):
        token = names.row("kiosk_token", username.removeprefix("kiosk:"), "id")
        return translate("audit.actor.kiosk", lang, name=token["name"] if token else username)
    return names.label("app_user", username) or username


def _compound_key(entity: str, key: str) -> list[tuple[str, str]] | None:
    """The parts of a key that joins two codes (an assignment ``task:staff``, a pairing ``unit|community``)."""
    if entity == "task_assignment" and ":" in key:
        task, staff = key.split(":", 1)
        return [("volunteer_task", task), ("staff", staff)]
    if entity == "pairing" and "|" in key:
        unit, community = key.split("|", 1)
        return [("unit", unit), ("community", community)]
    return None


def alert_rule_name(code: str, lang: str) -> str:
    """``community_short.warning`` -> 社区缺员（预警）."""
    kind, _, level = str(code).partition(".")
    if not _has(f"alert_kind.{kind}", lang):
        return str(code)
    return translate("audit.label.alert_rule", lang, kind=_vocab("alert_kind", kind, lang),
                     level=_vocab("audit.value.level", level, lang))


def reason_text(action: str, reason: Any, lang: str) -> str:
    """The reason as written, but a code core writes in its place (a due risk change, a duty reason)
    in words."""
    text = "" if reason is None or (isinstance(reason, float) and math.isnan(reason)) else str(reason)
    for ctx in (action, "*"):
        key = REASON_CODES.get((ctx, text))
        if key:
            return translate(key, lang)
    if action == "staff.duty":
        code, _, rest = text.partition(" ")
        if _has(f"desk.duty_reason.{code}", lang):
            return f"{_vocab('desk.duty_reason', code, lang)} {rest}".strip()
    return text


def entity_key_by(action: str, entity: str) -> str:
    """Whether an entry's ``entity_id`` is its row's ``id`` or its ``code``."""
    return "id" if entity in ID_KEYED or action in ID_KEYED_ACTIONS else "code"


def object_label(action: str, entity: str, entity_id: str | None, names: Names, reason: str = "") -> str:
    """北泰宁社区（420102002012）, 张*明 S0003767, 手动调配 11-29 14:05（3 人）; an import file by
    its name (the entry's reason); the type alone when the entry names no row (the database)."""
    lang = names.lang
    type_name = entity_type_name(entity, lang)
    if entity == "file" and reason:
        return translate("audit.label.unresolved", lang, type=type_name, id=reason)
    if entity_id is None or str(entity_id) in ("", "None", "nan"):
        return type_name
    key = str(entity_id)
    found = names.label(entity, key, entity_key_by(action, entity))
    if found:
        return found
    parts = _compound_key(entity, key)
    if parts:
        return " · ".join(names.label(e, k, short=True) or k for e, k in parts)
    if entity == "alert_rule":
        return alert_rule_name(key, lang)
    if entity == "incident_deadline_rule" and "/" in key:
        type_, severity = key.split("/", 1)
        return translate("audit.label.deadline_rule", lang, type=_vocab("itype", type_, lang),
                         severity=_vocab("severity", severity, lang))
    for k in (f"audit.label.{entity}.{key}", f"audit.value.{entity}.{key}"):
        if _has(k, lang):
            return translate(k, lang)
    return translate("audit.label.unresolved", lang, type=type_name, id=key)


def references(entries: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, set[str]]]:
    """What a page of entries refers to: entity type -> {"id": keys, "code": keys} (for one lookup
    per type). Each entry: actor, action, entity, entity_id, batch_id, before, after (dicts)."""
    out: dict[str, dict[str, set[str]]] = {}

    def add(entity: str, by: str, key: Any) -> None:
        if key is not None and not (isinstance(key, float) and math.isnan(key)) and not isinstance(key, bool):
            out.setdefault(entity, {"id": set(), "code": set()})[by].add(str(key))

    for e in entries:
        actor = str(e.get("actor") or "")
        if actor.startswith("kiosk:"):
            add("kiosk_token", "id", actor.removeprefix("kiosk:"))
        elif not actor.startswith("system"):
            add("app_user", "code", actor)
        entity, key = str(e.get("entity") or ""), e.get("entity_id")
        if key is not None and str(key) not in ("", "None"):
            add(entity, entity_key_by(str(e.get("action") or ""), entity), key)
            for part_entity, part in _compound_key(entity, str(key)) or []:
                add(part_entity, "code", part)
        if e.get("batch_id"):
            add("move_batch", "id", e["batch_id"])
        for side in (e.get("before"), e.get("after")) if entity not in COUNT_ENTITIES else ():
            for name, value in (side or {}).items() if isinstance(side, Mapping) else ():
                if name in REF_FIELDS:
                    ref_entity, by = REF_FIELDS[name]
                    for v in value if isinstance(value, list | tuple) else [value]:
                        add(ref_entity, by, v)
    return out


# --- values and the diff ---------------------------------------------------------------------------


def _vocab(prefix: str, code: Any, lang: str) -> str:
    key = f"{prefix}.{code}"
    return translate(key, lang) if _has(key, lang) else str(code)


def _vocab_prefix(name: str, action: str, entity: str, lang: str, value: Any) -> str | None:
    for ctx in (action, entity, "*"):
        prefix = VALUE_VOCAB.get((ctx, name))
        if prefix and _has(f"{prefix}.{value}", lang):
            return prefix
    return None


def _key_name(key: str, lang: str) -> str:
    return _vocab("risk", key, lang) if _has(f"risk.{key}", lang) else field_name(key, lang)


def _scalar(value: Any, lang: str) -> str:
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return translate("audit.value.none", lang)
    if isinstance(value, bool):
        return translate("audit.value.true" if value else "audit.value.false", lang)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(round(value, 6))
    text = str(value)
    m = ISO_TIME.match(text)
    return f"{m.group(1)} {m.group(2)}" if m else text


def value_text(value: Any, name: str, action: str, entity: str, names: Names) -> str:
    """One side of one field, as people read it: ids as names, codes as words, None as —."""
    lang = names.lang
    if isinstance(value, list | tuple):
        if not value:
            return translate("audit.value.none", lang)
        shown = [value_text(v, name, action, entity, names) for v in value[:LIST_LIMIT]]
        text = translate("audit.value.list_separator", lang).join(shown)
        more = len(value) - LIST_LIMIT
        return text + (translate("audit.value.more", lang, n=more) if more > 0 else "")
    if isinstance(value, Mapping):  # e.g. the risk multipliers of the norms: 低风险 1、中风险 1.5
        parts = [f"{_key_name(str(k), lang)} {value_text(v, str(k), action, entity, names)}" for k, v in value.items()]
        return translate("audit.value.list_separator", lang).join(parts)
    if name in REF_FIELDS and value is not None and entity not in COUNT_ENTITIES:
        ref_entity, by = REF_FIELDS[name]
        found = names.label(ref_entity, value, by, short=True)
        if found:
            return found
    if name == "rule" and isinstance(value, str):
        return alert_rule_name(value, lang)
    if isinstance(value, str):
        prefix = _vocab_prefix(name, action, entity, lang, value)
        if prefix:
            return _vocab(prefix, value, lang)
        if "," in value and name in ("skills", "days"):
            return value_text([v.strip() for v in value.split(",") if v.strip()], name, action, entity, names)
    elif isinstance(value, int) and not isinstance(value, bool):
        prefix = _vocab_prefix(name, action, entity, lang, value)
        if prefix:
            return _vocab(prefix, value, lang)
    return _scalar(value, lang)


@dataclass(frozen=True)
class Change:
    """One field of one entry: its name, and the text before (None: not recorded) and after."""

    field: str
    name: str
    before: str | None
    after: str


def _side(record: Any) -> dict[str, Any] | None:
    if not isinstance(record, Mapping):
        return None
    return {k: v for k, v in record.items()
            if k not in HIDDEN_FIELDS and not (k in REDUNDANT and REDUNDANT[k] in record)}


def _same(a: Any, b: Any) -> bool:
    none_a = a is MISSING or a is None or a == ""
    none_b = b is MISSING or b is None or b == ""
    return (none_a and none_b) or a == b


#: fields that hold a packed payload (the import's compact change record): shown as its size, never as text
PACKED_FIELDS: dict[str, tuple[str, ...]] = {"change_record": ("data",)}


def changes(action: str, entity: str, before: Any, after: Any, names: Names) -> list[Change]:
    """The fields that changed, in the entry's order: a field only after is set (None: left out), a
    field only before went (→ —) unless the entry records it as context (``FACT_FIELDS``)."""
    b, a = _side(before), _side(after)
    order = list(dict.fromkeys([*(b or {}), *(a or {})]))
    out: list[Change] = []
    none = translate("audit.value.none", names.lang)
    for f in order:
        old = (b or {}).get(f, MISSING)
        new = (a or {}).get(f, MISSING)
        if (b is not None and a is not None and _same(old, new)) or (old is MISSING and new in (None, "")):
            continue
        if (action, f) in FACT_FIELDS and new is MISSING:
            old, new = MISSING, old
        label = field_name(f, names.lang, action, entity)
        if f in PACKED_FIELDS.get(entity, ()) and isinstance(new, str):  # kilobytes of base64: not for a cell
            out.append(Change(f, label, None, translate("audit.value.packed", names.lang, n=len(new))))
            continue
        new_text = none if new is MISSING else value_text(new, f, action, entity, names)
        old_text = None if old is MISSING else value_text(old, f, action, entity, names)
        out.append(Change(f, label, old_text, new_text))
    return out


def changes_text(found: Sequence[Change], lang: str) -> str:
    """所在社区：北泰宁社区 → 大智社区；调配方式：手动调配."""
    lines = [translate("audit.diff.set", lang, field=c.name, value=c.after) if c.before is None
             else translate("audit.diff.change", lang, field=c.name, before=c.before, after=c.after) for c in found]
    return translate("audit.diff.separator", lang).join(lines)
