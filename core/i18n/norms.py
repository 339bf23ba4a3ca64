"""Staffing norms: the names and units of the terms, and the validation and saving errors.

Each numeric term has two error keys, ``norms.term.<name>.not_a_number`` and
``norms.term.<name>.out_of_range`` (params ``lo``, ``hi``, ``value``), built below from the term's
name and unit so that the sentences read naturally in each language.
"""

from __future__ import annotations

#: term -> (Chinese name, unit), (English name, unit)
_TERMS: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "base_per_10k_residents": (("每万名常住人口社区工作者基数", "人"),
                               ("Community workers per 10,000 residents", "people")),
    "grid_members_per_grid": (("每个网格网格员", "人"), ("Grid members per grid", "people")),
    "people_per_checkpoint_shift": (("每个卡点每班人数", "人"), ("People per checkpoint shift", "people")),
    "checkpoint_shifts_per_day": (("卡点每日班次", "班"), ("Checkpoint shifts per day", "shifts")),
    "isolated_households_per_person": (("每人负责居家隔离户数", "户"),
                                       ("Isolated households per person", "households")),
    "vulnerable_residents_per_person": (("每人负责重点关爱人数", "人"),
                                        ("Vulnerable residents per person", "people")),
    "screening_households_per_person_per_day": (("每人每日入户排查户数", "户"),
                                                ("Households screened per person per day", "households")),
    "max_hours_per_day": (("每人每日最长工作时长", "小时"), ("Maximum hours per person per day", "hours")),
    "max_consecutive_days": (("每人最多连续服务天数", "天"), ("Most days in a row per person", "days")),
    "grid_shifts_per_day": (("网格每日值守班次", "班"), ("Grid watch shifts per day", "shifts")),
    "max_hours_per_week": (("排班人员每周最长工作时长", "小时"), ("Most rostered hours per person per week", "hours")),
    "roster_max_consecutive_days": (("排班人员最多连续上岗天数", "天"), ("Most rostered days in a row per person", "days")),
    "min_rest_hours": (("两班之间最少休息时长", "小时"), ("Least rest between two shifts", "hours")),
}
_RISKS = {"low": ("低风险", "Low risk"), "medium": ("中风险", "Medium risk"), "high": ("高风险", "High risk")}

ZH = {
    "norms.invalid": "人员配置标准有误：{problems}",
    "norms.and": "{first}；{rest}",
    "norms.unknown_terms": "未知的参数：{names}",
    "norms.risk_multiplier_missing": "风险等级系数必须按低、中、高风险分别填写",
    "norms.risk_multiplier_order": "风险等级系数应满足 低风险 ≤ 中风险 ≤ 高风险",
    "norms.counted_kinds_empty": "至少选择一类计入在岗力量的人员",
    "norms.unknown_kinds": "未知的人员类别：{kinds}",
    "norms.volunteer_tasks_not_a_list": "志愿者计入的任务类型必须是列表",
    "norms.unknown_task_types": "未知的任务类型：{types}",
    "norms.fatigue_policy_invalid": "超时派岗的处理方式只能是 拒绝 或 提醒",
    "norms.reason_missing": "请填写修改原因",
    "norms.reason.default": "初始规范（系统默认）",
    **{f"norms.term.{k}": zh for k, ((zh, _), _) in _TERMS.items()},
    **{f"norms.unit.{k}": unit for k, ((_, unit), _) in _TERMS.items()},
    **{f"norms.term.{k}.not_a_number": f"{zh}必须是数字" for k, ((zh, _), _) in _TERMS.items()},
    **{f"norms.term.{k}.out_of_range": f"{zh}应在 {{lo:g}}–{{hi:g}} {unit}之间，现为 {{value:g}} {unit}"
       for k, ((zh, unit), _) in _TERMS.items()},
    **{f"norms.risk.{r}.not_a_number": f"{zh}系数必须是数字" for r, (zh, _) in _RISKS.items()},
    **{f"norms.risk.{r}.out_of_range": f"{zh}系数应在 {{lo:g}}–{{hi:g}} 之间，现为 {{value:g}}"
       for r, (zh, _) in _RISKS.items()},
}

EN = {
    "norms.invalid": "The staffing norms are invalid: {problems}",
    "norms.and": "{first}; {rest}",
    "norms.unknown_terms": "Unknown terms: {names}",
    "norms.risk_multiplier_missing": "Give a risk multiplier for each of low, medium and high risk",
    "norms.risk_multiplier_order": "Risk multipliers must satisfy low ≤ medium ≤ high",
    "norms.counted_kinds_empty": "Choose at least one kind of staff counted as available",
    "norms.unknown_kinds": "Unknown kinds of staff: {kinds}",
    "norms.volunteer_tasks_not_a_list": "The volunteer task types counted must be a list",
    "norms.unknown_task_types": "Unknown task types: {types}",
    "norms.fatigue_policy_invalid": "The fatigue policy must be refuse or warn",
    "norms.reason_missing": "Please give the reason for the change",
    "norms.reason.default": "Initial norms (system default)",
    **{f"norms.term.{k}": en for k, (_, (en, _)) in _TERMS.items()},
    **{f"norms.unit.{k}": unit for k, (_, (_, unit)) in _TERMS.items()},
    **{f"norms.term.{k}.not_a_number": f"{en} must be a number" for k, (_, (en, _)) in _TERMS.items()},
    **{f"norms.term.{k}.out_of_range": f"{en} must be between {{lo:g}} and {{hi:g}} {unit}, not {{value:g}}"
       for k, (_, (en, unit)) in _TERMS.items()},
    **{f"norms.risk.{r}.not_a_number": f"The {en.lower()} multiplier must be a number" for r, (_, en) in _RISKS.items()},
    **{f"norms.risk.{r}.out_of_range": f"The {en.lower()} multiplier must be between {{lo:g}} and {{hi:g}}, not {{value:g}}"
       for r, (_, en) in _RISKS.items()},
}

#: the reason stored with the first norm version a new district gets (written in Chinese, the
#: district's language), and the one older databases hold: shown as ``norms.reason.default`` in the
#: reader's language
STORED_DEFAULT_REASONS = frozenset({ZH["norms.reason.default"], "默认规范（DESIGN.md）"})
