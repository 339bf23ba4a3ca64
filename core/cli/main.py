"""Entry point of the `fangxian` command. Each sub-command lives in its own module.

Exit codes: 0 success, 2 bad input (a message names file, row and column) or a write the account may
not do, 1 anything else. Whatever happens, stderr gets one line in the user's language: never a
traceback, never an exception's text (a database error can quote names and phone numbers); ``-v``
adds where it happened and the message with personal data masked (core.cli.redact).
"""

from __future__ import annotations

import argparse
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from core.cli.argparse_zh import localise
from core.cli.redact import configure_logging, fault_detail
from core.i18n import cli_lang, error_text, translate
from core.model.errors import FangxianError, InvalidInput, PermissionDenied

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
    "core.cli.cmd_jobs",  # jobs list|run-due|retention (background jobs, cron)
    "core.cli.cmd_roster",  # roster gaps|export (checkpoint shifts)
    "core.cli.cmd_report",  # report daily (the briefing as PDF or Word)
)

EXIT_OK, EXIT_ERROR, EXIT_BAD_INPUT = 0, 1, 2

#: database errors by class name (only core.storage imports SQLAlchemy): one of the two fault lines
_CONFLICT = {"sqlalchemy.exc.IntegrityError", "sqlite3.IntegrityError", "psycopg.errors.UniqueViolation",
             "sqlalchemy.orm.exc.StaleDataError"}
_DATABASE = {"sqlalchemy.exc.OperationalError", "sqlalchemy.exc.InterfaceError", "sqlalchemy.exc.InternalError",
             "sqlalchemy.exc.DatabaseError", "sqlalchemy.exc.DBAPIError", "sqlite3.Error", "psycopg.Error"}
#: what the disk or the file system says (read-only, full, no permission): a fault of the place, not a bug
_DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT}


def fault_key(exc: BaseException) -> str:
    """The fault line for an unexpected exception: a conflicting write, the database or disk, or a fault."""
    names = {f"{c.__module__}.{c.__qualname__}" for c in type(exc).__mro__}
    if names & _CONFLICT:
        return "cli.fault.conflict"
    if names & _DATABASE:
        return "cli.fault.database"
    if isinstance(exc, OSError) and exc.errno in _DISK_ERRNOS:
        return "cli.fault.disk"
    return "error.fault"


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
    localise(sys.argv[1:] if argv is None else argv)  # argparse's own messages in the user's language
    parser = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    args.lang = cli_lang(args.lang)
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()  # here, not at exit: a reader that went away is caught below
        return code
    except FangxianError as exc:
        print(translate("cli.error_line", args.lang, message=error_text(exc, args.lang)), file=sys.stderr)
        return EXIT_BAD_INPUT if isinstance(exc, InvalidInput | PermissionDenied) else EXIT_ERROR
    except BrokenPipeError:  # the reader went away (``fangxian export staff | head``): not a fault
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        except (OSError, ValueError):  # stdout is no file (a test's capture)
            pass
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - a user never sees a traceback
        print(translate("cli.error_line", args.lang, message=translate(fault_key(exc), args.lang)), file=sys.stderr)
        if args.verbose:  # where it happened, and the message with personal data masked
            print(fault_detail(exc), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
