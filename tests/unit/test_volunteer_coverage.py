"""Deployed volunteers in the gap engine: counted only for the task types the norms name, once a day,
in the community of their task; on checkpoint tasks they staff checkpoint shifts first."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from core.model.gaps import compute_gaps
from core.model.norms import Norms
from core.model.state import deployed_on
from tests.unit.gap_fixtures import community, people, state

COUNT_CP = Norms.from_params({"volunteers_count_for": ["checkpoint"]})


def district(deployed: list[tuple[int, int, str]]) -> object:
    """Community 1: 10,000 residents, 2 checkpoints (6 shifts), 18 community workers (exactly the base);
    community 2 has volunteers living there. ``deployed``: (staff_id, community_id, task type)."""
    comms = [community(1, population=10_000, checkpoints=2), community(2, population=5_000)]
    staff = people(1, "community_worker", 18) + people(2, "volunteer", 6) + people(2, "volunteer", 1, on_duty=False) \
        + people(2, "party_member", 1)
    s = state(comms, [], staff)
    dep = pd.DataFrame(deployed, columns=["staff_id", "community_id", "task_type"]).assign(grid_id=None)
    return dataclasses.replace(s, deployed=dep)


def row(result: object, cid: int) -> pd.Series:
    return result.community.set_index("community_id").loc[cid]  # type: ignore[attr-defined]


def test_without_the_norm_deployed_volunteers_change_nothing() -> None:
    s = district([(19, 1, "checkpoint"), (20, 1, "checkpoint"), (21, 1, "checkpoint")])
    plain = compute_gaps(dataclasses.replace(s, deployed=None), Norms())
    with_dep = compute_gaps(s, Norms())
    pd.testing.assert_frame_equal(plain.community.drop(columns="volunteers_deployed_counted"),
                                  with_dep.community.drop(columns="volunteers_deployed_counted"))
    assert row(with_dep, 1)["volunteers_deployed_counted"] == 0


def test_volunteers_on_checkpoint_duty_staff_checkpoint_shifts_when_the_norm_says_so() -> None:
    before = compute_gaps(district([]), COUNT_CP)
    assert row(before, 1)["checkpoint_shifts_staffed"] == 0 and row(before, 1)["checkpoint_shifts"] == 6
    after = compute_gaps(district([(19, 1, "checkpoint"), (20, 1, "checkpoint"), (21, 1, "checkpoint")]), COUNT_CP)
    r = row(after, 1)
    assert r["available"] == row(before, 1)["available"] + 3
    assert r["volunteers_deployed_counted"] == 3
    assert r["checkpoint_shifts_staffed"] == 1  # 3 people, 2 a shift
    assert r["checkpoint_shift_coverage"] == pytest.approx(100 / 6)
    assert row(after, 2)["available"] == row(before, 2)["available"]  # counted where the task is, not at home
    assert after.coverage["checkpoint_shift_coverage"] > before.coverage["checkpoint_shift_coverage"]


def test_other_task_types_count_only_if_named_and_never_staff_checkpoints() -> None:
    s = district([(19, 1, "door_to_door"), (20, 1, "door_to_door")])
    assert row(compute_gaps(s, COUNT_CP), 1)["available"] == 18
    both = Norms.from_params({"volunteers_count_for": ["checkpoint", "door_to_door"]})
    r = row(compute_gaps(s, both), 1)
    assert r["available"] == 20 and r["checkpoint_shifts_staffed"] == 1  # 2 above the base staff one shift
    only_base = district([(19, 1, "door_to_door")])
    assert row(compute_gaps(only_base, both), 1)["checkpoint_shifts_staffed"] == 0


def test_off_duty_people_and_kinds_already_counted_are_not_added_again() -> None:
    s = district([(25, 1, "checkpoint"), (26, 1, "checkpoint")])  # 25: off-duty volunteer, 26: party member
    r = row(compute_gaps(s, COUNT_CP), 1)
    assert r["volunteers_deployed_counted"] == 0 and r["available"] == 18


def test_a_person_counts_once_a_day_in_the_community_of_their_first_task() -> None:
    dep = pd.DataFrame({"staff_id": [19, 19, 20], "community_id": [1, 2, 1], "grid_id": None,
                        "task_type": ["checkpoint", "checkpoint", "checkpoint"],
                        "starts_at": [dt.datetime(2026, 11, 29, 7), dt.datetime(2026, 11, 29, 15),
                                      dt.datetime(2026, 11, 28, 7)],
                        "ends_at": [dt.datetime(2026, 11, 29, 15), dt.datetime(2026, 11, 29, 23),
                                    dt.datetime(2026, 11, 28, 15)]})
    today = deployed_on(dep, dt.date(2026, 11, 29))
    assert today is not None and today[["staff_id", "community_id"]].values.tolist() == [[19, 1]]
    s = dataclasses.replace(district([]), deployed=today)
    g = compute_gaps(s, COUNT_CP)
    assert row(g, 1)["volunteers_deployed_counted"] == 1 and row(g, 2)["volunteers_deployed_counted"] == 0
    assert deployed_on(dep, dt.date(2026, 11, 27)) is not None and len(deployed_on(dep, dt.date(2026, 11, 27))) == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"volunteers_count_for": ["checkpoint", "karaoke"]}, "未知的任务类型：karaoke"),
    ({"volunteers_count_for": "checkpoint"}, "必须是列表"),
    ({"fatigue_policy": "ignore"}, "只能是 拒绝 或 提醒"),
    ({"max_consecutive_days": 0}, "每人最多连续服务天数应在 1–60 天之间"),
])
def test_the_volunteer_terms_of_the_norms_are_validated_in_chinese(change: dict, message: str) -> None:
    from core.i18n import error_text
    from core.model.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        Norms.from_params(change)
    assert exc.value.key == "norms.invalid" and message in error_text(exc.value)
    assert Norms.from_params({"volunteers_count_for": ["checkpoint"], "fatigue_policy": "refuse"}).to_params()[
        "volunteers_count_for"] == ["checkpoint"]
