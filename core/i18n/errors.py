"""Generic error texts (the kinds of ``core.model.errors``), used when a raise gives no finer key."""

ZH = {
    "error.generic": "操作未完成",
    "error.not_found": "未找到要操作的对象",
    "error.permission_denied": "无权进行此操作",
    "error.rule_violation": "不符合规则，未执行",
    "error.concurrent_change": "数据刚被他人修改，已为您刷新，请重新操作",
    "error.invalid_input": "输入有误，请检查后重试",
    "error.fault": "系统故障，操作未完成；请稍后重试或联系管理员",
}

EN = {
    "error.generic": "Not done",
    "error.not_found": "Not found",
    "error.permission_denied": "You are not allowed to do this",
    "error.rule_violation": "Against the rules: not done",
    "error.concurrent_change": "Someone else just changed this; the view is refreshed, please try again",
    "error.invalid_input": "Invalid input: please check and try again",
    "error.fault": "System fault: not done; try again later or call the administrator",
}
