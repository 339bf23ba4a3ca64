"""The audit page, readable: the columns of its table and CSV, and the detail of one entry (the names
of actions, objects and fields are core's: core/i18n/audit_names.py, audit_fields.py)."""

ZH = {
    "audit.col.changes": "变更内容",
    "audit.col.account": "账号",
    "audit.col.action_code": "操作代码",
    "audit.col.entity_type": "对象类型",
    "audit.col.community_code": "社区编码",
    "audit.col.batch_id": "批次编号",
    "audit.col.reason_raw": "原因（原文）",
    "audit.detail.title": "变更明细",
    "audit.detail.hint": "点选表格中的一行，可查看该条记录的全部变更。",
    "audit.detail.field": "字段",
    "audit.detail.none": "这条记录没有字段变更。",
    "audit.detail.batch": "属于{batch}，同批次共 {n} 条记录。",
    "audit.detail.summary": "{at} · {operator} · {action} · {object}",
}

EN = {
    "audit.col.changes": "Changes",
    "audit.col.account": "Account",
    "audit.col.action_code": "Action code",
    "audit.col.entity_type": "Object type",
    "audit.col.community_code": "Community code",
    "audit.col.batch_id": "Batch id",
    "audit.col.reason_raw": "Reason (as written)",
    "audit.detail.title": "Changes in detail",
    "audit.detail.hint": "Select a row of the table to see every change of that entry.",
    "audit.detail.field": "Field",
    "audit.detail.none": "This entry changed no field.",
    "audit.detail.batch": "Part of {batch}: {n} entries in the batch.",
    "audit.detail.summary": "{at} · {operator} · {action} · {object}",
}
