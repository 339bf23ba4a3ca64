"""`fangxian user add|passwd|disable|enable|set-roles|list` and `fangxian kiosk create|revoke|list`.

Passwords are read with getpass (asked twice) or, for scripts, one line from stdin with
``--password-stdin``; never as a command-line argument (it would land in the shell history and in
``ps``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from core.cli.common import cli_actor, print_table
from core.config import database_url
from core.i18n import translate
from core.model.actor import ROLES
from core.model.errors import InvalidInput
from core.services.uow import UnitOfWork, unit_of_work

ROLE_HELP = "角色，可重复：" + "、".join(f"{r}（{translate(f'role.{r}')}）" for r in ROLES if r != "wallscreen")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="管理本地账号 (manage local accounts)")
    us = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    p = us.add_parser("add", help="新建账号")
    p.add_argument("username")
    p.add_argument("--name", default="", help="显示名，如：王指挥长")
    p.add_argument("--role", action="append", required=True, choices=[r for r in ROLES if r != "wallscreen"],
                   help=ROLE_HELP)
    p.add_argument("--street", action="append", help="只管辖这些街道（街道编码，可重复）；不写为全区")
    p.add_argument("--community", action="append", help="网格员、社区工作人员：只在这些社区（社区编码，可重复）")
    p.add_argument("--grid", action="append", help="网格员：只在这些网格（网格编码，可重复）")
    p.add_argument("--staff", help="网格员、社区工作人员：对应的人员编号（其网格、社区随人员调整）")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码（用于脚本）")
    p.set_defaults(func=cmd_add)

    p = us.add_parser("issue", help="按人员名单批量开通网格员、社区工作人员账号（初始密码写入文件）")
    p.add_argument("--kind", action="append", choices=["grid_member", "community_worker"],
                   help="人员类别，可重复：grid_member（网格员）、community_worker（社区工作者）；默认网格员")
    p.add_argument("-o", "--output", required=True, help="写入账号和初始密码的 CSV 文件（不得已存在；仅本人可读）")
    p.set_defaults(func=cmd_issue)

    p = us.add_parser("passwd", help="重设密码（同时解除锁定）")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码（用于脚本）")
    p.set_defaults(func=cmd_passwd)

    for name, helptext in (("disable", "停用账号（其会话在下一次刷新时结束）"), ("enable", "启用账号（同时解除锁定）")):
        p = us.add_parser(name, help=helptext)
        p.add_argument("username")
        p.add_argument("--reason", default="", help="原因，写入审计日志")
        p.set_defaults(func=cmd_disable if name == "disable" else cmd_enable)

    p = us.add_parser("set-roles", help="重设角色和管辖街道")
    p.add_argument("username")
    p.add_argument("--role", action="append", required=True, choices=[r for r in ROLES if r != "wallscreen"],
                   help=ROLE_HELP)
    p.add_argument("--street", action="append", help="只管辖这些街道；不写为全区")
    p.set_defaults(func=cmd_set_roles)

    p = us.add_parser("list", help="列出账号")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_list)

    kiosk = sub.add_parser("kiosk", help="管理大屏令牌 (wall-screen tokens)")
    ks = kiosk.add_subparsers(dest="kiosk_command", metavar="ACTION", required=True)
    p = ks.add_parser("create", help="新建大屏令牌（令牌只显示这一次）")
    p.add_argument("name", help="名字，如：指挥中心一号屏")
    p.set_defaults(func=cmd_kiosk_create)
    p = ks.add_parser("revoke", help="撤销大屏令牌（按编号或名字）")
    p.add_argument("token", help="令牌编号或名字")
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_kiosk_revoke)
    p = ks.add_parser("list", help="列出大屏令牌（不含令牌本身）")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_kiosk_list)


@contextmanager
def _uow(args: argparse.Namespace) -> Iterator[UnitOfWork]:
    """The command's one unit of work, on the migrated database."""
    from core.storage.db import migrate

    url = database_url(args.database_url)
    migrate(url)
    with unit_of_work(url) as uow:
        yield uow


def _say(args: argparse.Namespace, key: str, **params: Any) -> None:
    print(translate(key, args.lang, **params))


def read_password(args: argparse.Namespace) -> str:
    lang = getattr(args, "lang", None) or "zh"
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InvalidInput("cli_user.no_password_on_stdin")
        return line
    first = getpass.getpass(translate("cli_user.password_prompt", lang))
    if getpass.getpass(translate("cli_user.password_again", lang)) != first:
        raise InvalidInput("cli_user.passwords_differ")
    return first


def _admin_write(args: argparse.Namespace, service: Callable[..., Any], *params: Any, **kwargs: Any) -> Any:
    with _uow(args) as uow:
        return service(uow, cli_actor(args, "admin"), *params, **kwargs)


def cmd_add(args: argparse.Namespace) -> int:
    from core.services.identity import add_user

    password = read_password(args)
    staff_id = _staff_id(args, args.staff) if args.staff else None
    _admin_write(args, add_user, args.username, args.name, password, args.role, args.street,
                 communities=args.community, grids=args.grid, staff_id=staff_id)
    _say(args, "cli_user.added", username=args.username)
    return 0


def _staff_id(args: argparse.Namespace, code: str) -> int:
    with _uow(args) as uow:
        found = uow.identity.staff_id_by_code(code)
    if found is None:
        raise InvalidInput("cli_user.staff_unknown", code=code)
    return int(found)


def cmd_issue(args: argparse.Namespace) -> int:
    """Accounts for the roster's grid members (and community workers): the first passwords go to a new file
    readable by its owner only, never to the screen or a log."""
    import csv
    import os
    from pathlib import Path

    from core.services.identity.accounts import issue_front_line_accounts

    out = Path(args.output)
    if out.exists():
        raise InvalidInput("cli_user.issue_file_exists", path=str(out))
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # created before any account exists
    try:
        issued = _admin_write(args, issue_front_line_accounts, args.kind or ["grid_member"])
    except BaseException:
        os.close(fd)
        out.unlink(missing_ok=True)
        raise
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["username", "name", "password"])
        w.writeheader()
        w.writerows(issued)
    _say(args, "cli_user.issued", n=len(issued), path=str(out))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from core.services.identity import set_password

    password = read_password(args)
    _admin_write(args, set_password, args.username, password)
    _say(args, "cli_user.password_set", username=args.username)
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    from core.services.identity import disable_user

    _admin_write(args, disable_user, args.username, reason=args.reason)
    _say(args, "cli_user.disabled", username=args.username)
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    from core.services.identity import enable_user

    _admin_write(args, enable_user, args.username, reason=args.reason)
    _say(args, "cli_user.enabled", username=args.username)
    return 0


def cmd_set_roles(args: argparse.Namespace) -> int:
    from core.services.identity import set_roles

    _admin_write(args, set_roles, args.username, args.role, args.street)
    _say(args, "cli_user.roles_set", username=args.username)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.services.identity import list_users

    with _uow(args) as uow:
        df = list_users(uow, cli_actor(args, "admin"))
    print_table(df, args.format)
    return 0


def cmd_kiosk_create(args: argparse.Namespace) -> int:
    from core.services.identity import create_kiosk_token

    new = _admin_write(args, create_kiosk_token, args.name)
    _say(args, "cli_user.kiosk_created", id=new.id, name=new.name)
    print(new.token)
    _say(args, "cli_user.kiosk_address", token=new.token)
    return 0


def cmd_kiosk_revoke(args: argparse.Namespace) -> int:
    from core.services.identity import revoke_kiosk_token

    n = _admin_write(args, revoke_kiosk_token, args.token, reason=args.reason)
    if n:
        _say(args, "cli_user.kiosk_revoked", n=n)
    else:
        _say(args, "cli_user.kiosk_already_revoked")
    return 0


def cmd_kiosk_list(args: argparse.Namespace) -> int:
    from core.services.identity import list_kiosk_tokens

    with _uow(args) as uow:
        df = list_kiosk_tokens(uow, cli_actor(args, "admin"))
    print_table(df, args.format)
    return 0
