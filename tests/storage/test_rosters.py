"""Duty rosters at checkpoints on SQLite and PostgreSQL: a post's shifts from the norms or its own pattern,
people put on shifts with clashes refused anywhere, fatigue limits refused unless a reason is given (and
audited), a full shift and a person off duty refused, the empty shifts of the next hours, a call-out list
of rested people nearest first, a release, and nothing outside a coordinator's streets."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import func, select

from core.model.actor import Actor
from core.model.errors import InvalidInput, PermissionDenied, RuleViolation
from core.services import desk, gaps, rosters
from core.services.norms import norms_for_day
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.conftest import DEMO_TODAY
from tests.storage.test_front_line import COORD, run
from tests.storage.test_reassign import _scenario, move

DAY = DEMO_TODAY + dt.timedelta(days=1)


def two_posts_and_people(url: str) -> tuple[dict, dict, list[int]]:
    """Two active checkpoints of one street and four on-duty people placed in that street."""
    with session_scope(url) as s:
        street = s.scalar(select(orm.Street.code).order_by(orm.Street.code).limit(1))
        posts = s.execute(select(orm.Checkpoint.id, orm.Checkpoint.code).join(orm.Community)
                          .join(orm.Street).where(orm.Street.code == street, orm.Checkpoint.active.is_(True))
                          .order_by(orm.Checkpoint.code).limit(2)).all()
        people = list(s.scalars(select(orm.Staff.id).join(orm.Community, orm.Community.id == orm.Staff.community_id)
                                .join(orm.Street).where(orm.Street.code == street, orm.Staff.on_duty.is_(True))
                                .order_by(orm.Staff.id).limit(4)))
    return {"id": posts[0].id, "code": posts[0].code, "street": street}, {"id": posts[1].id}, people


def assign(url: str, post: dict, staff_id: int, shift: str, day: dt.date = DAY, **kw):  # type: ignore[no-untyped-def]
    return run(rosters.assign, url, COORD, checkpoint_id=int(post["id"]), staff_id=int(staff_id), day=day, shift=shift,
               **kw)


def test_a_post_without_its_own_pattern_follows_the_norms(demo_db: str) -> None:
    post, _, _ = two_posts_and_people(demo_db)
    pat = run(rosters.pattern_of, demo_db, int(post["id"]))
    with unit_of_work(demo_db) as uow:
        norms = norms_for_day(uow)
    assert pat.from_norms and len(pat.slots) == int(norms.checkpoint_shifts_per_day)
    assert pat.people_per_shift == round(norms.people_per_checkpoint_shift)


def test_shifts_are_assigned_with_clashes_refused_and_limits_needing_a_reason(demo_db: str) -> None:
    post, other, people = two_posts_and_people(demo_db)
    a, b, c, _ = people
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2, reason="两班倒")
    run(rosters.set_pattern, demo_db, COORD, int(other["id"]), preset="3x8", people_per_shift=1)
    night = assign(demo_db, post, a, "night")  # DAY 20:00 - DAY+1 08:00
    assert night.warnings == []
    with pytest.raises(RuleViolation) as err:  # another post, overlapping: 中班 DAY 16:00-24:00
        assign(demo_db, other, a, "middle")
    assert err.value.key == "roster.clash"
    with pytest.raises(RuleViolation) as err:  # straight after the night: no rest
        assign(demo_db, post, a, "day", day=DAY + dt.timedelta(days=1))
    assert err.value.key == "roster.limit.rest"
    tired = assign(demo_db, post, a, "day", day=DAY + dt.timedelta(days=1), override_reason="夜班人员临时顶岗，已报备")
    assert {p.kind for p in tired.warnings} == {"rest", "hours_day"}
    assign(demo_db, post, b, "night")
    with pytest.raises(RuleViolation) as err:
        assign(demo_db, post, c, "night")
    assert err.value.key == "roster.shift_full"
    with pytest.raises(InvalidInput):
        assign(demo_db, post, c, "early")  # no such shift at this post
    with session_scope(demo_db) as s:
        audit = s.execute(select(orm.AuditLog.after, orm.AuditLog.reason).where(orm.AuditLog.action == "roster.assign")
                          .order_by(orm.AuditLog.id)).all()
        assert s.scalar(select(func.count()).select_from(orm.RosterEntry)) == 3
    # 8 h of the night on its second day plus the 12 h day shift: 20 h that day, and no rest between
    assert len(audit) == 3 and set(audit[1].after["limits_crossed"]) == {"rest", "hours_day"} and "顶岗" in audit[1].reason


def test_someone_off_duty_is_neither_rostered_nor_called(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    sick = people[0]
    with session_scope(demo_db) as s:
        version = s.scalar(select(orm.Staff.version).where(orm.Staff.id == sick))
    run(desk.set_duty, demo_db, COORD, int(sick), False, reason="sick", expected_return=DAY + dt.timedelta(days=5),
        expected_version=int(version))
    pat = run(rosters.pattern_of, demo_db, int(post["id"]))
    with pytest.raises(RuleViolation) as err:
        assign(demo_db, post, sick, pat.slots[0].name)
    assert err.value.key == "roster.off_duty"
    called = run(rosters.call_out, demo_db, int(post["id"]), DAY, pat.slots[0].name, limit=10_000)
    assert int(sick) not in set(called["staff_id"])


def test_empty_shifts_and_the_call_out_list(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    now = dt.datetime.combine(DAY, dt.time(6, 0))
    before = run(rosters.empty_shifts, demo_db, 24, (post["street"],), now=now)
    mine = before[before["checkpoint_id"] == int(post["id"])]
    assert list(mine["shift"]) == ["day", "night"] and list(mine["empty"]) == [2, 2]
    assign(demo_db, post, people[0], "night")
    after = run(rosters.empty_shifts, demo_db, 24, (post["street"],), now=now)
    night = after[(after["checkpoint_id"] == int(post["id"])) & (after["shift"] == "night")].iloc[0]
    assert int(night["empty"]) == 1 and int(night["taken"]) == 1
    assert len(after) == len(before)  # the night shift is still short of one
    called = run(rosters.call_out, demo_db, int(post["id"]), DAY, "night", limit=10_000)
    assert int(people[0]) not in set(called["staff_id"])  # already on it: a clash
    assert len(called) > 5
    fresh = called[~called["tired"]]  # rested people first, nearest first
    assert len(fresh) and fresh["km"].dropna().is_monotonic_increasing
    assert list(called["tired"]) == sorted(called["tired"])


def test_a_release_frees_the_shift_and_scope_and_role_are_checked(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    done = assign(demo_db, post, people[0], run(rosters.pattern_of, demo_db, int(post["id"])).slots[0].name)
    outsider = Actor("coord-x", "外街道调度", frozenset({"coordinator"}), streets=frozenset({"999999999"}))
    with pytest.raises(PermissionDenied):
        run(rosters.release, demo_db, outsider, done.entry_id)
    clerk = Actor("clerk", "刘录入", frozenset({"clerk"}))
    with pytest.raises(PermissionDenied):
        run(rosters.assign, demo_db, clerk, checkpoint_id=int(post["id"]), staff_id=int(people[1]), day=DAY,
            shift="early")
    run(rosters.release, demo_db, COORD, done.entry_id, reason="人员调整")
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.RosterEntry)) == 0
        gone = s.scalar(select(orm.AuditLog.before).where(orm.AuditLog.action == "roster.release"))
    assert gone["shift"] == run(rosters.pattern_of, demo_db, int(post["id"])).slots[0].name


def _community_row(url: str, post: dict) -> dict:
    with session_scope(url) as s:
        cid = s.scalar(select(orm.Checkpoint.community_id).where(orm.Checkpoint.id == int(post["id"])))
    with unit_of_work(url) as uow:
        res = gaps.load_gaps(uow)
        totals, _ = gaps.gap_history(uow, days=2)
    row = res.community[res.community["community_id"] == cid].iloc[0].to_dict()
    row["history_staffed"] = int(totals.iloc[-1]["checkpoint_shifts_staffed"])
    row["district_staffed"] = int(res.district["checkpoint_shifts_staffed"])
    row["district_available"] = int(res.district["available"])
    return row


def test_a_rostered_post_counts_its_shifts_from_the_roster_and_an_absence_empties_them(demo_db: str) -> None:
    post, _, _ = two_posts_and_people(demo_db)
    today = DEMO_TODAY
    with session_scope(demo_db) as s:
        cid = s.scalar(select(orm.Checkpoint.community_id).where(orm.Checkpoint.id == int(post["id"])))
        two = list(s.scalars(select(orm.Staff.id).where(orm.Staff.community_id == cid, orm.Staff.on_duty.is_(True),
                                                        orm.Staff.kind == "community_worker")
                             .order_by(orm.Staff.id).limit(2)))
    with unit_of_work(demo_db) as uow:
        norms = norms_for_day(uow)
    before = _community_row(demo_db, post)
    assert before["checkpoint_shifts"] == before["checkpoints"] * int(norms.checkpoint_shifts_per_day)
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    empty = _community_row(demo_db, post)
    head = (before["checkpoints"] - 1) * int(norms.checkpoint_shifts_per_day)
    # the post's two shifts of today come from its roster (nobody on them yet); the others from headcount
    assert empty["checkpoint_shifts"] == head + 2
    assert empty["checkpoint_shifts_staffed"] <= head
    for sid in two:
        assign(demo_db, post, sid, "day", day=today)
    filled = _community_row(demo_db, post)
    assert filled["checkpoint_shifts_staffed"] == empty["checkpoint_shifts_staffed"] + 1
    assert filled["history_staffed"] == filled["district_staffed"]  # the day-by-day history agrees with today
    with session_scope(demo_db) as s:
        version = s.scalar(select(orm.Staff.version).where(orm.Staff.id == two[0]))
    run(desk.set_duty, demo_db, COORD, int(two[0]), False, reason="sick", expected_return=today + dt.timedelta(days=3),
        expected_version=int(version))
    sick = _community_row(demo_db, post)
    # off sick: one fewer on duty in the gaps that day, and their shift is short of one again
    assert sick["district_available"] == filled["district_available"] - 1
    assert sick["checkpoint_shifts_staffed"] == empty["checkpoint_shifts_staffed"]
    assert sick["history_staffed"] == sick["district_staffed"]
    with unit_of_work(demo_db) as uow:
        week = rosters.shifts_of(uow, uow.duty.checkpoints(ids=[int(post["id"])]), dt.datetime.combine(today, dt.time()),
                                 dt.datetime.combine(today + dt.timedelta(days=4), dt.time()))
    days = week[week["shift"] == "day"].set_index(week[week["shift"] == "day"]["starts_at"].dt.date)
    assert int(days.loc[today, "absent"]) == 1 and int(days.loc[today, "empty"]) == 1
    # their entries after the return date count again (none were made: only today's is theirs)
    assert int(days.loc[today + dt.timedelta(days=3), "absent"]) == 0
    # the freed place can be given to someone else
    called = run(rosters.call_out, demo_db, int(post["id"]), today, "day", limit=10_000)
    assert int(two[0]) not in set(called["staff_id"])
    assign(demo_db, post, int(called.iloc[0]["staff_id"]), "day", day=today)
    assert _community_row(demo_db, post)["checkpoint_shifts_staffed"] == filled["checkpoint_shifts_staffed"]


def test_a_move_keeps_or_releases_the_movers_shifts_as_asked(demo_db: str) -> None:
    sc = _scenario(demo_db)
    a, b = (int(x) for x in sc["people"]["staff_id"].iloc[:2])
    with session_scope(demo_db) as s:
        donor_post = s.execute(select(orm.Checkpoint.id, orm.Checkpoint.code).where(
            orm.Checkpoint.community_id == sc["donor"], orm.Checkpoint.active.is_(True))).first()
        if donor_post is None:  # the donor has no post of its own: any post outside the target
            donor_post = s.execute(select(orm.Checkpoint.id, orm.Checkpoint.code).where(
                orm.Checkpoint.community_id != sc["worst"], orm.Checkpoint.active.is_(True))
                .order_by(orm.Checkpoint.id)).first()
    post = {"id": donor_post.id}
    slot = run(rosters.pattern_of, demo_db, int(post["id"])).slots[0].name
    for sid in (a, b):
        assign(demo_db, post, sid, slot, day=DAY)
        assign(demo_db, post, sid, slot, day=DAY + dt.timedelta(days=2))
    with unit_of_work(demo_db) as uow:
        assert len(rosters.held_shifts(uow, [a, b])) == 4
    kept = move(demo_db, COORD, [a], sc["worst"], "支援", override_shortage_reason="测试")
    assert kept.released_shifts == 0
    with unit_of_work(demo_db) as uow:
        assert len(rosters.held_shifts(uow, [a])) == 2  # carried: the shifts stay theirs
    gone = move(demo_db, COORD, [b], sc["worst"], "支援", override_shortage_reason="测试", shifts="release")
    assert gone.released_shifts == 2
    with unit_of_work(demo_db) as uow:
        assert len(rosters.held_shifts(uow, [b])) == 0 and len(rosters.held_shifts(uow, [a])) == 2
    with session_scope(demo_db) as s:
        audit = s.scalars(select(orm.AuditLog.batch_id).where(orm.AuditLog.action == "roster.release")).all()
    assert audit == [gone.batch_id] * 2  # released in the move's own batch
    with pytest.raises(InvalidInput):
        move(demo_db, COORD, [a], sc["donor"], "回原社区", override_shortage_reason="测试", shifts="drop")
    with unit_of_work(demo_db) as uow:
        assert len(rosters.held_shifts(uow, [a])) == 2  # a refused move changed nothing


def test_the_wall_shows_who_is_on_now_and_next_as_counts_and_the_empty_shifts_ahead(demo_db: str) -> None:
    from core.services.read_models import wall

    post, _, people = two_posts_and_people(demo_db)
    now = dt.datetime.combine(DEMO_TODAY, dt.time(15, 0))
    assert run(rosters.duty_board, demo_db, now) is None  # nobody keeps a roster: nothing to say yet
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    first = run(rosters.duty_board, demo_db, now)
    row = first.posts.iloc[0]
    assert (row["now_shift"], int(row["now_taken"]), int(row["now_needed"])) == ("day", 0, 2)
    assert (row["next_shift"], pd.Timestamp(row["next_at"]).hour, int(row["next_taken"])) == ("night", 20, 0)
    assert first.empty_soon == 1  # tonight's night shift starts within 12 h; the next day shift does not
    for sid in people[:2]:
        assign(demo_db, post, sid, "night", day=DEMO_TODAY)
    filled = run(rosters.duty_board, demo_db, now)
    assert filled.empty_soon == 0 and int(filled.posts.iloc[0]["next_taken"]) == 2
    names = set(run(lambda uow: uow.rosters.entries(since=now, until=now + dt.timedelta(days=1)), demo_db)["name"])
    shown = filled.posts.astype(str).to_numpy().ravel().tolist()
    assert names and not names & set(shown)  # counts only: nobody's name reaches the wall
    with unit_of_work(demo_db) as uow:
        data = wall.load_wall(uow, now=now)
    assert data.duty is not None and data.duty.empty_soon == 0


def test_long_haul_lists_people_over_the_limits_from_rosters_and_phone_sign_ins(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    a, b, c = people[:3]
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    for k in range(5, -1, -1):  # six 12 h day shifts ending today: 72 h in 7 days
        assign(demo_db, post, a, "day", day=DEMO_TODAY - dt.timedelta(days=k), override_reason="连续值守")
    assign(demo_db, post, c, "day", day=DEMO_TODAY)  # 12 h today: at the limit, not over it
    now = dt.datetime.combine(DEMO_TODAY, dt.time(23, 0))
    with session_scope(demo_db) as s:  # b signed in on the phone at 07:00 and is still on at 23:00: 16 h
        s.add(orm.DutyShift(checkpoint_id=int(post["id"]), username="gm-b", staff_id=int(b),
                            started_at=dt.datetime.combine(DEMO_TODAY, dt.time(7, 0))))
    tired = run(rosters.long_haul, demo_db, None, now).set_index("staff_id")
    assert set(tired.index) == {int(a), int(b)}
    assert tired.loc[int(a), "hours_7d"] == 72.0 and tired.loc[int(a), "days_in_row"] == 6
    assert "hours_week" in tired.loc[int(a), "limits"]
    assert tired.loc[int(b), "hours_today"] == 16.0 and tired.loc[int(b), "limits"] == ["hours_day"]
    assert list(tired.index)[0] == int(a)  # most days in a row first
    # the phone's hours count in the rules too: d signed out at 14:00, so tonight's 20:00 shift leaves 6 h of rest
    d = people[3]
    with session_scope(demo_db) as s:
        s.add(orm.DutyShift(checkpoint_id=int(post["id"]), username="gm-d", staff_id=int(d),
                            started_at=dt.datetime.combine(DEMO_TODAY, dt.time(6, 0)),
                            ended_at=dt.datetime.combine(DEMO_TODAY, dt.time(14, 0))))
    with pytest.raises(RuleViolation) as err:
        assign(demo_db, post, d, "night", day=DEMO_TODAY)
    assert err.value.key == "roster.limit.rest"
    assert run(rosters.long_haul, demo_db, ("no-such-street",), now).empty


def test_the_candidates_and_the_plan_leave_out_people_over_a_fatigue_limit(demo_db: str) -> None:
    from core.services import reassign

    post, _, _ = two_posts_and_people(demo_db)
    before = run(reassign.suggest_plan, demo_db)
    first = before.moves.iloc[0]
    tired, target = int(first["staff_id"]), int(first["to_community_id"])
    assert tired in set(run(reassign.candidates, demo_db, target, limit=10_000)["staff_id"])
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    for k in range(5, -1, -1):  # 72 h in the 7 days ending today
        assign(demo_db, post, tired, "day", day=DEMO_TODAY - dt.timedelta(days=k), override_reason="连续值守")
    assert tired in run(rosters.over_limit_ids, demo_db)
    assert tired not in set(run(reassign.candidates, demo_db, target, limit=10_000)["staff_id"])
    after = run(reassign.suggest_plan, demo_db)
    assert tired not in set(after.moves["staff_id"]) and len(after.moves)


def test_a_b_teams_are_rostered_over_days_all_or_nothing(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    a, b = [people[0], people[1]], [people[2], people[3]]
    run(rosters.set_pattern, demo_db, COORD, int(post["id"]), preset="2x12", people_per_shift=2)

    def count() -> int:
        with session_scope(demo_db) as s:
            return int(s.scalar(select(func.count()).select_from(orm.RosterEntry)))

    kw = {"checkpoint_id": int(post["id"]), "teams": [a, b], "first": DAY, "last": DAY + dt.timedelta(days=3),
          "rotate_days": 2}
    with pytest.raises(RuleViolation) as err:  # B's night ends at 08:00 when its day shift starts: no rest
        run(rosters.assign_range, demo_db, COORD, **kw)
    assert err.value.key == "roster.limit.rest" and count() == 0  # nothing of the range was written
    done = run(rosters.assign_range, demo_db, COORD, **kw, override_reason="两班倒轮换，已报备")
    assert (done.added, done.unchanged) == (16, 0) and done.over_limits >= 2 and count() == 16
    with unit_of_work(demo_db) as uow:
        got = uow.rosters.entries(since=dt.datetime.combine(DAY, dt.time()),
                                  until=dt.datetime.combine(DAY + dt.timedelta(days=4), dt.time()))
    got["day"] = pd.to_datetime(got["starts_at"]).dt.date
    a_shifts = got[got["staff_id"] == a[0]].set_index("day")["shift"].to_dict()
    assert [a_shifts[DAY + dt.timedelta(days=k)] for k in range(4)] == ["day", "day", "night", "night"]
    again = run(rosters.assign_range, demo_db, COORD, **kw, override_reason="重复提交")
    assert (again.added, again.unchanged) == (0, 16)
    with pytest.raises(InvalidInput):
        run(rosters.assign_range, demo_db, COORD, **{**kw, "teams": [a, b, [people[0]]]})


def test_a_date_unlike_the_pattern_needs_other_headcounts_or_closes_the_post(demo_db: str) -> None:
    post, _, people = two_posts_and_people(demo_db)
    cid = int(post["id"])
    run(rosters.set_pattern, demo_db, COORD, cid, preset="2x12", people_per_shift=2)

    def needed(day: dt.date) -> list[int]:
        with unit_of_work(demo_db) as uow:
            week = rosters.shifts_of(uow, uow.duty.checkpoints(ids=[cid]), dt.datetime.combine(day, dt.time()),
                                     dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        return list(week["needed"])

    with pytest.raises(InvalidInput):
        run(rosters.set_exception, demo_db, COORD, cid, DAY, 3, "")  # a reason is required
    run(rosters.set_exception, demo_db, COORD, cid, DAY, 3, "周末返城高峰")
    assert needed(DAY) == [3, 3] and needed(DAY + dt.timedelta(days=1)) == [2, 2]
    for sid in people[:3]:
        assign(demo_db, post, sid, "day")  # three fit on the day now
    run(rosters.set_exception, demo_db, COORD, cid, DAY + dt.timedelta(days=1), 0, "道路封闭，卡点撤并")
    assert needed(DAY + dt.timedelta(days=1)) == []
    with pytest.raises(RuleViolation) as err:
        assign(demo_db, post, people[3], "day", day=DAY + dt.timedelta(days=1))
    assert err.value.key == "roster.closed_day"
    run(rosters.set_exception, demo_db, COORD, cid, DAY + dt.timedelta(days=1), None, "恢复")
    assert needed(DAY + dt.timedelta(days=1)) == [2, 2]
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.AuditLog).where(orm.AuditLog.action == "roster.exception")) == 3


def test_the_command_line_lists_empty_shifts_and_exports_a_week(demo_sqlite: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys

    from openpyxl import load_workbook

    post, _, people = two_posts_and_people(demo_sqlite)
    run(rosters.set_pattern, demo_sqlite, COORD, int(post["id"]), preset="2x12", people_per_shift=2)
    assign(demo_sqlite, post, people[0], "day")
    env = dict(os.environ, FANGXIAN_DATABASE_URL=demo_sqlite, FANGXIAN_LANG="zh")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "core.cli.main", "roster", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    out = tmp_path / "roster.xlsx"
    done = cli("export", "--checkpoint", post["code"], "--from", DAY.isoformat(), "--days", "3", "--format", "xlsx",
               "-o", str(out))
    assert done.returncode == 0, done.stderr
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "班次" and [r[0] for r in rows[1:]] == ["白班", "夜班"]
    with session_scope(demo_sqlite) as s:
        code = s.scalar(select(orm.Staff.code).where(orm.Staff.id == people[0]))
    assert rows[1][1].startswith("1 / 2") and code in rows[1][1] and rows[2][1].startswith("0 / 2")
    gaps = cli("gaps", "--hours", "48", "--street", post["street"], "--format", "json")
    assert gaps.returncode == 0 and "未排满" in gaps.stderr
    bad = cli("export", "--checkpoint", "NOPE")
    assert bad.returncode == 2 and "NOPE" in bad.stderr and "Traceback" not in bad.stderr
    # the XLSX's second sheet holds the entries: edited and imported back, all or nothing
    entries = load_workbook(out)["明细"]
    head = [c.value for c in entries[1]]
    assert head[:4] == ["卡点编码", "日期", "班次", "人员编号"] and entries.max_row == 2
    with session_scope(demo_sqlite) as s:
        second = s.scalar(select(orm.Staff.code).where(orm.Staff.id == people[1]))
    book = load_workbook(out)
    book["明细"].append([post["code"], DAY.isoformat(), "夜班", second, ""])
    book.save(out)
    first = cli("import", str(out), "--user", "coordinator")
    assert first.returncode == 0, first.stderr
    assert "1 条" in first.stderr and "已在排班中" in first.stderr
    again = cli("import", str(out), "--user", "coordinator")
    assert again.returncode == 0 and "已导入 0 条" in again.stderr

    def count() -> int:
        with session_scope(demo_sqlite) as s:
            return int(s.scalar(select(func.count()).select_from(orm.RosterEntry)))

    assert count() == 2
    wrong = tmp_path / "排班.csv"
    wrong.write_text("卡点编码,日期,班次,人员编号\n"
                     f"{post['code']},{(DAY + dt.timedelta(days=2)).isoformat()},白班,{second}\n"
                     f"{post['code']},12月3日,白班,{second}\n"
                     f"{post['code']},{DAY.isoformat()},白班,NOBODY\n", encoding="utf-8")
    refused = cli("import", str(wrong), "--user", "coordinator")
    assert refused.returncode == 2, refused.stderr
    line = refused.stderr.strip().splitlines()[-1]
    assert "排班.csv" in line and "第 3 行" in line and "日期" in line and "Traceback" not in refused.stderr
    assert count() == 2  # the good first row was not written either
    broken = tmp_path / "坏表.xlsx"
    broken.write_bytes(b"not a workbook")
    damaged = cli("import", str(broken), "--user", "coordinator")
    assert damaged.returncode == 2 and "坏表.xlsx" in damaged.stderr and "Traceback" not in damaged.stderr
    nobody = cli("import", str(wrong))  # who imports must be said
    assert nobody.returncode == 2 and count() == 2
