"""Texts of the import of paired units, pairings, home-isolated households, vulnerable residents and
screening campaigns (no text names a resident, a phone number or an address), and the words for the
vulnerable residents' categories and statuses."""

ZH = {
    "importer.bad_vulnerable_category": "“{value}” 不是有效的关爱类别（可填：{choices}）",
    "importer.household_status_bad": "“{value}” 不是有效的隔离状态（可填：{choices}）",
    "importer.vulnerable_status_bad": "“{value}” 不是有效的在册状态（可填：{choices}）",
    "importer.people_phone_invalid": "不是有效的电话号码（11 位手机号或带区号的固话）",
    "importer.people_grid_unknown": "网格“{value}”不存在（请先导入网格）",
    "importer.people_grid_elsewhere": "网格“{value}”不属于社区 {community}",
    "importer.members_range": "人数应为 {low}–{high} 人，现为 {value}",
    "importer.planned_end_before_start": "计划解除日期 {end} 早于开始日期 {start}",
    "importer.unit_name_duplicate": "单位名称“{value}”在本文件中重复（第 {first_row} 行已有）",
    "importer.unit_name_taken": "单位名称“{value}”已属于单位 {other}（单位名称不能重复）",
    "importer.unit_unknown": "包保单位“{value}”不存在（填写单位编码或名称，请先导入单位）",
    "importer.pairing_duplicate": "“{unit}”包保社区 {community} 在本文件中重复（第 {first_row} 行已有）",
    "importer.campaign_days_range": "天数应为 {low}–{high} 天，现为 {value}",
    "importer.campaign_scope_unknown": "范围中的“{names}”既不是街道也不是社区（填写名称或编码，用、分隔）",
    "importer.campaign_no_grids": "范围中的“{names}”还没有网格（请先导入网格）",
    "importer.campaign_has_progress": "排查 {code} 已有进度记录，不能再改范围或排查户数",
    "care.category.elderly_alone": "独居老人",
    "care.category.disabled": "残疾人",
    "care.category.ill": "重病慢病",
    "care.category.pregnant": "孕产妇",
    "care.category.child": "困境儿童",
    "care.category.other": "其他",
    "care.status.active": "在册",
    "care.status.ended": "已结束",
}

EN = {
    "importer.bad_vulnerable_category": "“{value}” is not a care category (use: {choices})",
    "importer.household_status_bad": "“{value}” is not an isolation status (use: {choices})",
    "importer.vulnerable_status_bad": "“{value}” is not a register status (use: {choices})",
    "importer.people_phone_invalid": "is not a valid phone number (11-digit mobile or landline with area code)",
    "importer.people_grid_unknown": "grid “{value}” does not exist (import the grids first)",
    "importer.people_grid_elsewhere": "grid “{value}” is not in community {community}",
    "importer.members_range": "a household has {low}–{high} members, not {value}",
    "importer.planned_end_before_start": "the planned end {end} is before the start {start}",
    "importer.unit_name_duplicate": "unit name “{value}” appears twice in this file (already on row {first_row})",
    "importer.unit_name_taken": "unit name “{value}” already belongs to unit {other} (unit names are unique)",
    "importer.unit_unknown": "paired unit “{value}” does not exist (give its code or name; import the units first)",
    "importer.pairing_duplicate": "“{unit}” paired with community {community} appears twice in this file "
                                  "(already on row {first_row})",
    "importer.campaign_days_range": "a campaign lasts {low}–{high} days, not {value}",
    "importer.campaign_scope_unknown": "“{names}” in the scope is neither a street nor a community (give names or "
                                       "codes separated by 、)",
    "importer.campaign_no_grids": "“{names}” in the scope has no grids yet (import the grids first)",
    "importer.campaign_has_progress": "campaign {code} has recorded progress: its scope and households can no "
                                      "longer change",
    "care.category.elderly_alone": "Elderly living alone",
    "care.category.disabled": "Disabled",
    "care.category.ill": "Seriously or chronically ill",
    "care.category.pregnant": "Pregnant or postpartum",
    "care.category.child": "Child in difficulty",
    "care.category.other": "Other",
    "care.status.active": "On the register",
    "care.status.ended": "Ended",
}
