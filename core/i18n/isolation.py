"""Home isolation (core.services.isolation): the descriptions of the incidents its scan raises (stored
in the district's language) and its errors."""

ZH = {
    "isolation.alert.fever": "居家隔离户 {code} 体温 {temp:.1f} ℃（≥ {threshold:.1f} ℃），需转运排查",
    "isolation.alert.missed": "居家隔离户 {code} 截至 {hour}:00 未完成今日健康监测",
    "isolation.missed_hour_range": "漏检判定时间应为 0–23 点，现为 {hour}",
    "isolation.fever_threshold_range": "发热阈值应在 36.5–39.5 ℃ 之间，现为 {threshold}",
    "isolation.members_range": "家庭人数应为 1–20 人，现为 {members}",
    "isolation.end_before_start": "计划解除日期不能早于开始日期",
    "isolation.address_missing": "请填写住址",
    "isolation.community_missing": "社区 {id} 不存在",
    "isolation.grid_not_in_community": "所选网格不属于该社区",
    "isolation.household_missing": "隔离户 {id} 不存在",
    "isolation.household_changed": "隔离户 {code} 已被他人修改，请刷新后重试",
    "isolation.changed_meanwhile": "隔离户信息已被他人修改，请刷新后重试",
    "isolation.household_ended": "隔离户 {code} 已解除隔离",
    "isolation.household_ended_no_checks": "隔离户 {code} 已解除隔离，无需健康监测",
    "isolation.temperature_missing": "至少填写一名成员的体温",
    "isolation.temperature_range": "体温应在 {low}–{high} ℃ 之间：{readings}",
    "isolation.too_many_readings": "该户共 {members} 人，填写了 {readings} 个体温",
}

EN = {
    "isolation.alert.fever": "Isolated household {code}: {temp:.1f} °C (≥ {threshold:.1f} °C), needs transfer and checks",
    "isolation.alert.missed": "Isolated household {code}: no health check today by {hour}:00",
    "isolation.missed_hour_range": "The missed-check hour must be 0–23, not {hour}",
    "isolation.fever_threshold_range": "The fever threshold must be 36.5–39.5 °C, not {threshold}",
    "isolation.members_range": "A household has 1–20 members, not {members}",
    "isolation.end_before_start": "The planned end cannot be before the start",
    "isolation.address_missing": "Give the address",
    "isolation.community_missing": "Community {id} does not exist",
    "isolation.grid_not_in_community": "The grid chosen is not in that community",
    "isolation.household_missing": "Isolated household {id} does not exist",
    "isolation.household_changed": "Household {code} was changed by someone else; refresh and try again",
    "isolation.changed_meanwhile": "The household was changed by someone else; refresh and try again",
    "isolation.household_ended": "Household {code} has already left isolation",
    "isolation.household_ended_no_checks": "Household {code} has left isolation: no health checks needed",
    "isolation.temperature_missing": "Enter at least one member's temperature",
    "isolation.temperature_range": "Temperatures must be {low}–{high} °C: {readings}",
    "isolation.too_many_readings": "The household has {members} members; {readings} temperatures were entered",
}
