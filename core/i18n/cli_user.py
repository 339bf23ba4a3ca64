"""Texts of `fangxian user ...` and `fangxian kiosk ...`."""

ZH = {
    "cli_user.no_password_on_stdin": "标准输入中没有密码",
    "cli_user.passwords_differ": "两次输入的密码不一致",
    "cli_user.password_prompt": "新密码：",
    "cli_user.password_again": "再输入一次：",
    "cli_user.added": "已新建账号 {username}",
    "cli_user.staff_unknown": "人员编号 {code} 不存在",
    "cli_user.issue_file_exists": "文件 {path} 已存在：为保护初始密码，请指定一个新文件",
    "cli_user.issued": "已开通 {n} 个账号，账号和初始密码已写入 {path}（仅本人可读，发放后请删除）",
    "cli_user.password_set": "已重设 {username} 的密码",
    "cli_user.disabled": "已停用 {username}",
    "cli_user.enabled": "已启用 {username}",
    "cli_user.roles_set": "已更新 {username} 的角色",
    "cli_user.kiosk_created": "已新建大屏令牌 #{id}（{name}）。令牌只显示这一次，请妥善保存：",
    "cli_user.kiosk_address": "大屏地址：https://<指挥台地址>/?kiosk={token}&embed=true",
    "cli_user.kiosk_revoked": "已撤销 {n} 个大屏令牌",
    "cli_user.kiosk_already_revoked": "该令牌此前已撤销",
}

EN = {
    "cli_user.no_password_on_stdin": "No password on standard input",
    "cli_user.passwords_differ": "The two passwords differ",
    "cli_user.password_prompt": "New password: ",
    "cli_user.password_again": "Once more: ",
    "cli_user.added": "Account {username} created",
    "cli_user.staff_unknown": "No staff member has the code {code}",
    "cli_user.issue_file_exists": "The file {path} exists: to protect the first passwords, name a new file",
    "cli_user.issued": "{n} accounts issued; user names and first passwords are in {path} (readable by you only; delete it once handed out)",
    "cli_user.password_set": "Password of {username} reset",
    "cli_user.disabled": "{username} disabled",
    "cli_user.enabled": "{username} enabled",
    "cli_user.roles_set": "Roles of {username} updated",
    "cli_user.kiosk_created": "Wall-screen token #{id} ({name}) created. It is shown only this once; keep it safe:",
    "cli_user.kiosk_address": "Screen address: https://<desk address>/?kiosk={token}&embed=true",
    "cli_user.kiosk_revoked": "{n} wall-screen tokens revoked",
    "cli_user.kiosk_already_revoked": "That token was already revoked",
}
