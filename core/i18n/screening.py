"""Door-to-door screening campaigns (core.services.screening): errors of opening a campaign and of
recording progress."""

ZH = {
    "screening.name_missing": "请填写排查任务名称",
    "screening.deadline_before_start": "截止时间必须晚于开始时间",
    "screening.no_grids": "所选范围内没有网格",
    "screening.negative_target": "目标户数不能为负",
    "screening.negative_households": "户数不能为负",
    "screening.visits_missing": "请填写本次走访的户数（在家、不在家）",
    "screening.too_many_discrepancies": "人户不一致户数不能超过走访户数",
    "screening.campaign_missing": "排查任务 {id} 不存在",
    "screening.campaign_ended": "排查任务 {code} 已结束",
    "screening.grid_not_in_campaign": "该网格不在本次排查范围内",
    "screening.over_target": "网格 {grid} 目标 {target} 户，已走访 {so_far} 户，本次 {visited} 户将超出目标；名册外住户请记入人户不一致",
}

EN = {
    "screening.name_missing": "Name the campaign",
    "screening.deadline_before_start": "The deadline must be after the start",
    "screening.no_grids": "There is no grid in the chosen scope",
    "screening.negative_target": "A target cannot be negative",
    "screening.negative_households": "Households cannot be negative",
    "screening.visits_missing": "Enter the households visited (at home, not at home)",
    "screening.too_many_discrepancies": "Discrepancies cannot exceed the households visited",
    "screening.campaign_missing": "Campaign {id} does not exist",
    "screening.campaign_ended": "Campaign {code} has ended",
    "screening.grid_not_in_campaign": "That grid is not in this campaign",
    "screening.over_target": "Grid {grid}: target {target}, {so_far} visited; {visited} more would exceed it — record households not on the roll as discrepancies",
}
