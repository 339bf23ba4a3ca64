"""The audit page in a real browser at 1920×1080: after one move, the demo admin reads the action's
Chinese name, the person and communities by name, the changed fields and the operator's display name;
the reason column is on screen without scrolling; selecting the row shows its detail; English too."""

from __future__ import annotations

from core.model.actor import Actor
from tests.browser.conftest import choose_language, screenshot, sign_in, wait_for_app
from tests.storage.test_audit_report import _community_name, _staff
from tests.storage.test_reassign import _scenario, move

COORDINATOR = Actor("coordinator", "李调度", frozenset({"coordinator"}))
ROW_HEIGHT = 68  # dashboard/app_pages/audit.py


def _cells(page) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts of the table's cells (Streamlit mirrors the canvas grid in an accessible table)."""
    return [c.strip() for c in page.get_by_test_id("stDataFrame").first.locator("table td").all_text_contents()]


def _wait_for_cell(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stDataFrame").first.locator("table td", has_text=text).first.wait_for(
        state="attached", timeout=60_000)


def test_one_move_reads_as_words_on_the_audit_page(page, own_server, recorder) -> None:  # type: ignore[no-untyped-def]
    url = own_server.db_url
    s = _scenario(url)
    person = int(s["people"]["staff_id"].iat[0])
    move(url, COORDINATOR, [person], s["worst"], "支援缺员社区")
    donor, worst = _community_name(url, s["donor"]), _community_name(url, s["worst"])
    code, name = _staff(url, [person])[person]

    sign_in(page, own_server.url, "admin")
    page.get_by_test_id("stSidebarNav").get_by_text("审计日志", exact=True).click()
    wait_for_app(page)
    _wait_for_cell(page, "调动人员")
    cells = _cells(page)
    change = f"所在社区：{donor} → {worst}；调配方式：手动调配"
    for text in ("调动人员", "手动调配", "李调度（coordinator）", f"{name} {code}", change, "支援缺员社区", worst):
        assert text in cells, text
    assert not any(c in cells for c in ("staff.move", "move_batch", "coordinator")), "a raw code is on screen"

    # the reason column is within the viewport and the grid does not scroll sideways
    reason = page.get_by_test_id("stDataFrame").first.locator("table th", has_text="原因").first
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    assert grid is not None and grid["x"] + grid["width"] <= 1920
    assert page.get_by_test_id("stDataFrame").first.locator("table th").count() == 7
    assert reason.count() == 1
    scrolls_sideways = page.evaluate("""() => [...document.querySelectorAll("[data-testid='stDataFrame'] .dvn-scroller")]
        .some(el => el.scrollWidth > el.clientWidth + 1)""")
    assert scrolls_sideways is False
    screenshot(page, "issue15/audit-log-zh")

    # select the move's row: its detail lists each changed field
    row = cells.index(change) // 7
    page.mouse.click(grid["x"] + 12, grid["y"] + 36 + ROW_HEIGHT * row + ROW_HEIGHT / 2)
    heading = page.get_by_role("heading", name="变更明细")
    heading.wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    detail = page.get_by_test_id("stDataFrame").nth(1)
    detail.locator("table td", has_text="所在社区").first.wait_for(state="attached", timeout=30_000)
    texts = [c.strip() for c in detail.locator("table td").all_text_contents()]
    assert texts[:3] == ["所在社区", donor, worst]
    heading.scroll_into_view_if_needed()
    screenshot(page, "issue15/audit-detail-zh")

    choose_language(page, "en")
    page.get_by_role("heading", name="Audit log").wait_for(state="visible", timeout=60_000)
    wait_for_app(page)
    _wait_for_cell(page, "Person moved")
    cells = _cells(page)
    for text in ("Person moved", "Manual move", "李调度 (coordinator)", f"Community: {donor} → {worst}; How: manual move"):
        assert text in cells, text
    page.get_by_test_id("stMain").evaluate("el => el.scrollTo(0, 0)")
    screenshot(page, "issue15/audit-log-en")
    # the filters chosen in Chinese show in English (Streamlit keeps a choice as its text)
    shown = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").evaluate_all(
        "els => els.map(el => [el.textContent, ...[...el.querySelectorAll('input')].map(i => i.value)].join(' '))")
    assert len(shown) == 2 and all("All" in s and "全部" not in s for s in shown), shown
    assert recorder.page_errors == []
    assert recorder.external == []
