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
