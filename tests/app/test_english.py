"""In English, no page shows Chinese outside data values (names of places, units and people are data).

Each page runs in AppTest as the admin (who sees every page) with the language set to English and
``FANGXIAN_I18N_STRICT=1`` (a key without English text raises). Every text the page shows is
collected; runs of Chinese characters that are part of a value stored in the database are data,
anything else is a leak: a Chinese label, unit, message or full-width punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import pytest
from sqlalchemy import String, Text, create_engine, select
from streamlit.testing.v1 import AppTest

from core.storage.schema import metadata
from dashboard.navigation import PAGES
from tests.app.conftest import open_page

IDEOGRAPHS = re.compile(r"[\u3400-\u9fff]+(?:[*＊]+[\u3400-\u9fff]+)*")
FULL_WIDTH = re.compile(r"[\u3000-\u303f\uff01-\uff5e]")  # 、。「」（）：，…
MASKED = re.compile(r"^[\u3400-\u9fff][*＊]+[\u3400-\u9fff]?$")  # a name masked for the role: 张*明
#: the language switch is labelled in both languages on purpose (a reader of either must find it)
BILINGUAL = {"语言 / Language"}


def data_values(url: str) -> list[str]:
    """Every stored text that holds Chinese (names, addresses, descriptions, reasons)."""
    engine = create_engine(url)
    values: set[str] = set()
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            cols = [c for c in table.columns if isinstance(c.type, String | Text)]
            for col in cols:
                for (v,) in conn.execute(select(col).distinct().limit(50_000)):
                    if isinstance(v, str) and IDEOGRAPHS.search(v):
                        values.add(v)
    engine.dispose()
    return sorted(values, key=len, reverse=True)


def shown_texts(at: AppTest) -> Iterable[str]:
    """What a user reads: titles, captions, markdown, messages, widget labels, metric labels and values,
    table headers, tab and expander labels (option lists and table cells are data or checked by label)."""
    for kind in ("title", "header", "subheader", "caption", "markdown", "text", "info", "warning", "error",
                 "success", "code", "latex"):
        for el in getattr(at, kind, []):
            yield str(el.value)
    for m in at.metric:
        yield str(m.label)
        yield str(m.value)
    for kind in ("button", "checkbox", "toggle", "text_input", "text_area", "number_input", "date_input",
                 "time_input", "selectbox", "multiselect", "radio", "slider", "select_slider", "color_picker"):
        for el in getattr(at, kind, []):
            if str(el.label) not in BILINGUAL:
                yield str(el.label)
            if getattr(el, "help", None):
                yield str(el.help)
            if getattr(el, "placeholder", None):
                yield str(el.placeholder)
    for df in at.dataframe:
        yield " ".join(str(c) for c in df.value.columns)
    for kind in ("tabs", "expander"):
        for el in getattr(at, kind, []):
            yield str(getattr(el, "label", ""))


def leaks(texts: Iterable[str], data: list[str]) -> list[str]:
    found = []
    for text in texts:
        for run in IDEOGRAPHS.findall(text):
            if MASKED.match(run) or any(run in v for v in data):
                continue
            found.append(f"{run!r} in {text[:80]!r}")
        for ch in FULL_WIDTH.findall(text):
            # full-width punctuation inside a data value is data (e.g. an address); elsewhere it leaks
            if not any(ch in v and v in text for v in data):
                found.append(f"{ch!r} in {text[:80]!r}")
    return sorted(set(found))


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_an_english_page_shows_no_chinese_outside_data(app: Callable[..., AppTest], demo_sqlite: str,
                                                        monkeypatch: pytest.MonkeyPatch, spec: object) -> None:
    import dashboard.i18n as i18n

    monkeypatch.setattr(i18n, "STRICT", True)
    at = open_page(app, f"app_pages/{spec.file}", user="admin", lang="en")  # type: ignore[attr-defined]
    found = leaks(shown_texts(at), data_values(demo_sqlite))
    assert not found, "\n".join(found)


def test_the_leak_finder_sees_chinese_chrome_and_ignores_data() -> None:
    data = ["江汉路社区", "汉口火车站社区（东区）"]
    assert leaks(["Shortage in 江汉路社区: 12 people", "张*明 S0001", "Community 汉口火车站社区（东区）"], data) == []
    assert leaks(["12 人", "Roles: leader、admin"], data) == ["'、' in 'Roles: leader、admin'", "'人' in '12 人'"]
