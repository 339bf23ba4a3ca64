"""每日报告: the day's briefing for the district or a street — preview, PDF and Word downloads, drafted and
submitted by a 填报人 (coordinator, clerk), signed by a 签发人 (leader), every version in the archive."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.services.reports import archive as report_service
from core.services.reports.layout import SignOff, layout
from dashboard import auth, cache, feedback, state_keys
from dashboard.i18n import current_lang as lang
from dashboard.i18n import t
from dashboard.panels.components import choose, missing_data

actor = auth.guard("leader", "coordinator", "clerk", "admin", "planner")
can_fill = actor.has(*report_service.FILL_ROLES)
can_sign = actor.has(*report_service.SIGN_ROLES)

st.title(t("reportpage.title"))
st.caption(t("reportpage.caption"))
feedback.show_flash(state_keys.REPORT_FLASH)
if missing_data(["communities"], key="report"):
    st.stop()

today = cache.reference_now().date()
street_rows = cache.report_streets()
scopes = ([] if actor.streets is not None else [""]) + [c for c in street_rows["code"] if actor.in_scope(c)]
names = dict(zip(street_rows["code"], street_rows["name"], strict=True))
c1, c2, _ = st.columns([1, 1.4, 2])
day = c1.date_input(t("reportpage.day"), value=today, max_value=today, key="report_day")
scope = c2.selectbox(t("reportpage.scope"), scopes, index=0, placeholder=choose(), key="report_scope",
                     format_func=lambda c: t("reportpage.scope.district") if not c else names.get(c, c))
if scope is None:
    st.stop()
scope_key = scope or "district"
tab_today, tab_archive = st.tabs([t("reportpage.tab.today"), t("reportpage.tab.archive")])

rows = cache.report_archive(actor)
mine = rows[(pd.to_datetime(rows["day"]).dt.date == day) & (rows["scope"] == scope_key)] if len(rows) else rows
latest = mine.sort_values("version").iloc[-1] if len(mine) else None


def _write(action, done_key: str) -> None:  # type: ignore[no-untyped-def]
    try:
        with cache.write() as uow:
            action(uow)
    except FangxianError as exc:
        feedback.show_error(exc)
    else:
        feedback.finish_write(state_keys.REPORT_FLASH, t(done_key))


with tab_today:
    status = "none" if latest is None else str(latest["status"])
    if latest is None:
        st.info(t("reportpage.state.none"), icon="📝")
    else:
        who = t("reportpage.state.line", version=int(latest["version"]), status=t(f"report.status.{status}"),
                filled=latest["submitted_name"] or "—", signed=latest["signed_name"] or "—")
        (st.success if status == "signed" else st.warning)(who, icon="🖋️" if status == "signed" else "📝")
    show_draft = can_fill
    show_submit = can_fill and status == "draft"
    show_sign = can_sign and status == "submitted"
    cols = iter(st.columns([1.2] * (show_draft + show_submit + show_sign + 2) + [3]))
    if show_draft:
        label = "reportpage.draft" if status in ("none", "draft") else "reportpage.correct"
        if next(cols).button(t(label), key="report_draft", type="primary" if status == "none" else "secondary"):
            _write(lambda uow: report_service.draft_report(uow, actor, day, scope or None), "reportpage.drafted")
    if show_submit and next(cols).button(t("reportpage.submit"), key="report_submit", type="primary"):
        _write(lambda uow: report_service.submit_report(uow, actor, int(latest["id"])), "reportpage.submitted")
    if show_sign and next(cols).button(t("reportpage.sign"), key="report_sign", type="primary"):
        _write(lambda uow: report_service.sign_report(uow, actor, int(latest["id"])), "reportpage.signed")
    b4, b5 = next(cols), next(cols)

    try:  # a report that cannot be made (its font missing, a street gone) is one line, not a framework box
        if latest is not None:
            content, sign = cache.report_stored(int(latest["id"]))
            pdf = cache.report_file(int(latest["id"]), "pdf", lang())
            docx = cache.report_file(int(latest["id"]), "docx", lang())
        else:
            content, sign = cache.report_live(day, scope or None, lang(), True), SignOff()
            pdf = cache.report_live_file(day, scope or None, "pdf", lang())
            docx = cache.report_live_file(day, scope or None, "docx", lang())
            st.caption(t("reportpage.live_note"))
    except FangxianError as exc:
        feedback.show_error(exc)
        st.stop()
    stem = f"{t('reportpage.file')}-{scope_key}-{day.isoformat()}"
    b4.download_button(t("reportpage.pdf"), pdf, file_name=f"{stem}.pdf", mime="application/pdf", key="report_pdf",
                       icon="⬇️", on_click="ignore")
    b5.download_button(t("reportpage.docx"), docx, file_name=f"{stem}.docx", key="report_docx", icon="⬇️",
                       on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    if latest is not None and status == "signed":
        st.caption(t("reportpage.hash", pdf=str(latest["pdf_sha256"])[:16], docx=str(latest["docx_sha256"])[:16]))

    doc = layout(content, sign, lang())
    with st.container(border=True, key="fx-report-preview"):
        for blk in doc.blocks:
            if blk.kind == "title":
                st.subheader(blk.text)
            elif blk.kind in ("subtitle", "note"):
                st.caption(blk.text)
            elif blk.kind == "mark":
                st.markdown(f":red[{auth.md_escape(blk.text)}]")
            elif blk.kind == "heading":
                st.markdown(f"**{auth.md_escape(blk.text)}**")
            elif blk.kind == "para":
                st.write(auth.md_escape(blk.text))
            elif blk.kind == "table":
                st.dataframe(pd.DataFrame(list(blk.rows), columns=list(blk.header)), hide_index=True, width="stretch")
            elif blk.kind == "image" and blk.image:
                st.image(blk.image, width=640)

with tab_archive:
    if not len(rows):
        st.info(t("reportpage.archive.none"))
    else:
        table = pd.DataFrame({
            t("reportpage.col.day"): pd.to_datetime(rows["day"]).dt.strftime("%Y-%m-%d"),
            t("reportpage.col.scope"): [t("reportpage.scope.district") if s == "district" else names.get(s, s)
                                        for s in rows["scope"]],
            t("reportpage.col.version"): rows["version"].astype(int),
            t("reportpage.col.status"): [t(f"report.status.{s}") for s in rows["status"]],
            t("reportpage.col.filled"): rows["submitted_name"].fillna("—"),
            t("reportpage.col.submitted_at"): pd.to_datetime(rows["submitted_at"]).dt.strftime("%m-%d %H:%M").fillna("—"),
            t("reportpage.col.signed"): rows["signed_name"].fillna("—"),
            t("reportpage.col.signed_at"): pd.to_datetime(rows["signed_at"]).dt.strftime("%m-%d %H:%M").fillna("—"),
            t("reportpage.col.hash"): rows["pdf_sha256"].fillna("").str.slice(0, 12).replace("", "—"),
        })
        st.dataframe(table, hide_index=True, width="stretch")
        signed = rows[rows["status"] == "signed"]
        if len(signed):
            labels = {int(r.id): f"{pd.Timestamp(r.day).date()} · "
                                 f"{t('reportpage.scope.district') if r.scope == 'district' else names.get(r.scope, r.scope)}"
                                 f" · {t('report.version', version=int(r.version))}" for r in signed.itertuples()}
            pick = st.selectbox(t("reportpage.archive.pick"), list(labels), format_func=labels.get, index=None,
                                placeholder=choose(), key="report_archive_pick")
            if pick is not None:
                a1, a2 = st.columns(2)
                a1.download_button(t("reportpage.pdf"), cache.report_file(pick, "pdf", "zh"), key="report_arch_pdf",
                                   file_name=f"{t('reportpage.file')}-{pick}.pdf", mime="application/pdf", on_click="ignore")
                a2.download_button(t("reportpage.docx"), cache.report_file(pick, "docx", "zh"), key="report_arch_docx",
                                   file_name=f"{t('reportpage.file')}-{pick}.docx", on_click="ignore")

if actor.has("admin"):
    with st.expander(t("reportpage.schedule.title")):
        at = cache.report_schedule()
        with st.form("report_schedule"):
            value = st.text_input(t("reportpage.schedule.at"), value="" if at is None else at.strftime("%H:%M"),
                                  help=t("reportpage.schedule.help"), key="report_schedule_at")
            if st.form_submit_button(t("reportpage.schedule.save")):
                _write(lambda uow: report_service.set_schedule(uow, actor, value), "reportpage.schedule.saved")
