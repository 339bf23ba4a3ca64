"""The sign-off of the daily briefing: a 填报人 drafts the day's report (its figures read and kept) and
submits it, a 签发人 signs it; signing stores the final PDF and Word files with their SHA-256 and the
report is frozen (the database refuses any change to a signed row). A correction after signing is a
new version of the same day and scope. Every step is audited and checks its role here, in core."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd

from core.model.actor import Actor, require, write_service
from core.model.errors import InvalidInput
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.reports.content import DISTRICT, build_content, scope_of
from core.services.reports.docx import render_docx
from core.services.reports.layout import SignOff, layout
from core.services.reports.pdf import render_pdf
from core.services.uow import UnitOfWork

#: who fills a report in (填报人) and who signs it (签发人)
FILL_ROLES = ("coordinator", "clerk", "admin")
SIGN_ROLES = ("leader",)
FORMATS = ("pdf", "docx")
SCHEDULE_KEY = "report.daily_at"
DEFAULT_SCHEDULE = "18:00"


def _street_of(scope: str) -> str | None:
    return None if scope == DISTRICT else scope


def _check_scope(actor: Actor, street_code: str | None) -> None:
    require(actor, streets=[street_code] if street_code else [None])


def sign_off(row: Any) -> SignOff:
    return SignOff(version=row.version, status=row.status, submitted_name=row.submitted_name,
                   submitted_at=row.submitted_at, signed_name=row.signed_name, signed_at=row.signed_at)


def _locked(uow: UnitOfWork, report_id: int) -> Any:
    row = uow.reports.get(report_id, lock=True)
    if row is None:
        raise InvalidInput("report.not_found", report=report_id)
    return row


@write_service(*FILL_ROLES)
def draft_report(uow: UnitOfWork, actor: Actor, day: dt.date | None = None, street_code: str | None = None) -> int:
    """The report of ``day`` (the clock's day by default) for the district or a street, drafted or its
    draft read again; after a submission or signature, a new version. Returns its id."""
    _check_scope(actor, street_code)
    scope, _ = scope_of(uow, street_code)
    day = day or clock.reference_day(uow)
    content = build_content(uow, day, street_code)
    latest = uow.reports.latest(day, scope, lock=True)
    batch = new_batch_id()
    if latest is not None and latest.status == "draft":
        uow.reports.set_fields(latest.id, content=content, created_at=clock.exact_now(), created_by=actor.username)
        record(uow, actor, "report.refresh", "daily_report", latest.id,
               after={"day": day.isoformat(), "scope": scope, "version": latest.version}, batch_id=batch)
        return int(latest.id)
    version = 1 if latest is None else int(latest.version) + 1
    row = uow.reports.add(day=day, scope=scope, version=version, status="draft", content=content,
                          created_at=clock.exact_now(), created_by=actor.username)
    record(uow, actor, "report.draft", "daily_report", row.id,
           after={"day": day.isoformat(), "scope": scope, "version": version}, batch_id=batch)
    return int(row.id)


@write_service(*FILL_ROLES)
def submit_report(uow: UnitOfWork, actor: Actor, report_id: int) -> None:
    """The 填报人 submits a draft: its figures are fixed from now on."""
    row = _locked(uow, report_id)
    _check_scope(actor, _street_of(row.scope))
    if row.status != "draft":
        raise InvalidInput("report.not_draft")
    uow.reports.set_fields(row.id, status="submitted", submitted_at=clock.exact_now(), submitted_by=actor.username,
                           submitted_name=actor.display_name or actor.username)
    record(uow, actor, "report.submit", "daily_report", row.id, before={"status": "draft"},
           after={"status": "submitted", "day": row.day.isoformat(), "scope": row.scope, "version": row.version},
           batch_id=new_batch_id())


@write_service(*SIGN_ROLES)
def sign_report(uow: UnitOfWork, actor: Actor, report_id: int) -> dict[str, str]:
    """The 签发人 signs a submitted report: the PDF and Word files are made, stored with their SHA-256,
    and the report is frozen. Returns the two hashes."""
    row = _locked(uow, report_id)
    _check_scope(actor, _street_of(row.scope))
    if row.status == "signed":
        raise InvalidInput("report.signed_frozen")
    if row.status != "submitted":
        raise InvalidInput("report.not_submitted")
    if row.submitted_by == actor.username:
        raise InvalidInput("report.sign_own")
    at = clock.exact_now()
    sign = SignOff(version=row.version, status="signed", submitted_name=row.submitted_name,
                   submitted_at=row.submitted_at, signed_name=actor.display_name or actor.username, signed_at=at)
    doc = layout(row.content, sign, "zh")
    pdf, docx = render_pdf(doc), render_docx(doc)
    hashes = {"pdf_sha256": hashlib.sha256(pdf).hexdigest(), "docx_sha256": hashlib.sha256(docx).hexdigest()}
    uow.reports.set_fields(row.id, status="signed", signed_at=at, signed_by=actor.username,
                           signed_name=sign.signed_name, pdf=pdf, docx=docx, **hashes)
    record(uow, actor, "report.sign", "daily_report", row.id, before={"status": "submitted"},
           after={"status": "signed", "day": row.day.isoformat(), "scope": row.scope, "version": row.version,
                  **hashes}, batch_id=new_batch_id())
    return hashes


def report_file(uow: UnitOfWork, report_id: int, fmt: str, lang: str = "zh") -> bytes:
    """A report's file: the stored one once signed (in Chinese, as signed), else drawn from its kept figures."""
    if fmt not in FORMATS:
        raise InvalidInput("report.format_unknown", format=fmt)
    row = uow.reports.get(report_id)
    if row is None:
        raise InvalidInput("report.not_found", report=report_id)
    if row.status == "signed" and lang == "zh":
        stored = row.pdf if fmt == "pdf" else row.docx
        if stored is not None:
            return bytes(stored)
    doc = layout(row.content, sign_off(row), lang)
    return render_pdf(doc) if fmt == "pdf" else render_docx(doc)


def render_live(uow: UnitOfWork, day: dt.date | None, street_code: str | None, fmt: str, lang: str = "zh") -> bytes:
    """A report drawn from the figures now, stored nowhere (``fangxian report daily``, a preview)."""
    if fmt not in FORMATS:
        raise InvalidInput("report.format_unknown", format=fmt)
    doc = layout(build_content(uow, day, street_code, lang), SignOff(), lang)
    return render_pdf(doc) if fmt == "pdf" else render_docx(doc)


def archive(uow: UnitOfWork, actor: Actor, day: dt.date | None = None) -> pd.DataFrame:
    """Every version of every report the account may see (its streets' and, district-wide, the
    district's), newest first, without the files."""
    require(actor, "leader", *FILL_ROLES, "planner")
    rows = uow.reports.versions(day)
    if actor.streets is not None:
        rows = rows[rows["scope"].isin(sorted(actor.streets))]
    return rows.reset_index(drop=True)


def streets(uow: UnitOfWork) -> pd.DataFrame:
    """The streets a report can be made for: code and name."""
    return uow.tables.streets()[["code", "name"]]


def content_of(uow: UnitOfWork, report_id: int) -> tuple[dict[str, Any], SignOff]:
    row = uow.reports.get(report_id)
    if row is None:
        raise InvalidInput("report.not_found", report=report_id)
    return row.content, sign_off(row)


# --- the scheduled draft -------------------------------------------------------------------------


def schedule(uow: UnitOfWork) -> dt.time | None:
    """The district time of day the day's district report is drafted by itself (None: off)."""
    return parse_schedule(uow.meta.get(SCHEDULE_KEY) or DEFAULT_SCHEDULE)


def parse_schedule(value: str) -> dt.time | None:
    value = value.strip()
    if value.lower() in ("off", "none", ""):
        return None
    try:
        hours, minutes = value.split(":")
        return dt.time(int(hours), int(minutes))
    except ValueError:
        raise InvalidInput("report.schedule_invalid", value=value) from None


@write_service("admin")
def set_schedule(uow: UnitOfWork, actor: Actor, value: str) -> None:
    at = parse_schedule(value)
    before = uow.meta.get(SCHEDULE_KEY) or DEFAULT_SCHEDULE
    after = "off" if at is None else at.strftime("%H:%M")
    uow.meta.set(SCHEDULE_KEY, after)
    record(uow, actor, "report.schedule", "setting", SCHEDULE_KEY, before={"daily_at": before},
           after={"daily_at": after}, batch_id=new_batch_id())


def draft_when_due(uow: UnitOfWork, actor: Actor, now: dt.datetime) -> int:
    """The job: from the scheduled time on, draft the day's district report once (nothing when one of
    that day exists already, whatever its state). Returns how many it drafted."""
    at = schedule(uow)
    if at is None or now.time() < at:
        return 0
    day = clock.reference_day(uow)
    if uow.reports.latest(day, DISTRICT) is not None or uow.tables.communities().empty:
        return 0  # done today already, or a district with nothing loaded yet (nothing to report)
    draft_report(uow, actor, day)
    return 1
