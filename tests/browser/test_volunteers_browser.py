"""A coordinator in a real browser: the deployment map, three volunteers assigned to a checkpoint task
and the checkpoint coverage of its community going up, then the errands queue. Own server and
database copy (it writes); 1920×1080 screenshots of the map and the queue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from core.model.actor import Actor
from core.services import clock
from core.services.gaps import load_gaps
from core.services.uow import unit_of_work
from core.services.volunteer_tasks import candidates, create_task
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.browser.conftest import (
    screenshot,
    sign_in,
    wait_for_app,
    wait_painted,
)
from tests.db import call

COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))



def _metric(page, name: str) -> str:  # type: ignore[no-untyped-def]
    card = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(name, exact=True))
    return str(card.get_by_test_id("stMetricValue").inner_text()).strip()


def _checkpoint_task(db_url: str) -> tuple[str, int, int]:
    c = call(db_url, load_gaps).community
    comm = c[(c["risk_level"] == "low") & (c["checkpoint_shifts"] - c["checkpoint_shifts_staffed"] >= 2)
             ].sort_values("code").iloc[0]
    with session_scope(db_url) as s:
        cp = int(s.scalar(select(func.min(orm.Checkpoint.id)).where(orm.Checkpoint.community_id == int(comm["community_id"]))))
    with unit_of_work(db_url) as uow:
        day = clock.reference_day(uow)
        made = create_task(uow, COORD, type_="checkpoint", checkpoint_id=cp, needed=3,
                           starts_at=dt.datetime.combine(day, dt.time(20)), ends_at=dt.datetime.combine(day, dt.time(22)))
    return made.code, made.id, int(comm["community_id"])


def test_coordinator_assigns_three_volunteers_and_the_checkpoint_coverage_rises(page, own_server, recorder) -> None:  # type: ignore[no-untyped-def]
    code, task_id, cid = _checkpoint_task(own_server.db_url)
    before = call(own_server.db_url, load_gaps).community.set_index("community_id").loc[cid]
    sign_in(page, own_server.url, "coordinator")
    page.get_by_test_id("stSidebarNav").get_by_text("志愿者调度").click()
    wait_for_app(page)
    page.get_by_role("heading", name="志愿者调度").first.wait_for(state="visible", timeout=60_000)
    assert wait_painted(page)
    screenshot(page, "volunteers-deployment-map-1080p")

    page.get_by_role("tab", name="📋 任务派岗").click()
    box = page.get_by_role("combobox", name="选择任务")
    box.click()
    box.fill(code)
    page.get_by_role("option").filter(has_text=code).first.click()
    wait_for_app(page)
    # wait for the state: our task picked and its panel drawn (a new task has nobody assigned yet)
    page.wait_for_function("c => [...document.querySelectorAll('[data-testid=stSelectbox] input')]"
                           ".some(i => i.value.includes(c) || i.getAttribute('aria-label') !== null && "
                           "i.closest('[data-testid=stSelectbox]').innerText.includes(c))", arg=code, timeout=30_000)
    page.get_by_test_id("stMetric").filter(has_text="已派 / 需要").filter(has_text="0 / 3 人").first.wait_for(
        state="visible", timeout=30_000)
    page.get_by_test_id("stMetricLabel").get_by_text("本社区卡点班次覆盖率").wait_for(state="visible", timeout=30_000)
    cov_before = _metric(page, "本社区卡点班次覆盖率")
    assert cov_before == f"{before['checkpoint_shift_coverage']:.0f} %"
    assert _metric(page, "已派 / 需要") == "0 / 3 人"

    with unit_of_work(own_server.db_url) as uow:
        cand = candidates(uow, task_id, personal=True)
    # the first three volunteers the page lists without a warning (party members are counted already)
    first3 = cand[~cand["blocked"] & ~cand["warned"] & (cand["kind"] == "volunteer")]["code"].head(3).tolist()
    pick = page.get_by_role("combobox", name="选择志愿者（可多选）")
    for staff_code in first3:
        pick.click()
        pick.fill(staff_code)
        # click the option itself: Enter would take the first option of a filter still catching up
        page.get_by_role("option").filter(has_text=staff_code).first.click()
        page.wait_for_timeout(300)
    page.keyboard.press("Escape")
    page.get_by_role("button", name="派岗（3 人）").click()
    wait_for_app(page)
    page.get_by_text("已派 3 人").first.wait_for(state="visible", timeout=30_000)

    after = call(own_server.db_url, load_gaps).community.set_index("community_id").loc[cid]
    assert after["volunteers_deployed_counted"] == before["volunteers_deployed_counted"] + 3
    assert after["checkpoint_shifts_staffed"] > before["checkpoint_shifts_staffed"]
    page.get_by_role("tab", name="📋 任务派岗").click()
    assert _metric(page, "已派 / 需要") == "3 / 3 人"
    cov_after = _metric(page, "本社区卡点班次覆盖率")
    assert cov_after == f"{after['checkpoint_shift_coverage']:.0f} %" and cov_after != cov_before
    screenshot(page, "volunteers-assigned-1080p")

    page.get_by_test_id("stSidebarNav").get_by_text("代买代办").click()
    wait_for_app(page)
    page.get_by_role("heading", name="代买代办").first.wait_for(state="visible", timeout=60_000)
    page.get_by_test_id("stDataFrame").first.wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(1500)
    late = _metric(page, "已超时")
    assert late.endswith("件") and int(late.split()[0]) > 0
    screenshot(page, "errands-queue-1080p")
    assert recorder.external == [] and recorder.page_errors == []
