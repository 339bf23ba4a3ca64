"""Texts of `fangxian gaps` (its table is an exchange format: column names stay as they are)."""

ZH = {
    "cli.gaps.date_invalid": "参数 --date 的日期格式应为 YYYY-MM-DD，现为 '{text}'",
    "cli.gaps.streets_unknown": "参数 --street：没有这些街道编码：{codes}",
}

EN = {
    "cli.gaps.date_invalid": "--date must be a date YYYY-MM-DD, not '{text}'",
    "cli.gaps.streets_unknown": "--street: no street has these codes: {codes}",
}
