"""Texts of the audit trail's guard (start-up verification, ``fangxian init --repair-audit`` and
``--grant-app-role``) and of ``fangxian demo --reset``'s refusal."""

ZH = {
    "audit_guard.missing": "审计日志的防篡改保护缺失或被改动（{parts}），系统拒绝运行："
                           "请由数据库管理员运行 fangxian init --repair-audit 修复（修复本身记入审计日志）",
    "audit_guard.repair_needs_owner": "当前数据库账号无权重建审计保护：请设置 FANGXIAN_MIGRATE_URL 为数据库所有者账号后再运行 "
                                      "fangxian init --repair-audit",
    "audit_guard.migrate_needs_owner": "数据库结构需要升级，而应用账号无权修改结构：请以数据库所有者账号运行 fangxian init"
                                       "（设置 FANGXIAN_MIGRATE_URL）",
    "audit_guard.reset_not_demo": "这不是演示数据库：fangxian demo --reset 只清空演示数据库或空数据库，"
                                  "本辖区的数据和审计日志未作任何改动",
    "cli.audit_guard.repaired": "审计保护已修复（{parts}），修复已记入审计日志",
    "cli.audit_guard.intact": "审计保护完好，无需修复",
    "cli.audit_guard.granted": "已授予数据库账号 {role} 应用所需的权限：审计日志只能读取和追加",
    "audit.action.audit.repaired": "修复审计保护",
}

EN = {
    "audit_guard.missing": "The audit trail's tamper protection is missing or changed ({parts}), so the system "
                           "refuses to run: a database administrator must run fangxian init --repair-audit "
                           "(the repair is itself audited)",
    "audit_guard.repair_needs_owner": "This database role may not rebuild the audit protection: set "
                                      "FANGXIAN_MIGRATE_URL to the database owner and run fangxian init "
                                      "--repair-audit again",
    "audit_guard.migrate_needs_owner": "The database schema needs an upgrade and the app's role may not change it: "
                                       "run fangxian init as the database owner (FANGXIAN_MIGRATE_URL)",
    "audit_guard.reset_not_demo": "This is not the demo database: fangxian demo --reset only empties the demo or an "
                                  "empty database; the district's data and audit trail were left untouched",
    "cli.audit_guard.repaired": "Audit protection repaired ({parts}); the repair was recorded in the audit trail",
    "cli.audit_guard.intact": "The audit protection is intact: nothing to repair",
    "cli.audit_guard.granted": "Granted the database role {role} what the app needs: the audit trail can only be "
                               "read and appended to",
    "audit.action.audit.repaired": "Audit protection repaired",
}
