"""Texts of `fangxian bench import`, and the names of the import's compact change record (issue 16)."""

ZH = {
    "cli.bench.import.files": "生成交换文件：{rows:,} 行人员（{mb:.1f} MB，UTF-8），用时 {seconds:.1f} 秒",
    "cli.bench.import.database": "数据库：{url}",
    "cli.bench.import.not_empty": "数据库 {url} 不是空的（已有社区或人员）：请给一个空数据库",
    "cli.bench.import.baseline_parse": "基线：pandas 解析同一 CSV {seconds:.2f} 秒（{rate:,.0f} 行/秒）",
    "cli.bench.import.baseline_insert": "基线：同样的行直接批量写入人员表 {seconds:.2f} 秒（{rate:,.0f} 行/秒，回滚）",
    "cli.bench.import.step": "{step}：{seconds:.2f} 秒，{rate:,.0f} 行/秒，峰值内存 {rss:.0f} MB（导入前 {base:.0f} MB）；"
                             "新建 {created:,}、更新 {updated:,}、未变 {unchanged:,}；"
                             "为解析基线的 {parse_ratio:.1f} 倍、写入基线的 {insert_ratio:.1f} 倍",
    "cli.bench.import.step.fresh": "首次导入",
    "cli.bench.import.step.again": "原样再导入",
    "cli.bench.import.step.changed": "1% 行有变化的再导入",
    "cli.bench.import.city_files": "城市：{communities:,} 个社区 + {staff:,} 名人员（GBK 编码），数据库 {url}",
    "cli.bench.import.city": "城市导入（社区 + 人员）：{seconds:.2f} 秒，{rate:,.0f} 行/秒，峰值内存 {rss:.0f} MB"
                             "（导入前 {base:.0f} MB）；pandas 解析人员 CSV {parse:.2f} 秒，为其 {ratio:.1f} 倍",
    "cli.bench.import.target.fresh": "目标：首次导入 ≥ 50,000 行/秒且 ≤ 4 秒：{answer}",
    "cli.bench.import.target.rss": "目标：导入峰值内存 ≤ 300 MB：{answer}",
    "cli.bench.import.target.again": "目标：原样再导入 ≤ 4 秒：{answer}",
    "cli.bench.import.target.changed": "目标：1% 变化的再导入 ≤ 4 秒：{answer}",
    "cli.bench.import.target.city": "目标：城市导入 ≤ 4 秒：{answer}",
    "cli.bench.import.met": "达到",
    "cli.bench.import.missed": "未达到",
    # the compact change record of a large import (core.services.importer.change_record)
    "audit.field.part": "分段",
    "audit.field.data": "压缩数据",
}

EN = {
    "cli.bench.import.files": "Exchange files generated: {rows:,} staff rows ({mb:.1f} MB, UTF-8) in {seconds:.1f} s",
    "cli.bench.import.database": "Database: {url}",
    "cli.bench.import.not_empty": "Database {url} is not empty (it holds communities or staff): give an empty one",
    "cli.bench.import.baseline_parse": "Baseline: pandas parses the same CSV in {seconds:.2f} s ({rate:,.0f} rows/s)",
    "cli.bench.import.baseline_insert": "Baseline: the same rows written straight to the staff table in "
                                        "{seconds:.2f} s ({rate:,.0f} rows/s, rolled back)",
    "cli.bench.import.step": "{step}: {seconds:.2f} s, {rate:,.0f} rows/s, peak RSS {rss:.0f} MB ({base:.0f} MB "
                             "before); created {created:,}, updated {updated:,}, unchanged {unchanged:,}; "
                             "{parse_ratio:.1f}x the parse baseline, {insert_ratio:.1f}x the write baseline",
    "cli.bench.import.step.fresh": "Fresh import",
    "cli.bench.import.step.again": "Unchanged re-import",
    "cli.bench.import.step.changed": "Re-import with 1% of rows changed",
    "cli.bench.import.city_files": "City: {communities:,} communities + {staff:,} staff (GBK-encoded), database {url}",
    "cli.bench.import.city": "City import (communities + staff): {seconds:.2f} s, {rate:,.0f} rows/s, peak RSS "
                             "{rss:.0f} MB ({base:.0f} MB before); pandas parses the staff CSV in {parse:.2f} s, "
                             "{ratio:.1f}x that",
    "cli.bench.import.target.fresh": "Target: fresh import ≥ 50,000 rows/s and ≤ 4 s: {answer}",
    "cli.bench.import.target.rss": "Target: import peak RSS ≤ 300 MB: {answer}",
    "cli.bench.import.target.again": "Target: unchanged re-import ≤ 4 s: {answer}",
    "cli.bench.import.target.changed": "Target: re-import with 1% changed ≤ 4 s: {answer}",
    "cli.bench.import.target.city": "Target: city import ≤ 4 s: {answer}",
    "cli.bench.import.met": "met",
    "cli.bench.import.missed": "not met",
    "audit.field.part": "Part",
    "audit.field.data": "Compressed data",
}
