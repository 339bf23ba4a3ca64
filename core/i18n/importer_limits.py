"""Texts of the import's limits (what no database column could hold: checked before any is asked, so
SQLite and PostgreSQL refuse the same cells with the same lines) and of what a file must not hide (mixed
encodings, formulas without a value, merged cells)."""

ZH = {
    "importer.limits.too_long": "内容过长：{length} 个字，此列最多 {max_len} 个字",
    "importer.limits.control_character": "含有不可见的控制字符（{char}，第 {position} 个字），请删除后再导入",
    "importer.limits.above_maximum": "“{value}” 不能大于 {maximum}",
    "importer.limits.not_finite": "“{value}” 不是有限的数字",
    "importer.mixed_encoding": (
        "文件混用了两种编码：本行是 {encoding} 编码（全文件共 {lines} 行如此），其余是 {other} 编码"
        "（请把整个文件另存为 UTF-8 编码的 CSV 后再导入）"),
    "importer.formula_without_value": (
        "单元格 {cell} 是公式，但文件中没有保存计算结果（请用 Excel 或 WPS 打开、保存后再导入）"),
    "importer.summary.merged_cells": "合并单元格已按左上角的值填充：{n} 处",
    "importer.limits.option_invalid": "{option} 最多 {max_len} 个字，且不能含控制字符",
}

EN = {
    "importer.limits.too_long": "too long: {length} characters, this column holds at most {max_len}",
    "importer.limits.control_character": (
        "holds an invisible control character ({char}, character {position}): remove it and import again"),
    "importer.limits.above_maximum": "“{value}” is above {maximum}",
    "importer.limits.not_finite": "“{value}” is not a finite number",
    "importer.mixed_encoding": (
        "the file mixes two encodings: this row is {encoding} (as are {lines} lines in all), the rest is {other} "
        "(save the whole file as a UTF-8 CSV and import again)"),
    "importer.formula_without_value": (
        "cell {cell} is a formula the file holds no computed value for (open and save it in Excel or WPS, "
        "then import again)"),
    "importer.summary.merged_cells": "merged cells filled from their top-left value: {n}",
    "importer.limits.option_invalid": "{option} holds at most {max_len} characters and no control characters",
}
