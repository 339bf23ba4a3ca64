"""Texts of the import of grids, compounds and checkpoints (and of grid boundaries)."""

ZH = {
    "importer.bad_compound_kind": "“{value}” 不是有效的小区类型（可填：{choices}）",
    "importer.grid_member_unknown": "网格员“{value}”不存在（请先导入人员）",
    "importer.grid_member_not_grid_member": "“{value}” 不是网格员（人员类别为“{kind}”）",
    "importer.grid_member_twice": "网格员“{value}”在本文件中已负责另一个网格（第 {first_row} 行）",
    "importer.grid_unknown": "网格“{value}”不存在（请先导入网格）",
    "importer.grid_other_community": "网格“{value}”属于社区 {its}，不属于社区 {community}",
    "importer.compound_unknown": "小区“{value}”不存在（请先导入小区）",
    "importer.compound_other_community": "小区“{value}”属于社区 {its}，与所填社区 {community} 不一致",
    "importer.checkpoint_place_missing": "所属小区和所属社区至少填一项",
    "importer.out_of_range": "“{value}” 须在 {minimum} 到 {maximum} 之间",
    "importer.feature_code_unknown_place": "“{value}” 不是已知的社区、街道或网格编码（请先导入社区和网格）",
    "importer.summary.members_placed": "安排网格员 {n} 人",
    "importer.summary.communities_recounted": "更新社区卡点数 {n} 个",
}

EN = {
    "importer.bad_compound_kind": "“{value}” is not a compound type (use: {choices})",
    "importer.grid_member_unknown": "no staff “{value}” (import the staff first)",
    "importer.grid_member_not_grid_member": "“{value}” is not a grid member (their kind is “{kind}”)",
    "importer.grid_member_twice": "grid member “{value}” is already named for another grid in this file (row {first_row})",
    "importer.grid_unknown": "no grid “{value}” (import the grids first)",
    "importer.grid_other_community": "grid “{value}” belongs to community {its}, not to {community}",
    "importer.compound_unknown": "no compound “{value}” (import the compounds first)",
    "importer.compound_other_community": "compound “{value}” belongs to community {its}, not to {community} as written",
    "importer.checkpoint_place_missing": "give the compound or the community (at least one)",
    "importer.out_of_range": "“{value}” must be between {minimum} and {maximum}",
    "importer.feature_code_unknown_place": "“{value}” is not a known community, street or grid code "
                                           "(import the communities and grids first)",
    "importer.summary.members_placed": "{n} grid members placed",
    "importer.summary.communities_recounted": "{n} communities' checkpoint counts updated",
}
