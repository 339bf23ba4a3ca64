"""Grid watch rosters, skills and fatigue limits as norms, on SQLite and PostgreSQL: a grid keeps its own
shifts like a checkpoint, a clash spans checkpoints and grids, a rostered grid is covered in the gaps only
when its shifts are staffed (today and in the day-by-day history alike), a post's skill filters the
call-out and needs a reason to pass over, the refuse policy makes the limits hard, and the limits are a
version of the norms (a setting made before that still holds while the norms do not state it)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.model.actor import Actor
from core.model.errors import InvalidInput, RuleViolation
from core.model.norms import DEFAULT_NORMS
from core.model.roster_rules import FatigueLimits
from core.services import gaps, rosters
from core.services.norms import norms_for_day, save_norms
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.conftest import DEMO_TODAY
from tests.storage.test_front_line import COORD, run
from tests.storage.test_rosters import assign, two_posts_and_people

ADMIN = Actor("admin", "王管理", frozenset({"admin"}))


def a_grid_and_people(url: str) -> tuple[dict, list[int]]:
    """A grid of the first street with an on-duty grid member assigned to it, and four on-duty people of
    that street."""
    post, _, people = two_posts_and_people(url)
    with session_scope(url) as s:
        row = s.execute(select(orm.Grid.id, orm.Grid.code, orm.Grid.community_id).join(
            orm.Staff, orm.Staff.grid_id == orm.Grid.id).join(orm.Community, orm.Community.id == orm.Grid.community_id)
            .join(orm.Street).where(orm.Street.code == post["street"], orm.Staff.on_duty.is_(True),
                                    orm.Staff.kind == "grid_member").order_by(orm.Grid.id).limit(1)).one()
    return {"id": row.id, "code": row.code, "community_id": row.community_id, "street": post["street"],
            "checkpoint": post}, people


def assign_grid(url: str, grid: dict, staff_id: int, shift: str, day: dt.date, **kw):  # type: ignore[no-untyped-def]
    return run(rosters.assign, url, COORD, grid_id=int(grid["id"]), staff_id=int(staff_id), day=day, shift=shift, **kw)


def grid_covered(url: str, grid_id: int) -> tuple[bool, float, float]:
    """The grid's coverage today, the district's grid coverage today and in the history's last day."""
    with unit_of_work(url) as uow:
        res = gaps.load_gaps(uow)
        totals, _ = gaps.gap_history(uow, days=2)
    row = res.grid[res.grid["grid_id"] == grid_id].iloc[0]
    return bool(row["covered"]), float(res.coverage["grid_coverage"]), float(totals.iloc[-1]["grid_coverage"])


def test_a_grid_keeps_a_watch_roster_and_is_covered_only_when_its_shifts_are(demo_db: str) -> None:
    grid, people = a_grid_and_people(demo_db)
    today = DEMO_TODAY
    before = grid_covered(demo_db, grid["id"])
    assert before[0] and before[1] == pytest.approx(before[2])  # a member on duty covers it, as before
    default = run(rosters.pattern_of, demo_db, grid_id=int(grid["id"]))
    with unit_of_work(demo_db) as uow:
        norms = norms_for_day(uow)
    assert default.from_norms and default.kind == "grid"
    assert len(default.slots) == int(norms.grid_shifts_per_day)
    run(rosters.set_pattern, demo_db, COORD, grid_id=int(grid["id"]), preset="2x12", people_per_shift=1,
        reason="网格 24 小时值守")
    empty = grid_covered(demo_db, grid["id"])
    # the grid keeps a roster now: nobody on its shifts, so not covered, though its member is on duty
    assert not empty[0] and empty[1] < before[1] and empty[1] == pytest.approx(empty[2])
    assign_grid(demo_db, grid, people[0], "day", today)
    assert not grid_covered(demo_db, grid["id"])[0]  # the night is still empty
    assign_grid(demo_db, grid, people[1], "night", today)
    full = grid_covered(demo_db, grid["id"])
    assert full[0] and full[1] == pytest.approx(before[1]) and full[1] == pytest.approx(full[2])
    week = run(rosters.week, demo_db, int(grid["id"]), today.isoformat(), 2, kind="grid")
    assert set(week["shift"]) == {"day", "night"}
    with session_scope(demo_db) as s:
        audit = s.execute(select(orm.AuditLog.entity, orm.AuditLog.entity_id).where(
            orm.AuditLog.action == "roster.assign")).all()
    assert {a.entity for a in audit} == {"grid"} and {a.entity_id for a in audit} == {grid["code"]}


def test_a_clash_spans_checkpoints_and_grids_and_one_post_is_named(demo_db: str) -> None:
    grid, people = a_grid_and_people(demo_db)
    day = DEMO_TODAY + dt.timedelta(days=1)
    run(rosters.set_pattern, demo_db, COORD, int(grid["checkpoint"]["id"]), preset="2x12", people_per_shift=2)
    run(rosters.set_pattern, demo_db, COORD, grid_id=int(grid["id"]), preset="3x8", people_per_shift=1)
    assign(demo_db, grid["checkpoint"], people[0], "day", day=day)  # 08:00-20:00 at the checkpoint
    with pytest.raises(RuleViolation) as err:  # 早班 08:00-16:00 in the grid: the same person, overlapping
        assign_grid(demo_db, grid, people[0], "early", day)
    assert err.value.key == "roster.clash"
    with pytest.raises(InvalidInput) as bad:
        run(rosters.assign, demo_db, COORD, checkpoint_id=int(grid["checkpoint"]["id"]), grid_id=int(grid["id"]),
            staff_id=int(people[1]), day=day, shift="day")
    assert bad.value.key == "roster.post_one"
    with pytest.raises(InvalidInput):
        run(rosters.assign, demo_db, COORD, staff_id=int(people[1]), day=day, shift="day")


def test_a_posts_skill_filters_the_call_out_and_needs_a_reason_to_pass_over(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    day = DEMO_TODAY + dt.timedelta(days=1)
    with pytest.raises(InvalidInput) as err:
        run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2, skill="juggling")
    assert err.value.key == "roster.skill_unknown"
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2, skill="medical")
    assert run(rosters.pattern_of, demo_db, int(post["id"])).skill == "medical"
    with session_scope(demo_db) as s:
        nurse, layman = people[0], people[1]
        s.get(orm.Staff, nurse).skills = "driving,medical"
        s.get(orm.Staff, layman).skills = "driving"
    called = run(rosters.call_out, demo_db, int(post["id"]), day, "day", limit=10_000)
    assert int(nurse) in set(called["staff_id"]) and int(layman) not in set(called["staff_id"])
    assert assign(demo_db, post, nurse, "day").warnings == []
    with pytest.raises(RuleViolation) as err:
        assign(demo_db, post, layman, "day")
    assert err.value.key == "roster.limit.skill"
    done = assign(demo_db, post, layman, "day", override_reason="医护人员不足，先由志愿者顶岗")
    assert [p.kind for p in done.warnings] == ["skill"]
    with session_scope(demo_db) as s:
        after = s.scalars(select(orm.AuditLog.after).where(orm.AuditLog.action == "roster.assign")
                          .order_by(orm.AuditLog.id)).all()
    assert after[-1]["limits_crossed"] == ["skill"]


def test_the_limits_are_a_version_of_the_norms_and_the_refuse_policy_makes_them_hard(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    day = DEMO_TODAY + dt.timedelta(days=1)
    with pytest.raises(InvalidInput):  # a new norms version needs its reason
        run(rosters.set_limits, demo_db, ADMIN, FatigueLimits(10.0, 50.0, 7, 10.0), reason=" ")
    with pytest.raises(Exception):  # noqa: B017 - a coordinator may not change the norms
        run(rosters.set_limits, demo_db, COORD, FatigueLimits(10.0, 50.0, 7, 10.0), reason="试图修改")
    vid = run(rosters.set_limits, demo_db, ADMIN, FatigueLimits(10.0, 50.0, 7, 10.0), reason="防止疲劳作战")
    with unit_of_work(demo_db) as uow:
        norms = norms_for_day(uow)
        lim = rosters.limits(uow)
    assert vid and norms.max_hours_per_day == 10.0 and norms.max_hours_per_week == 50.0
    assert (lim.max_hours_day, lim.max_hours_week, lim.max_consecutive_days, lim.min_rest_hours) == (10.0, 50.0, 7, 10.0)
    assert not lim.hard
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    with pytest.raises(RuleViolation) as err:  # a 12 h shift is over 10 h a day: a reason lets it through
        assign(demo_db, post, people[0], "day")
    assert err.value.key == "roster.limit.hours_day"
    with unit_of_work(demo_db) as uow:
        params = {**norms_for_day(uow).to_params(), "fatigue_policy": "refuse"}
    run(save_norms, demo_db, ADMIN, params, DEMO_TODAY, "疲劳上限一律不得突破")
    with unit_of_work(demo_db) as uow:
        assert rosters.limits(uow).hard
    with pytest.raises(RuleViolation) as err:  # now not even with a reason
        assign(demo_db, post, people[0], "day", override_reason="人手不够")
    assert err.value.key == "roster.hard.hours_day"
    called = run(rosters.call_out, demo_db, int(post["id"]), day, "day", limit=10_000)
    assert not called["tired"].any()  # nobody over a hard limit is offered


def test_a_limit_set_before_the_limits_joined_the_norms_still_holds(demo_db: str) -> None:
    old = {k: v for k, v in DEFAULT_NORMS.items() if k not in ("max_hours_per_week", "min_rest_hours")}
    with unit_of_work(demo_db) as uow:
        uow.state.add_norm_version(params=old, valid_from=DEMO_TODAY, author="admin", reason="旧版规范")
        uow.meta.set("roster.limits.max_hours_week", "48")
        uow.meta.set("roster.limits.max_hours_day", "9")  # the norms state this one: theirs holds
    with unit_of_work(demo_db) as uow:
        lim = rosters.limits(uow)
    assert lim.max_hours_week == 48.0 and lim.max_hours_day == float(DEFAULT_NORMS["max_hours_per_day"])
    assert lim.min_rest_hours == float(DEFAULT_NORMS["min_rest_hours"])


def test_a_grid_roster_goes_out_and_comes_back_through_the_command_line(demo_sqlite: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json
    import os
    import subprocess
    import sys

    grid, people = a_grid_and_people(demo_sqlite)
    day = DEMO_TODAY + dt.timedelta(days=1)
    run(rosters.set_pattern, demo_sqlite, COORD, grid_id=int(grid["id"]), preset="2x12", people_per_shift=1)
    assign_grid(demo_sqlite, grid, people[0], "day", day)
    env = dict(os.environ, FANGXIAN_DATABASE_URL=demo_sqlite, FANGXIAN_LANG="zh")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core.cli.main", "roster", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    def count() -> int:
        with session_scope(demo_sqlite) as s:
            return len(s.scalars(select(orm.RosterEntry.id).where(orm.RosterEntry.grid_id == grid["id"])).all())

    out = tmp_path / "grid.json"
    done = cli("export", "--grid", grid["code"], "--from", day.isoformat(), "--days", "2", "--entries", "--format",
               "json", "-o", str(out))
    assert done.returncode == 0, done.stderr
    records = json.loads(out.read_text(encoding="utf-8"))
    assert [r["网格编码"] for r in records] == [grid["code"]] and "卡点编码" not in records[0]
    with session_scope(demo_sqlite) as s:
        second = s.scalar(select(orm.Staff.code).where(orm.Staff.id == people[1]))
        third = s.scalar(select(orm.Staff.code).where(orm.Staff.id == people[2]))
    records.append({**records[0], "班次": "夜班", "人员编号": second})
    out.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    back = cli("import", str(out), "--format", "json", "--user", "coordinator")
    assert back.returncode == 0, back.stderr
    assert "已导入 1 条" in back.stderr and count() == 2
    gaps_csv = cli("gaps", "--hours", "72", "--street", grid["street"], "--format", "json")
    assert gaps_csv.returncode == 0 and "grid" in {r["kind"] for r in json.loads(gaps_csv.stdout)}
    both = tmp_path / "两个岗位.csv"
    both.write_text("卡点编码,网格编码,日期,班次,人员编号\n"
                    f",{grid['code']},{(day + dt.timedelta(days=2)).isoformat()},白班,{third}\n"
                    f"{grid['checkpoint']['code']},{grid['code']},{day.isoformat()},白班,{second}\n", encoding="utf-8")
    refused = cli("import", str(both), "--user", "coordinator")
    assert refused.returncode == 2 and "两个岗位.csv" in refused.stderr and "第 3 行" in refused.stderr
    assert "Traceback" not in refused.stderr and count() == 2  # the good first row was not written either
    junk = tmp_path / "坏.json"
    junk.write_text('{"not": "a list"}', encoding="utf-8")
    bad = cli("import", str(junk), "--user", "coordinator")
    assert bad.returncode == 2 and "坏.json" in bad.stderr and "Traceback" not in bad.stderr
    assert cli("export", "--grid", "NOPE").returncode == 2
