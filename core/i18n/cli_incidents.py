"""Texts of `fangxian incidents` and `fangxian isolation` (core.cli.cmd_incidents)."""

ZH = {
    "cli.incidents.help": "事件：列出事件（CSV/JSON）",
    "cli.incidents.help.list": "列出事件，默认未办结的",
    "cli.incidents.help.status": "open（未办结，默认）、overdue（逾期）、all 或某一状态",
    "cli.incidents.help.since": "只列出此日期（YYYY-MM-DD）以来上报的",
    "cli.incidents.help.street": "只看这些街道（可重复）",
    "cli.isolation.help": "居家隔离：定时扫描漏检和发热，自动生成事件",
    "cli.isolation.help.scan": "扫描今天的健康监测：发热（≥ 阈值）和漏检各生成一起事件（重复运行不会重复生成）",
    "cli.isolation.help.at": "按此时刻扫描（YYYY-MM-DDTHH:MM，默认现在）",
    "cli.isolation.help.user": "审计记录中的操作人（默认 cli:<系统账号>）",
    "cli.incidents.bad_moment": "参数 {flag} 的格式应为 YYYY-MM-DD 或 YYYY-MM-DDTHH:MM，现为 {value!r}",
    "cli.incidents.unknown_streets": "参数 --street：没有这些街道编码的事件：{codes}",
    "cli.isolation.scanned": "# {day}: 发热 {fever} 起，漏检 {missed} 起",
}

EN = {
    "cli.incidents.help": "incidents: list them (CSV/JSON)",
    "cli.incidents.help.list": "list incidents (open ones by default)",
    "cli.incidents.help.status": "open (default), overdue, all, or one status",
    "cli.incidents.help.since": "only those reported since this date (YYYY-MM-DD)",
    "cli.incidents.help.street": "only these streets (repeatable)",
    "cli.isolation.help": "home isolation: scheduled scan of missed checks and fevers, raising incidents",
    "cli.isolation.help.scan": "scan today's health checks: one incident per fever (at or above the threshold) and per missed check (running it again raises nothing twice)",
    "cli.isolation.help.at": "scan as of this moment (YYYY-MM-DDTHH:MM, default now)",
    "cli.isolation.help.user": "who acts, in the audit log (default cli:<OS account>)",
    "cli.incidents.bad_moment": "Option {flag} must be YYYY-MM-DD or YYYY-MM-DDTHH:MM, not {value!r}",
    "cli.incidents.unknown_streets": "Option --street: no incidents with these street codes: {codes}",
    "cli.isolation.scanned": "# {day}: {fever} fever, {missed} missed checks",
}
