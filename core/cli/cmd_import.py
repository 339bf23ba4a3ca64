"""`fangxian import communities|staff|incidents|boundaries FILE`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.common import account_actor, acting, add_identity, need_identity, shell_operator
from core.i18n import translate
from core.model.actor import Actor
from core.model.errors import PermissionDenied
from core.services.importer.registry import KINDS

if TYPE_CHECKING:
    from core.services.uow import UnitOfWork

KIND_HELP = {
    "communities": "社区（社区编码、社区名称、街道、常住人口、户数、经纬度、风险等级、卡点数、居家隔离户数、重点关爱人数）",
    "staff": "人员（编号、姓名、类别、派出单位、所在社区、联系电话、居住地经纬度、可调配、在岗、技能）",
    "incidents": "事件（事件编号、社区编码、事件类型、严重程度、状态、上报时间、办结时间、经纬度、描述）",
    "boundaries": "边界（GeoJSON FeatureCollection，要素属性 code 为社区、街道或网格编码）",
    "grids": "网格（网格编码、网格名称、所属社区、户数、常住人口、网格员编号）",
    "compounds": "小区（小区编码、小区名称、所属社区、类型、户数、楼栋数、出入口数、所属网格、经纬度）",
    "checkpoints": "卡点（卡点编码、卡点名称、所属小区或所属社区、所属网格、每日班次、每班人数、在用、经纬度）",
    "units": "包保单位（单位编码、单位名称）",
    "pairings": "包保关系（包保单位、包保社区、承诺下沉人数、起始日期）",
    "households": "居家隔离户（户编码、所属社区、所属网格、楼栋房号、户主、联系电话、人数、开始日期、计划解除日期、状态）",
    "vulnerable": "重点关爱人员（编码、所属社区、所属网格、类别、姓名、联系电话、住址、备注、状态）",
    "campaigns": "地毯式排查（排查编号、名称、范围、开始时间、天数、排查户数）",
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help="导入社区、人员、事件或边界文件 (import an exchange file)",
        description="导入 CSV（UTF-8、带 BOM 的 UTF-8 或 GBK）、XLSX 或 GeoJSON 文件。任何一行有问题，"
                    "整个文件都不导入（数据库不变），并逐条列出文件、行号、列名和原因；退出码 2。"
                    "再次导入同一文件只会更新，不会重复。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(f"  {k:<12}{KIND_HELP.get(k, '')}" for k in KINDS))
    p.add_argument("kind", choices=list(KINDS), help="导入类型")
    p.add_argument("file", help="文件路径（.csv / .xlsx / .geojson）")
    p.add_argument("--datum", choices=["wgs84", "gcj02", "bd09"], default="wgs84",
                   help="文件中坐标的坐标系：wgs84（GPS，默认）、gcj02（高德、腾讯）、bd09（百度）")
    p.add_argument("--sheet", help="XLSX 工作表名称（默认第一个）")
    add_identity(p)
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入数据库")
    p.add_argument("--into-demo", action="store_true",
                   help="向演示数据库追加文件（培训、测试用；真实数据先用 fangxian demo --drop 清空演示库）")
    p.add_argument("--district-name", help="数据库还没有辖区时新建辖区的名称（默认按 6 位区县代码取湖北省区县名，否则“辖区”）")
    p.add_argument("--district-code", help="新建辖区的 6 位编码（默认取 12 位社区代码的前 6 位；没有时为 000000）")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="按导入格式导出社区、人员或事件 (export in the exchange format)",
                       description="导出的文件用模板的中文表头和中文词语，可直接再次导入。联系电话默认打码（138****5678）。")
    p.add_argument("kind", choices=["communities", "staff", "incidents"], help="导出类型")
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv", help="文件格式（默认 csv）")
    p.add_argument("-o", "--output", help="输出文件；csv 不给时打印到标准输出，xlsx 必须给出")
    p.add_argument("--with-personal-data", action="store_true",
                   help="导出完整联系电话（需 --user 指明有权查看个人信息的账号：调度员或管理员；写入审计记录）")
    add_identity(p)
    p.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from core.cli.main import EXIT_BAD_INPUT
    from core.config import database_url
    from core.services.importer.problems import ImportRefused
    from core.services.importer.service import import_file
    from core.services.uow import unit_of_work
    from core.storage.db import migrate

    checking = args.dry_run and not (args.as_system or args.user)
    if not checking:
        need_identity(args)  # before any work
    url = database_url(args.database_url)
    migrate(url)
    # a dry run writes nothing: it may check a file without naming an account
    actor = shell_operator("clerk") if checking else acting(url, args, "clerk", "admin")
    started = time.perf_counter()
    try:
        with unit_of_work(url) as uow:
            summary = import_file(uow, actor, args.kind, args.file, datum=args.datum,
                                  sheet=args.sheet, dry_run=args.dry_run, district_name=args.district_name,
                                  district_code=args.district_code, into_demo=args.into_demo)
    except ImportRefused as exc:
        for line in exc.lines(args.lang):
            print(line, file=sys.stderr)
        print(translate("cli_import.refused", args.lang, count=len(exc.problems), file=Path(args.file).name),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    text = summary.text(lambda key, **params: translate(key, args.lang, **params))
    print(translate("cli_import.done", args.lang, summary=text, seconds=f"{time.perf_counter() - started:.1f}"))
    return 0


def _personal_data_actor(uow: UnitOfWork, args: argparse.Namespace) -> Actor:
    """An account that may see personal data (coordinator, admin); never the system: a person answers for it."""
    if args.as_system:
        raise PermissionDenied("cli.identity.personal_data_needs_account")
    actor = account_actor(uow, args)
    if not actor.sees_personal_data:
        raise PermissionDenied("cli.identity.personal_data_roles", user=actor.username)
    return actor


def cmd_export(args: argparse.Namespace) -> int:
    from core.cli.main import EXIT_BAD_INPUT
    from core.config import database_url
    from core.services.audit import new_batch_id, record
    from core.services.importer.export import export_frame
    from core.services.uow import unit_of_work

    if args.format == "xlsx" and not args.output:
        print(translate("cli.error_line", args.lang, message=translate("cli_import.xlsx_needs_output", args.lang)),
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.with_personal_data:
        need_identity(args)
    with unit_of_work(database_url(args.database_url)) as uow:
        if args.with_personal_data:
            actor = _personal_data_actor(uow, args)
        df = export_frame(uow, args.kind, with_personal_data=args.with_personal_data)
        if args.with_personal_data:  # who took the names and phones out, which and how many; no data
            record(uow, actor, "export.personal_data", "export", args.kind,
                   after={"kind": args.kind, "rows": int(len(df)), "format": args.format,
                          "output": "stdout" if not args.output else Path(args.output).name},
                   reason="fangxian export --with-personal-data", batch_id=new_batch_id())
    if args.format == "xlsx":
        df.to_excel(args.output, index=False, sheet_name=args.kind)
    elif args.output:
        df.to_csv(args.output, index=False, encoding="utf-8-sig")  # with a BOM: Excel opens it as UTF-8
    else:
        df.to_csv(sys.stdout, index=False)
    if args.output:
        print(translate("cli_import.exported", args.lang, n=len(df), path=args.output))
    return 0
