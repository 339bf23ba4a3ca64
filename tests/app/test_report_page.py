"""每日报告 in AppTest on the demo: the preview and both downloads before any draft; a coordinator drafts and
submits, the leader signs (the archive shows who did which), and a planner only reads."""

from __future__ import annotations

from collections.abc import Callable

from streamlit.testing.v1 import AppTest

from dashboard.i18n import t
from tests.app.conftest import open_page

PAGE = "app_pages/daily_report.py"


def _click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    return at


def test_a_coordinator_drafts_and_submits_and_the_leader_signs(app: Callable[..., AppTest]) -> None:
    at = open_page(app, PAGE, user="coordinator")
    assert any(t("reportpage.state.none") in i.value for i in at.info)
    assert any("全区缺员" in m.value for m in at.markdown)  # the rule-made paragraph, previewed
    assert at.get("download_button") and len(at.get("download_button")) == 2
    _click(at, "report_draft")
    at = open_page(app, PAGE, user="coordinator")
    assert any("第 1 版" in w.value and t("report.status.draft") in w.value for w in at.warning)
    _click(at, "report_submit")
    from dashboard import cache

    cache.data_version.clear()
    leader = open_page(app, PAGE, user="leader")
    assert not [b for b in leader.button if b.key == "report_draft"]  # a leader signs, it does not fill in
    _click(leader, "report_sign")
    cache.data_version.clear()
    leader = open_page(app, PAGE, user="leader")
    assert any(t("report.status.signed") in s.value for s in leader.success)
    archive = leader.dataframe[-1].value
    assert list(archive[t("reportpage.col.status")]) == [t("report.status.signed")]
    assert archive[t("reportpage.col.signed")].iloc[0] != "—" and archive[t("reportpage.col.filled")].iloc[0] != "—"


def test_a_planner_reads_the_report_without_any_write_button(app: Callable[..., AppTest]) -> None:
    at = open_page(app, PAGE, user="planner")
    keys = {b.key for b in at.button}
    assert not keys & {"report_draft", "report_submit", "report_sign"}
    assert len(at.get("download_button")) == 2
