"""Texts of the threshold alerts: kinds, the default rules' notes, and rule errors."""

ZH = {
    "alert_kind.community_short": "社区缺员",
    "alert_kind.grid_uncovered": "网格无在岗网格员",
    "alert_kind.incident_overdue": "事件超时",
    "alert_kind.checkpoint_unstaffed": "卡点班次缺岗",
    "alert_kind.errand_overdue": "代办事项超时",
    "alerts.default_note.community_short.warning": "社区缺员超过 30 人",
    "alerts.default_note.community_short.critical": "社区缺员超过 60 人",
    "alerts.default_note.grid_uncovered.warning": "网格没有在岗网格员",
    "alerts.default_note.incident_overdue.warning": "事件超过办结时限",
    "alerts.default_note.incident_overdue.critical": "事件超过办结时限 24 小时",
    "alerts.default_note.checkpoint_unstaffed.warning": "社区卡点缺岗超过 10 个班次",
    "alerts.default_note.errand_overdue.warning": "代买代办事项超过时限",
    "alerts.unknown_kind": "未知的预警类型：{kind}",
    "alerts.level_invalid": "预警级别只能是 一般 或 严重（{level}）",
    "alerts.threshold_invalid": "阈值必须是不小于 0 的数（{threshold}）",
    "alerts.rule_code_invalid": "规则编码不能为空，且不超过 {maximum} 个字符",
}

EN = {
    "alert_kind.community_short": "Community short",
    "alert_kind.grid_uncovered": "Grid without grid member",
    "alert_kind.incident_overdue": "Incident overdue",
    "alert_kind.checkpoint_unstaffed": "Checkpoint shifts unstaffed",
    "alert_kind.errand_overdue": "Errand overdue",
    "alerts.default_note.community_short.warning": "Community short by more than 30",
    "alerts.default_note.community_short.critical": "Community short by more than 60",
    "alerts.default_note.grid_uncovered.warning": "Grid without an on-duty grid member",
    "alerts.default_note.incident_overdue.warning": "Incident past its deadline",
    "alerts.default_note.incident_overdue.critical": "Incident 24 hours past its deadline",
    "alerts.default_note.checkpoint_unstaffed.warning": "More than 10 checkpoint shifts unstaffed",
    "alerts.default_note.errand_overdue.warning": "Errand past its deadline",
    "alerts.unknown_kind": "Unknown alert kind: {kind}",
    "alerts.level_invalid": "An alert level is warning or critical ({level})",
    "alerts.threshold_invalid": "A threshold is a number not below 0 ({threshold})",
    "alerts.rule_code_invalid": "A rule code is required, at most {maximum} characters",
}
