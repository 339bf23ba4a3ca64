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


# --- keys built at run time: page titles, vocabulary labels, f-string keys, error keys -------------

DYNAMIC_CALL = re.compile(r"""\bt\(\s*f["']([a-z0-9_.]*)\{""")
ERROR_KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")


def test_every_page_title_and_section_has_text_in_both_languages() -> None:
    from dashboard.navigation import PAGES

    keys = {p.title_key for p in PAGES} | {p.section for p in PAGES}
    for lang in ("zh", "en"):
        assert sorted(k for k in keys if k not in TABLES[lang]) == [], lang


def test_every_vocabulary_code_has_a_label_in_both_languages() -> None:
    from core.model import vocab
    from core.model.actor import ROLES

    domains = {"kind": list(vocab.StaffKind), "vtype": list(vocab.VolunteerType), "risk": list(vocab.RiskLevel),
               "itype": list(vocab.IncidentType), "severity": list(vocab.Severity),
               "status": list(vocab.IncidentStatus), "role": list(ROLES)}
    missing = [f"{lang}:{v}.{c}" for v, codes in domains.items() for c in codes for lang in ("zh", "en")
               if f"{v}.{c}" not in TABLES[lang]]
    assert missing == []


def test_every_f_string_key_prefix_has_texts() -> None:
    """``t(f"wi.kind.{k}")``: the prefix must name a family of keys that exists in both languages (the
    AppTest walks in both languages, under FANGXIAN_I18N_STRICT=1, check the codes actually shown)."""
    prefixes = {m.group(1) for p in (ROOT / "dashboard").rglob("*.py") for m in DYNAMIC_CALL.finditer(p.read_text("utf-8"))}
    prefixes.discard("")
    for lang in ("zh", "en"):
        assert sorted(p for p in prefixes if not any(k.startswith(p) for k in TABLES[lang])) == [], lang


def _raised_keys() -> set[str]:
    import ast

    keys: set[str] = set()
    for p in (ROOT / "core").rglob("*.py"):
        tree = ast.parse(p.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args:
                first = node.exc.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str) and ERROR_KEY.match(first.value):
                    keys.add(first.value)
            elif isinstance(node, ast.ClassDef):  # ``key = "auth.error.locked"`` on an error class
                for stmt in node.body:
                    if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                            and getattr(stmt.targets[0], "id", None) == "key" and isinstance(stmt.value, ast.Constant)
                            and isinstance(stmt.value.value, str) and ERROR_KEY.match(stmt.value.value)):
                        keys.add(stmt.value.value)
    return keys


def test_every_error_key_raised_in_core_has_text_in_both_languages() -> None:
    from core.i18n import TABLES as CORE_TABLES

    keys = _raised_keys()
    assert len(keys) > 5  # the scan sees the raises
    for lang in ("zh", "en"):
        assert sorted(k for k in keys if k not in CORE_TABLES[lang]) == [], lang


def test_an_error_renders_with_its_parameters_in_each_language() -> None:
    from core.i18n import error_text
    from core.model.errors import InvalidInput

    exc = InvalidInput("whatif.file_invalid", file="a.json", cause=InvalidInput("error.invalid_input"))
    assert error_text(exc, "zh") == "a.json：输入有误，请检查后重试"
    assert error_text(exc, "en") == "a.json: Invalid input: please check and try again"
    assert str(exc) == "whatif.file_invalid"  # logs see the key, never the parameters


def test_strict_mode_refuses_a_missing_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import dashboard.i18n as i18n

    monkeypatch.setattr(i18n, "STRICT", True)
    assert i18n.t("page.overview", lang="en") == "Overview"
    import pytest

    with pytest.raises(i18n.MissingText):
        i18n.t("page.no_such_page", lang="en")
