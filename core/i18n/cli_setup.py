"""Texts of `fangxian init | demo | serve` and of the demo seeding."""

ZH = {
    "cli.setup.ready": "数据库已就绪",
    "cli.setup.ready_seeded": "数据库已就绪，已写入演示数据",
    "cli.setup.demo_done": "演示数据已生成（{scale}，种子 {seed}，用时 {seconds:.1f} 秒）：",
    "cli.setup.count_line": "  {name}：{n:,}",
    "cli.setup.count.streets": "街道",
    "cli.setup.count.communities": "社区",
    "cli.setup.count.grids": "网格",
    "cli.setup.count.checkpoints": "卡点",
    "cli.setup.count.staff": "人员",
    "cli.setup.count.incidents": "事件",
    "cli.setup.first_run": "首次运行：已创建数据库并写入演示数据（演示数据）",
    "cli.setup.address": "指挥台地址：http://{address}:{port}",
    "cli.setup.old_demo": "提示：演示数据生成于 {day}；运行 fangxian demo --reset 可重新生成到今天。",
    "cli.setup.demo_dropped": "演示数据已清空：保留账号 {accounts_kept} 个、大屏令牌 {kiosk_tokens_kept} 个；现在可以导入本辖区的文件（先导入社区名单）。",
    "cli.setup.demo_dropped_no_accounts": "数据库里已没有账号：先用 {command} 新建管理员账号，再登录。",
    "demo.database_not_empty": "数据库中已有辖区数据：演示数据只写入空数据库（演示库可用 fangxian demo --reset 重建；本辖区的数据库请另建一个空库）",
}

EN = {
    "cli.setup.ready": "The database is ready",
    "cli.setup.ready_seeded": "The database is ready; the demo data was written",
    "cli.setup.demo_done": "Demo data generated ({scale}, seed {seed}, took {seconds:.1f} s):",
    "cli.setup.count_line": "  {name}: {n:,}",
    "cli.setup.count.streets": "streets",
    "cli.setup.count.communities": "communities",
    "cli.setup.count.grids": "grids",
    "cli.setup.count.checkpoints": "checkpoints",
    "cli.setup.count.staff": "staff",
    "cli.setup.count.incidents": "incidents",
    "cli.setup.first_run": "First run: the database was created and the demo data written (demo data)",
    "cli.setup.address": "Command desk at http://{address}:{port}",
    "cli.setup.old_demo": "Note: the demo data was generated on {day}; run fangxian demo --reset to rebuild it for today.",
    "cli.setup.demo_dropped": "Demo data dropped: {accounts_kept} accounts and {kiosk_tokens_kept} wall-screen tokens kept; you can now import the district's files (the community list first).",
    "cli.setup.demo_dropped_no_accounts": "No accounts are left: create an admin with {command} before signing in.",
    "demo.database_not_empty": "The database already holds a district: the demo is only written into an empty "
                               "database (fangxian demo --reset rebuilds the demo database; for a district's own, use a new empty one)",
}
