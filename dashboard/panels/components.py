"""Small rendering helpers shared by pages (escaped HTML only)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import streamlit as st

from dashboard.i18n import t


def fmt_int(n: float | int) -> str:
    return f"{int(round(n)):,}"


def fmt_people(n: float | int) -> str:
    """A headcount with its unit, e.g. "9,132 人" / "9,132 people"."""
    return f"{fmt_int(n)} {t('unit.people')}".strip()


def demo_banner(show: bool) -> None:
    if show:
        st.markdown(
            f'<div data-testid="fx-demo-banner" style="background:#fff4e5;border-left:6px solid #f59e0b;'
            f'padding:6px 12px;margin-bottom:8px;border-radius:4px;font-size:15px;">'
            f'<b>{html.escape(t("app.demo_badge"))}</b> · {html.escape(t("app.demo_note"))}</div>',
            unsafe_allow_html=True,
        )


def legend(items: Sequence[tuple[list[int], str]], title: str) -> None:
    """A colour legend: swatches with escaped labels."""
    cells = "".join(
        f'<span style="display:inline-flex;align-items:center;margin-right:14px;">'
        f'<span style="width:18px;height:14px;background:rgb({c[0]},{c[1]},{c[2]});display:inline-block;'
        f'margin-right:6px;border:1px solid #94a3b8;"></span>{html.escape(label)}</span>'
        for c, label in items
    )
    st.markdown(
        f'<div style="font-size:14px;margin:4px 0 8px 0;"><b>{html.escape(title)}</b>{html.escape(t("punct.colon"))}{cells}</div>',
        unsafe_allow_html=True,
    )


# --- what a page shows when the data it needs is not loaded yet -----------------------------------

SETUP_ROLES = ("clerk", "admin")  # who sees 数据准备 and 数据导入 (dashboard/navigation.py)
IMPORT_KIND_PARAM = "kind"  # the import page's query parameter that preselects a kind


def _can_load() -> bool:
    from dashboard.auth import current_actor

    actor = current_actor()
    return actor is not None and actor.has(*SETUP_ROLES)


def setup_link() -> None:
    """A link to 数据准备 for those who load data; the others are told whom to ask."""
    from dashboard.navigation import PAGES_DIR

    if _can_load():
        st.page_link(str(PAGES_DIR / "setup.py"), label=t("missing.link"), icon="🧰")
    else:
        st.caption(t("missing.contact"))


def import_link(kind: str, label: str) -> None:
    """A link to 数据导入 with ``kind`` preselected (nothing for those who cannot import)."""
    from dashboard.navigation import PAGES_DIR

    if _can_load():
        st.page_link(str(PAGES_DIR / "data_import.py"), label=label, icon="📥",
                     query_params={IMPORT_KIND_PARAM: kind})


def missing_data(kinds: Sequence[str], *, key: str = "missing") -> bool:
    """If any of ``kinds`` is not loaded: one notice naming them and what they unlock, with a link to
    数据准备. Returns True when something is missing (the page then shows what it can, or stops)."""
    from dashboard import cache
    from dashboard.builders.setup_view import missing_kinds, missing_text

    absent = missing_kinds(cache.setup_status(), kinds)
    if not absent:
        return False
    with st.container(key=f"fx-missing-{key}"):
        st.info(missing_text(absent), icon="🧰")
        setup_link()
    return True


def unlocated_notice(n_unlocated: int, n_located: int) -> None:
    """Under a map: how many communities it could not place, with a link to import boundaries; a
    clear placeholder instead of an empty canvas when it could place none."""
    if n_unlocated <= 0:
        return
    note, link = st.columns([5, 1], vertical_alignment="center")
    note.warning(t("map.unlocated", n=fmt_int(n_unlocated)), icon="📍")
    with link:
        import_link("boundaries", t("map.import_boundaries"))
    if n_located == 0:
        st.markdown(
            f'<div data-testid="fx-map-placeholder" style="height:320px;display:flex;align-items:center;'
            f'justify-content:center;text-align:center;border:2px dashed #94a3b8;border-radius:8px;'
            f'color:#475569;background:#f8fafc;padding:0 48px;font-size:17px;">'
            f'{html.escape(t("map.nothing_located"))}</div>', unsafe_allow_html=True)
