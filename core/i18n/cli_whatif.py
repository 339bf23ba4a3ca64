"""Texts of the ``fangxian whatif`` command (help and its own input errors; the figures' names are
``whatif.kpi.*`` in ``core.i18n.whatif``)."""

ZH = {
    "cli.whatif.help": "推演研判：按情景文件（fangxian-scenario/1）计算变化前后的缺口，不写入任何数据",
    "cli.whatif.help.file": "情景文件（格式见 docs/scenario-format.md）",
    "cli.whatif.help.top": "只列出变化最大的前 N 个社区（默认全部有变化的社区）",
    "cli.whatif.file_missing": "{file}：文件不存在",
    "cli.whatif.base_not_live": "{file}：base 应为 \"live\"（导出的情景文件已包含其基础情景的全部变更），现为 {base}",
}

EN = {
    "cli.whatif.help": "what-if: the gaps before and after the changes of a scenario file (fangxian-scenario/1); "
                       "nothing is written",
    "cli.whatif.help.file": "scenario file (format: docs/scenario-format.md)",
    "cli.whatif.help.top": "list only the N communities that change most (default: every one that changes)",
    "cli.whatif.file_missing": "{file}: no such file",
    "cli.whatif.base_not_live": "{file}: base must be \"live\" (an exported scenario file holds every change of "
                                "its bases), not {base}",
}
