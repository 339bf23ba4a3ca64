"""`fangxian user add|passwd|disable|enable|set-roles|list` and `fangxian kiosk create|revoke|list`.

Passwords are read with getpass (asked twice) or, for scripts, one line from stdin with
``--password-stdin``; never as a command-line argument (it would land in the shell history and in
``ps``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from core.cli.common import cli_actor, print_table
from core.config import database_url
from core.model.actor import ROLE_ZH, ROLES
from core.model.errors import InvalidInput

ROLE_HELP = "角色，可重复：" + "、".join(f"{r}（{ROLE_ZH[r]}）" for r in ROLES if r != "wallscreen")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    user = sub.add_parser("user", help="管理本地账号 (manage local accounts)")
    us = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    p = us.add_parser("add", help="新建账号")
    p.add_argument("username")
    p.add_argument("--name", default="", help="显示名，如：王指挥长")
    p.add_argument("--role", action="append", required=True, choices=[r for r in ROLES if r != "wallscreen"],
                   help=ROLE_HELP)
    p.add_argument("--street", action="append", help="只管辖这些街道（街道编码，可重复）；不写为全区")
    p.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码（用于脚本）")
    p.set_defaults(func=cmd_add)

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


def _url(args: argparse.Namespace) -> str:
    from core.storage.db import migrate

    url = database_url(args.database_url)
    migrate(url)
    return url


def read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InvalidInput("标准输入中没有密码")
        return line
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输入一次：") != first:
        raise InvalidInput("两次输入的密码不一致")
    return first


def cmd_add(args: argparse.Namespace) -> int:
    from core.services.identity import add_user

    url = _url(args)
    add_user(cli_actor(args, "admin"), url, args.username, args.name, read_password(args), args.role, args.street)
    print(f"已新建账号 {args.username}")
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    from core.services.identity import set_password

    url = _url(args)
    set_password(cli_actor(args, "admin"), url, args.username, read_password(args))
    print(f"已重设 {args.username} 的密码")
    return 0


def cmd_disable(args: argparse.Namespace) -> int:
    from core.services.identity import disable_user

    disable_user(cli_actor(args, "admin"), _url(args), args.username, reason=args.reason)
    print(f"已停用 {args.username}")
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    from core.services.identity import enable_user

    enable_user(cli_actor(args, "admin"), _url(args), args.username, reason=args.reason)
    print(f"已启用 {args.username}")
    return 0


def cmd_set_roles(args: argparse.Namespace) -> int:
    from core.services.identity import set_roles

    set_roles(cli_actor(args, "admin"), _url(args), args.username, args.role, args.street)
    print(f"已更新 {args.username} 的角色")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from core.services.identity import list_users

    df = list_users(cli_actor(args, "admin"), _url(args))
    print_table(df, args.format)
    return 0


def cmd_kiosk_create(args: argparse.Namespace) -> int:
    from core.services.identity import create_kiosk_token

    new = create_kiosk_token(cli_actor(args, "admin"), _url(args), args.name)
    print(f"已新建大屏令牌 #{new.id}（{new.name}）。令牌只显示这一次，请妥善保存：")
    print(new.token)
    print(f"大屏地址：https://<指挥台地址>/?kiosk={new.token}&embed=true")
    return 0


def cmd_kiosk_revoke(args: argparse.Namespace) -> int:
    from core.services.identity import revoke_kiosk_token

    n = revoke_kiosk_token(cli_actor(args, "admin"), _url(args), args.token, reason=args.reason)
    print(f"已撤销 {n} 个大屏令牌" if n else "该令牌此前已撤销")
    return 0


def cmd_kiosk_list(args: argparse.Namespace) -> int:
    from core.services.identity import list_kiosk_tokens

    print_table(list_kiosk_tokens(cli_actor(args, "admin"), _url(args)), args.format)
    return 0
