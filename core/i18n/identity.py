"""Texts of accounts, sign-in and kiosk tokens (core.model.identity_policy, core.services.identity)."""

ZH = {
    "auth.error.bad_credentials": "用户名或密码错误",
    "auth.error.locked": "连续多次密码错误，账号已锁定，请 {minutes} 分钟后再试",
    "auth.error.disabled": "账号已停用，请联系系统管理员",
    "identity.unknown_roles": "未知角色：{roles}（可用：{known}）",
    "identity.username_invalid": "用户名只能包含字母、数字和 _ . @ -，长度 2 到 60",
    "identity.password_too_short": "密码至少 {minimum} 个字符",
    "identity.roles_empty": "至少指定一个角色",
    "identity.user_exists": "用户 {username} 已存在",
    "demo.not_demo": "这不是演示数据库：本辖区的数据不能用“清空演示数据”删除",
    "demo.first_admin_is_demo": "“{username}”是演示账号的名字，请换一个管理员账号名",
    "identity.user_missing": "没有用户 {username}",
    "identity.cannot_disable_self": "不能停用自己的账号",
    "identity.lockout_reason": "连续 {n} 次密码错误",
    "identity.kiosk_name_missing": "请给大屏令牌起一个名字（如：指挥中心大屏）",
    "identity.kiosk_missing": "没有大屏令牌 {token}",
}

EN = {
    "auth.error.bad_credentials": "Wrong user name or password",
    "auth.error.locked": "Too many wrong passwords: the account is locked; try again in {minutes} minutes",
    "auth.error.disabled": "This account is disabled; ask an administrator",
    "identity.unknown_roles": "Unknown roles: {roles} (known: {known})",
    "identity.username_invalid": "A user name has 2 to 60 letters, digits or _ . @ -",
    "identity.password_too_short": "A password has at least {minimum} characters",
    "identity.roles_empty": "Give at least one role",
    "identity.user_exists": "User {username} already exists",
    "demo.not_demo": "This is not the demo database: a district's own data cannot be dropped as demo data",
    "demo.first_admin_is_demo": "“{username}” is the name of a demo account; choose another admin account name",
    "identity.user_missing": "No user {username}",
    "identity.cannot_disable_self": "You cannot disable your own account",
    "identity.lockout_reason": "{n} wrong passwords in a row",
    "identity.kiosk_name_missing": "Give the wall-screen token a name (e.g. command centre wall)",
    "identity.kiosk_missing": "No wall-screen token {token}",
}
