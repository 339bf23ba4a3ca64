"""Texts of the ``fangxian plan`` command (help, the summary line, its own input errors)."""

ZH = {
    "cli.plan.help": "计算建议调配方案",
    "cli.plan.help.max_km": "最远调配距离（公里），默认不限",
    "cli.plan.help.streets": "只在这些街道内调配（街道编码）",
    "cli.plan.help.k": "每个社区的候选近邻数（默认 20）",
    "cli.plan.help.below": "允许调出社区低于需求（不低于下限），以缩小最大缺口",
    "cli.plan.help.max_moves": "每个社区最多调入/调出人数",
    "cli.plan.help.apply": "提交方案（一个审计批次）",
    "cli.plan.help.user": "提交人（写入审计记录）",
    "cli.plan.help.reason": "调配原因（--apply 时必填）",
    "cli.plan.max_km_positive": "--max-km 必须大于 0",
    "cli.plan.apply_needs_reason": "--apply 需要 --reason 说明调配原因",
    "cli.plan.summary": "# 缺口 {shortage_before} → {shortage_after} 人；最大社区缺口 {worst_before} → {worst_after} 人；"
                        "调动 {moves} 人，合计 {km} 公里",
    "cli.plan.summary_applied": "；已提交批次 {batch}",
}

EN = {
    "cli.plan.help": "suggested reassignment plan",
    "cli.plan.help.max_km": "longest move in km (default: no limit)",
    "cli.plan.help.streets": "plan only within these streets (street codes)",
    "cli.plan.help.k": "nearest neighbours considered per community (default 20)",
    "cli.plan.help.below": "let origins go below their requirement (not below the floor) to lower the worst gap",
    "cli.plan.help.max_moves": "most people moved into or out of one community",
    "cli.plan.help.apply": "commit the plan (one audited batch)",
    "cli.plan.help.user": "who commits (written to the audit log)",
    "cli.plan.help.reason": "reason for the moves (required with --apply)",
    "cli.plan.max_km_positive": "--max-km must be greater than 0",
    "cli.plan.apply_needs_reason": "--apply needs --reason to say why",
    "cli.plan.summary": "# shortage {shortage_before} → {shortage_after}; worst community {worst_before} → "
                        "{worst_after}; {moves} people moved, {km} km in all",
    "cli.plan.summary_applied": "; committed as batch {batch}",
}
