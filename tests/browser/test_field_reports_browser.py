"""What the front line reports from the field, on a phone (390×844, touch, location allowed) in a real
browser: the demo grid member reports an incident at a place tapped on the grid's map with a photo (its
camera metadata gone when stored), keeps the form's values across a dropped connection and saves it once,
signs in to a checkpoint shift with the phone's location and registers a visitor; a coordinator's desk sees
the incident, the shift and the register line at its next refresh. No text under 16 px, no sideways
scrolling; screenshots to test-artifacts/screenshots/issue17/."""

from __future__ import annotations

import io
import json
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.storage import rows as orm
from core.storage.db import session_scope
from tests.browser.conftest import Server, sign_in, submit_login, wait_for_app
from tests.browser.test_front_line_browser import OUT, PHONE, assert_fits, open_front, shot
from tests.storage.test_field_reports import camera_photo

#: every WebSocket the page opens, so a test can drop one as a bad signal would
TRACK_SOCKETS = """(() => { const Orig = window.WebSocket; window.__sockets = [];
  class Tracked extends Orig { constructor(...a) { super(...a); window.__sockets.push(this); } }
  window.WebSocket = Tracked; })();"""


def wangge_places(db_url: str) -> tuple[int, tuple[float, float], dict]:  # type: ignore[type-arg]
    with session_scope(db_url) as s:
        grid_id = s.scalar(select(orm.Staff.grid_id).join(orm.AppUser, orm.AppUser.staff_id == orm.Staff.id)
                           .where(orm.AppUser.username == "wangge"))
        glon, glat = s.execute(select(orm.Grid.lon, orm.Grid.lat).where(orm.Grid.id == grid_id)).one()
        cp = s.execute(select(orm.Checkpoint.id, orm.Checkpoint.name, orm.Checkpoint.lon, orm.Checkpoint.lat)
                       .where(orm.Checkpoint.grid_id == grid_id, orm.Checkpoint.active.is_(True))
                       .order_by(orm.Checkpoint.code)).first()
    assert cp is not None, "the demo grid member's grid has a checkpoint"
    return int(grid_id), (float(glon), float(glat)), {"id": cp.id, "name": cp.name, "lon": cp.lon, "lat": cp.lat}


def drop_connection(page) -> None:  # type: ignore[no-untyped-def]
    """Close the app's WebSocket from the browser's side and wait until the app answers again."""
    before = page.evaluate("() => window.__sockets.length")
    page.evaluate("() => window.__sockets.at(-1).close()")
    page.wait_for_function(f"() => window.__sockets.length > {before} && window.__sockets.at(-1).readyState === 1",
                           timeout=60_000)
    wait_for_app(page)


def duty_metrics(desk, base: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(on duty now, register lines today) on 日常维护 → 卡点值守, after opening (or reloading) it."""
    desk.goto(f"{base}/desk")
    wait_for_app(desk)
    desk.get_by_role("tab", name="卡点值守").click()
    out = []
    for label in ("正在值守（人）", "今日登记（条）"):
        card = desk.get_by_test_id("stMetric").filter(has=desk.get_by_test_id("stMetricLabel").get_by_text(label))
        card.first.wait_for(state="visible", timeout=60_000)
        out.append(int(re.sub(r"[^\d]", "", str(card.first.get_by_test_id("stMetricValue").inner_text()))))
    return out[0], out[1]


@pytest.fixture
def field_phone(browser, own_server: Server):  # type: ignore[no-untyped-def]
    _, _, cp = wangge_places(own_server.db_url)
    ctx = browser.new_context(**PHONE, geolocation={"longitude": cp["lon"] + 0.0003, "latitude": cp["lat"]},
                              permissions=["geolocation"])
    ctx.add_init_script(TRACK_SOCKETS)
    page = ctx.new_page()
    yield page
    ctx.close()


def test_a_grid_member_reports_from_the_field_and_keeps_a_checkpoint_and_the_desk_sees_it(
        field_phone, browser, own_server: Server) -> None:  # type: ignore[no-untyped-def]
    grid_id, centre, cp = wangge_places(own_server.db_url)
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    desk = ctx.new_page()
    sign_in(desk, own_server.url, "coordinator", path="desk")
    on_duty_before, lines_before = duty_metrics(desk, own_server.url)

    page = field_phone
    page.goto(own_server.url)
    wait_for_app(page)
    submit_login(page, "wangge")
    page.get_by_role("heading", name="张网格员，你好").wait_for(state="visible", timeout=60_000)

    # an incident at a place tapped on the grid's map, with a photo
    open_front(page, "上报事件")
    svg = page.locator("svg.fx-map")
    svg.wait_for(state="visible", timeout=60_000)
    box = svg.bounding_box()
    assert box is not None and box["height"] > 200
    svg.tap(position={"x": box["width"] * 0.42, "y": box["height"] * 0.58})
    page.get_by_text("地点：已在地图上标出（红点）。").wait_for(state="visible", timeout=60_000)
    page.get_by_label("情况说明（必填）").fill("隔离户擅自下楼，已劝返")
    page.get_by_label("具体位置（可选）").fill("3栋楼下")
    # the signal drops before the form is sent: the values and the place are still there after the reconnect
    drop_connection(page)
    assert page.get_by_label("情况说明（必填）").input_value() == "隔离户擅自下楼，已劝返"
    assert page.get_by_label("具体位置（可选）").input_value() == "3栋楼下"
    page.get_by_text("地点：已在地图上标出（红点）。").wait_for(state="visible", timeout=60_000)
    page.locator("input[type='file']").set_input_files(
        files=[{"name": "scene.jpg", "mimeType": "image/jpeg", "buffer": camera_photo((1200, 900))}])
    page.get_by_test_id("stFileUploader").get_by_text("KB").wait_for(state="visible", timeout=60_000)  # uploaded
    assert_fits(page)
    shot(page, "front-incident")
    page.get_by_role("button", name="上报", exact=True).tap()
    wait_for_app(page)
    done = page.get_by_test_id("stAlertContentSuccess").filter(has_text="附照片 1 张")
    done.first.wait_for(state="visible", timeout=60_000)
    code = re.search(r"事件 (\S+)，", done.first.inner_text()).group(1)  # type: ignore[union-attr]
    with session_scope(own_server.db_url) as s:
        rows = s.execute(select(orm.Incident.id, orm.Incident.lon, orm.Incident.lat, orm.Incident.grid_id).where(
            orm.Incident.description == "隔离户擅自下楼，已劝返")).all()
        photo = s.scalar(select(orm.IncidentPhoto.data).where(orm.IncidentPhoto.incident_id == rows[0].id))
        audit = s.scalar(select(orm.AuditLog.after).where(orm.AuditLog.entity_id == code,
                                                          orm.AuditLog.action == "incident.report"))
    assert len(rows) == 1 and rows[0].grid_id == grid_id  # once, in my grid
    assert (rows[0].lon, rows[0].lat) != pytest.approx(centre) and abs(rows[0].lon - centre[0]) < 0.02
    assert audit["located"] == "map"
    assert photo is not None and not Image.open(io.BytesIO(photo)).getexif() and b"PhoneMaker" not in photo

    # checkpoint duty: sign in with the phone's location, register a visitor
    page.goto(f"{own_server.url}/mine")
    wait_for_app(page)
    open_front(page, "卡点值守")
    page.get_by_role("button", name="📍 使用当前位置").tap()
    page.get_by_text("已获取手机位置").first.wait_for(state="visible", timeout=60_000)
    page.get_by_role("button", name="签到上岗").tap()
    wait_for_app(page)
    page.get_by_text("签到时距卡点").first.wait_for(state="visible", timeout=60_000)
    page.get_by_label("从哪里来").fill("江岸区")
    page.get_by_label("事由").fill("探望老人")
    page.get_by_label("姓名").fill("吴来访")
    page.get_by_label("联系电话（可选）").fill("13900002222")
    page.get_by_role("button", name="登记", exact=True).tap()
    wait_for_app(page)
    page.get_by_test_id("stAlertContentSuccess").filter(has_text="已登记").first.wait_for(state="visible",
                                                                                          timeout=60_000)
    page.get_by_text("吴来访").first.wait_for(state="visible", timeout=60_000)  # my own line, in full
    assert_fits(page)
    shot(page, "front-checkpoint")
    with session_scope(own_server.db_url) as s:
        metres = s.scalar(select(orm.DutyShift.start_distance_m).where(orm.DutyShift.username == "wangge"))
        lines = s.scalar(select(func.count()).select_from(orm.GateEntry).where(orm.GateEntry.entered_by == "wangge"))
        logged = json.dumps(list(s.scalars(select(orm.AuditLog.after).where(orm.AuditLog.actor == "wangge"))),
                            ensure_ascii=False)
    assert metres is not None and 20 < metres < 50 and lines == 1  # 0.0003° of longitude ≈ 29 m here
    assert "吴来访" not in logged and "13900002222" not in logged

    # the coordinator's desk at its next refresh: the shift, the register line, the incident with its photo
    try:
        assert duty_metrics(desk, own_server.url) == (on_duty_before + 1, lines_before + 1)
        desk.get_by_role("heading", name="正在值守", exact=True).wait_for(state="visible", timeout=60_000)
        desk.get_by_role("tabpanel", name="卡点值守").get_by_test_id("stDataFrame").first.wait_for(
            state="visible", timeout=60_000)
        desk.screenshot(path=str(OUT / "desk-checkpoints.png"))
        desk.goto(f"{own_server.url}/incidents")
        wait_for_app(desk)
        desk.get_by_label("按事件编号查找").fill(code)
        desk.get_by_label("按事件编号查找").press("Enter")
        desk.get_by_role("heading", name=f"事件 {code}").wait_for(state="visible", timeout=60_000)
        caption = desk.get_by_text("现场照片").first
        caption.wait_for(state="visible", timeout=60_000)
        desk.get_by_test_id("stImage").first.scroll_into_view_if_needed()
        desk.screenshot(path=str(OUT / "desk-incident-photo.png"))
    finally:
        ctx.close()
