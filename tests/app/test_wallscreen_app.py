"""The wall screen and the alerts page through AppTest: the kiosk sees only the wall, nothing on it
writes, a database outage keeps the last figures on screen and says so; a coordinator acknowledges."""

from __future__ import annotations

import pytest

from core.demo import accounts as demo_accounts

PAGE = "app_pages/wallscreen.py"


def _html(at) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(m.value for m in at.markdown)


def test_the_kiosk_token_opens_the_wall_screen_with_every_tile_and_nothing_to_click(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    assert not at.exception
    assert "江岸区" in at.title[0].value and "指挥大屏" in at.title[0].value
    html = _html(at)
    for label in ("网格覆盖率", "缺员人数", "缺员社区", "卡点缺岗班次", "未办结事件", "超时事件", "居家隔离", "在岗志愿者"):
        assert label in html
    assert "较昨日" in html and "更新于" in html and "预警" in html
    assert html.count('data-testid="fx-alert"') == 9
    assert len(at.get("deck_gl_json_chart")) == 1 and len(at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")) == 1
    assert not at.main.button and not at.main.text_input and not at.main.multiselect
    assert '[data-testid="stSidebar"]' in html  # a kiosk has no sidebar
    with pytest.raises(ValueError):  # the kiosk's navigation holds the wall screen only
        at.switch_page("app_pages/overview.py")


def test_once_a_post_keeps_a_roster_the_wall_shows_its_duty_under_fewer_alerts(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from core.model.actor import Actor
    from core.services import rosters
    from core.services.uow import unit_of_work
    from core.storage import rows as orm
    from core.storage.db import session_scope

    with session_scope(demo_sqlite) as s:
        post = s.scalar(select(orm.Checkpoint.id).where(orm.Checkpoint.active.is_(True)).order_by(orm.Checkpoint.id))
    with unit_of_work(demo_sqlite) as uow:
        rosters.set_pattern(uow, Actor("coordinator", "李调度", frozenset({"coordinator"})), int(post), preset="2x12",
                            people_per_shift=2)
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    assert not at.exception
    html = _html(at)
    assert "卡点与网格值守" in html and 'data-testid="fx-empty-shifts"' in html and "未来 12 小时空班" in html
    assert html.count('data-testid="fx-duty"') == 1 and ("当班" in html or "当前无班次" in html)
    assert html.count('data-testid="fx-alert"') == 5  # the duty takes the room of four alerts


def test_a_leader_opens_the_wall_screen_from_the_desk(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="leader")
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "指挥大屏" in at.title[0].value
    assert '[data-testid="stSidebar"]' not in _html(at)  # a leader at a desk keeps the navigation


def test_a_database_outage_keeps_the_last_figures_and_marks_every_panel_stale(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dashboard import cache

    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    shortage = next(m.value for m in at.markdown if "fx-kpi-shortage" in m.value)

    def down(*_a, **_k):  # type: ignore[no-untyped-def]
        raise ConnectionError("database unreachable")

    import core.services.read_models.wall

    real, real_core = cache.data_version, core.services.read_models.wall.data_version
    monkeypatch.setattr(cache, "data_version", down)
    monkeypatch.setattr(core.services.read_models.wall, "data_version", down)
    at.run()
    assert not at.exception
    html = _html(at)
    assert "数据库未响应" in html and html.count("fx-fresh warn") == 4
    assert shortage in html  # the last good tiles stay on screen

    monkeypatch.setattr(cache, "data_version", real)
    monkeypatch.setattr(core.services.read_models.wall, "data_version", real_core)
    at.run()
    assert "数据库未响应" not in _html(at)  # recovered on the next tick, by itself


def test_a_screen_that_never_reached_the_database_says_so(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from dashboard import cache

    at = app(user="leader")
    at.run()
    monkeypatch.setattr(cache, "wall", lambda *_a, **_k: (_ for _ in ()).throw(TimeoutError("slow")))
    at.switch_page(PAGE).run()
    assert not at.exception
    assert "暂时无法读取数据" in _html(at)


def test_rotation_and_refresh_come_from_the_url(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.query_params["rotate"] = "incidents,coverage"
    at.query_params["refresh"] = "5"
    at.run()
    assert not at.exception
    html = _html(at)
    assert "各社区未办结事件" in html and "事件处置 · 1/2" in html


def test_a_coordinator_acknowledges_an_alert_and_it_leaves_the_wall(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.model.alert_rules import for_display
    from core.services.read_models.wall import load_wall
    from core.services.uow import unit_of_work

    with unit_of_work(demo_sqlite) as uow:
        before = for_display(load_wall(uow).alerts)
    at = app(user="coordinator")
    at.run()
    at.switch_page("app_pages/alerts.py").run()
    assert not at.exception
    at.multiselect(key="alerts_ack_pick").set_value([0])
    at.text_input(key="alerts_ack_reason").input("已电话调度")
    next(b for b in at.button if b.label == "确认预警").click().run()
    assert not at.exception
    assert "已确认 1 条预警" in at.success[0].value
    with unit_of_work(demo_sqlite) as uow:
        after = for_display(load_wall(uow).alerts)
    assert len(after) == len(before) - 1


def test_only_the_admin_edits_rules_others_read_them(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="leader")
    at.run()
    at.switch_page("app_pages/alerts.py").run()
    assert not at.exception
    assert any("只有系统管理员" in i.value for i in at.info)
    admin = app(user="admin")
    admin.run()
    admin.switch_page("app_pages/alerts.py").run()
    assert not admin.exception
    assert [b for b in admin.button if b.key == "alerts_rules_save"]
