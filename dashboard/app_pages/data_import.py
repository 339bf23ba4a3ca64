"""数据导入: a clerk uploads a spreadsheet, sees every problem located, and imports it whole."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from core.model.errors import FangxianError
from core.services.importer.problems import ImportRefused
from core.services.importer.registry import KINDS as REGISTRY
from core.services.importer.service import DATUMS, KINDS, import_file
from dashboard import auth, cache
from dashboard.builders.setup_view import format_frame, kind_label, kind_unlocks, template_button
from dashboard.i18n import error_text, t
from dashboard.navigation import PAGES_DIR
from dashboard.panels.components import IMPORT_KIND_PARAM, choose, file_uploader

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
KIND_KEY = "imp_kind"

actor = auth.guard("clerk", "admin")

st.title(t("imp.title"))
st.caption(t("setup.import_caption"))

# preselection from 数据准备 (?kind=grids): taken once, then the selectbox is the user's
wanted = st.query_params.get(IMPORT_KIND_PARAM)
if wanted in KINDS:
    st.session_state[KIND_KEY] = wanted
    del st.query_params[IMPORT_KIND_PARAM]

c1, c2 = st.columns([1, 1])
kind = c1.selectbox(t("imp.kind"), KINDS, format_func=kind_label, key=KIND_KEY, placeholder=choose())
datum = c2.selectbox(t("imp.datum"), DATUMS, format_func=lambda d: t(f"imp.datum.{d}"), key="imp_datum",
                     placeholder=choose())
spec = REGISTRY[kind]
st.caption(kind_unlocks(kind, first=True))
template = TEMPLATES / spec.template
if template.is_file():
    label, file_name = template_button(kind, spec.template)
    st.download_button(label, template.read_bytes(), file_name=file_name, key="imp_template", icon="⬇️")
with st.expander(t("setup.format.title", kind=kind_label(kind))):
    if spec.format is None:
        st.caption(t("setup.format.geojson"))
    else:
        st.dataframe(format_frame(spec.format.columns), hide_index=True, width="stretch", key="imp_format")
upload = file_uploader(t("imp.file"), ["csv", "xlsx", "geojson", "json"], key="imp_file")


def run(dry_run: bool) -> None:
    assert upload is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name  # keep the user's file name for the messages
        path.write_bytes(upload.getvalue())
        try:
            with cache.write() as uow:
                summary = import_file(uow, actor, kind, path, datum=datum, dry_run=dry_run)
        except ImportRefused as exc:
            st.error(t("imp.refused", file=upload.name, n=len(exc.problems)))
            st.dataframe(pd.DataFrame({
                t("imp.col.file"): [p.file or upload.name for p in exc.problems],
                t("imp.col.row"): [p.row or "—" for p in exc.problems],
                t("imp.col.column"): [p.column or "—" for p in exc.problems],
                t("imp.col.message"): [error_text(p.error()) for p in exc.problems],
            }), hide_index=True, width="stretch", key=f"imp_problems_{dry_run}")
            return
        except FangxianError as exc:  # the whole file (its encoding, its size, the database): say which file
            st.error(t("imp.error_file", file=upload.name, message=error_text(exc)))
            if exc.key == "importer.demo_database":
                st.page_link(str(PAGES_DIR / "setup.py"), label=t("missing.link"), icon="🧰")
            return
    if not dry_run:
        cache.clear()  # no rerun: the summary is shown on this run
    (st.info if dry_run else st.success)(summary.text(t))


if upload is not None:
    b1, b2, _ = st.columns([1, 1, 4])
    if b1.button(t("imp.check"), key="imp_check", width="stretch"):
        run(dry_run=True)
    if b2.button(t("imp.run"), key="imp_run", type="primary", width="stretch"):
        run(dry_run=False)
st.caption(t("imp.rules"))
