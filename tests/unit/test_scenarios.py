"""What-if scenarios on the hand-worked district of test_gaps (numbers worked out in the comments).

Baseline (default norms): C1 requires 28 and has 30 on duty; C2 requires 35 and has 20 (short 15);
C3 requires 0 and has 2. Grid G3's grid member is off duty (1 uncovered grid); checkpoint shifts:
C1 3 of 3 staffed, C2 1 of 6 (5 unstaffed). Staff ids: C1 community workers 1-10, grid members 11-12,
movable cadres 13-22, fixed cadres 23-30, off-duty cadres 31-33, volunteers 34-38; C2 community
workers 39-43, grid member 44 (off duty), movable cadres 45-59; C3 movable cadres 60-61.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from core.i18n import error_text
from core.model.errors import InvalidInput, NotFound
from core.model.norms import Norms
from core.model.scenarios.apply_staffing import worst_gap_allocation
from core.model.scenarios.changes import (
    AddCadres,
    ApplyPlan,
    Checkpoints,
    Context,
    Counts,
    MoveStaff,
    NormChange,
    OffDuty,
    SetRisk,
)
from core.model.scenarios.evaluation import Scenario, evaluate, flatten, real_moves, suggested_plan
from core.model.scenarios.file_format import FORMAT, dumps, loads
from tests.unit.gap_fixtures import hand_worked_district


@pytest.fixture
def base():  # type: ignore[no-untyped-def]
    return hand_worked_district()


@pytest.fixture
def ctx(base) -> Context:  # type: ignore[no-untyped-def]
    ids = base.staff["staff_id"].to_numpy()
    people = pd.DataFrame({"staff_id": ids, "code": [f"P{i}" for i in ids], "unit_code": "U1", "home_lon": np.nan,
                           "home_lat": np.nan, "home_community_id": np.nan, "skills": "", "hours_week": 40.0})
    return Context(units=pd.DataFrame({"code": ["U1", "U2"], "name": ["甲局", "乙局"]}), people=people)


def run(base, ctx, *changes):  # type: ignore[no-untyped-def]
    return evaluate(base, Norms(), Scenario("测试", changes=tuple(changes)), ctx)


def comm(res, code: str, col: str) -> int:  # type: ignore[no-untyped-def]
    return int(res.community.set_index("code").loc[code, col])


def test_an_empty_scenario_changes_nothing(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx)
    assert res.kpi("shortage") == {"before": 15, "after": 15, "delta": 0}
    assert res.kpi("uncovered_grids") == {"before": 1, "after": 1, "delta": 0}
    assert res.kpi("unstaffed_shifts") == {"before": 5, "after": 5, "delta": 0}
    assert res.kpi("short_communities") == {"before": 1, "after": 1, "delta": 0}
    assert not res.community["changed"].any() and res.top_changes().empty


def test_a_community_turning_high_risk_needs_two_and_a_half_times_the_staff(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, SetRisk("high", communities=("C1",)))
    # C1: 28 × 2.5 = 70 required, 30 on duty: short 40; its 3 shifts lose their people (30 < 2.5 × 20)
    assert comm(res, "C1", "required_after") == 70 and comm(res, "C1", "delta_shortage") == 40
    assert res.kpi("shortage") == {"before": 15, "after": 55, "delta": 40}
    assert res.kpi("short_communities")["after"] == 2
    assert res.kpi("unstaffed_shifts")["delta"] == 3
    assert res.top_changes(1)["code"].tolist() == ["C1"]


def test_a_whole_street_set_to_low_risk(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, SetRisk("low", street="S1"))
    # C2 medium -> low: 23 required, 20 on duty: short 3; shifts: (20 - 10) / 2 = 5 of 6 staffed
    assert comm(res, "C2", "required_after") == 23 and res.kpi("shortage")["after"] == 3
    assert res.kpi("unstaffed_shifts")["after"] == 1
    assert res.community.set_index("code").loc["C1", "risk_level_after"] == "low"


def test_adding_and_removing_checkpoints(base, ctx) -> None:  # type: ignore[no-untyped-def]
    more = run(base, ctx, Checkpoints("C2", 1))
    # C2: (23 + 6) × 1.5 = 43.5 -> 44 required: short 24; 9 shifts, still 1 staffed
    assert comm(more, "C2", "required_after") == 44 and more.kpi("shortage")["delta"] == 9
    assert more.kpi("unstaffed_shifts")["after"] == 8
    fewer = run(base, ctx, Checkpoints("C2", -5))
    # no checkpoints left (never negative): 11 × 1.5 = 16.5 -> 17 required, 20 on duty
    assert comm(fewer, "C2", "required_after") == 17 and fewer.kpi("shortage")["after"] == 0
    assert fewer.state.grids.set_index("code").loc["G3", "checkpoints"] == 0
    assert fewer.kpi("unstaffed_shifts")["after"] == 0


def test_isolated_households_set_or_shifted_and_shared_by_the_grids(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, Counts("C1", "isolated_households", value=110))
    # C1: 18 + 2 + 6 + 110/10 + 1 = 38 required, 30 on duty: short 8
    assert comm(res, "C1", "required_after") == 38 and res.kpi("shortage")["after"] == 23
    g = res.state.grids.set_index("code")
    assert (g.loc["G1", "isolated_households"], g.loc["G2", "isolated_households"]) == (66, 44)  # 6:4 as before
    same = run(base, ctx, Counts("C1", "isolated_households", delta=100))
    assert comm(same, "C1", "required_after") == 38
    vul = run(base, ctx, Counts("C2", "vulnerable_residents", delta=-100))
    # never below zero: (9 + 1 + 12 + 0.5) × 1.5 = 33.75 -> 34
    assert comm(vul, "C2", "required_after") == 34


def test_a_batch_of_cadres_placed_in_named_communities(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, AddCadres("U2", 10, communities=("C2", "C3")))
    assert comm(res, "C2", "delta_available") == 5 and comm(res, "C3", "delta_available") == 5
    assert res.kpi("shortage")["after"] == 10
    assert len(res.added) == 10 and (res.added["staff_id"] < 0).all() and set(res.added["unit_code"]) == {"U2"}


def test_a_batch_of_cadres_placed_on_the_worst_gaps(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, AddCadres("U1", 10))
    assert comm(res, "C2", "delta_available") == 10 and res.kpi("shortage")["after"] == 5
    full = run(base, ctx, AddCadres("U1", 20))
    assert full.kpi("shortage")["after"] == 0 and int(full.community["delta_available"].sum()) == 20


def test_water_filling_raises_the_worst_shortages_to_a_common_level() -> None:
    assert worst_gap_allocation(np.array([10, 4, 0]), np.array([10, 4, -3]), 8).tolist() == [7, 1, 0]
    assert worst_gap_allocation(np.array([10, 4, 0]), np.array([10, 4, -3]), 9).tolist() == [8, 1, 0]
    assert worst_gap_allocation(np.array([2, 0, 0]), np.array([2, -1, -5]), 4).tolist() == [3, 1, 0]


def test_taking_a_street_or_kind_off_duty(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, OffDuty(street="S2", staff_kind="cadre"))
    assert comm(res, "C3", "available_after") == 0 and comm(res, "C1", "delta_available") == 0
    assert res.kpi("shortage")["delta"] == 0 and res.kpi("available")["delta"] == -2
    gm = run(base, ctx, OffDuty(staff_kind="grid_member"))
    assert gm.kpi("uncovered_grids") == {"before": 1, "after": 3, "delta": 2}


def test_a_share_off_duty_is_exact_and_repeatable(base, ctx) -> None:  # type: ignore[no-untyped-def]
    a = run(base, ctx, OffDuty(share=0.1, seed=7))
    b = run(base, ctx, OffDuty(share=0.1, seed=7))
    on_before = int(base.staff["on_duty"].sum())  # 57
    assert on_before - int(a.state.staff["on_duty"].sum()) == round(0.1 * on_before) == 6
    assert a.state.staff["on_duty"].tolist() == b.state.staff["on_duty"].tolist()
    c = run(base, ctx, OffDuty(share=0.1, seed=8))
    assert a.state.staff["on_duty"].tolist() != c.state.staff["on_duty"].tolist()


def test_named_people_off_duty(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, OffDuty(staff=("P45", "P46", "P47")))
    assert comm(res, "C2", "delta_available") == -3 and res.kpi("shortage")["after"] == 18


def test_a_timed_absence_shows_the_days_away_and_the_days_after_the_return(base, ctx) -> None:  # type: ignore[no-untyped-def]
    # three C2 cadres off sick for 3 days and every grid member for 7, with 12-hour shifts throughout
    res = run(base, ctx, OffDuty(staff=("P45", "P46", "P47"), days=3), OffDuty(staff_kind="grid_member", days=7),
              NormChange(shift_hours=12))
    ph = res.phases
    assert ph[["from_day", "to_day"]].astype(object).where(ph[["from_day", "to_day"]].notna(), None).values.tolist() \
        == [[1, 3], [4, 7], [8, None]]
    # days 1-3 are the scenario as evaluated; on day 4 the cadres are back (the grid members still away),
    # on day 8 the grid members too: only the norm change is left (C2 short 9, as with 12 h shifts alone)
    assert ph.iloc[0]["shortage"] == res.kpi("shortage")["after"]
    assert ph.iloc[0]["uncovered_grids"] == 3 and ph.iloc[1]["uncovered_grids"] == 3
    assert ph.iloc[2]["uncovered_grids"] == 1
    only_norms = run(base, ctx, NormChange(shift_hours=12))
    assert ph.iloc[2]["shortage"] == only_norms.kpi("shortage")["after"] == 9
    away = run(base, ctx, OffDuty(staff_kind="grid_member"), NormChange(shift_hours=12))
    assert ph.iloc[1]["shortage"] == away.kpi("shortage")["after"]
    assert ph.iloc[0]["shortage"] > ph.iloc[1]["shortage"]  # three cadres away cost C2 three more
    assert run(base, ctx, OffDuty(staff=("P45",))).phases.empty  # untimed: no phases
    with pytest.raises(InvalidInput) as err:
        run(base, ctx, OffDuty(share=0.1, days=0))
    assert err.value.key == "whatif.change.bad_days"
    back = loads(dumps(Scenario("病假", changes=(OffDuty(share=0.2, days=5),))))
    assert back.changes[0].days == 5


def test_twelve_hour_shifts_mean_two_shifts_a_day(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, NormChange(shift_hours=12))
    # C1: 18 + 2 + 2×2 + 1 + 1 = 26; C2: (9 + 1 + 8 + 1) × 1.5 = 28.5 -> 29, short 9
    assert comm(res, "C1", "required_after") == 26 and comm(res, "C2", "required_after") == 29
    assert res.norms.checkpoint_shifts_per_day == 2.0
    assert res.kpi("shortage")["after"] == 9 and res.kpi("unstaffed_shifts")["after"] == 3
    more = run(base, ctx, NormChange(params={"people_per_checkpoint_shift": 3, "risk_multiplier": {"medium": 2.0}}))
    # C1: 18 + 2 + 9 + 2 = 31; C2: (9 + 1 + 18 + 1) × 2 = 58
    assert comm(more, "C1", "required_after") == 31 and comm(more, "C2", "required_after") == 58
    assert more.norms.risk_multiplier == {"low": 1.0, "medium": 2.0, "high": 2.5}


def test_moving_named_people(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, MoveStaff(("P13", "P14", "P15"), "C2"))
    assert comm(res, "C1", "available_after") == 27 and comm(res, "C2", "available_after") == 23
    assert res.kpi("shortage")["after"] == 13
    mv = real_moves(res)
    assert mv["staff_id"].tolist() == [13, 14, 15] and set(mv["to_community_id"]) == {2}
    assert mv["staff_code"].tolist() == ["P13", "P14", "P15"]


def test_the_suggested_plan_applied_inside_the_scenario(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, ApplyPlan())
    # donors keep their requirement: C1 gives 2, C3 gives 2 -> C2 short 11
    assert res.kpi("shortage")["after"] == 11 and comm(res, "C2", "delta_available") == 4
    assert len(real_moves(res)) == 4 and set(res.moves["source"]) == {"plan"}
    on_demand = suggested_plan(res, ctx)
    assert on_demand.totals.shortage_before == 11 and on_demand.totals.moves == 0  # nothing left to give


def test_changes_in_combination_apply_in_order(base, ctx) -> None:  # type: ignore[no-untyped-def]
    res = run(base, ctx, SetRisk("low", communities=("C2",)), ApplyPlan(), AddCadres("U1", 1), NormChange(shift_hours=12))
    # low risk: C2 short 3; the plan moves 3 in; one more cadre goes to the worst gap (none short: closest,
    # C2 at 0); 12-hour shifts: C2 needs 19 with 24 on duty
    assert comm(res, "C2", "available_after") == 24 and comm(res, "C2", "required_after") == 19
    assert res.kpi("shortage")["after"] == 0 and res.kpi("short_communities")["after"] == 0
    assert len(real_moves(res)) == 3
    undone = evaluate(base, Norms(), Scenario("测试", changes=res.scenario.changes).undo_last(), ctx)
    assert comm(undone, "C2", "required_after") == 23


def test_evaluating_never_alters_the_live_frames(base, ctx) -> None:  # type: ignore[no-untyped-def]
    frames = {k: getattr(base, k).copy(deep=True) for k in ("communities", "grids", "staff")}
    run(base, ctx, SetRisk("high", street="S1"), Checkpoints("C1", 2), Counts("C1", "vulnerable_residents", value=400),
        AddCadres("U1", 5), OffDuty(share=0.5), MoveStaff(("P60",), "C1"), ApplyPlan(), NormChange(shift_hours=6))
    for k, df in frames.items():
        pd.testing.assert_frame_equal(getattr(base, k), df)


@pytest.mark.parametrize(("change", "missing"), [
    (SetRisk("high", communities=("C1", "C404")), "C404"),
    (Checkpoints("C9", 1), "C9"),
    (Counts("X1", "isolated_households", value=3), "X1"),
    (AddCadres("U1", 3, communities=("C77",)), "C77"),
    (AddCadres("U404", 3), "U404"),
    (OffDuty(street="S404"), "S404"),
    (OffDuty(staff=("P9999",)), "P9999"),
    (MoveStaff(("P13",), "C404"), "C404"),
])
def test_a_reference_that_no_longer_exists_is_a_clear_error(base, ctx, change, missing) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound) as err:
        run(base, ctx, SetRisk("low", communities=("C1",)), change)
    assert err.value.key.startswith("whatif.change.") and err.value.params["position"] == 2
    assert err.value.params["codes"] == [missing]
    text = error_text(err.value)
    assert missing in text and f"第 2 项变更（{change.kind}）" in text and "不存在" in text
    assert missing in error_text(err.value, "en") and "Change 2" in error_text(err.value, "en")


@pytest.mark.parametrize("change", [
    SetRisk("extreme", communities=("C1",)), SetRisk("high"), Counts("C1", "population", value=3),
    Counts("C1", "isolated_households"), OffDuty(), OffDuty(share=1.5), NormChange(shift_hours=30),
    NormChange(params={"people_per_checkpoint_shift": -1}), ApplyPlan({"speed": 3}), AddCadres("U1", 0),
])
def test_a_change_with_bad_values_is_refused_naming_the_change(base, ctx, change) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as err:
        run(base, ctx, change)
    assert err.value.key.startswith("whatif.change.")
    assert (err.value.params["position"], err.value.params["kind"]) == (1, change.kind)
    assert error_text(err.value).startswith(f"第 1 项变更（{change.kind}）：")


def test_a_scenario_on_another_scenario_applies_its_base_first(base, ctx) -> None:  # type: ignore[no-untyped-def]
    parent = Scenario("父", changes=(SetRisk("low", communities=("C2",)),), id="p1")
    child = Scenario("子", changes=(Checkpoints("C2", 1),), base="p1")
    assert flatten(child, {"p1": parent}.get) == (*parent.changes, *child.changes)
    res = evaluate(base, Norms(), child, ctx, lookup={"p1": parent}.get)
    assert comm(res, "C2", "required_after") == 29  # 23 + 6 at low risk
    with pytest.raises(NotFound) as err:
        flatten(child, {}.get)
    assert err.value.key == "whatif.base_gone" and err.value.params["codes"] == ["p1"]


def test_a_scenario_file_round_trips() -> None:
    sc = Scenario("十二小时班次", author="planner", created_at=dt.datetime(2026, 11, 29, 9, 30), id="abc123",
                  description="测试", changes=(
                      SetRisk("high", communities=("C1", "C2")), SetRisk("medium", street="S2"), Checkpoints("C1", -1),
                      Counts("C1", "vulnerable_residents", delta=30), AddCadres("U1", 200),
                      AddCadres("U2", 5, communities=("C3",)), OffDuty(share=0.1, seed=3, staff_kind="cadre"),
                      OffDuty(staff=("P1",)), NormChange(params={"risk_multiplier": {"high": 3.0}}, shift_hours=12),
                      MoveStaff(("P13", "P14"), "C2"), ApplyPlan({"max_km": 5.0})))
    text = dumps(sc)
    assert f'"format": "{FORMAT}"' in text and "十二小时班次" in text  # readable Chinese, not \\u escapes
    assert loads(text) == sc
    assert loads(text.encode("utf-8-sig")) == sc


@pytest.mark.parametrize(("text", "fragment"), [
    ('{"format": "fangxian-scenario/1",\n "name": "x", "changes": [}', "第 2 行第 27 列"),
    ('{"format": "other/1", "name": "x"}', "format"),
    ('{"format": "fangxian-scenario/1", "name": ""}', "name"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "explode"}]}', "changes[1].kind"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "checkpoints", "community": "C1"}]}',
     "changes[1].delta"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "checkpoints", "community": "C1", '
     '"delta": 1.5}]}', "应为整数"),
    ('{"format": "fangxian-scenario/1", "name": "x", "changes": [{"kind": "set_risk", "level": "high", "colour": 1}]}',
     "colour"),
])
def test_a_bad_scenario_file_names_the_place_of_the_problem(text, fragment) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as err:
        loads(text)
    assert err.value.key.startswith("whatif.file.")
    assert fragment in error_text(err.value)


def test_the_format_description_documents_every_change_kind_and_field() -> None:
    import dataclasses
    from pathlib import Path

    from core.model.scenarios.changes import CHANGE_TYPES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md").read_text(encoding="utf-8")
    assert FORMAT in doc
    rows = {line.split("|")[1].strip().strip("`"): line for line in doc.splitlines() if line.startswith("| `")}
    for kind, cls in CHANGE_TYPES.items():
        assert kind in rows, kind
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in rows[kind], (kind, f.name)
