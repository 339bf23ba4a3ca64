"""Texts of the what-if scenarios (changes, the scenario file, saved scenarios)."""

ZH = {
    "whatif.file_invalid": "{file}：{cause}",
}

EN = {
    "whatif.file_invalid": "{file}: {cause}",
}
