"""Issue 15, no leaks: the words around numbers and lists, Streamlit's own widget chrome (placeholders,
the upload box), the overview's shortage headline, the roles that only read, the import page's file name."""

ZH = {
    # punctuation and lists (never written as literals in page code)
    "punct.list_sep": "、",
    "punct.clause_sep": "；",
    "punct.paren": "{text}（{inner}）",
    "punct.count": "{text}（{n}）",
    # Streamlit's chrome, where it lets us say it
    "ui.choose": "请选择",
    "ui.choose_many": "请选择，可多选",
    "ui.upload.hint": "可把文件拖进上面的框，或点击框内的“{button}”；单个文件不超过 {size} MB；格式：{types}。",
    "ui.upload.button": "选择文件",
    # the overview's shortage headline
    "overview.short.people": "全区缺口",
    "overview.short.communities": "缺人社区",
    "overview.short.none": "全区各社区人员均已配齐。",
    "overview.short.vs_yesterday": "与昨日（{day}）相比",
    "overview.short.link": "查看缺人社区",
    # norms: the version in force, field formats, the first version's reason
    "norms.future": "另有 {n} 个版本将于以后生效（最早 {day}）。",
    # the roles that only read
    "alerts.ack.read_only": "预警由调度员确认处理；指挥长在此查看。",
    # the import page: which file
    "imp.error_file": "文件“{file}”未能导入：{message}",
    "imp.col.file": "文件",
    "err.new.detail": "代办内容（必填）",
    "setup.template_file": "{kind}导入模板",
}

EN = {
    "punct.list_sep": ", ",
    "punct.clause_sep": "; ",
    "punct.paren": "{text} ({inner})",
    "punct.count": "{text} ({n})",
    "ui.choose": "Choose",
    "ui.choose_many": "Choose one or more",
    "ui.upload.hint": "Drag the file into the box above, or press “{button}” in it; up to {size} MB per file; formats: {types}.",
    "ui.upload.button": "Choose a file",
    "overview.short.people": "District shortage",
    "overview.short.communities": "Short communities",
    "overview.short.none": "Every community is fully staffed.",
    "overview.short.vs_yesterday": "compared with yesterday ({day})",
    "overview.short.link": "See the short communities",
    "norms.future": "{n} more versions take effect later (the first on {day}).",
    "alerts.ack.read_only": "Coordinators acknowledge alerts; the leader follows them here.",
    "imp.error_file": "The file “{file}” could not be imported: {message}",
    "imp.col.file": "File",
    "err.new.detail": "Errand (required)",
    "setup.template_file": "{kind} import template",
}
