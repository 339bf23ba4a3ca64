"""The 推演研判 page hands over the moves the user was shown, with each cadre's version then: a cadre
moved by someone else before the click fails the batch with a clear error and nothing moves (issue
14 point 8)."""

from __future__ import annotations

from core.model.actor import Actor
from core.services import reassign
from core.services.uow import unit_of_work
from tests.app.test_whatif_page import _move_draft, _open

COORDINATOR = Actor("coordinator", "调度员", frozenset({"coordinator"}))


def test_a_cadre_moved_after_the_page_showed_the_moves_is_not_moved_again(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    draft = _move_draft(demo_sqlite)
    at = _open(app, user="coordinator", wi_draft=draft)
    at.text_input(key="wi_batch_reason").set_value("按推演结果支援").run()
    at.text_input(key="wi_batch_override").set_value("推演已评估").run()
    with unit_of_work(demo_sqlite) as uow:  # someone else moves the first cadre to another short community
        staff = uow.reassign.movable_people()
        sid = int(staff.loc[staff["code"] == draft["changes"][0]["staff"][0], "id"].iat[0])  # type: ignore[index]
        person = uow.reassign.people([sid])
        here = int(person["community_id"].iat[0])
        elsewhere = int(staff.loc[staff["community_id"] != here, "community_id"].iat[0])
        reassign.move_staff(uow, COORDINATOR, [sid], elsewhere, "临时支援", override_shortage_reason="急需",
                            expected_versions={sid: int(person["version"].iat[0])})
        before = reassign.recent_batches(uow)
    at.button(key="wi_batch_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("已过期" in e.value for e in at.error), [e.value for e in at.error]
    with unit_of_work(demo_sqlite) as uow:
        assert len(reassign.recent_batches(uow)) == len(before) == 1
        assert int(uow.reassign.people([sid])["community_id"].iat[0]) == elsewhere
