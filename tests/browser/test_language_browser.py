"""Every page in a real browser, in Chinese and then in English, as the admin (who sees every page):
the text a reader sees (``innerText`` of the page: titles, labels, messages, selected values, widget
chrome) holds no text of the other script outside data values, and each page is photographed at
1920×1080 to test-artifacts/screenshots/issue15/lang-<page>-<lang>.png.

Data values are what the database stores (community, street and people's names, codes, reasons):
Chinese names stay Chinese in English, codes stay Latin in Chinese. What is drawn on a canvas (maps,
table cells) is not text to the browser; the AppTest walk (tests/app/test_english.py) checks tables'
headers and every widget's label and placeholder.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest

from dashboard.i18n import t
from dashboard.navigation import visible_pages
from tests.app.test_english import BILINGUAL, data_values, english_leaks, latin_values, leaks
from tests.browser.conftest import (
    SHOTS,
    Server,
    canvas_is_painted,
    choose_language,
    sign_in,
    wait_for_app,
)

PAGES = list(visible_pages(frozenset({"admin"})))
# the wall screen hides the desk's sidebar on purpose: it is visited last in each language
PAGES.sort(key=lambda p: p.url_path == "wallscreen")
OUT = SHOTS / "issue15"
MAP_PAINT_S = 45.0  # software WebGL in headless Chromium is slow on the largest maps


@pytest.fixture(scope="module")
def known(server: Server) -> tuple[list[str], frozenset[str]]:
    """The stored texts: Chinese values (allowed in English) and Latin tokens (allowed in Chinese)."""
    return data_values(server.db_url), latin_values(server.db_url)


@pytest.fixture
def desk(browser, server: Server) -> Iterator[object]:  # type: ignore[no-untyped-def]
    """A fresh browser context (no cookie of an earlier sign-in), signed in as the admin."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, server.url, "admin")
    yield page
    context.close()


def switch_language(page, lang: str) -> None:  # type: ignore[no-untyped-def]
    choose_language(page, lang)
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(re.escape(t("page.overview", lang))))\
        .first.wait_for(state="visible", timeout=30_000)


def open_page(page, title: str) -> None:  # type: ignore[no-untyped-def]
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=re.compile(rf"{re.escape(title)}\s*$"))
    link.first.click()
    wait_for_app(page)
    page.get_by_role("heading", level=1).first.wait_for(state="visible", timeout=60_000)
    maps = page.locator("[data-testid='stDeckGlJsonChart'] canvas")
    if maps.count():  # a state to wait for, not a time: the first map has drawn more than one colour
        deadline = time.monotonic() + MAP_PAINT_S
        while not canvas_is_painted(page) and time.monotonic() < deadline:
            page.wait_for_timeout(500)


def shown_text(page) -> str:  # type: ignore[no-untyped-def]
    """What the reader sees of the app (main area and sidebar): minus the language switch's own label
    and the names of Material icons (a ligature font draws "keyboard_double_arrow_left" as an arrow)."""
    text, icons = page.evaluate("""() => {
        const roots = [...document.querySelectorAll('[data-testid="stMain"], [data-testid="stSidebar"]')];
        const icons = [...document.querySelectorAll('[data-testid="stIconMaterial"]')].map(e => e.innerText);
        return [roots.map(e => e.innerText).join('\\n'), icons];
    }""")
    for word in sorted({*BILINGUAL, *icons}, key=len, reverse=True):
        text = text.replace(word, " ") if word else text
    return str(text)


def walk(page, lang: str, known: tuple[list[str], frozenset[str]]) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    """Visit every page in ``lang``; the leaks found on each."""
    chinese, latin = known
    found: dict[str, list[str]] = {}
    OUT.mkdir(parents=True, exist_ok=True)
    for spec in PAGES:
        open_page(page, t(spec.title_key, lang))
        # Streamlit keeps the scroll position across pages: the picture starts at the page's title
        page.evaluate("""() => { document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')
                                   .forEach(e => e.scrollTo(0, 0)); window.scrollTo(0, 0); }""")
        page.screenshot(path=str(OUT / f"lang-{spec.url_path}-{lang}.png"))
        lines = [x for x in shown_text(page).splitlines() if x.strip()]
        bad = english_leaks(lines, latin) if lang == "zh" else leaks(lines, chinese)
        if bad:
            found[spec.url_path] = bad
    return found


def test_every_page_in_chinese_shows_no_english_outside_data(desk, known) -> None:  # type: ignore[no-untyped-def]
    found = walk(desk, "zh", known)
    assert found == {}, "\n".join(f"{p}: {x}" for p, xs in found.items() for x in xs)


def test_every_page_in_english_shows_no_chinese_outside_data(desk, known) -> None:  # type: ignore[no-untyped-def]
    switch_language(desk, "en")
    found = walk(desk, "en", known)
    assert found == {}, "\n".join(f"{p}: {x}" for p, xs in found.items() for x in xs)
