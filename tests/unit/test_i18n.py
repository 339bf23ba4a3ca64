"""Every translation key exists in Chinese and English, and every key the code uses is defined."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.i18n import DUPLICATE_KEYS, TABLES, t

ROOT = Path(__file__).resolve().parents[2]
KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_no_key_is_defined_twice() -> None:
    assert DUPLICATE_KEYS == []


def test_chinese_and_english_tables_have_the_same_keys() -> None:
    assert sorted(set(TABLES["zh"]) ^ set(TABLES["en"])) == []


def test_every_literal_key_used_in_the_dashboard_is_defined() -> None:
    used = {m.group(1) for p in (ROOT / "dashboard").rglob("*.py") for m in KEY_CALL.finditer(p.read_text("utf-8"))}
    assert sorted(used - set(TABLES["zh"])) == []


def test_chinese_is_the_default_and_english_is_available() -> None:
    assert t("page.overview") == "总览"
    assert t("page.overview", lang="en") == "Overview"


def test_chinese_table_has_no_untranslated_english_sentences() -> None:
    # a Chinese entry may hold codes or units, but not a run of three English words
    leaks = {k: v for k, v in TABLES["zh"].items() if re.search(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+", v)}
    assert leaks == {}
