"""Small rendering helpers shared by pages (escaped HTML only)."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.i18n import t

# --- numbers: one way to write them (thousands separated, the unit from the catalogue) ------------


def fmt_int(n: float | int) -> str:
    """A whole number with thousands separated: 1,242 (both languages; a minus sign only when negative)."""
    return f"{int(round(n)):,}"


def fmt_count(n: float | int, unit_key: str) -> str:
    """A count with its unit: "1,242 个" in Chinese, "1,242" where English needs no word ("unit.communities")."""
    return f"{fmt_int(n)} {t(unit_key)}".strip()


def fmt_people(n: float | int) -> str:
    """A headcount with its unit, e.g. "9,132 人" / "9,132 people"."""
    return fmt_count(n, "unit.people")


def fmt_change(before: float | int, after: float | int, unit_key: str | None = None) -> str:
    """Before → after, the unit once: "1,242 → 1,238 个" (no unit: "1,242 → 1,238")."""
    return f"{fmt_int(before)} → {fmt_count(after, unit_key) if unit_key else fmt_int(after)}"


def with_unit(label: str, unit_key: str) -> str:
    """A label carrying the unit ("总缺口（人）", "Total shortage (people)"); the label alone where the
    language needs no unit word."""
    unit = t(unit_key)
    return t("punct.paren", text=label, inner=unit) if unit else label


def metric_delta(change: float | int, unit_key: str, *, good: str = "down") -> dict[str, Any]:
    """``st.metric`` keyword arguments for a change: the arrow carries the sign ("↓ 970 人", never
    "↓ -970 人"), green when the change is for the better (``good``: "down" or "up"), grey at nought."""
    n = int(round(change))
    if n == 0:
        return {"delta": fmt_count(0, unit_key), "delta_color": "off", "delta_arrow": "off"}
    better = (n < 0) == (good == "down")
    return {"delta": fmt_count(abs(n), unit_key), "delta_arrow": "down" if n < 0 else "up",
            "delta_color": "green" if better else "red"}


def joined(items: Iterable[str]) -> str:
    """Words as one list in the reader's language: 驾驶、医护 / driving, medical."""
    return t("punct.list_sep").join(items)


def with_paren(text: str, inner: str) -> str:
    """"北泰宁社区（大智街道）" / "Beitaining (Dazhi)": the bracket of the reader's language."""
    return t("punct.paren", text=text, inner=inner)


# --- Streamlit's own chrome ---------------------------------------------------------------------


def choose() -> str:
    """The placeholder of a selectbox (Streamlit's own says "Choose an option")."""
    return t("ui.choose")


def choose_many() -> str:
    """The placeholder of a multiselect with no "all" meaning (Streamlit's own says "Choose options")."""
    return t("ui.choose_many")


#: Streamlit's upload box cannot be translated (its button says "Upload", its note "200MB per file •
#: CSV, XLSX"): the note is hidden, the button's English word replaced by ours, and our own
#: instructions stand above the box. Selectors are Streamlit 1.67's test ids.
_UPLOAD_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button {{ font-size: 0; }}
[data-testid="stFileUploaderDropzone"] button * {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button::after {{ content: "{button}"; font-size: 15px; }}
</style>"""


def file_uploader(label: str, types: Sequence[str], *, key: str, help: str | None = None, limit_mb: int | None = None,
                  font_px: int = 14) -> Any:
    """``st.file_uploader`` with Chinese (or English) instructions in place of Streamlit's English ones;
    ``limit_mb``: the limit core enforces when it is below the server's."""
    size = int(st.get_option("server.maxUploadSize")) if limit_mb is None else limit_mb
    kinds = joined({"geojson": "GeoJSON", "webp": "WebP"}.get(x, x.upper()) for x in types if x != "jpeg")
    button = t("ui.upload.button")
    st.html(_UPLOAD_CSS.format(button=button.replace('"', "")))
    up = st.file_uploader(label, type=list(types), key=key, help=help)
    st.markdown(f'<div data-testid="fx-upload-hint" style="font-size:{font_px}px;color:#475569;margin-top:-8px;">'
                f'{html.escape(t("ui.upload.hint", button=button, size=size, types=kinds))}</div>', unsafe_allow_html=True)
    return up


def demo_banner(show: bool, scope: str | None = None) -> None:
    """The demo notice, naming the area the demo was drawn on (the district's or the city's name)."""
    if show:
        note = t("maps15.demo_note", scope=scope) if scope else t("app.demo_note")
        st.markdown(
            f'<div data-testid="fx-demo-banner" style="background:#fff4e5;border-left:6px solid #f59e0b;'
            f'padding:6px 12px;margin-bottom:8px;border-radius:4px;font-size:15px;">'
            f'<b>{html.escape(t("app.demo_badge"))}</b> · {html.escape(note)}</div>',
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


def shift_choice(held: pd.DataFrame, key: str) -> str:
    """Ask what becomes of the movers' roster shifts (``keep`` when they hold none)."""
    if not len(held):
        return "keep"
    posts = joined(str(p) for p in dict.fromkeys(held["place"]))
    return str(st.radio(t("ra.shifts", n=fmt_int(len(held)), posts=posts), ("keep", "release"), key=key,
                        format_func=lambda c: t(f"ra.shifts.{c}"), horizontal=True))
