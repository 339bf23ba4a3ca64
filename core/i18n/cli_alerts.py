"""Texts of `fangxian alerts ...` (the names of alert kinds: core/i18n/alerts.py)."""

ZH = {
    "cli_alerts.synced": "新增 {opened} 条，持续 {still_open} 条，解除 {resolved} 条",
}

EN = {
    "cli_alerts.synced": "{opened} opened, {still_open} still open, {resolved} resolved",
}
