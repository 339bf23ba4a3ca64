"""Texts of the district's clock (the ``FANGXIAN_TIMEZONE`` setting)."""

from __future__ import annotations

ZH = {
    "config.timezone_unknown": "时区设置 FANGXIAN_TIMEZONE=“{zone}” 无法识别：请填写 IANA 时区名，例如 Asia/Shanghai",
}

EN = {
    "config.timezone_unknown": "The time zone setting FANGXIAN_TIMEZONE=\"{zone}\" is not recognised: give an IANA "
                               "zone name such as Asia/Shanghai",
}
