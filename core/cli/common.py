"""Helpers shared by CLI commands: the acting user, table output."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

import pandas as pd

from core.model.actor import Actor


def cli_actor(args: argparse.Namespace, *roles: str) -> Actor:
    """The operator at the server's shell. Whoever runs the CLI already holds the database
    credentials, so the CLI acts with the roles the command needs, under the name given by
    ``--user`` (or the OS account), and every write is audited under that name."""
    name = getattr(args, "user", None) or f"cli:{getpass.getuser()}"
    return Actor(username=name, display_name=name, roles=frozenset(roles))


def print_table(df: pd.DataFrame, fmt: str, *, extra: dict[str, Any] | None = None) -> None:
    """Print a table as CSV (UTF-8) or JSON (a list of records, or an object with ``extra``)."""
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        payload: Any = records if extra is None else {**extra, "rows": records}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        df.to_csv(sys.stdout, index=False)
