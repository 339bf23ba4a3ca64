"""Entry point of the `fangxian` command. Each sub-command lives in its own module.

Exit codes: 0 success, 2 bad input (a message names file, row and column), 1 anything else.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Sequence

from core.i18n import cli_lang, error_text, translate
from core.model.errors import FangxianError, InvalidInput

#: modules under core.cli that define ``register(subparsers)``; order is the --help order
COMMAND_MODULES = (
    "core.cli.cmd_setup",  # init, demo, serve
    "core.cli.cmd_import",  # import KIND FILE
    "core.cli.cmd_user",  # user add|passwd|disable|enable|set-roles|list, kiosk create|revoke|list
    "core.cli.cmd_gaps",  # gaps
    "core.cli.cmd_plan",  # plan
    "core.cli.cmd_alerts",  # alerts list|rules|sync
    "core.cli.cmd_volunteers",  # errands list|escalate, volunteers tasks|hours
    "core.cli.cmd_bench",  # bench gaps (bench plan joins the same module)
    "core.cli.cmd_incidents",  # incidents list, isolation scan
    "core.cli.cmd_whatif",  # whatif FILE.json
)

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fangxian",
        description="防线 fangxian — 社区防线指挥台命令行 (command desk for a district's community defence line)",
    )
    parser.add_argument("--database-url", help="数据库地址，默认读取 FANGXIAN_DATABASE_URL 或 var/fangxian.db")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    parser.add_argument("--lang", choices=("zh", "en"), default=None,
                        help="输出语言：zh（默认）或 en；也可用 FANGXIAN_LANG 或 LANG=en_US.UTF-8")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    args.lang = cli_lang(args.lang)
    try:
        return int(args.func(args) or 0)
    except FangxianError as exc:
        print(translate("cli.error_line", args.lang, message=error_text(exc, args.lang)), file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(exc, InvalidInput) else EXIT_ERROR
    except BrokenPipeError:  # the reader went away (``fangxian export staff | head``): not a fault
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        print(translate("cli.error_line", args.lang, message=translate("error.fault", args.lang)), file=sys.stderr)
        if args.verbose:  # where it happened, never the message: a database error's text may hold personal data
            frames = [f"  {f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(exc.__traceback__)]
            print("\n".join([*frames, type(exc).__name__]), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
