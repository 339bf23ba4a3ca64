"""Translations: every user-visible string goes through ``t(key)``.

Each module in this package defines ``ZH`` and ``EN`` dicts for one area of the app; they are merged
here with core's message catalogue (``core.i18n``: the text of every error key core raises), and a
key defined twice is an error, caught by the tests. zh-CN is the default language.
"""

from __future__ import annotations

import os
from typing import Any

import core.i18n as core_i18n

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_KEY = "lang"  # session-state key of the chosen language


_tables, _duplicates = core_i18n.load_tables(__name__, __path__, base=core_i18n.TABLES)
TABLES, DUPLICATE_KEYS = _tables, [*core_i18n.DUPLICATE_KEYS, *_duplicates]


#: ``t`` is called thousands of times a run (a table's labels), and reading session state and the URL
#: each time cost ~40 µs a call (0.56 s of a 2 s rerun of 志愿者调度). The language found is kept on the
#: session's script-run context with the run's own element cursors (a new dict every run, held there, so
#: a later run never looks the same); ``set_lang`` updates it. Nothing is kept beyond the session.
_ATTR = "_fangxian_lang"


def _context() -> Any:
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

        return get_script_run_ctx(suppress_warning=True)
    except Exception:  # noqa: BLE001 - no Streamlit here (unit tests, CLI)
        return None


def _lang_now() -> str:
    try:
        import streamlit as st

        lang = st.session_state.get(LANG_KEY)
        if lang in LANGS:
            return str(lang)
        qp = st.query_params.get("lang")
        if qp in LANGS:
            return str(qp)
    except Exception:  # outside a script run (unit tests, CLI)
        pass
    return DEFAULT_LANG


def current_lang() -> str:
    ctx = _context()
    if ctx is None:
        return _lang_now()
    run = getattr(ctx, "cursors", None)
    seen = getattr(ctx, _ATTR, None)
    if run is not None and seen is not None and seen[0] is run:
        return str(seen[1])
    lang = _lang_now()
    if run is not None:
        setattr(ctx, _ATTR, (run, lang))
    return lang


def set_lang(lang: str) -> None:
    """Make ``lang`` the session's language from here on in this run (and the runs after)."""
    import streamlit as st

    st.session_state[LANG_KEY] = lang
    ctx = _context()
    run = getattr(ctx, "cursors", None) if ctx is not None else None
    if run is not None:
        setattr(ctx, _ATTR, (run, lang if lang in LANGS else DEFAULT_LANG))


#: tests (and a careful deployment) set FANGXIAN_I18N_STRICT=1: a key without text in the language asked
#: for raises instead of showing the key, so a dynamic key (``t(f"kind.{code}")``) cannot go missing unseen
STRICT = os.environ.get("FANGXIAN_I18N_STRICT") == "1"


class MissingText(KeyError):
    """A translation key with no text in the language asked for (strict mode only)."""


def t(key: str, lang: str | None = None, **params: Any) -> str:
    """The text for ``key`` in the current language (falls back to Chinese, then the key)."""
    lang = lang or current_lang()
    if STRICT and key not in TABLES.get(lang, {}):
        raise MissingText(f"{lang}:{key}")
    return core_i18n.translate(key, lang, TABLES, **params)


def error_text(exc: BaseException, lang: str | None = None) -> str:
    """The sentence for an error raised by core (its key and parameters) in the current language."""
    return core_i18n.error_text(exc, lang or current_lang(), TABLES)


def label(vocab: str, code: str | None, lang: str | None = None) -> str:
    """Label of a vocabulary code, e.g. ``label("kind", "cadre")`` -> 下沉干部."""
    if code is None:
        return ""
    return t(f"{vocab}.{code}", lang)
