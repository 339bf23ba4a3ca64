"""The daily briefing on both databases: its figures are the gap engine's, its files open and read in
Chinese with no personal data, and its sign-off freezes what was signed (a correction is a new version)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import DBAPIError

from core.model.actor import Actor
from core.model.errors import InvalidInput, PermissionDenied
from core.model.gaps import compute_gaps
from core.services import clock
from core.services.norms import norms_for_day
from core.services.reports import archive
from core.services.reports.content import build_content
from core.services.staffing import load_state
from core.services.uow import unit_of_work
from core.storage.rows import AuditLog, DailyReport, IsolatedHousehold, Staff

CLERK = Actor("clerk1", "李填报", frozenset({"coordinator"}))
LEADER = Actor("leader1", "张签发", frozenset({"leader"}))
STREET_CLERK = Actor("clerk2", "周街道", frozenset({"coordinator"}), streets=frozenset({"420102001"}))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots" / "issue19"


def squash(s: str) -> str:
    return re.sub(r"[\s\x00]+", "", s)


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return squash("".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return squash("".join(parts))


def personal_data(url: str) -> list[str]:
    """Names and phones of staff and of isolated households' heads (what must never be printed)."""
    with unit_of_work(url) as uow:
        s = uow.session
        names = [n for (n,) in s.execute(select(Staff.name).limit(400)) if n and len(n) >= 2]
        phones = [p for (p,) in s.execute(select(Staff.phone).where(Staff.phone.is_not(None)).limit(400))]
        heads = [n for (n,) in s.execute(select(IsolatedHousehold.head_name).limit(200)) if n and len(n) >= 2]
    return names + phones + heads


def test_the_figures_are_the_gap_engines_and_both_files_say_them_in_chinese(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        day = clock.reference_day(uow)
        content = build_content(uow)
        res = compute_gaps(load_state(uow), norms_for_day(uow, day))
        street = uow.tables.streets().iloc[0]
        by_street = build_content(uow, street_code=str(street["code"]), pictures=False)
    f = content["figures"]
    assert f["shortage"]["value"] == res.district["shortage"]
    assert f["short_communities"]["value"] == res.district["short_communities"]
    assert f["communities"]["value"] == res.district["communities"]
    assert f["population"]["value"] == res.district["population"]
    assert f["grid_coverage"]["value"] == round(res.coverage["grid_coverage"], 1)
    assert f["unstaffed_shifts"]["value"] == res.district["checkpoint_shifts"] - res.district["checkpoint_shifts_staffed"]
    assert f["volunteers_on_duty"]["value"] == res.district["volunteers_on_duty"]
    top = res.community.sort_values(["shortage", "code"], ascending=[False, True]).head(10)
    assert [r["community"] for r in content["shortest"]] == list(top["name"])
    mine = res.community[res.community["street_code"] == street["code"]]
    assert by_street["figures"]["shortage"]["value"] == int(mine["shortage"].sum())
    assert by_street["scope_name"] == street["name"]
    # yesterday is the dated history's day before, as the gap engine rebuilds it
    with unit_of_work(demo_db) as uow:
        before = compute_gaps(load_state(uow, day - dt.timedelta(days=1)), norms_for_day(uow, day - dt.timedelta(days=1)))
    assert f["shortage"]["previous"] == before.district["shortage"]

    with unit_of_work(demo_db) as uow:
        pdf = archive.render_live(uow, None, None, "pdf")
        docx = archive.render_live(uow, None, None, "docx")
    assert pdf[:5] == b"%PDF-" and docx[:2] == b"PK"
    shortage = f"{res.district['shortage']:,}"
    headline = f"{day.month}月{day.day}日"
    for words in (pdf_text(pdf), docx_text(docx)):
        assert f"全区缺员{shortage}人" in words
        assert words.count("截至") >= 1 and headline in words
        assert "缺员最多的社区" in words and str(top.iloc[0]["name"]) in words
        assert "填报人：（未提交）" in words
        leaked = [p for p in personal_data(demo_db) if squash(p) in words]
        assert leaked == []

    import pypdfium2 as pdfium

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) >= 2
    for i in range(len(doc)):
        image = doc[i].render(scale=1.2).to_pil()
        assert image.convert("L").getextrema()[0] < 100  # ink on the page, not a blank
        image.save(ARTIFACTS / f"report-page{i + 1}-{demo_db.split(':', 1)[0]}.png")
    size = doc[0].get_size()
    doc.close()
    assert size == pytest.approx((595.3, 841.9), abs=1)  # A4, in points


def _sign_through(url: str) -> int:
    with unit_of_work(url) as uow:
        rid = archive.draft_report(uow, CLERK)
    with unit_of_work(url) as uow:
        archive.submit_report(uow, CLERK, rid)
    with unit_of_work(url) as uow:
        archive.sign_report(uow, LEADER, rid)
    return rid


def test_a_signed_report_is_frozen_and_a_correction_is_a_new_version(demo_db: str) -> None:
    with unit_of_work(demo_db) as uow:
        rid = archive.draft_report(uow, CLERK)
    with unit_of_work(demo_db) as uow:  # drafting again reads the figures again into the same draft
        assert archive.draft_report(uow, CLERK) == rid
    with pytest.raises(InvalidInput, match="report.not_submitted"), unit_of_work(demo_db) as uow:
        archive.sign_report(uow, LEADER, rid)
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        archive.submit_report(uow, LEADER, rid)  # a leader signs; a 填报人 submits
    with unit_of_work(demo_db) as uow:
        archive.submit_report(uow, CLERK, rid)
    with pytest.raises(InvalidInput, match="report.not_draft"), unit_of_work(demo_db) as uow:
        archive.submit_report(uow, CLERK, rid)
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        archive.sign_report(uow, CLERK, rid)
    both = Actor("both", "两职", frozenset({"leader", "coordinator"}))
    with unit_of_work(demo_db) as uow:
        rid2 = archive.draft_report(uow, both, street_code="420102001")
        archive.submit_report(uow, both, rid2)
    with pytest.raises(InvalidInput, match="report.sign_own"), unit_of_work(demo_db) as uow:
        archive.sign_report(uow, both, rid2)
    with unit_of_work(demo_db) as uow:
        hashes = archive.sign_report(uow, LEADER, rid)

    with unit_of_work(demo_db) as uow:
        row = uow.reports.get(rid)
        assert row.status == "signed" and row.signed_name == "张签发" and row.submitted_name == "李填报"
        assert hashlib.sha256(row.pdf).hexdigest() == hashes["pdf_sha256"] == row.pdf_sha256
        assert hashlib.sha256(row.docx).hexdigest() == row.docx_sha256
        stored = archive.report_file(uow, rid, "pdf")
        audited = [a for (a,) in uow.session.execute(select(AuditLog.action).where(AuditLog.entity == "daily_report",
                                                                                      AuditLog.entity_id == str(rid)))]
    assert stored == row.pdf  # the signed file is the stored one, byte for byte
    words = pdf_text(stored)
    assert "签发人：张签发" in words and "填报人：李填报" in words and "草稿" not in words
    assert audited == ["report.draft", "report.refresh", "report.submit", "report.sign"]

    # frozen: the service refuses, and so does the database itself
    with pytest.raises(InvalidInput, match="report.signed_frozen"), unit_of_work(demo_db) as uow:
        archive.sign_report(uow, LEADER, rid)
    for stmt in (update(DailyReport).where(DailyReport.id == rid).values(content={}),
                 text("DELETE FROM daily_report WHERE id = :id").bindparams(id=rid)):
        with pytest.raises(DBAPIError), unit_of_work(demo_db) as uow:
            uow.session.execute(stmt)
    with unit_of_work(demo_db) as uow:
        assert uow.reports.get(rid).pdf_sha256 == hashes["pdf_sha256"]

    # a correction: drafting the same day again makes version 2, the signed version stays
    with unit_of_work(demo_db) as uow:
        rid3 = archive.draft_report(uow, CLERK)
        rows = archive.archive(uow, LEADER)
    assert rid3 != rid
    mine = rows[rows["scope"] == "district"].sort_values("version")
    assert list(mine["version"]) == [1, 2] and list(mine["status"]) == ["signed", "draft"]
    assert list(mine["signed_by"].fillna("")) == ["leader1", ""]


def test_a_street_account_reports_on_its_street_only(demo_db: str) -> None:
    with pytest.raises(PermissionDenied), unit_of_work(demo_db) as uow:
        archive.draft_report(uow, STREET_CLERK)  # the district's report is not its own
    with unit_of_work(demo_db) as uow:
        rid = archive.draft_report(uow, STREET_CLERK, street_code="420102001")
        archive.draft_report(uow, CLERK, street_code="420102002")
        seen = archive.archive(uow, STREET_CLERK)
    assert list(seen["scope"]) == ["420102001"] and int(seen.iloc[0]["id"]) == rid
    with pytest.raises(InvalidInput, match="report.street_unknown"), unit_of_work(demo_db) as uow:
        archive.draft_report(uow, CLERK, street_code="999")


def test_the_scheduled_draft_runs_once_from_its_time(demo_sqlite: str) -> None:
    from core.model.actor import SYSTEM

    with unit_of_work(demo_sqlite) as uow:
        archive.set_schedule(uow, Actor("a", "管理", frozenset({"admin"})), "18:30")
        day = clock.reference_day(uow)
        early = dt.datetime.combine(day, dt.time(18, 29))
        assert archive.draft_when_due(uow, SYSTEM, early) == 0
        late = dt.datetime.combine(day, dt.time(18, 30))
        assert archive.draft_when_due(uow, SYSTEM, late) == 1
        assert archive.draft_when_due(uow, SYSTEM, late + dt.timedelta(hours=1)) == 0
        assert len(uow.reports.versions(day)) == 1
    with pytest.raises(InvalidInput, match="report.schedule_invalid"), unit_of_work(demo_sqlite) as uow:
        archive.set_schedule(uow, Actor("a", "管理", frozenset({"admin"})), "25:99")


def test_the_report_job_drafts_through_the_job_lock_once(demo_db: str) -> None:
    from core.services import jobs

    job = jobs.job_named("report.draft")
    with unit_of_work(demo_db) as uow:
        now = dt.datetime.combine(clock.reference_day(uow), dt.time(18, 5))
        first = jobs.run_job(uow, job, now=now)
    with unit_of_work(demo_db) as uow:
        again = jobs.run_job(uow, job, now=now + dt.timedelta(minutes=1))
        later = jobs.run_job(uow, job, now=now + dt.timedelta(minutes=20))
        rows = uow.reports.versions()
    assert (first.status, first.summary) == ("ok", "drafted=1")
    assert again.status == "not_due" and (later.status, later.summary) == ("ok", "drafted=0")
    assert list(rows["created_by"]) == ["system"] and list(rows["status"]) == ["draft"]


def test_the_scheduled_draft_waits_for_a_district_with_communities(empty_sqlite: str) -> None:
    from core.model.actor import SYSTEM
    from core.storage.db import migrate

    migrate(empty_sqlite)
    with unit_of_work(empty_sqlite) as uow:
        assert archive.draft_when_due(uow, SYSTEM, dt.datetime(2026, 12, 3, 23, 0)) == 0
        assert uow.reports.versions().empty
