"""`fangxian plan`: the JSON and CSV shapes, --apply through apply_plan, exit 2 on bad input."""

from __future__ import annotations

import json

from sqlalchemy import select

from core.cli.main import main
from core.services.gaps import load_gaps
from core.storage.db import session_scope
from core.storage.rows.reassign import MoveBatch
from tests.db import call


def test_plan_json_lists_moves_and_totals(demo_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--database-url", demo_sqlite, "plan", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"moves", "totals"}
    assert {"shortage_before", "shortage_after", "worst_before", "worst_after", "moves", "km"} <= set(out["totals"])
    assert len(out["moves"]) == out["totals"]["moves"] > 0
    assert set(out["moves"][0]) == {"staff_id", "staff_code", "from", "to", "km"}
    codes = set(call(demo_sqlite, load_gaps).community["code"])
    assert all(m["from"] in codes and m["to"] in codes and m["from"] != m["to"] for m in out["moves"])
    assert out["totals"]["shortage_after"] == out["totals"]["shortage_before"] - out["totals"]["moves"]
    assert abs(sum(m["km"] for m in out["moves"]) - out["totals"]["km"]) < 0.05 * len(out["moves"])


def test_plan_csv_with_a_travel_cap_and_streets_stays_within_them(demo_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    gaps = call(demo_sqlite, load_gaps).community
    streets = sorted(gaps["street_code"].unique())[:3]
    assert main(["--database-url", demo_sqlite, "plan", "--max-km", "2", "--streets", *streets]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "staff_id,staff_code,from,to,km"
    rows = [line.split(",") for line in lines[1:]]
    assert rows
    street_of = dict(zip(gaps["code"], gaps["street_code"], strict=True))
    assert all(street_of[r[2]] in streets and street_of[r[3]] in streets and float(r[4]) <= 2.0 for r in rows)


def test_plan_apply_commits_one_batch_under_the_given_user(demo_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    before = call(demo_sqlite, load_gaps).community["shortage"].sum()
    assert main(["--database-url", demo_sqlite, "plan", "--format", "json", "--apply", "--user", "coordinator",
                 "--reason", "夜间统一调配"]) == 0
    out = json.loads(capsys.readouterr().out)
    with session_scope(demo_sqlite) as s:
        [batch] = s.execute(select(MoveBatch)).scalars().all()
    assert (batch.id, batch.actor, batch.kind, batch.moves) == (out["totals"]["batch_id"], "coordinator", "plan",
                                                                out["totals"]["moves"])
    assert call(demo_sqlite, load_gaps).community["shortage"].sum() == before - out["totals"]["moves"]


def test_plan_refuses_bad_input_with_exit_code_2(demo_sqlite: str, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--database-url", demo_sqlite, "plan", "--max-km", "-1"]) == 2
    assert "--max-km" in capsys.readouterr().err
    assert main(["--database-url", demo_sqlite, "plan", "--apply", "--user", "x"]) == 2
    assert "--reason" in capsys.readouterr().err
