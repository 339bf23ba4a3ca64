"""Texts of `fangxian import` and `fangxian export` (the problems themselves: core/i18n/importer.py)."""

ZH = {
    "cli_import.refused": "{file}：共 {count} 处问题，整个文件未导入，数据库未改动。",
    "cli_import.done": "{summary}（用时 {seconds} 秒）",
    "cli_import.xlsx_needs_output": "导出 xlsx 须用 -o 指定输出文件",
    "cli_import.exported": "已导出 {n} 条到 {path}",
}

EN = {
    "cli_import.refused": "{file}: {count} problems; the file was not imported, the database is unchanged.",
    "cli_import.done": "{summary} (took {seconds} s)",
    "cli_import.xlsx_needs_output": "an xlsx export needs an output file (-o)",
    "cli_import.exported": "Exported {n} rows to {path}",
}
