"""日常维护 and the screening campaign form through AppTest: each tab's write path on the demo, and the
pages on a district that has loaded only its communities (no staff, no grids)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from core.cli.main import main
from core.model.actor import SYSTEM, Actor
from core.services import clock
from core.services import desk as desk_service
from core.services.identity import add_user
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from core.storage.rows.screening import ScreeningCampaign
from dashboard.auth import SESSION_KEY
from tests.app.conftest import APP, open_page, signed_in
from tests.db import call

DESK, SCREENING = "app_pages/desk.py", "app_pages/screening.py"


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("success", "info", "error", "warning", "markdown", "caption") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def no_error(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def first(url: str, model: Any, *where: Any) -> Any:
    with session_scope(url) as s:
        row = s.execute(select(model).where(*where).order_by(model.id).limit(1)).scalar_one()
        s.expunge(row)
        return row


def test_the_risk_tab_sets_a_level_and_cancels_a_scheduled_change(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    c = first(demo_sqlite, orm.Community, orm.Community.risk_level == "low")
    at = open_page(app, DESK, user="leader")
    assert at.title[0].value == "日常维护"
    assert any(f"· {c.name}（" in o for o in at.selectbox(key="desk_risk_c").options)  # named, not numbered
    at.selectbox(key="desk_risk_c").set_value(c.id)
    at.selectbox(key="desk_risk_level").set_value("high")
    at.text_input(key="desk_risk_reason").input("发现病例")
    at.button(key="desk_risk_submit").click().run()
    no_error(at)
    assert "高风险" in texts(at)
    assert first(demo_sqlite, orm.Community, orm.Community.id == c.id).risk_level == "high"

    with unit_of_work(demo_sqlite) as uow:
        day = clock.reference_day(uow) + dt.timedelta(days=2)
    call(demo_sqlite, desk_service.set_risk_level, Actor("l", "l", frozenset({"leader"})), c.id, "medium", day, "预定", None)
    st.cache_data.clear()  # written behind the app's back: its data-version cache would hide it for 3 s
    at = open_page(app, DESK, user="leader")
    assert len(at.dataframe) >= 1 and at.selectbox(key="desk_cancel_pick").options
    at.text_input(key="desk_cancel_reason").input("取消")
    at.button(key="desk_cancel_submit").click().run()
    no_error(at)
    assert call(demo_sqlite, desk_service.scheduled_risk_changes).empty


def test_the_risk_form_says_why_it_refuses_and_a_clerk_only_reads(app: Callable[..., AppTest]) -> None:
    at = open_page(app, DESK, user="admin")
    at.button(key="desk_risk_submit").click().run()  # no reason given
    assert not at.exception and "请填写原因" in "\n".join(e.value for e in at.error)
    at = open_page(app, DESK, user="clerk")
    assert not at.get("form") or all(b.key != "desk_risk_submit" for b in at.button)
    assert "你的角色只能查看此处，不能修改。" in texts(at)


def test_the_duty_tab_sets_someone_off_and_back_on(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    p = first(demo_sqlite, orm.Staff, orm.Staff.kind == "cadre", orm.Staff.on_duty.is_(True))
    at = open_page(app, DESK, user="coordinator")
    at.text_input(key="desk_duty_q").input(p.code).run()
    no_error(at)
    at.selectbox(key="desk_duty_person").set_value(p.id)
    at.selectbox(key="desk_off_reason").set_value("isolation")
    at.date_input(key="desk_off_return").set_value(dt.date(2026, 12, 20))
    at.button(key="desk_off_submit").click().run()
    no_error(at)
    assert first(demo_sqlite, orm.Staff, orm.Staff.id == p.id).on_duty is False
    last = first(demo_sqlite, orm.DutyChange, orm.DutyChange.staff_id == p.id, orm.DutyChange.reason == "isolation")
    assert last.expected_return == dt.date(2026, 12, 20)
    assert at.selectbox(key="desk_back_pick").options
    at.selectbox(key="desk_back_pick").set_value(p.id)
    at.button(key="desk_back_submit").click().run()
    no_error(at)
    assert first(demo_sqlite, orm.Staff, orm.Staff.id == p.id).on_duty is True


def test_the_grid_tab_gives_a_grid_another_grid_member(app: Callable[..., AppTest], demo_sqlite: str) -> None:
    g = first(demo_sqlite, orm.Grid)
    other = first(demo_sqlite, orm.Staff, orm.Staff.kind == "grid_member", orm.Staff.grid_id != g.id)
    at = open_page(app, DESK, user="clerk")
    at.selectbox(key="desk_grid_pick").set_value(g.id)
    at.selectbox(key="desk_grid_member").set_value(other.id)
    at.text_input(key="desk_grid_reason").input("调整")
    at.button(key="desk_grid_submit").click().run()
    no_error(at)
    assert first(demo_sqlite, orm.Staff, orm.Staff.id == other.id).grid_id == g.id


def test_a_campaign_is_started_closed_and_reopened_on_the_screening_page(app: Callable[..., AppTest],
                                                                         demo_sqlite: str) -> None:
    at = open_page(app, SCREENING, user="coordinator")
    comm = first(demo_sqlite, orm.Community)
    at.text_input(key="scr_new_name").input("桌面测试排查")
    at.multiselect(key="scr_new_comms").select(comm.id)
    at.number_input(key="scr_new_total").set_value(100)
    at.button(key="scr_new_submit").click().run()
    no_error(at)
    camp = first(demo_sqlite, ScreeningCampaign, ScreeningCampaign.name == "桌面测试排查")
    with session_scope(demo_sqlite) as s:
        n = s.scalars(select(orm.ScreeningTarget.target_households)
                      .where(orm.ScreeningTarget.campaign_id == camp.id)).all()
    assert sum(n) == 100
    at.selectbox(key="scr_campaign").set_value(camp.id).run()
    at.text_input(key="scr_status_reason").input("提前完成")
    at.button(key="scr_status_submit").click().run()
    no_error(at)
    assert first(demo_sqlite, ScreeningCampaign, ScreeningCampaign.id == camp.id).status == "closed"
    at.text_input(key="scr_status_reason").input("仍有未访户")
    at.button(key="scr_status_submit").click().run()
    no_error(at)
    assert first(demo_sqlite, ScreeningCampaign, ScreeningCampaign.id == camp.id).status == "active"


# --- a district that has loaded only its communities ----------------------------------------------

COMMUNITIES = "社区编码,社区名称,街道,常住人口\n420102001001,大智社区,大智街道,8000\n420102002001,一元社区,一元街道,7000\n"


@pytest.fixture
def communities_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from core.storage.db import dispose_engines

    url = f"sqlite:///{tmp_path / 'district.db'}"
    (tmp_path / "c.csv").write_text(COMMUNITIES, encoding="utf-8")
    assert main(["--database-url", url, "init"]) == 0
    assert main(["--database-url", url, "import", "communities", str(tmp_path / "c.csv"), "--as-system",
                 "--district-name", "江岸区", "--district-code", "420102"]) == 0
    with unit_of_work(url) as uow:
        add_user(uow, SYSTEM, "admin", "管理员", "a-long-password", ["admin"])
        add_user(uow, SYSTEM, "boss", "指挥长", "a-long-password", ["leader"])
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    dispose_engines()


def open_as(user: str, page: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[SESSION_KEY] = signed_in(user)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def test_the_desk_says_what_is_missing_and_still_sets_a_risk_level(communities_only: str) -> None:
    at = open_as("admin", DESK)
    shown = texts(at)
    assert "还没有人员名册" in shown and "未导入网格" in shown
    assert [link.proto.page for link in at.get("page_link")] == ["import", "import"]  # url path of 数据导入
    cid = first(communities_only, orm.Community, orm.Community.code == "420102001001").id
    at.selectbox(key="desk_risk_c").set_value(cid)
    at.selectbox(key="desk_risk_level").set_value("medium")
    at.text_input(key="desk_risk_reason").input("上级通报")
    at.button(key="desk_risk_submit").click().run()
    no_error(at)
    assert first(communities_only, orm.Community, orm.Community.id == cid).risk_level == "medium"
    at = open_as("boss", DESK)  # a leader without the import page sees no link to it
    assert "请数据录入员或系统管理员" in texts(at)


def test_the_screening_page_asks_for_grids_first(communities_only: str) -> None:
    at = open_as("admin", SCREENING)
    assert "未导入网格：先在数据导入页导入网格" in texts(at)
    assert [link.proto.page for link in at.get("page_link")] == ["import"]
