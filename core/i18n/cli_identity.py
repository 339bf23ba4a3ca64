"""Texts of who acts on the command line (``--user`` / ``--as-system``), its fault lines, the what-if
hand-over and the input errors of issue 14 point 6 (a GeoJSON feature that is not an object, a
scenario file nested too deep)."""

ZH = {
    "cli.identity.help.user": "以此账号的身份写入（账号须存在且已启用；按其角色和管辖街道检查，写入审计记录）",
    "cli.identity.help.as_system": "以系统身份写入（供定时任务使用；审计记录为 system:cli:<系统账号>）",
    "cli.identity.needed": "写入数据需指明操作人：--user 账号 或 --as-system（定时任务）",
    "cli.identity.unknown_account": "账号 {user} 不存在或已停用（用 {command} 查看账号）",
    "cli.identity.personal_data_roles": "账号 {user} 无权导出个人信息（需要调度员或管理员角色）",
    "cli.identity.personal_data_needs_account": "导出个人信息需用 --user 指明负责的账号，不能以系统身份导出",
    "cli.fault.database": "数据库不可用或无法写入（只读、磁盘已满或连接中断），操作未完成；请检查后重试",
    "cli.fault.disk": "无法写入文件（磁盘已满、只读或没有权限），操作未完成；请检查后重试",
    "cli.fault.conflict": "另一项写入同时进行，操作未完成，数据库未改变；请稍后重试",
    "cli.whatif.help.handover": "把情景中真实人员的调动交给调配流程，作为一个批次提交（需调度员或管理员；须给出 --reason）",
    "cli.whatif.help.reason": "调配原因（写入审计记录）",
    "cli.whatif.help.override": "调出社区将低于需求时的说明（不给则拒绝这类调动）",
    "cli.whatif.handover_needs_reason": "--handover 需要 --reason 说明调配原因",
    "cli.whatif.handed_over": "已按推演结果调配 {n} 人，批次 {batch}",
    "whatif.handover_without_versions": "推演结果没有计算时人员的版本，不能交给调配流程；请重新计算后再提交",
    "whatif.handover_stale": "推演计算之后，{staff} 已被调动或修改，推演结果已过期；请重新计算后再提交",
    "whatif.file.too_deep": "{where}：嵌套层级过深，不是情景文件",
    "importer.feature_not_object": "不是 GeoJSON 要素（应为含 type、properties、geometry 的对象）",
    "importer.geojson_too_deep": "GeoJSON 嵌套层级过深，无法读取",
}

EN = {
    "cli.identity.help.user": "write as this account (it must exist and be enabled; its roles and streets apply; "
                              "written to the audit log)",
    "cli.identity.help.as_system": "write as the system (for cron; audited as system:cli:<OS account>)",
    "cli.identity.needed": "a write needs to say who acts: --user ACCOUNT or --as-system (scheduled jobs)",
    "cli.identity.unknown_account": "account {user} does not exist or is disabled (see {command})",
    "cli.identity.personal_data_roles": "account {user} may not export personal data (needs the coordinator or "
                                        "admin role)",
    "cli.identity.personal_data_needs_account": "exporting personal data needs --user naming the account that "
                                                "answers for it, not the system",
    "cli.fault.database": "The database is unavailable or cannot be written (read-only, disk full or connection "
                          "lost); not done; check and retry",
    "cli.fault.disk": "Cannot write the file (disk full, read-only or no permission); not done; check and retry",
    "cli.fault.conflict": "Another write ran at the same time; nothing was done and the database is unchanged; "
                          "retry in a moment",
    "cli.whatif.help.handover": "hand the scenario's moves of real people to the reassignment path as one batch "
                                "(coordinator or admin; needs --reason)",
    "cli.whatif.help.reason": "reason for the moves (written to the audit log)",
    "cli.whatif.help.override": "why an origin may go below its requirement (without it such moves are refused)",
    "cli.whatif.handover_needs_reason": "--handover needs --reason",
    "cli.whatif.handed_over": "moved {n} people as the scenario says, batch {batch}",
    "whatif.handover_without_versions": "the what-if result does not carry the people's versions from when it was "
                                        "computed and cannot be handed over; compute it again",
    "whatif.handover_stale": "{staff} moved or changed after the scenario was computed; the result is stale, "
                             "compute it again",
    "whatif.file.too_deep": "{where}: nested too deep, not a scenario file",
    "importer.feature_not_object": "not a GeoJSON feature (expected an object with type, properties and geometry)",
    "importer.geojson_too_deep": "the GeoJSON is nested too deep to read",
}
