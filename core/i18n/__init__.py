"""The message catalogue of core: the text of every error key (and of the CLI's own output), in
Chinese (default) and English.

Core raises keys with parameters (``core.model.errors``); the two front ends, the dashboard
(``dashboard.i18n``, which merges these tables into its own) and the CLI, translate them here so
that one key has one text everywhere. Each module of this package holds ``ZH`` and ``EN`` dicts for
one area; a key defined twice is an error (caught by the tests).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterable, Mapping
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LIST_SEPARATOR = {"zh": "、", "en": ", "}


def load_tables(package: str, path: Iterable[str],
                base: Mapping[str, Mapping[str, str]] | None = None) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Merge the ``ZH`` / ``EN`` dicts of every module of ``package`` (on ``path``) onto ``base``;
    returns the tables and the keys defined twice (``module:key``)."""
    tables: dict[str, dict[str, str]] = {lang: dict((base or {}).get(lang, {})) for lang in LANGS}
    duplicates: list[str] = []
    for info in sorted(pkgutil.iter_modules(path), key=lambda i: i.name):
        mod = importlib.import_module(f"{package}.{info.name}")
        for lang, attr in (("zh", "ZH"), ("en", "EN")):
            table = getattr(mod, attr, {})
            duplicates += [f"{info.name}:{k}" for k in table if k in tables[lang]]
            tables[lang].update(table)
    return tables, duplicates


TABLES, DUPLICATE_KEYS = load_tables(__name__, __path__)


def cli_lang(explicit: str | None = None) -> str:
    """The CLI's language: ``--lang``, else ``FANGXIAN_LANG``, else English only when ``LANG`` says
    English (a server's ``C.UTF-8`` stays Chinese, the default)."""
    for value in (explicit, os.environ.get("FANGXIAN_LANG")):
        if value in LANGS:
            return str(value)
    return "en" if os.environ.get("LANG", "").lower().startswith("en") else DEFAULT_LANG


def format_params(params: Mapping[str, Any], lang: str,
                  tables: Mapping[str, Mapping[str, str]] | None = None) -> dict[str, Any]:
    """Lists become one phrase in the language (``a、b`` / ``a, b``); ``None`` becomes a dash; an
    error given as a parameter (a cause wrapped with its place) becomes its own sentence."""
    sep = LIST_SEPARATOR.get(lang, ", ")
    out: dict[str, Any] = {}
    for k, v in params.items():
        if isinstance(v, BaseException):
            out[k] = error_text(v, lang, tables)
        elif isinstance(v, list | tuple | set | frozenset):
            out[k] = sep.join(str(x) for x in (sorted(v, key=str) if isinstance(v, set | frozenset) else v))
        else:
            out[k] = "—" if v is None else v
    return out


def translate(key: str, lang: str = DEFAULT_LANG, tables: Mapping[str, Mapping[str, str]] | None = None, *,
              strict: bool = True, **params: Any) -> str:
    """The text of ``key`` in ``lang`` (falls back to Chinese, then to the key itself). ``strict``
    raises when the text names a parameter that is not given (a bug the tests should see); error
    texts are rendered leniently, so that a user always gets a sentence."""
    tables = tables or TABLES
    table, fallback = tables.get(lang, {}), tables.get(DEFAULT_LANG, {})
    # an empty text is a text (English has no counter word where Chinese says 个)
    text = table[key] if key in table else fallback.get(key, key)
    if not params:
        return text
    try:
        return text.format(**format_params(params, lang, tables))
    except (KeyError, IndexError, ValueError):
        if strict:
            raise
        return text


def error_text(exc: BaseException, lang: str = DEFAULT_LANG,
               tables: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The sentence for a raised ``FangxianError`` (any other exception: the generic fault text)."""
    key = getattr(exc, "key", "error.fault")
    params = getattr(exc, "params", {}) or {}
    return translate(key, lang, tables, strict=False, **params)
