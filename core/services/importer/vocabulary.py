"""The words the exchange files use for codes: what a clerk's spreadsheet may say (下沉干部, 是/否,
低/中/高 ...) and the word an export writes (the template's word), per vocabulary.

These are input data of the file format, not display labels: the format stays Chinese whatever
language the reader uses (labels for the screen are catalogue texts, ``core.i18n.vocab``). Each table
maps a code to the template's word; the ``*_ALIASES`` tables are further words accepted on import.
"""

from __future__ import annotations

#: the words a yes/no cell may hold (lower case; full-width input is NFKC-normalised first)
TRUE_WORDS = ("是", "yes", "y", "1", "true", "t", "√", "✓", "✔", "对", "有", "可", "在岗", "可调配")
FALSE_WORDS = ("否", "no", "n", "0", "false", "f", "×", "✗", "✘", "x", "不", "无", "不可", "离岗", "不在岗",
               "不可调配")
#: the words an export writes for True and False
YES_WORD, NO_WORD = "是", "否"

STAFF_KIND_WORDS = {
    "community_worker": "社区工作者",
    "grid_member": "网格员",
    "cadre": "下沉干部",
    "party_member": "在职党员",
    "volunteer": "志愿者",
    "property_staff": "红色物业",
}
STAFF_KIND_ALIASES = {
    "社工": "community_worker",
    "社区干部": "community_worker",
    "网格长": "grid_member",
    "干部": "cadre",
    "机关干部": "cadre",
    "党员": "party_member",
    "在职党员报到": "party_member",
    "物业": "property_staff",
    "物业人员": "property_staff",
}
#: a volunteer type's word in the kind column means a volunteer of that type ("巾帼志愿者")
VOLUNTEER_TYPE_WORDS = {
    "resident": "居民志愿者",
    "women": "巾帼志愿者",
    "youth": "青年志愿者",
    "civility": "文明志愿者",
    "militia": "民兵",
}
RISK_LEVEL_WORDS = {"low": "低", "medium": "中", "high": "高"}
RISK_LEVEL_ALIASES = {"低风险": "low", "中风险": "medium", "高风险": "high"}
INCIDENT_TYPE_WORDS = {
    "fever_case": "发现发热病例",
    "close_contact": "发现密切接触者",
    "quarantine_breach": "违反隔离规定",
    "refuses_hospital": "拒绝就医",
    "checkpoint_conflict": "卡点冲突",
    "service_overdue": "代买代办超时",
    "supplies_short": "物资短缺",
    "other": "其他",
}
INCIDENT_TYPE_ALIASES = {
    "发热": "fever_case",
    "发热病例": "fever_case",
    "发热病人": "fever_case",
    "密接": "close_contact",
    "密切接触者": "close_contact",
    "违规外出": "quarantine_breach",
    "拒不就医": "refuses_hospital",
    "代买超时": "service_overdue",
    "物资不足": "supplies_short",
}
SEVERITY_WORDS = {"low": "一般", "medium": "较重", "high": "严重", "critical": "特别严重"}
SEVERITY_ALIASES = {"低": "low", "中": "medium", "高": "high"}
INCIDENT_STATUS_WORDS = {
    "reported": "已上报",
    "triaged": "已研判",
    "dispatched": "已派单",
    "in_progress": "处置中",
    "resolved": "已处置",
    "closed": "已办结",
}
INCIDENT_STATUS_ALIASES = {
    "新上报": "reported",
    "待处理": "reported",
    "处理中": "in_progress",
    "已解决": "resolved",
    "已完成": "closed",
    "已关闭": "closed",
}
#: skill codes in their canonical order, with the template's word
SKILL_WORDS = {
    "driving": "驾驶",
    "medical": "医护",
    "psychology": "心理疏导",
    "sign_language": "手语",
    "uyghur": "维吾尔语",
    "english": "英语",
    "it": "信息化",
    "logistics": "物资保障",
}
#: the separator an export writes between skills (any of , ; / 、 or spaces is read)
SKILL_SEPARATOR = "、"
#: compound kinds (小区类型): the template's word, then further words accepted
COMPOUND_KIND_WORDS = {"modern": "现代", "old": "老旧", "open": "开放式"}
COMPOUND_KIND_ALIASES = {
    "商品房": "modern",
    "商品房小区": "modern",
    "现代小区": "modern",
    "新建小区": "modern",
    "老旧小区": "old",
    "老小区": "old",
    "老旧社区": "old",
    "开放式小区": "open",
    "开放小区": "open",
    "无物业": "open",
    "无物业小区": "open",
}
#: vulnerable residents' categories (重点关爱类别): the template's word, then further words accepted
VULNERABLE_CATEGORY_WORDS = {
    "elderly_alone": "独居老人",
    "disabled": "残疾人",
    "ill": "重病慢病",
    "pregnant": "孕产妇",
    "child": "困境儿童",
    "other": "其他",
}
VULNERABLE_CATEGORY_ALIASES = {
    "空巢老人": "elderly_alone",
    "独居": "elderly_alone",
    "孤寡老人": "elderly_alone",
    "残疾": "disabled",
    "残障人士": "disabled",
    "重病": "ill",
    "慢病": "ill",
    "重病/慢病": "ill",
    "重病患者": "ill",
    "慢病患者": "ill",
    "慢性病": "ill",
    "孕妇": "pregnant",
    "产妇": "pregnant",
    "留守儿童": "child",
}
#: the status of a home-isolated household (在管/已解除) and of a vulnerable resident (在册/已结束)
HOUSEHOLD_STATUS_WORDS = {"active": "在管", "ended": "已解除"}
HOUSEHOLD_STATUS_ALIASES = {"隔离中": "active", "在隔离": "active", "解除": "ended", "已结束": "ended"}
CARE_STATUS_WORDS = {"active": "在册", "ended": "已结束"}
CARE_STATUS_ALIASES = {"在管": "active", "关爱中": "active", "结束": "ended", "已解除": "ended", "注销": "ended"}
