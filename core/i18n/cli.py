"""Texts of the command line's own output (shared by every sub-command)."""

ZH = {
    "cli.error_line": "错误：{message}",
}

EN = {
    "cli.error_line": "Error: {message}",
}
