"""Maps (issue 15): the plan map's two-colour legend, the what-if before/after/change maps, the demo
banner that names the real scope."""

ZH = {
    "maps15.demo_note": "当前显示的是演示数据：在{scope}真实边界上合成的街道、社区、网格和人员，非真实信息。",
    "maps15.plan.from": "富余社区 · 调出",
    "maps15.plan.to": "缺员社区 · 调入",
    "maps15.plan.width": "每条线是一对社区之间的调动，线越粗人越多；底色为调配前的缺口（越红越缺，越蓝越富余）。",
    "maps15.wi.before": "调整前 · 今日：缺员 {n} 人",
    "maps15.wi.after": "调整后 · “{name}”：缺员 {n} 人（{delta}）",
    "maps15.wi.change": "变化：推演后减今日的缺员人数（{n} 个社区有变化，调整后地图上以粗框标出）",
    "maps15.wi.change_legend": "缺员变化",
    "maps15.wi.worse_at_least": "多缺 ≥{n} 人",
    "maps15.wi.worse": "多缺",
    "maps15.wi.same": "不变",
    "maps15.wi.better": "少缺",
    "maps15.wi.better_at_least": "少缺 ≥{n} 人",
    "maps15.wi.tip.before": "今日缺员",
    "maps15.wi.tip.after": "推演后缺员",
    "maps15.wi.tip.change": "变化",
}

EN = {
    "maps15.demo_note": ("You are looking at demo data: streets, communities, grids and people synthesised on the "
                         "real outline of {scope}; not real information."),
    "maps15.plan.from": "surplus community · people leave",
    "maps15.plan.to": "short community · people arrive",
    "maps15.plan.width": ("Each line is one pair of communities; the thicker, the more people. Shading: the gap "
                          "before the plan (redder is shorter, bluer has more to spare)."),
    "maps15.wi.before": "Before · today: {n} people short",
    "maps15.wi.after": "After · “{name}”: {n} people short ({delta})",
    "maps15.wi.change": "Change: people short in the scenario minus today ({n} communities change, outlined on the After map)",
    "maps15.wi.change_legend": "Change in people short",
    "maps15.wi.worse_at_least": "≥{n} more short",
    "maps15.wi.worse": "more short",
    "maps15.wi.same": "no change",
    "maps15.wi.better": "fewer short",
    "maps15.wi.better_at_least": "≥{n} fewer short",
    "maps15.wi.tip.before": "Short today",
    "maps15.wi.tip.after": "Short in the scenario",
    "maps15.wi.tip.change": "Change",
}
