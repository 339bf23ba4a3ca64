"""Helpers shared by CLI commands: who acts, table output.

Who acts: a command that writes names an enabled account with ``--user NAME`` (its roles and street
scope apply, as on the dashboard) or says ``--as-system`` (cron: the system, audited as
``system:cli:<OS account>``); neither given is refused (exit 2). Account administration (``fangxian
user`` / ``kiosk``) acts as the operator at the server's shell, who holds the database credentials
(the first account of an empty database is created that way).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import TYPE_CHECKING, Any

import pandas as pd

from core.i18n import cli_lang, translate
from core.model.actor import ROLES, Actor, require
from core.model.errors import InvalidInput

if TYPE_CHECKING:
    from core.services.uow import UnitOfWork

#: the roles of the system actor of ``--as-system`` (every role but the wall screen's; the whole district)
SYSTEM_ROLES = frozenset(r for r in ROLES if r != "wallscreen")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor in the password database
        return "unknown"


def add_identity(p: argparse.ArgumentParser) -> None:
    """``--user NAME`` | ``--as-system`` on a command that writes."""
    lang = cli_lang()  # --help is printed before --lang is read: the environment's language
    g = p.add_mutually_exclusive_group()
    g.add_argument("--user", metavar="ACCOUNT", help=translate("cli.identity.help.user", lang))
    g.add_argument("--as-system", action="store_true", help=translate("cli.identity.help.as_system", lang))


def system_actor() -> Actor:
    name = f"system:cli:{os_user()}"
    return Actor(username=name, display_name=name, roles=SYSTEM_ROLES)


def need_identity(args: argparse.Namespace) -> None:
    """Refuse (exit 2) before any work when the command says neither ``--user`` nor ``--as-system``."""
    if not getattr(args, "as_system", False) and not (getattr(args, "user", None) or "").strip():
        raise InvalidInput("cli.identity.needed")


def account_actor(uow: UnitOfWork, args: argparse.Namespace, *roles: str) -> Actor:
    """The Actor of ``--user`` (looked up in ``uow``: it must exist and be enabled) or of
    ``--as-system``; ``roles`` given: one of them is required (PermissionDenied otherwise)."""
    from core.services.identity import load_actor

    need_identity(args)
    if getattr(args, "as_system", False):
        actor = system_actor()
    else:
        name = str(args.user).strip()
        found = load_actor(uow, name)
        if found is None:
            raise InvalidInput("cli.identity.unknown_account", user=name, command="fangxian user list")
        actor = found
    return require(actor, *roles) if roles else actor


def acting(url: str | None, args: argparse.Namespace, *roles: str) -> Actor:
    """``account_actor`` read in a unit of work of its own, before the write's: a write's unit of work takes
    its lock before it reads anything (SQLite cannot turn a read into a write once another writer
    has committed)."""
    from core.services.uow import unit_of_work

    need_identity(args)
    if getattr(args, "as_system", False):
        return require(system_actor(), *roles) if roles else system_actor()
    with unit_of_work(url) as uow:
        return account_actor(uow, args, *roles)


def shell_operator(*roles: str) -> Actor:
    """The operator at the server's shell (account administration and repairs only; see the module)."""
    name = f"cli:{os_user()}"
    return Actor(username=name, display_name=name, roles=frozenset(roles))


def cli_actor(args: argparse.Namespace, *roles: str) -> Actor:
    """The shell operator (``cli:<OS account>``) for the commands that administer the installation
    itself (``fangxian user``, ``kiosk``, ``init --repair-audit``). It never takes a name from the
    command line: a write on the district's data uses ``acting`` / ``account_actor``."""
    return shell_operator(*roles)


def print_table(df: pd.DataFrame, fmt: str, *, extra: dict[str, Any] | None = None) -> None:
    """Print a table as CSV (UTF-8) or JSON (a list of records, or an object with ``extra``)."""
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        payload: Any = records if extra is None else {**extra, "rows": records}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        df.to_csv(sys.stdout, index=False)
