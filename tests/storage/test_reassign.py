"""Reassignment services on the demo database (SQLite and PostgreSQL): moves, every rule's refusal,
undo, plans, and two coordinators acting at the same moment (real threads)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.i18n import error_text
from core.model.actor import Actor
from core.model.errors import ConcurrentChange, InvalidInput, PermissionDenied, RuleViolation
from core.model.optimizer.network import PlanOptions
from core.services import reassign as reassign_service
from core.services.gaps import load_gaps
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.rows.reassign import MoveBatch
from tests.db import call

COORD = Actor("coord", "调度员甲", frozenset({"coordinator"}))
COORD2 = Actor("coord2", "调度员乙", frozenset({"coordinator"}))


def move(url: str, actor: Actor, *args: Any, **kwargs: Any) -> reassign_service.MoveResult:
    """One user action: ``move_staff`` in a unit of work of its own; without ``expected_versions`` the
    versions the caller "saw" are read just before (as the page does when it shows the candidates)."""
    if "expected_versions" not in kwargs:
        ids = [int(i) for i in args[0]]
        with unit_of_work(url) as uow:
            people = uow.reassign.people(ids)
        kwargs["expected_versions"] = dict(zip(people["id"].astype(int), people["version"].astype(int), strict=True))
    with unit_of_work(url) as uow:
        return reassign_service.move_staff(uow, actor, *args, **kwargs)


def undo(url: str, actor: Actor, batch_id: str, reason: str) -> str:
    with unit_of_work(url) as uow:
        return reassign_service.undo_batch(uow, actor, batch_id, reason)


def _scenario(url: str) -> dict[str, Any]:
    """The worst community, a donor with movable surplus >= 2 and its movable cadres."""
    g = call(url, load_gaps).community
    worst = g.sort_values(["shortage", "community_id"], ascending=[False, True]).iloc[0]
    with unit_of_work(url) as uow:
        cand = reassign_service.candidates(uow, int(worst["community_id"]))
    donors = g.set_index("community_id")
    counts = cand.groupby("from_community_id").size()
    ok = [d for d in counts.index if donors.loc[d, "movable_surplus"] >= 2 and counts[d] >= donors.loc[d, "movable_surplus"] + 1]
    donor = int(sorted(ok, key=lambda d: (-counts[d], d))[0])
    people = cand[cand["from_community_id"] == donor]
    return {"worst": int(worst["community_id"]), "donor": donor, "surplus": int(donors.loc[donor, "movable_surplus"]),
            "people": people, "gaps": g}


def _staff(url: str, ids: list[int]) -> dict[int, orm.Staff]:
    with session_scope(url) as s:
        return {st.id: st for st in s.execute(select(orm.Staff).where(orm.Staff.id.in_(ids))).scalars()}


def _open_assignments(url: str, sid: int) -> list[orm.Assignment]:
    with session_scope(url) as s:
        return list(s.execute(select(orm.Assignment).where(orm.Assignment.staff_id == sid,
                                                         orm.Assignment.valid_to.is_(None))).scalars())


def _staff_where(url: str, kind: str, **extra: Any) -> orm.Staff:
    with session_scope(url) as s:
        stmt = select(orm.Staff).where(orm.Staff.kind == kind, orm.Staff.on_duty.is_(True))
        for k, v in extra.items():
            stmt = stmt.where(getattr(orm.Staff, k) == v)
        return s.execute(stmt.order_by(orm.Staff.id).limit(1)).scalar_one()


def test_moving_two_cadres_closes_the_gap_by_two_in_one_audited_batch(demo_db: str) -> None:
    sc = _scenario(demo_db)
    ids = sc["people"]["staff_id"].head(2).tolist()
    before = sc["gaps"].set_index("community_id").loc[sc["worst"], "available"]
    res = move(demo_db, COORD, ids, sc["worst"], "补充车站街道缺口",
                        expected_versions=dict(zip(sc["people"]["staff_id"], sc["people"]["version"], strict=False)))
    after = call(demo_db, load_gaps).community.set_index("community_id").loc[sc["worst"], "available"]
    assert after == before + 2
    assert res.moved == 2
    to_row = res.preview[res.preview["role"] == "to"].iloc[0]
    assert to_row["available_after"] - to_row["available_before"] == 2
    for sid, st in _staff(demo_db, ids).items():
        assert st.community_id == sc["worst"] and st.grid_id is None and st.version == 2
        [a] = _open_assignments(demo_db, sid)
        assert a.community_id == sc["worst"] and a.batch_id == res.batch_id
    with session_scope(demo_db) as s:
        batch = s.get(MoveBatch, res.batch_id)
        assert (batch.actor, batch.kind, batch.moves, batch.reason) == ("coord", "manual", 2, "补充车站街道缺口")
        actions = s.execute(select(orm.AuditLog.action).where(orm.AuditLog.batch_id == res.batch_id)).scalars().all()
    assert sorted(actions) == ["move.manual", "staff.move", "staff.move"]


@pytest.mark.parametrize("kind", ["community_worker", "grid_member"])
def test_community_workers_and_grid_members_are_refused(demo_db: str, kind: str) -> None:
    sc = _scenario(demo_db)
    st = _staff_where(demo_db, kind)
    with pytest.raises(RuleViolation, match="reassign.pinned"):
        move(demo_db, COORD, [st.id], sc["worst"], "试调")
    assert _staff(demo_db, [st.id])[st.id].community_id == st.community_id


def test_people_not_marked_movable_or_off_duty_are_refused(demo_db: str) -> None:
    sc = _scenario(demo_db)
    fixed = _staff_where(demo_db, "cadre", movable=False)
    with pytest.raises(RuleViolation, match="reassign.not_movable"):
        move(demo_db, COORD, [fixed.id], sc["worst"], "试调")
    with session_scope(demo_db) as s:
        off = s.execute(select(orm.Staff).where(orm.Staff.kind == "cadre", orm.Staff.movable.is_(True),
                                              orm.Staff.on_duty.is_(False)).limit(1)).scalar_one()
    with pytest.raises(RuleViolation, match="reassign.off_duty"):
        move(demo_db, COORD, [off.id], sc["worst"], "试调")


def test_a_move_that_leaves_the_origin_short_needs_an_override_reason(demo_db: str) -> None:
    sc = _scenario(demo_db)
    ids = sc["people"]["staff_id"].head(sc["surplus"] + 1).tolist()
    with pytest.raises(RuleViolation, match="reassign.origin_short"):
        move(demo_db, COORD, ids, sc["worst"], "全部调走")
    assert all(st.community_id == sc["donor"] for st in _staff(demo_db, ids).values())
    res = move(demo_db, COORD, ids, sc["worst"], "全部调走", override_shortage_reason="书记同意临时抽调")
    with session_scope(demo_db) as s:
        after = s.execute(select(orm.AuditLog.after).where(orm.AuditLog.batch_id == res.batch_id,
                                                         orm.AuditLog.action == "move.manual")).scalar_one()
    assert after["override_shortage_reason"] == "书记同意临时抽调"


def test_a_party_member_moved_away_from_home_needs_a_reason(demo_db: str) -> None:
    sc = _scenario(demo_db)
    with session_scope(demo_db) as s:
        pm = s.execute(select(orm.Staff).where(orm.Staff.kind == "party_member", orm.Staff.movable.is_(True),
                                             orm.Staff.on_duty.is_(True), orm.Staff.community_id == orm.Staff.home_community_id,
                                             orm.Staff.community_id != sc["worst"]).order_by(orm.Staff.id).limit(1)).scalar_one()
    with pytest.raises(RuleViolation, match="reassign.party_home_reason"):
        move(demo_db, COORD, [pm.id], sc["worst"], "支援", override_shortage_reason="临时")
    move(demo_db, COORD, [pm.id], sc["worst"], "支援", override_shortage_reason="临时",
                  party_home_reason="本人同意到邻近社区支援")
    assert _staff(demo_db, [pm.id])[pm.id].community_id == sc["worst"]


def test_a_coordinator_moves_only_within_their_streets(demo_db: str) -> None:
    sc = _scenario(demo_db)
    g = sc["gaps"].set_index("community_id")
    to_street, from_street = g.loc[sc["worst"], "street_code"], g.loc[sc["donor"], "street_code"]
    sid = int(sc["people"]["staff_id"].iat[0])
    only_dest = Actor("c3", "调度员丙", frozenset({"coordinator"}), streets=frozenset({to_street}))
    only_origin = Actor("c4", "调度员丁", frozenset({"coordinator"}), streets=frozenset({from_street}))
    if to_street != from_street:
        with pytest.raises(PermissionDenied, match="auth.denied.streets"):
            move(demo_db, only_dest, [sid], sc["worst"], "跨街道")
        with pytest.raises(PermissionDenied, match="auth.denied.streets"):
            move(demo_db, only_origin, [sid], sc["worst"], "跨街道")
    elsewhere = Actor("c5", "调度员戊", frozenset({"coordinator"}), streets=frozenset({"999"}))
    with pytest.raises(PermissionDenied):
        move(demo_db, elsewhere, [sid], sc["worst"], "跨街道")
    leader = Actor("boss", "指挥长", frozenset({"leader"}))
    with pytest.raises(PermissionDenied):
        move(demo_db, leader, [sid], sc["worst"], "越权")
    assert _staff(demo_db, [sid])[sid].community_id == sc["donor"]


def test_a_move_without_a_reason_or_to_the_same_community_is_refused(demo_db: str) -> None:
    sc = _scenario(demo_db)
    sid = int(sc["people"]["staff_id"].iat[0])
    with pytest.raises(InvalidInput, match="reassign.reason_missing"):
        move(demo_db, COORD, [sid], sc["worst"], "  ")
    with pytest.raises(RuleViolation, match="reassign.already_there"):
        move(demo_db, COORD, [sid], sc["donor"], "原地")


def test_a_stale_view_of_a_person_is_refused_as_a_concurrent_change(demo_db: str) -> None:
    sc = _scenario(demo_db)
    sid = int(sc["people"]["staff_id"].iat[0])
    with pytest.raises(ConcurrentChange, match="reassign.changed_by_other"):
        move(demo_db, COORD, [sid], sc["worst"], "补缺", expected_versions={sid: 0})


def test_the_database_refuses_a_second_open_assignment_for_one_person(demo_db: str) -> None:
    sc = _scenario(demo_db)
    sid = int(sc["people"]["staff_id"].iat[0])
    with pytest.raises(IntegrityError):
        with session_scope(demo_db) as s:
            s.add(orm.Assignment(staff_id=sid, community_id=sc["worst"], valid_from=orm.now()))


def test_undo_puts_everyone_back_and_audits_the_undo(demo_db: str) -> None:
    sc = _scenario(demo_db)
    ids = sc["people"]["staff_id"].head(2).tolist()
    before = _staff(demo_db, ids)
    res = move(demo_db, COORD, ids, sc["worst"], "补缺")
    undo_id = undo(demo_db, COORD2, res.batch_id, "选错了人")
    for sid, st in _staff(demo_db, ids).items():
        assert (st.community_id, st.grid_id) == (before[sid].community_id, before[sid].grid_id)
        [a] = _open_assignments(demo_db, sid)
        assert a.community_id == before[sid].community_id and a.batch_id == undo_id
    with session_scope(demo_db) as s:
        batch = s.get(MoveBatch, res.batch_id)
        assert batch.undone_by == "coord2" and batch.undone_at is not None and batch.undo_batch_id == undo_id
        acts = s.execute(select(orm.AuditLog.action, orm.AuditLog.actor, orm.AuditLog.reason)
                         .where(orm.AuditLog.batch_id == undo_id)).all()
        history = s.scalar(select(func.count()).select_from(orm.Assignment).where(
            orm.Assignment.staff_id == ids[0], orm.Assignment.batch_id == res.batch_id))
    assert sorted(a[0] for a in acts) == ["move.undo", "staff.move_undo", "staff.move_undo"]
    assert {a[1] for a in acts} == {"coord2"} and {a[2] for a in acts} == {"选错了人"}
    assert history == 1  # the undone move stays in the history, closed
    assert call(demo_db, load_gaps).community.set_index("community_id").loc[sc["worst"], "available"] == \
        sc["gaps"].set_index("community_id").loc[sc["worst"], "available"]
    with pytest.raises(RuleViolation, match="reassign.batch_undone"):
        undo(demo_db, COORD, res.batch_id, "再撤一次")


def test_an_older_batch_cannot_be_undone_once_its_people_moved_again_but_an_unrelated_one_can(demo_db: str) -> None:
    sc = _scenario(demo_db)
    a, b = (int(x) for x in sc["people"]["staff_id"].head(2))
    first = move(demo_db, COORD, [a], sc["worst"], "第一批")
    other = move(demo_db, COORD, [b], sc["worst"], "第二批")
    g = sc["gaps"].sort_values("shortage", ascending=False)
    elsewhere = int(g[g["community_id"] != sc["worst"]]["community_id"].iat[0])
    move(demo_db, COORD, [a], elsewhere, "第三批", override_shortage_reason="演练")
    with pytest.raises(RuleViolation, match="reassign.moved_since"):
        undo(demo_db, COORD, first.batch_id, "撤销")
    undo(demo_db, COORD, other.batch_id, "撤销第二批")
    assert _staff(demo_db, [b])[b].community_id == sc["donor"]


def test_accepting_part_of_a_plan_commits_those_rows_as_one_batch(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        p = reassign_service.suggest_plan(uow, PlanOptions())
    assert p.totals.moves > 3 and p.totals.shortage_after < p.totals.shortage_before
    with unit_of_work(demo_db) as uow:
        res = reassign_service.apply_plan(uow, COORD, p, [0, 1, 2], "采纳建议方案前三条")
    rows = p.moves.iloc[[0, 1, 2]]
    placed = _staff(demo_db, rows["staff_id"].astype(int).tolist())
    assert all(placed[int(r.staff_id)].community_id == int(r.to_community_id) for r in rows.itertuples())
    with session_scope(demo_db) as s:
        batch = s.get(MoveBatch, res.batch_id)
    assert (batch.kind, batch.moves) == ("plan", 3)


@pytest.fixture
def slow_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each transaction for a moment between reading the headcounts and writing, so that two
    coordinators overlap for sure (without the locks both would read the same, stale counts)."""
    import time

    from core.storage.repositories import reassign_repo
    from core.storage.repositories.base import bound

    original = reassign_repo.counted_on_duty

    def slow(*args: Any, **kwargs: Any) -> dict[int, int]:
        out = original(*args, **kwargs)
        time.sleep(0.6)
        return out

    monkeypatch.setattr(reassign_repo.ReassignRepository, "counted_on_duty", bound(slow))


def _race(fns: list[Any]) -> list[Any]:
    """Run the callables at the same moment in real threads; each result is a value or the exception."""
    barrier = threading.Barrier(len(fns))
    out: list[Any] = [None] * len(fns)

    def run(i: int) -> None:
        barrier.wait()
        try:
            out[i] = fns[i]()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            out[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(fns))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return out


def test_two_coordinators_moving_the_same_cadre_at_once_exactly_one_succeeds(demo_db: str, slow_checks: None) -> None:
    sc = _scenario(demo_db)
    g = sc["gaps"].sort_values("shortage", ascending=False)
    second = int(g[g["community_id"] != sc["worst"]]["community_id"].iat[0])
    row = sc["people"].iloc[0]
    sid, ver = int(row["staff_id"]), {int(row["staff_id"]): int(row["version"])}
    out = _race([lambda: move(demo_db, COORD, [sid], sc["worst"], "甲调", expected_versions=ver),
                 lambda: move(demo_db, COORD2, [sid], second, "乙调", expected_versions=ver)])
    ok = [r for r in out if isinstance(r, reassign_service.MoveResult)]
    lost = [r for r in out if isinstance(r, ConcurrentChange)]
    assert len(ok) == 1 and len(lost) == 1, out
    assert lost[0].key in {"reassign.moved_by_other", "reassign.changed_by_other"}
    assert lost[0].params["staff"] == str(row["staff_code"])  # named by code only
    [a] = _open_assignments(demo_db, sid)
    assert _staff(demo_db, [sid])[sid].community_id == a.community_id in (sc["worst"], second)
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(MoveBatch)) == 1


def test_two_coordinators_draining_the_same_surplus_at_once_exactly_one_succeeds(demo_db: str, slow_checks: None) -> None:
    sc = _scenario(demo_db)
    g = sc["gaps"].sort_values("shortage", ascending=False)
    second = int(g[g["community_id"] != sc["worst"]]["community_id"].iat[0])
    people = sc["people"]
    first_ids = people["staff_id"].head(sc["surplus"]).astype(int).tolist()
    other_id = int(people["staff_id"].iat[sc["surplus"]])
    versions = dict(zip(people["staff_id"].astype(int), people["version"].astype(int), strict=False))
    with unit_of_work(demo_db) as uow:
        view = reassign_service.preview_moves(uow, first_ids, sc["worst"])
    cver = dict(zip(view["community_id"].astype(int), view["version"].astype(int), strict=False))
    headcount = len(sum(_staff_count(demo_db, sc["donor"]), []))
    out = _race([
        lambda: move(demo_db, COORD, first_ids, sc["worst"], "甲调", expected_versions=versions,
                              expected_community_versions=cver),
        lambda: move(demo_db, COORD2, [other_id], second, "乙调", expected_versions=versions,
                              expected_community_versions=cver),
    ])
    ok = [r for r in out if isinstance(r, reassign_service.MoveResult)]
    lost = [r for r in out if isinstance(r, ConcurrentChange)]
    assert len(ok) == 1 and len(lost) == 1, out
    assert lost[0].key == "reassign.origin_drained"
    assert "刚被他人调走" in error_text(lost[0])
    donor = call(demo_db, load_gaps).community.set_index("community_id").loc[sc["donor"]]
    assert donor["available"] >= donor["required"]  # the origin never went short
    moved = ok[0].moved
    assert len(sum(_staff_count(demo_db, sc["donor"]), [])) == headcount - moved  # nothing lost or double-counted


def _staff_count(url: str, community_id: int) -> list[list[int]]:
    with session_scope(url) as s:
        return [list(s.execute(select(orm.Staff.id).where(orm.Staff.community_id == community_id)).scalars())]


def test_a_move_that_does_not_say_which_version_it_saw_is_refused_on_both_databases(demo_db: str) -> None:
    # before, SQLite applied eight such moves of one cadre in turn and PostgreSQL one: now neither moves anyone
    sc = _scenario(demo_db)
    sid = int(sc["people"]["staff_id"].iat[0])
    with pytest.raises(InvalidInput) as refused, unit_of_work(demo_db) as uow:
        reassign_service.move_staff(uow, COORD, [sid], sc["worst"], "补缺")
    assert refused.value.key == "reassign.versions_missing"
    with session_scope(demo_db) as s:
        assert s.get(orm.Staff, sid).community_id != sc["worst"]  # type: ignore[union-attr]
