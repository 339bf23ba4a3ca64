"""Texts of `fangxian errands` and `fangxian volunteers` (core.cli.cmd_volunteers)."""

ZH = {
    "cli.errands.help": "代买代办：列出队列，定时把超时事项上报为事件",
    "cli.errands.help.list": "列出代办事项（不含居民姓名和电话），默认未办结的",
    "cli.errands.help.escalate": "超过办理时限的未办结事项各生成一起“代买代办超时”事件（重复运行不会重复生成）",
    "cli.errands.help.at": "按此时刻判断（YYYY-MM-DDTHH:MM，默认现在）",
    "cli.errands.help.user": "审计记录中的操作人（默认 cli:<系统账号>）",
    "cli.volunteers.help": "志愿者：今日任务（已派/需要），服务时长与疲劳预警",
    "cli.volunteers.help.tasks": "今日任务，缺人的在前",
    "cli.volunteers.help.short": "只列缺人的任务",
    "cli.volunteers.help.hours": "近 7 天服务时长（不含姓名），疲劳预警的在前",
    "cli.volunteers.help.worn_out": "只列疲劳预警的人员",
    "cli.errands.bad_moment": "参数 --at 的格式应为 YYYY-MM-DDTHH:MM，现为 {value!r}",
    "cli.errands.escalated": "# 上报 {n} 起代买代办超时事件",
}

EN = {
    "cli.errands.help": "errands: list the queue; scheduled escalation of overdue ones as incidents",
    "cli.errands.help.list": "list errands (no residents' names or phones), open ones by default",
    "cli.errands.help.escalate": "one \"errand overdue\" incident per open errand past its deadline (running it again raises nothing twice)",
    "cli.errands.help.at": "judge as of this moment (YYYY-MM-DDTHH:MM, default now)",
    "cli.errands.help.user": "who acts, in the audit log (default cli:<OS account>)",
    "cli.volunteers.help": "volunteers: today's tasks (assigned / needed), hours served and fatigue",
    "cli.volunteers.help.tasks": "today's tasks, short-staffed first",
    "cli.volunteers.help.short": "only short-staffed tasks",
    "cli.volunteers.help.hours": "hours served in the last 7 days (no names), worn-out people first",
    "cli.volunteers.help.worn_out": "only worn-out people",
    "cli.errands.bad_moment": "Option --at must be YYYY-MM-DDTHH:MM, not {value!r}",
    "cli.errands.escalated": "# {n} overdue errands reported as incidents",
}
