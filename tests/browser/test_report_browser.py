"""The daily briefing in a real Chromium: a coordinator drafts and submits the day's report on 每日报告, the
leader signs it, and the PDF downloaded from the page is the signed, archived file (its SHA-256 is the
one the page shows); screenshots of the page at 1920×1080."""

from __future__ import annotations

import hashlib

from core.services.uow import unit_of_work
from dashboard.i18n import t
from tests.browser.conftest import screenshot, sign_in, wait_for_app

PATH = "daily-report"


def _click(page, label: str) -> None:  # type: ignore[no-untyped-def]
    wait_for_app(page)
    page.get_by_role("button", name=label, exact=True).click()
    wait_for_app(page)


def test_a_report_is_drafted_submitted_signed_and_downloaded_as_signed(browser, own_server) -> None:  # type: ignore[no-untyped-def]
    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", accept_downloads=True)
    desk = ctx.new_page()
    sign_in(desk, own_server.url, "coordinator", path=PATH)
    desk.get_by_text(t("reportpage.state.none")).wait_for(timeout=90_000)
    desk.get_by_text("全区缺员").first.wait_for(timeout=90_000)  # the preview's paragraph
    desk.locator("[data-testid='stImage'] img").first.wait_for(timeout=90_000)  # the map, drawn offline
    screenshot(desk, "issue19/report-preview")
    _click(desk, t("reportpage.draft"))
    desk.get_by_text(t("reportpage.drafted")).wait_for(timeout=90_000)
    _click(desk, t("reportpage.submit"))
    desk.get_by_text(t("reportpage.submitted")).wait_for(timeout=90_000)
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN", accept_downloads=True)
    lead = ctx.new_page()
    sign_in(lead, own_server.url, "leader", path=PATH)
    _click(lead, t("reportpage.sign"))
    lead.get_by_text(t("reportpage.signed")).wait_for(timeout=90_000)
    wait_for_app(lead)
    screenshot(lead, "issue19/report-signed")
    with lead.expect_download(timeout=60_000) as dl:
        lead.get_by_role("button", name=t("reportpage.pdf")).first.click()
    data = open(dl.value.path(), "rb").read()
    ctx.close()
    with unit_of_work(own_server.db_url) as uow:
        rows = uow.reports.versions()
    assert list(rows["status"]) == ["signed"]
    assert data[:5] == b"%PDF-" and hashlib.sha256(data).hexdigest() == rows.iloc[0]["pdf_sha256"]
