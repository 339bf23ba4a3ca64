"""Texts of `fangxian bench pages` (issue 16): seeding, the same-run baseline, handing over to the page runner."""

ZH = {
    "cli.bench.pages.help": "页面：每个页面的冷/热服务端脚本耗时（AppTest）与地图数据量，对照裸读与完整读取基线",
    "cli.bench.pages.machine": "{cores} 核，负载 {l1:.1f} / {l5:.1f} / {l15:.1f}",
    "cli.bench.pages.seeding": "规模 {scale}：正在生成演示数据并写入临时 SQLite（{path}）……",
    "cli.bench.pages.still_seeding": "  仍在写入……已用 {seconds:.0f} 秒",
    "cli.bench.pages.seeded": "已写入：{communities:,} 个社区、{grids:,} 个网格、{staff:,} 条人员记录，用时 {seconds:.1f} 秒",
    "cli.bench.pages.reused": "沿用已生成的数据库 {path}",
    "cli.bench.pages.select": "裸读 SELECT（DB-API 游标，{n_tables} 张表，{rows:,} 行）：中位数 {seconds:.3f} 秒（CPU {cpu:.3f} 秒）",
    "cli.bench.pages.full": "完整读取 + 缺口（load_baseline，一个工作单元）：中位数 {seconds:.3f} 秒（CPU {cpu:.3f} 秒）",
    "cli.bench.pages.runner_failed": "页面测量进程退出码 {code}",
    "cli.bench.pages.help.pages": "只测这些页面：url 路径或文件名，逗号分隔（默认全部页面）",
    "cli.bench.pages.help.json": "把数据写入该 JSON 文件",
    "cli.bench.pages.help.profile": "用 cProfile 剖析最慢的 N 个页面的冷启动",
    "cli.bench.pages.help.top": "每个剖析列出的函数个数",
    "cli.bench.pages.help.timeout": "一次页面运行最多允许的秒数",
    "cli.bench.pages.help.keep": "把演示数据写入（并沿用）目录 DIR/<规模>-<种子>.db，而非临时文件",
    "cli.bench.pages.help.progress": "每个页面开始时打印一行",
}

EN = {
    "cli.bench.pages.help": "pages: cold and warm server script time of every page (AppTest) and map payloads, "
                            "beside the bare-read and full-read baseline",
    "cli.bench.pages.machine": "{cores} cores, load average {l1:.1f} / {l5:.1f} / {l15:.1f}",
    "cli.bench.pages.seeding": "scale {scale}: generating the demo into a temporary SQLite file ({path}) …",
    "cli.bench.pages.still_seeding": "  still writing … {seconds:.0f} s so far",
    "cli.bench.pages.seeded": "written: {communities:,} communities, {grids:,} grids, {staff:,} staff rows in {seconds:.1f} s",
    "cli.bench.pages.reused": "reusing the seeded database {path}",
    "cli.bench.pages.select": "bare SELECT (DB-API cursor, {n_tables} tables, {rows:,} rows): median {seconds:.3f} s (CPU {cpu:.3f} s)",
    "cli.bench.pages.full": "full read + gaps (load_baseline in one unit of work): median {seconds:.3f} s (CPU {cpu:.3f} s)",
    "cli.bench.pages.runner_failed": "the page runner exited with code {code}",
    "cli.bench.pages.help.pages": "only these pages: url paths or file names, comma-separated (default: every page)",
    "cli.bench.pages.help.json": "write the figures to this JSON file",
    "cli.bench.pages.help.profile": "cProfile the cold run of the N slowest pages",
    "cli.bench.pages.help.top": "functions listed per profile",
    "cli.bench.pages.help.timeout": "seconds one page run may take",
    "cli.bench.pages.help.keep": "seed into (and reuse) DIR/<scale>-<seed>.db instead of a temporary file",
    "cli.bench.pages.help.progress": "print a line as each page starts",
}
