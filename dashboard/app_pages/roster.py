"""排班: a checkpoint's or a grid's week (shifts × days, taken / needed and who; empty shifts red), the district's empty
shifts of the next 24 / 72 hours, and filling one from the call-out list (rested people nearest first; a
fatigue limit needs a reason, which is audited); releasing a shift. Writes for coordinators and admins."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.model.privacy import mask_names
from core.model.roster_rules import FatigueLimits
from core.model.vocab import SKILLS
from core.services import roster_import, rosters
from dashboard import cache
from dashboard.auth import current_actor
from dashboard.feedback import finish_write, show_error, show_flash
from dashboard.i18n import current_lang as lang
from dashboard.i18n import label, t
from dashboard.panels.components import (
    choose,
    choose_many,
    file_uploader,
    fmt_int,
    joined,
    missing_data,
)

FLASH = "roster_flash"
actor = current_actor()
assert actor is not None
scope = None if actor.streets is None else tuple(sorted(actor.streets))
st.title(t("roster.title"))
st.caption(t("roster.caption"))
show_flash(FLASH)
if missing_data(["communities"], key="roster"):
    st.stop()
kind = st.radio(t("roster.kind"), list(rosters.POST_KINDS), horizontal=True, key="roster_kind",
                format_func=lambda k: t(f"roster.kind.{k}"))
posts = cache.roster_posts(scope, kind)
if posts.empty:
    missing_data(["checkpoints" if kind == "checkpoint" else "grids"], key="roster-posts")
    st.info(t(f"roster.no_posts.{kind}"))
    st.stop()
can_write = actor.has(*rosters.ROSTER_ROLES)

hours = st.radio(t("roster.window"), [24, 72], horizontal=True, format_func=lambda h: t("roster.next_hours", h=h),
                 key="roster_hours")
gaps = cache.roster_empty(int(hours), scope)
k = st.columns(3)
k[0].metric(t("roster.kpi.empty_shifts"), fmt_int(len(gaps)))
k[1].metric(t("roster.kpi.people_short"), fmt_int(int(gaps["empty"].sum()) if len(gaps) else 0))
k[2].metric(t(f"roster.kpi.posts.{kind}"), t("roster.kpi.posts_value", kept=fmt_int(int(posts["rostered"].sum())),
                                      n=fmt_int(len(posts))))
if not posts["rostered"].any():
    st.info(t(f"roster.none_rostered.{kind}"))

names = {int(r.id): f"{r.name}（{r.community}）" for r in posts.itertuples()}
cid = st.selectbox(t(f"roster.post.{kind}"), list(names), format_func=names.__getitem__, key=f"roster_post_{kind}",
                   placeholder=choose())
post_arg = {f"{kind}_id": int(cid)}  # the services name the post by its kind
now = cache.reference_now()
today = now.date()
start = st.date_input(t("roster.from"), value=today, key="roster_from", format="YYYY-MM-DD")
week = cache.roster_week(int(cid), start.isoformat(), 7, kind)
pat = cache.roster_pattern(**post_arg)
st.caption(t("roster.pattern", slots=joined(t("roster.slot_fmt", name=rosters.slot_label(s.name, lang()),
                                                 start=f"{s.start:%H:%M}", hours=f"{s.hours:g}") for s in pat.slots),
             n=pat.people_per_shift, source=t("roster.from_norms") if pat.from_norms else t("roster.own"))
           + (t("roster.skill_needed", skill=label("skill", pat.skill)) if pat.skill else ""))
grid = week.assign(day=pd.to_datetime(week["starts_at"]).dt.strftime("%m-%d"),
                   cell=[f"{a} / {n}" for a, n in zip(week["taken"], week["needed"], strict=True)])
table = grid.pivot_table(index="shift", columns="day", values="cell", aggfunc="first").reindex(
    [s.name for s in pat.slots])
short = grid.pivot_table(index="shift", columns="day", values="empty", aggfunc="first").reindex(table.index)
table.index = [rosters.slot_label(str(n), lang()) for n in table.index]
short.index = table.index
table.index.name = t("roster.col.shift")
st.dataframe(table.style.apply(lambda col: ["background-color: #fde2e1" if short.loc[i, col.name] > 0 else
                                            "background-color: #dcfce7" for i in col.index]),
             width="stretch")
st.caption(t("roster.legend"))
down, up = st.columns([1, 2], vertical_alignment="top")
post_code = str(posts.set_index("id").loc[int(cid), "code"])
down.download_button(t("roster.download"), cache.roster_workbook(int(cid), start.isoformat(), 7, lang(), kind),
                     file_name=f"{t('roster.file_name', code=post_code)}_{start:%Y%m%d}.xlsx", key="roster_download",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", icon=":material/download:")
if can_write:
    with up.expander(t("roster.upload")):
        st.caption(t("roster.upload_caption"))
        sheet = file_uploader(t("roster.upload_file"), ["xlsx", "csv", "json"], key="roster_upload")
        if sheet is not None and st.button(t("roster.upload_submit"), key="roster_upload_go", type="primary"):
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / Path(sheet.name).name  # the user's file name, for the messages
                path.write_bytes(sheet.getvalue())
                try:
                    with cache.write() as uow:  # one file, one transaction
                        done = roster_import.import_roster(uow, actor, path)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    finish_write(FLASH, t("roster.uploaded", added=fmt_int(done["added"]),
                                          unchanged=fmt_int(done["unchanged"])))
if can_write:
    with st.expander(t("roster.set_pattern")), st.form("roster_pattern"):
        choice = st.radio(t("roster.pattern_kind"), ["2x12", "3x8", "custom"], horizontal=True, key="roster_preset",
                          format_func=lambda c: t(f"roster.preset.{c}"))
        own = st.text_input(t("roster.custom"), key="roster_custom", placeholder=t("roster.custom_ph"))
        n_people = st.number_input(t("roster.people"), min_value=1, max_value=50, value=int(pat.people_per_shift),
                                   step=1, key="roster_people")
        skill_opts = ["", *SKILLS]
        skill = st.selectbox(t("roster.skill"), skill_opts, index=skill_opts.index(pat.skill) if pat.skill in skill_opts
                             else 0, key="roster_skill", placeholder=choose(),
                             format_func=lambda c: label("skill", c) if c else t("roster.skill_none"))
        why_p = st.text_input(t("roster.reason_pattern"), key="roster_pattern_reason", max_chars=200)
        if st.form_submit_button(t("roster.save_pattern")):
            try:
                with cache.write() as uow:
                    rosters.set_pattern(uow, actor, **post_arg, preset=None if choice == "custom" else choice,
                                        slots=own if choice == "custom" else None, people_per_shift=int(n_people),
                                        reason=why_p, skill=str(skill or ""))
            except FangxianError as exc:
                show_error(exc)
            else:
                finish_write(FLASH, t("roster.pattern_saved"))
    with st.expander(t("roster.exception")), st.form("roster_exception"):
        c1, c2 = st.columns(2)
        odd_day = c1.date_input(t("roster.exception_day"), value=today, key="roster_odd_day", format="YYYY-MM-DD")
        odd_n = c2.number_input(t("roster.exception_people"), 0, 50, int(pat.people_per_shift), 1, key="roster_odd_n")
        back = st.checkbox(t("roster.exception_back"), key="roster_odd_back")
        why_x = st.text_input(t("roster.exception_reason_label"), key="roster_odd_reason", max_chars=200)
        if st.form_submit_button(t("roster.exception_save")):
            try:
                with cache.write() as uow:
                    rosters.set_exception(uow, actor, post_arg.get("checkpoint_id"), odd_day,
                                          None if back else int(odd_n), why_x, grid_id=post_arg.get("grid_id"))
            except FangxianError as exc:
                show_error(exc)
            else:
                finish_write(FLASH, t("roster.exception_saved", day=f"{odd_day:%m-%d}"))

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("roster.fill"))
    if not can_write:
        st.info(t("roster.read_only"))
    else:
        open_ = week[(week["empty"] > 0) & (pd.to_datetime(week["ends_at"]) > pd.Timestamp(now))]  # not yet over
        if open_.empty:
            st.success(t("roster.week_full"))
        else:
            opts = list(range(len(open_)))
            pick = st.selectbox(t("roster.shift"), opts, key="roster_shift", placeholder=choose(), format_func=lambda i: (
                f"{pd.Timestamp(open_.iloc[i]['starts_at']):%m-%d %H:%M} "
                f"{rosters.slot_label(str(open_.iloc[i]['shift']), lang())} · "
                + t("roster.short_by", n=int(open_.iloc[i]["empty"]))))
            row = open_.iloc[int(pick)]
            day = pd.Timestamp(row["starts_at"]).date()
            called = cache.roster_call_out(int(cid), day.isoformat(), str(row["shift"]), kind)
            if called.empty:
                st.warning(t("roster.nobody"))
            else:
                who = called["name"] if actor.sees_personal_data else mask_names(called["name"])
                people = {int(s): f"{c} {n} · {label('kind', k)} · {km:.1f} {t('unit.km')} · "
                          f"{h:g} {t('unit.hours')}" + (f" · ⚠ {t('roster.tired')}" if tired else "")
                          for s, c, n, k, km, h, tired in zip(called["staff_id"], called["code"], who, called["kind"],
                                                              called["km"].fillna(0), called["hours_7d"],
                                                              called["tired"], strict=True)}
                with st.form("roster_assign"):
                    sid = st.selectbox(t("roster.person"), list(people), format_func=people.__getitem__,
                                       key="roster_person", placeholder=choose())
                    why = st.text_input(t("roster.reason"), key="roster_reason", max_chars=200)
                    if st.form_submit_button(t("roster.assign"), type="primary"):
                        try:
                            with cache.write() as uow:
                                res = rosters.assign(uow, actor, **post_arg, staff_id=int(sid), day=day,
                                                     shift=str(row["shift"]), override_reason=why)
                        except FangxianError as exc:
                            show_error(exc)
                        else:
                            finish_write(FLASH, t("roster.assigned", shift=rosters.slot_label(str(row["shift"]), lang()),
                                                  day=f"{day:%m-%d}") + (
                                t("roster.assigned_tired") if res.warnings else ""))
    if can_write:
        with st.expander(t("roster.range")), st.form("roster_range"):
            crew = cache.roster_crew(str(posts.set_index("id").loc[int(cid), "street_code"]))
            who = crew["name"] if actor.sees_personal_data else mask_names(crew["name"])
            crew_names = {int(s): f"{c} {n} · {label('kind', k)}"
                          for s, c, n, k in zip(crew["staff_id"], crew["code"], who, crew["kind"], strict=True)}
            teams = [st.multiselect(t("roster.team", team=t("roster.team_names")[i],
                                      shift=rosters.slot_label(slot.name, lang())),
                                    list(crew_names), format_func=crew_names.__getitem__, key=f"roster_team_{i}",
                                    placeholder=choose_many(), select_all=False)
                     for i, slot in enumerate(pat.slots[:3])]
            span = st.date_input(t("roster.range_span"), value=(today, today + pd.Timedelta(days=6)), key="roster_span",
                                 format="YYYY-MM-DD")
            rotate = st.number_input(t("roster.rotate"), 0, 31, 7, 1, key="roster_rotate")
            why_r = st.text_input(t("roster.reason"), key="roster_range_reason", max_chars=200)
            if st.form_submit_button(t("roster.range_submit"), type="primary"):
                first_day, last_day = (span[0], span[-1]) if isinstance(span, tuple) and span else (today, today)
                try:
                    with cache.write() as uow:
                        made = rosters.assign_range(uow, actor, **post_arg, teams=[x for x in teams if x],
                                                    first=first_day, last=last_day, rotate_days=int(rotate),
                                                    override_reason=why_r)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    finish_write(FLASH, t("roster.range_done", added=fmt_int(made.added),
                                          unchanged=fmt_int(made.unchanged), tired=fmt_int(made.over_limits)))
with right:
    st.subheader(t("roster.district_empty", h=hours))
    if gaps.empty:
        st.success(t("roster.none_empty"))
    else:
        st.dataframe(pd.DataFrame({
            t("roster.col.post_kind"): [t(f"roster.post.{k}") for k in gaps["kind"]],
            t("roster.col.post"): gaps["checkpoint"],
            t("col.community"): gaps["community"],
            t("roster.col.shift"): [rosters.slot_label(str(x), lang()) for x in gaps["shift"]],
            t("roster.col.starts"): pd.to_datetime(gaps["starts_at"]).dt.strftime("%m-%d %H:%M"),
            t("roster.col.short"): gaps["empty"]}).head(500), hide_index=True, width="stretch",
            height=min(360, 38 + 35 * min(len(gaps), 500)),
            column_config={t("roster.col.short"): st.column_config.NumberColumn(format=f"%d {t('unit.people')}")})
    taken = cache.roster_entries(int(cid), start.isoformat(), 7, kind)
    if can_write and len(taken):
        st.subheader(t("roster.release"))
        opts = {int(r.id): f"{pd.Timestamp(r.starts_at):%m-%d %H:%M} {rosters.slot_label(str(r.shift), lang())} · {r.code}"
                for r in taken.itertuples()}
        with st.form("roster_release"):
            eid = st.selectbox(t("roster.entry"), list(opts), format_func=opts.__getitem__, key="roster_entry",
                               placeholder=choose())
            why = st.text_input(t("roster.reason_release"), key="roster_release_reason", max_chars=200)
            if st.form_submit_button(t("roster.release_submit")):
                try:
                    with cache.write() as uow:
                        rosters.release(uow, actor, int(eid), reason=why)
                except FangxianError as exc:
                    show_error(exc)
                else:
                    finish_write(FLASH, t("roster.released"))

st.subheader(t("roster.long_haul"))
lim = cache.roster_limits()
st.caption(t("roster.long_haul_caption") + " " + t("roster.limits_now", day=f"{lim.max_hours_day:g}",
                                                   week=f"{lim.max_hours_week:g}", row=lim.max_consecutive_days,
                                                   rest=f"{lim.min_rest_hours:g}"))
if actor.has("admin"):
    with st.expander(t("roster.limits_edit")), st.form("roster_limits"):
        c = st.columns(4)
        day_h = c[0].number_input(t("roster.lim.day"), 1.0, 24.0, float(lim.max_hours_day), 0.5, key="lim_day")
        week_h = c[1].number_input(t("roster.lim.week"), 1.0, 168.0, float(lim.max_hours_week), 1.0, key="lim_week")
        row_d = c[2].number_input(t("roster.lim.row"), 1, 60, int(lim.max_consecutive_days), 1, key="lim_row")
        rest_h = c[3].number_input(t("roster.lim.rest"), 0.0, 24.0, float(lim.min_rest_hours), 0.5, key="lim_rest")
        why_l = st.text_input(t("roster.reason_limits"), key="lim_reason", max_chars=200)
        if st.form_submit_button(t("roster.limits_save")):
            try:
                with cache.write() as uow:
                    rosters.set_limits(uow, actor, FatigueLimits(float(day_h), float(week_h), int(row_d), float(rest_h)),
                                       reason=why_l)
            except FangxianError as exc:
                show_error(exc)
            else:
                finish_write(FLASH, t("roster.limits_saved"))
tired = cache.roster_long_haul(scope)
if tired.empty:
    st.success(t("roster.long_haul_none"))
else:
    st.dataframe(pd.DataFrame({
        t("roster.col.code"): tired["code"],
        t("roster.col.name"): tired["name"] if actor.sees_personal_data else mask_names(tired["name"]),
        t("roster.col.kind"): [label("kind", k) for k in tired["kind"]], t("col.community"): tired["community"],
        t("roster.col.today"): tired["hours_today"], t("roster.col.week"): tired["hours_7d"],
        t("roster.col.row"): tired["days_in_row"],
        t("roster.col.limits"): [joined(t(f"roster.over.{k}") for k in ks) for ks in tired["limits"]]}),
        hide_index=True, width="stretch", column_config={
            t("roster.col.today"): st.column_config.NumberColumn(format=f"%.1f {t('unit.hours')}"),
            t("roster.col.week"): st.column_config.NumberColumn(format=f"%.1f {t('unit.hours')}"),
            t("roster.col.row"): st.column_config.NumberColumn(format=f"%d {t('unit.days')}")})
