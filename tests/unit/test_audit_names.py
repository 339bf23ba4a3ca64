"""Every action code, entity type and field core writes to the audit trail has a name in Chinese and
English (found by scanning core's source for the audit-writing calls, as test_i18n scans for error
keys); and an entry reads as words: names and codes, ids resolved, only the changed fields, — for None."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import fields as dataclass_fields
from pathlib import Path

import pytest

from core.i18n import TABLES
from core.services.audit_names import (
    Names,
    action_name,
    changes,
    changes_text,
    entity_type_name,
    field_keys,
    field_name,
    object_label,
    operator_label,
    references,
)

ROOT = Path(__file__).resolve().parents[2]
#: the calls that write an entry: name -> (position of the action, position of the entity) among the
#: positional arguments (None: only by keyword); ``audit*`` are the importer's Context methods
AUDIT_CALLS: dict[str, tuple[int | None, int | None]] = {
    "record": (2, 3), "record_many": (2, 3), "add_audit_entry": (None, None),
    "audit": (None, 0), "audit_created": (None, 0), "audit_changed": (None, 0),
}
SKIP = {ROOT / "core" / "services" / "audit.py"}  # the write path itself


def _sites() -> Iterable[tuple[Path, ast.Module, ast.Call]]:
    for path in sorted((ROOT / "core").rglob("*.py")):
        if path in SKIP:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in AUDIT_CALLS:
                yield path, tree, node


def _argument(call: ast.Call, position: int | None, keyword: str) -> ast.expr | None:
    if position is not None and len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _constants(expr: ast.expr) -> list[str] | None:
    """The strings a literal, or a conditional between literals, can be (None: not literal)."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [expr.value]
    if isinstance(expr, ast.IfExp):
        a, b = _constants(expr.body), _constants(expr.orelse)
        return None if a is None or b is None else a + b
    return None


def _module_constant(tree: ast.Module, name: str) -> list[str] | None:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(getattr(t, "id", None) == name for t in stmt.targets):
            return _constants(stmt.value)
    return None


def _move_kinds() -> list[str]:
    """The kinds ``reassign._apply_moves`` is called with (its 5th argument at each call)."""
    tree = ast.parse((ROOT / "core" / "services" / "reassign.py").read_text("utf-8"))
    return sorted({c.args[4].value for c in ast.walk(tree) if isinstance(c, ast.Call)
                   and getattr(c.func, "id", None) == "_apply_moves" and len(c.args) > 4
                   and isinstance(c.args[4], ast.Constant)})


def _place_tables() -> list[str]:
    """The entity types of the importer's place tables (``Table("grid", ...)``)."""
    out = set()
    for path in (ROOT / "core" / "services" / "importer").glob("write_*.py"):
        for c in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(c, ast.Call) and getattr(c.func, "id", None) == "Table" and c.args:
                out |= set(_constants(c.args[0]) or [])
    return sorted(out)


def _import_kinds() -> list[str]:
    from core.services.importer.registry import KINDS

    return list(KINDS)


#: a code written with a variable: (file, the expression as written) -> the codes it can be. A new
#: dynamic site fails the scan until it is added here, with its values taken from core.
DYNAMIC_ACTIONS: dict[tuple[str, str], Callable[[], Iterable[str]]] = {
    ("reassign.py", "f'move.{kind}'"): lambda: [f"move.{k}" for k in _move_kinds()],
    ("errands.py", "f'errand.{action}'"): lambda: [f"errand.{a}" for a in _errand_actions()],
    ("incidents.py", "f'incident.{action}'"): lambda: [f"incident.{a}" for a in _incident_actions()],
    ("context.py", "self.action"): lambda: [f"import.{k}" for k in _import_kinds()],
    # the roster's one audit helper; its callers name the action
    ("rosters.py", "action"): lambda: ["roster.pattern", "roster.exception", "roster.assign", "roster.release"],
}
DYNAMIC_ENTITIES: dict[tuple[str, str], Callable[[], Iterable[str]]] = {
    ("context.py", "entity"): lambda: [],  # Context passes its callers' entity on (they are scanned)
    ("place_refs.py", "self.entity"): _place_tables,
    ("boundaries.py", "entity"): lambda: ["community", "street", "grid"],  # the levels a boundary file holds
    ("rosters.py", "kind"): lambda: ["checkpoint", "grid"],  # a roster's post: a checkpoint or a grid
}


def _errand_actions() -> tuple[str, ...]:
    from core.model.volunteer_rules import ERRAND_ACTIONS

    return ERRAND_ACTIONS


def _incident_actions() -> tuple[str, ...]:
    from core.model.incident_rules import ACTIONS

    return ACTIONS


def written(kind: str) -> tuple[set[str], list[str]]:
    """The action codes (``kind="action"``) or entity types core writes, and the sites not understood."""
    table = DYNAMIC_ACTIONS if kind == "action" else DYNAMIC_ENTITIES
    found: set[str] = set()
    unknown: list[str] = []
    for path, tree, call in _sites():
        action_pos, entity_pos = AUDIT_CALLS[getattr(call.func, "id", getattr(call.func, "attr", ""))]
        expr = _argument(call, action_pos if kind == "action" else entity_pos, kind)
        if expr is None:  # the importer's Context methods write their action themselves
            continue
        values = _constants(expr) or (_module_constant(tree, expr.id) if isinstance(expr, ast.Name) else None)
        if values is None and (path.name, ast.unparse(expr)) in table:
            values = list(table[(path.name, ast.unparse(expr))]())
        if values is None:
            unknown.append(f"{path.relative_to(ROOT)}:{call.lineno} {ast.unparse(expr)}")
        found |= set(values or [])
    return found, unknown


def test_the_scan_understands_every_audit_call_in_core() -> None:
    for kind in ("action", "entity"):
        assert written(kind)[1] == [], f"add the {kind} of these calls to DYNAMIC_{kind.upper()}S"


def test_the_scan_sees_the_codes_written_with_variables() -> None:
    actions, _ = written("action")
    assert {"move.manual", "move.plan", "errand.cancel", "incident.triage", "import.staff",
            "user.disable", "user.enable", "demo.seed"} <= actions
    assert len(actions) > 60
    entities, _ = written("entity")
    assert {"grid", "checkpoint", "compound", "vulnerable_resident", "database", "move_batch"} <= entities


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_action_code_written_in_core_has_a_name(lang: str) -> None:
    actions, _ = written("action")
    assert sorted(a for a in actions if f"audit.action.{a}" not in TABLES[lang]) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_entity_type_written_in_core_has_a_name(lang: str) -> None:
    entities, _ = written("entity")
    assert sorted(e for e in entities if f"audit.entity.{e}" not in TABLES[lang]) == []


# --- the fields of before/after --------------------------------------------------------------------


def _dict_keys(expr: ast.expr | None, tree: ast.Module, scope: ast.AST, unknown: list[str], site: str,
               depth: int = 0) -> set[str]:
    """The keys a before/after expression can hold: dict literals, through names assigned in the
    function (or the module) and the module's own functions that return a dict literal; what is
    built elsewhere comes from ``DYNAMIC_FIELDS``."""
    if expr is None or (isinstance(expr, ast.Constant) and expr.value is None) or depth > 4:
        return set()
    dynamic = DYNAMIC_FIELDS.get((Path(site.split(":")[0]).name, ast.unparse(expr)))
    if dynamic is not None:
        return dynamic()
    if isinstance(expr, ast.Dict):
        keys: set[str] = set()
        for k, v in zip(expr.keys, expr.values, strict=True):
            if k is None:
                keys |= _dict_keys(v, tree, scope, unknown, site, depth + 1)
            elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                keys.add(k.value)
            else:
                keys |= _dict_keys(k, tree, scope, unknown, site, depth + 1)
        return keys
    if isinstance(expr, ast.IfExp):
        return (_dict_keys(expr.body, tree, scope, unknown, site, depth + 1)
                | _dict_keys(expr.orelse, tree, scope, unknown, site, depth + 1))
    if isinstance(expr, ast.Name):
        for where in (scope, tree):
            values = [n.value for n in ast.walk(where) if (isinstance(n, ast.Assign) and any(
                      getattr(t, "id", None) == expr.id for t in n.targets)) or (isinstance(n, ast.AnnAssign)
                      and getattr(n.target, "id", None) == expr.id and n.value is not None)]
            if values:
                return set().union(*(_dict_keys(v, tree, scope, unknown, site, depth + 1) for v in values))
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == expr.func.id), None)
        if fn is not None:
            returns = [n.value for n in ast.walk(fn) if isinstance(n, ast.Return) and n.value is not None]
            return set().union(*(_dict_keys(v, tree, fn, unknown, site, depth + 1) for v in returns))
    unknown.append(f"{site} {ast.unparse(expr)}")
    return set()


def _import_fields() -> set[str]:
    """What an import writes: the columns of every exchange format (rows go to the trail as read)."""
    from core.services.importer.registry import KINDS
    from core.services.importer.service import EXTRA_COUNTS

    columns = {c.name for k in KINDS.values() if k.format for c in k.format.columns}
    return columns | set(EXTRA_COUNTS) | {"created", "updated", "unchanged", "volunteer_type", "geometry"}


def _norm_fields() -> set[str]:
    from core.model.norms import Norms

    return set(Norms.from_params({}).to_params()) | {"valid_from"}


def _isolation_settings() -> set[str]:
    from core.services.isolation import IsolationSettings

    return {f.name for f in dataclass_fields(IsolationSettings)}


def _alert_rule_columns() -> set[str]:
    from core.storage.repositories.alerts_repo import RULE_COLUMNS

    return set(RULE_COLUMNS)


#: before/after built elsewhere than the audit call: (file, expression) -> the keys it can hold
def _fatigue_limits() -> set[str]:
    from dataclasses import fields

    from core.model.roster_rules import FatigueLimits

    return {f.name for f in fields(FatigueLimits)}


DYNAMIC_FIELDS: dict[tuple[str, str], Callable[[], set[str]]] = {
    ("alerts.py", "before"): _alert_rule_columns, ("alerts.py", "after"): _alert_rule_columns,
    ("context.py", "before"): _import_fields, ("context.py", "after"): _import_fields,
    ("service.py", "summary.extra"): _import_fields, ("write_staff.py", "row"): _import_fields,
    ("write_people.py", "field"): lambda: {"isolated_households", "vulnerable_residents"},
    ("isolation.py", "vars(before)"): _isolation_settings, ("isolation.py", "vars(settings)"): _isolation_settings,
    ("norms.py", "uow.state.norm_params_for_day(valid_from)"): _norm_fields,
    ("norms.py", "norms.to_params()"): _norm_fields,
    ("incidents.py", "extra or {}"): lambda: {"grid", "located", "photo_sha256", "photo_px"},
    ("rosters.py", "asdict(limits(uow))"): _fatigue_limits, ("rosters.py", "asdict(new)"): _fatigue_limits,
}


def written_fields() -> tuple[set[str], list[str]]:
    found: set[str] = set()
    unknown: list[str] = []
    for path, tree, call in _sites():
        scope = next((n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)
                      and n.lineno <= call.lineno <= (n.end_lineno or n.lineno)
                      and not any(isinstance(m, ast.FunctionDef) and m is not n and n.lineno < m.lineno <= call.lineno
                                  <= (m.end_lineno or m.lineno) for m in ast.walk(n))), tree)
        for kw in call.keywords:
            if kw.arg not in ("before", "after"):
                continue
            missed: list[str] = []
            found |= _dict_keys(kw.value, tree, scope, missed, f"{path.relative_to(ROOT)}:{call.lineno}")
            unknown += missed
    return found, unknown


def has_name(field: str, lang: str) -> bool:
    return any(k in TABLES[lang] for k in field_keys(field))


def test_the_field_scan_understands_every_before_and_after() -> None:
    found, unknown = written_fields()
    assert unknown == [], "add these to DYNAMIC_FIELDS"
    assert {"community_id", "grid_id", "on_duty", "risk_level", "fever_threshold", "threshold",
            "base_per_10k_residents", "head_name"} <= found


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_field_written_in_core_has_a_name(lang: str) -> None:
    found, _ = written_fields()
    assert sorted(f for f in found if not has_name(f, lang)) == []


# --- an entry in words -------------------------------------------------------------------------------


def _names(lang: str = "zh", *, masked: bool = True) -> Names:
    return Names.of({
        "community": [{"id": "28", "code": "420102002012", "name": "北泰宁社区"},
                      {"id": "31", "code": "420102002015", "name": "大智社区"}],
        "grid": [{"id": "7", "code": "42010200201201", "name": "北泰宁第1网格"}],
        "staff": [{"id": "3509", "code": "S0003767", "name": "张三明"}],
        "app_user": [{"id": "2", "code": "coordinator", "name": "李调度"}],
        "kiosk_token": [{"id": "1", "code": None, "name": "演示大屏"}],
        "move_batch": [{"id": "1dc64ecf5ff24e73", "code": None, "name": "manual",
                        "created_at": dt.datetime(2026, 11, 29, 14, 5), "moves": 3}],
    }, lang, masked=masked)


MOVE_BEFORE = {"community_id": 28, "community_code": "420102002012", "grid_id": 7}
MOVE_AFTER = {"community_id": 31, "community_code": "420102002015", "kind": "manual"}


@pytest.mark.parametrize(("lang", "expected"), [
    ("zh", "所在社区：北泰宁社区 → 大智社区；网格：北泰宁第1网格 → —；调配方式：手动调配"),
    ("en", "Community: 北泰宁社区 → 大智社区; Grid: 北泰宁第1网格 → —; How: manual move"),
])
def test_a_move_reads_as_the_changed_fields_with_names(lang: str, expected: str) -> None:
    found = changes("staff.move", "staff", MOVE_BEFORE, MOVE_AFTER, _names(lang))
    assert changes_text(found, lang) == expected


def test_unchanged_fields_and_row_versions_are_left_out_and_none_is_a_dash() -> None:
    found = changes("errand.start", "service_request", {"status": "assigned", "assignee_staff_id": 3509, "version": 2},
                    {"status": "in_progress", "assignee_staff_id": 3509, "version": 3}, _names())
    assert [(c.name, c.before, c.after) for c in found] == [("状态", "已派单", "办理中")]
    found = changes("staff.duty", "staff", {"on_duty": True}, {"on_duty": False, "reason": "sick",
                                                               "expected_return": None}, _names())
    assert changes_text(found, "zh") == "在岗：是 → 否；离岗原因：病假"


def test_a_new_row_lists_its_values_and_a_deleted_one_goes_to_a_dash() -> None:
    created = changes("task.assign", "task_assignment", None, {"staff": "S0003767", "warnings": []}, _names())
    assert changes_text(created, "zh") == "人员：张*明 S0003767；提示：—"
    deleted = changes("scenario.delete", "scenario", {"name": "夜班加强", "changes": 3}, None, _names())
    assert changes_text(deleted, "zh") == "名称：夜班加强 → —；调整项数：3 → —"


def test_counts_are_not_taken_for_ids() -> None:
    found = changes("demo.seed", "database", None, {"scale": "district", "communities": 28, "staff": 15249}, _names())
    assert changes_text(found, "zh") == "规模：区级；社区数：28；人员数：15,249"


@pytest.mark.parametrize(("action", "entity", "key", "expected"), [
    ("community.risk_level", "community", "420102002012", "北泰宁社区（420102002012）"),
    ("staff.move", "staff", "3509", "张*明 S0003767"),
    ("staff.duty", "staff", "S0003767", "张*明 S0003767"),
    ("move.manual", "move_batch", "1dc64ecf5ff24e73", "手动调配 11-29 14:05（3 人）"),
    ("user.add", "app_user", "coordinator", "李调度（coordinator）"),
    ("alert.sync", "alert_instance", None, "预警"),
    ("incident.report", "incident", "E0000002", "事件 E0000002"),
    ("incident.deadline_rule", "incident_deadline_rule", "fever_case/high", "发现发热病例·严重"),
    ("isolation.settings", "setting", "isolation", "居家隔离设置"),
    ("export.personal_data", "export", "staff", "人员"),
    ("import.staff", "file", None, "导入文件 staff.csv"),
])
def test_the_object_is_named_by_its_name_and_code(action: str, entity: str, key: str | None, expected: str) -> None:
    assert object_label(action, entity, key, _names(), reason="staff.csv") == expected


def test_a_reader_who_may_see_personal_data_sees_the_name_in_full() -> None:
    assert object_label("staff.duty", "staff", "S0003767", _names(masked=False)) == "张三明 S0003767"


@pytest.mark.parametrize(("username", "lang", "expected"), [
    ("coordinator", "zh", "李调度（coordinator）"), ("coordinator", "en", "李调度 (coordinator)"),
    ("system", "zh", "系统"), ("system", "en", "System"),
    ("system:cli:root", "zh", "命令行（root）"), ("kiosk:1", "zh", "大屏「演示大屏」"),
    ("gone-user", "zh", "gone-user"),
])
def test_operators_are_named_as_people_know_them(username: str, lang: str, expected: str) -> None:
    assert operator_label(username, _names(lang)) == expected


def test_an_unknown_code_stays_readable_as_itself() -> None:
    assert action_name("no.such_action", "zh") == "no.such_action"
    assert entity_type_name("no_such_entity", "zh") == "no_such_entity"
    assert field_name("no_such_field", "zh") == "no_such_field"
    assert action_name("staff.move", "zh") == "调动人员"


def test_references_ask_for_each_entity_type_once_by_id_and_by_code() -> None:
    refs = references([
        {"actor": "coordinator", "action": "staff.move", "entity": "staff", "entity_id": "3509",
         "batch_id": "1dc64ecf5ff24e73", "before": MOVE_BEFORE, "after": MOVE_AFTER},
        {"actor": "kiosk:1", "action": "staff.duty", "entity": "staff", "entity_id": "S0003767",
         "batch_id": None, "before": None, "after": {"on_duty": False}},
        {"actor": "system", "action": "demo.seed", "entity": "database", "entity_id": None,
         "batch_id": None, "before": None, "after": {"communities": 180}},
    ])
    assert refs == {"app_user": {"id": set(), "code": {"coordinator"}}, "kiosk_token": {"id": {"1"}, "code": set()},
                    "staff": {"id": {"3509"}, "code": {"S0003767"}}, "move_batch": {"id": {"1dc64ecf5ff24e73"}, "code": set()},
                    "community": {"id": {"28", "31"}, "code": {"420102002012", "420102002015"}},
                    "grid": {"id": {"7"}, "code": set()}}


@pytest.mark.parametrize(("action", "reason", "lang", "expected"), [
    ("community.risk_due", "scheduled", "zh", "到期自动生效"),
    ("community.risk_due", "scheduled", "en", "took effect as scheduled"),
    ("staff.duty", "sick 发热", "zh", "病假 发热"),
    ("staff.duty", "病愈返岗", "zh", "病愈返岗"),
    ("staff.move", "scheduled", "zh", "scheduled"),  # a person's own words stay as written
    ("staff.move", None, "zh", ""),
])
def test_a_reason_core_writes_as_a_code_reads_in_words(action: str, reason: str | None, lang: str,
                                                       expected: str) -> None:
    from core.services.audit_names import reason_text

    assert reason_text(action, reason, lang) == expected


def test_codes_inside_values_read_in_words() -> None:
    names = _names()
    report = changes("incident.report", "incident", None,
                     {"type": "fever_case", "severity": "high", "place": "", "source": "desk"}, names)
    assert changes_text(report, "zh") == "类型：发现发热病例；严重程度：严重；来源：指挥台"
    risk = changes("community.risk_level", "community", {"risk_level": "low"},
                   {"risk_level": "high", "kind": "today"}, names)
    assert changes_text(risk, "zh") == "风险等级：低风险 → 高风险；类别：当日生效"
    ack = changes("alert.acknowledge", "alert_instance", None, {"rule": "community_short.warning"}, names)
    assert changes_text(ack, "zh") == "规则：社区缺员（预警）"
    assert object_label("alert_rule.save", "alert_rule", "community_short.critical", names) == "社区缺员（严重）"
