"""Texts of the role guard (core.model.actor.require): who may not do what.

The role names themselves are vocabulary labels (``role.<code>`` in core/i18n/vocab.py)."""

ZH = {
    "role.and": "{first}、{rest}",
    "role.none": "（无）",
    "auth.denied.signed_out": "未登录",
    "auth.denied.wallscreen": "大屏账号只能查看",
    "auth.denied.roles": "{user} 没有 {wanted} 权限",
    "auth.denied.streets": "{user} 无权操作辖区外的街道：{streets}",
    "auth.denied.places": "{user} 无权操作自己网格（社区）以外的地方：{places}",
}

EN = {
    "role.and": "{first}, {rest}",
    "role.none": "(none)",
    "auth.denied.signed_out": "Not signed in",
    "auth.denied.wallscreen": "A wall-screen account can only view",
    "auth.denied.roles": "{user} does not hold the role {wanted}",
    "auth.denied.streets": "{user} may not act on streets outside their scope: {streets}",
    "auth.denied.places": "{user} may not act outside their own grids (community): {places}",
}
