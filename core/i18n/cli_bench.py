"""Texts of `fangxian bench gaps | wallscreen` (figures for developers and the README)."""

ZH = {
    "cli.bench.yes": "是",
    "cli.bench.no": "否",
    "cli.bench.gaps.data": "规模 {scale}：{communities:,} 个社区、{grids:,} 个网格、{staff:,} 条人员记录"
                           "（下沉干部 {cadres:,} 人）；生成数据用时 {seconds:.1f} 秒",
    "cli.bench.gaps.col.what": "项目",
    "cli.bench.gaps.col.median": "中位数",
    "cli.bench.gaps.floor": "下限：numpy bincount 按社区统计人数",
    "cli.bench.gaps.engine": "引擎：compute_gaps（网格、社区、街道、全区、覆盖率）",
    "cli.bench.gaps.loop": "基线：逐社区 Python 循环",
    "cli.bench.gaps.engine_vs_floor": "引擎 / 下限 = {ratio:.1f} 倍",
    "cli.bench.gaps.loop_vs_engine": "循环 / 引擎 = {ratio:.1f} 倍",
    "cli.bench.gaps.peak": "内存峰值（tracemalloc，引擎一次）= {mib:.1f} MiB",
    "cli.bench.gaps.totals": "全区合计：应配 {required:,}，在岗 {available:,}，缺口 {gap:,}，"
                             "缺员 {shortage:,}（{short_communities:,} 个社区），可调出 {movable_surplus:,}",
    "cli.bench.gaps.agree": "循环与引擎在 {columns} 上一致：{answer}",
    "cli.bench.gaps.target": "完整计算目标 < 0.2 秒：{answer}",
    "cli.bench.gaps.met": "达到",
    "cli.bench.gaps.missed": "未达到",
    "cli.bench.wall.database": "数据库：{url}",
    "cli.bench.wall.first": "前 13 天 {past_ms:.0f} 毫秒，当天数据 {today_ms:.0f} 毫秒；数据包序列化后 {kib:.0f} KiB；"
                            "{communities} 个社区，{alerts} 条预警",
    "cli.bench.wall.cycles": "{n} 次刷新 = 一块大屏每 {refresh:.0f} 秒刷新 {hours:.1f} 小时",
    "cli.bench.wall.hit": "缓存命中（版本查询 + 复制数据包）：中位数 {median:.1f} 毫秒，p95 {p95:.1f} 毫秒",
    "cli.bench.wall.rebuild": "写入后重算：中位数 {median:.0f} 毫秒，最长 {max:.0f} 毫秒（{n} 次重算）",
    "cli.bench.wall.rss": "RSS：第 {start}-{end} 次刷新中位数 {first:.1f} MiB，最后 {window} 次 {last:.1f} MiB；"
                          "增长 {growth:+.1f} MiB",
    "cli.bench.wall.traced": "tracemalloc：{first:.2f} MiB -> {last:.2f} MiB（每 1,000 次刷新 {per_k:+.0f} KiB）",
    "cli.bench.wall.bounded": "内存有界（RSS 增长 < 20 MiB）：{answer}",
    "cli.bench.wall.bounded_traced": "内存有界（RSS 增长 < 20 MiB，tracemalloc < 5 MiB）：{answer}",
}

EN = {
    "cli.bench.yes": "yes",
    "cli.bench.no": "NO",
    "cli.bench.gaps.data": "scale={scale}: {communities:,} communities, {grids:,} grids, {staff:,} staff rows "
                           "({cadres:,} cadres); data built in {seconds:.1f} s",
    "cli.bench.gaps.col.what": "what",
    "cli.bench.gaps.col.median": "median",
    "cli.bench.gaps.floor": "floor: numpy bincount of headcount per community",
    "cli.bench.gaps.engine": "engine: compute_gaps (grid, community, street, district, coverage)",
    "cli.bench.gaps.loop": "baseline: per-community Python loop",
    "cli.bench.gaps.engine_vs_floor": "engine / floor    = {ratio:.1f}x",
    "cli.bench.gaps.loop_vs_engine": "loop / engine     = {ratio:.1f}x",
    "cli.bench.gaps.peak": "peak memory (tracemalloc, one engine run) = {mib:.1f} MiB",
    "cli.bench.gaps.totals": "district totals: required {required:,}, available {available:,}, gap {gap:,}, "
                             "shortage {shortage:,} in {short_communities:,} communities, "
                             "movable surplus {movable_surplus:,}",
    "cli.bench.gaps.agree": "loop and engine agree on {columns}: {answer}",
    "cli.bench.gaps.target": "target < 0.2 s for the full computation: {answer}",
    "cli.bench.gaps.met": "met",
    "cli.bench.gaps.missed": "MISSED",
    "cli.bench.wall.database": "database: {url}",
    "cli.bench.wall.first": "past 13 days {past_ms:.0f} ms, today's payload {today_ms:.0f} ms; payload {kib:.0f} KiB "
                            "pickled; {communities} communities, {alerts} alerts firing",
    "cli.bench.wall.cycles": "{n} refresh cycles = {hours:.1f} h of one screen at {refresh:.0f} s",
    "cli.bench.wall.hit": "cache hit (version query + payload copy): median {median:.1f} ms, p95 {p95:.1f} ms",
    "cli.bench.wall.rebuild": "rebuild after a write: median {median:.0f} ms, max {max:.0f} ms ({n} rebuilds)",
    "cli.bench.wall.rss": "RSS: median {first:.1f} MiB over cycles {start}-{end}, {last:.1f} MiB over the last "
                          "{window}; growth {growth:+.1f} MiB",
    "cli.bench.wall.traced": "tracemalloc: {first:.2f} MiB -> {last:.2f} MiB ({per_k:+.0f} KiB per 1,000 cycles)",
    "cli.bench.wall.bounded": "memory bounded (RSS growth < 20 MiB): {answer}",
    "cli.bench.wall.bounded_traced": "memory bounded (RSS growth < 20 MiB, traced < 5 MiB): {answer}",
}
