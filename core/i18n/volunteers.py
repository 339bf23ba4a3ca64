"""Volunteer deployments: task types, weekdays, the issues against an assignment and the errors of
``core.services.volunteers`` / ``volunteer_tasks`` / ``volunteer_registry`` / ``core.model.volunteer_rules``.

Also the two renderers that need more than one key: ``weekdays_text`` ("01234" -> 周一至周五) and
``issue_text`` (an ``Issue`` of the assignment rules as a sentence).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

ZH = {
    "vol.task.checkpoint": "卡点值守",
    "vol.task.door_to_door": "入户排查",
    "vol.task.delivery": "隔离户配送",
    "vol.task.elderly_care": "探视孤寡老人",
    "vol.task.disinfection": "环境消杀",
    "vol.task.publicity": "防疫宣传",
    "vol.wd.0": "周一",
    "vol.wd.1": "周二",
    "vol.wd.2": "周三",
    "vol.wd.3": "周四",
    "vol.wd.4": "周五",
    "vol.wd.5": "周六",
    "vol.wd.6": "周日",
    "vol.days.every": "每天",
    "vol.days.none": "无",
    "vol.days.range": "{first}至{last}",
    "volunteer.issue.kind": "{code} 不是志愿者或在职党员，不能派岗",
    "volunteer.issue.off_duty": "{code} 当前不在岗（已停用），不能派岗",
    "volunteer.issue.conflict": "{code} 同一时段已有任务：{tasks}",
    "volunteer.issue.hours": "{code} {day} 将服务 {hours:.1f} 小时，超过每日上限 {limit:g} 小时",
    "volunteer.issue.streak": "{code} 将连续服务 {days} 天，超过上限 {limit:g} 天",
    "volunteer.issue.availability": "{code} 登记的可服务时间为 {weekdays} {hour_from:02d}:00–{hour_to:02d}:00，本任务不在其内",
    "volunteer.window_empty": "任务结束时间必须晚于开始时间",
    "volunteer.window_too_long": "一个任务最长 {max_hours:g} 小时，请拆成多个班次",
    "volunteer.unknown_task_type": "未知的任务类型：{type}",
    "volunteer.needed_range": "所需人数应在 {low}–{high} 人之间",
    "volunteer.checkpoint_required": "卡点值守任务需要选择卡点",
    "volunteer.checkpoint_missing": "卡点 {id} 不存在或已撤销",
    "volunteer.community_required": "请选择任务所在社区",
    "volunteer.community_missing": "社区 {id} 不存在",
    "volunteer.grid_not_in_community": "所选网格不属于该社区",
    "volunteer.task_missing": "任务 {id} 不存在或已取消",
    "volunteer.task_changed": "任务 {code} 已被他人修改，请刷新后重试",
    "volunteer.pick_someone": "请至少选择一名志愿者",
    "volunteer.batch_too_large": "一次最多派 {max} 人",
    "volunteer.staff_missing": "人员不存在：{ids}",
    "volunteer.already_on_task": "已在该任务中：{staff}",
    "volunteer.assign_refused": "不能派岗：{staff} 有时段冲突、超出服务时长或不在岗",
    "volunteer.assign_needs_reason": "需要填写原因才能派岗：{staff} 超出服务时长或可服务时间",
    "volunteer.unassign_reason_missing": "请填写撤下原因",
    "volunteer.assignment_missing": "派岗记录 {id} 不存在或已撤下",
    "volunteer.unassign_checked_in": "已签到的人员不能撤下，请先签退",
    "volunteer.pick_assignment": "请至少选择一条派岗记录",
    "volunteer.assignments_missing": "派岗记录不存在或已撤下",
    "volunteer.already_checked_in": "{task} 的派岗记录 {id} 已签到",
    "volunteer.not_checked_in": "{task} 的派岗记录 {id} 未签到或已签退",
    "volunteer.check_out_before_in": "签退时间必须晚于签到时间",
    "volunteer.weekdays_missing": "至少选择一天",
    "volunteer.hours_range": "可服务时段应在 0–24 时之间，且结束晚于开始",
    "volunteer.volunteer_missing": "志愿者 {id} 不存在",
}

EN = {
    "vol.task.checkpoint": "Checkpoint duty",
    "vol.task.door_to_door": "Door-to-door screening",
    "vol.task.delivery": "Deliveries to isolated households",
    "vol.task.elderly_care": "Elderly care visits",
    "vol.task.disinfection": "Disinfection",
    "vol.task.publicity": "Publicity",
    "vol.wd.0": "Mon",
    "vol.wd.1": "Tue",
    "vol.wd.2": "Wed",
    "vol.wd.3": "Thu",
    "vol.wd.4": "Fri",
    "vol.wd.5": "Sat",
    "vol.wd.6": "Sun",
    "vol.days.every": "every day",
    "vol.days.none": "none",
    "vol.days.range": "{first}–{last}",
    "volunteer.issue.kind": "{code} is not a volunteer or party member and cannot be deployed",
    "volunteer.issue.off_duty": "{code} is off duty (disabled) and cannot be deployed",
    "volunteer.issue.conflict": "{code} already has a task at that time: {tasks}",
    "volunteer.issue.hours": "{code} would serve {hours:.1f} h on {day}, above the daily limit of {limit:g} h",
    "volunteer.issue.streak": "{code} would serve {days} days in a row, above the limit of {limit:g}",
    "volunteer.issue.availability": "{code} registered {weekdays} {hour_from:02d}:00–{hour_to:02d}:00; this task is outside it",
    "volunteer.window_empty": "A task must end after it starts",
    "volunteer.window_too_long": "A task lasts at most {max_hours:g} hours: split it into shifts",
    "volunteer.unknown_task_type": "Unknown task type: {type}",
    "volunteer.needed_range": "People needed must be between {low} and {high}",
    "volunteer.checkpoint_required": "A checkpoint duty task needs a checkpoint",
    "volunteer.checkpoint_missing": "Checkpoint {id} does not exist or was removed",
    "volunteer.community_required": "Choose the task's community",
    "volunteer.community_missing": "Community {id} does not exist",
    "volunteer.grid_not_in_community": "The grid chosen is not in that community",
    "volunteer.task_missing": "Task {id} does not exist or was cancelled",
    "volunteer.task_changed": "Task {code} was changed by someone else; refresh and try again",
    "volunteer.pick_someone": "Choose at least one volunteer",
    "volunteer.batch_too_large": "At most {max} people at once",
    "volunteer.staff_missing": "No such people: {ids}",
    "volunteer.already_on_task": "Already on this task: {staff}",
    "volunteer.assign_refused": "Cannot deploy: {staff} clash with another task, exceed the hours or are off duty",
    "volunteer.assign_needs_reason": "A reason is needed to deploy {staff}: above the hours or outside their availability",
    "volunteer.unassign_reason_missing": "Give the reason for taking them off",
    "volunteer.assignment_missing": "Assignment {id} does not exist or was cancelled",
    "volunteer.unassign_checked_in": "Someone checked in cannot be taken off: check them out first",
    "volunteer.pick_assignment": "Choose at least one assignment",
    "volunteer.assignments_missing": "Assignments not found or cancelled",
    "volunteer.already_checked_in": "Assignment {id} of {task} is already checked in",
    "volunteer.not_checked_in": "Assignment {id} of {task} is not checked in, or already checked out",
    "volunteer.check_out_before_in": "Check-out must be after check-in",
    "volunteer.weekdays_missing": "Choose at least one day",
    "volunteer.hours_range": "Hours must be within 0–24, ending after they start",
    "volunteer.volunteer_missing": "Volunteer {id} does not exist",
}

def weekdays_text(days: str, lang: str = "zh", tables: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """Weekday digits as words: "0123456" -> 每天, "01234" -> 周一至周五, "56" -> 周六、周日, "" -> 无."""
    from core.i18n import LIST_SEPARATOR, translate

    ds = sorted({int(c) for c in str(days) if c.isdigit() and int(c) < 7})
    if len(ds) == 7:
        return translate("vol.days.every", lang, tables)
    if not ds:
        return translate("vol.days.none", lang, tables)
    if ds == list(range(ds[0], ds[-1] + 1)) and len(ds) >= 3:
        return translate("vol.days.range", lang, tables, first=translate(f"vol.wd.{ds[0]}", lang, tables),
                         last=translate(f"vol.wd.{ds[-1]}", lang, tables))
    return LIST_SEPARATOR.get(lang, ", ").join(translate(f"vol.wd.{d}", lang, tables) for d in ds)


def issue_text(issue: Any, lang: str = "zh", tables: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """One ``core.model.volunteer_rules.Issue`` (its key and params) as a sentence in ``lang``."""
    from core.i18n import translate

    params = dict(issue.params)
    if "weekdays" in params:
        params["weekdays"] = weekdays_text(params["weekdays"], lang, tables)
    return translate(issue.key, lang, tables, strict=False, **params)
