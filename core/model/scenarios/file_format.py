"""The scenario exchange format ``fangxian-scenario/1`` (docs/scenario-format.md): JSON in and out.

Reading checks everything it can without a database (format marker, change kinds, field names and
types) and names the place of a problem: the JSON line and column, or the change and field
(``changes[3].level``), prefixed by the source (a file's path, a saved scenario's name) when given;
the errors carry it as the parameter ``where``. References to communities, streets, units and people
are checked when the scenario is evaluated against a state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from core.model.errors import InvalidInput
from core.model.scenarios.changes import CHANGE_TYPES, Change
from core.model.scenarios.evaluation import LIVE, Scenario

FORMAT = "fangxian-scenario/1"
TOP_FIELDS = {"format", "id", "name", "author", "created_at", "base", "description", "changes"}


def _at(source: str, path: str = "") -> str:
    """The place of a problem: ``source.path`` (either may be empty; both empty: "JSON")."""
    return ".".join(p for p in (source, path) if p) or "JSON"


def change_to_dict(change: Change) -> dict[str, Any]:
    """``{"kind": ..., field: value, ...}``; empty optional fields are left out."""
    out: dict[str, Any] = {"kind": change.kind}
    for f in dataclasses.fields(change):
        v = getattr(change, f.name)
        if v is None or v == () or v == {}:
            continue
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def _coerce(value: Any, annotation: str, where: str) -> Any:
    """Check one field against its annotation (as written in core.model.scenarios.changes)."""
    optional = annotation.endswith("| None")
    ann = annotation.removesuffix(" | None")
    if value is None:
        if optional:
            return None
        raise InvalidInput("whatif.file.empty_value", where=where)
    if ann == "str":
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput("whatif.file.not_text", where=where, value=repr(value))
        return value.strip()
    if ann == "int":
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            raise InvalidInput("whatif.file.not_integer", where=where, value=repr(value))
        return int(value)
    if ann == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput("whatif.file.not_number", where=where, value=repr(value))
        return float(value)
    if ann == "tuple[str, ...]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise InvalidInput("whatif.file.not_codes", where=where, value=repr(value))
        return tuple(v.strip() for v in value)
    if ann.startswith("dict"):
        if not isinstance(value, dict):
            raise InvalidInput("whatif.file.not_object", where=where, value=repr(value))
        return dict(value)
    raise TypeError(f"unsupported annotation {annotation}")


def change_from_dict(data: Any, where: str) -> Change:
    if not isinstance(data, dict):
        raise InvalidInput("whatif.file.change_not_object", where=where, value=repr(data))
    kind = data.get("kind")
    cls = CHANGE_TYPES.get(str(kind))
    if cls is None:
        raise InvalidInput("whatif.file.unknown_kind", where=f"{where}.kind", kind=repr(kind), allowed=list(CHANGE_TYPES))
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields) - {"kind"})
    if unknown:
        raise InvalidInput("whatif.file.unknown_fields", where=where, fields=unknown, kind=kind,
                           allowed=list(fields))
    kwargs: dict[str, Any] = {}
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if name not in data:
            if required:
                raise InvalidInput("whatif.file.field_missing", where=f"{where}.{name}")
            continue
        kwargs[name] = _coerce(data[name], str(f.type), f"{where}.{name}")
    return cls(**kwargs)  # type: ignore[no-any-return]


def to_dict(scenario: Scenario, changes: tuple[Change, ...] | None = None) -> dict[str, Any]:
    """The file's object. ``changes`` given (the flattened list): written on base "live" so the file stands alone."""
    return {
        "format": FORMAT, "id": scenario.id, "name": scenario.name, "author": scenario.author,
        "created_at": scenario.created_at.isoformat(timespec="seconds") if scenario.created_at else None,
        "base": LIVE if changes is not None else scenario.base, "description": scenario.description,
        "changes": [change_to_dict(c) for c in (changes if changes is not None else scenario.changes)],
    }


def dumps(scenario: Scenario, changes: tuple[Change, ...] | None = None) -> str:
    return json.dumps(to_dict(scenario, changes), ensure_ascii=False, indent=2) + "\n"


def from_dict(data: Any, source: str = "") -> Scenario:
    if not isinstance(data, dict):
        raise InvalidInput("whatif.file.top_not_object", where=_at(source))
    if data.get("format") != FORMAT:
        raise InvalidInput("whatif.file.bad_format", where=_at(source, "format"), expected=repr(FORMAT),
                           value=repr(data.get("format")))
    unknown = sorted(set(data) - TOP_FIELDS)
    if unknown:
        raise InvalidInput("whatif.file.unknown_top_fields", where=_at(source), fields=unknown)
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput("whatif.file.name_missing", where=_at(source, "name"))
    changes = data.get("changes", [])
    if not isinstance(changes, list):
        raise InvalidInput("whatif.file.changes_not_list", where=_at(source, "changes"))
    created = data.get("created_at")
    try:
        created_at = dt.datetime.fromisoformat(created) if created else None
    except (TypeError, ValueError) as exc:
        raise InvalidInput("whatif.file.bad_time", where=_at(source, "created_at"), value=repr(created)) from exc
    base = data.get("base") or LIVE
    return Scenario(name=name.strip()[:100], author=str(data.get("author") or ""), created_at=created_at,
                    base=str(base), id=str(data["id"]) if data.get("id") else None,
                    description=str(data.get("description") or ""),
                    changes=tuple(change_from_dict(c, _at(source, f"changes[{k}]")) for k, c in enumerate(changes, 1)))


def loads(text: str | bytes, source: str = "") -> Scenario:
    """Parse a scenario file; a JSON error names its line and column."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput("whatif.file.not_utf8", where=_at(source)) from exc
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InvalidInput("whatif.file.bad_json", where=_at(source), line=exc.lineno, column=exc.colno,
                           detail=exc.msg) from exc
    except RecursionError as exc:  # thousands of nested brackets: no scenario looks like that
        raise InvalidInput("whatif.file.too_deep", where=_at(source)) from exc
    try:
        return from_dict(data, source)
    except RecursionError as exc:  # a nested value that parsed but cannot be checked or quoted
        raise InvalidInput("whatif.file.too_deep", where=_at(source)) from exc
