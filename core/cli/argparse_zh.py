"""argparse in the user's language: its own messages ("usage:", "the following arguments are required",
"invalid choice" …) come from ``gettext``, so the CLI gives argparse a translation of them before it
parses. A usage error is then the usage line and one line in Chinese (or English with ``--lang en``),
exit 2, as every other bad input."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

#: argparse's message templates (Python 3.11) -> Chinese; the %-placeholders are kept as they are
ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选择：%(value)r（可选：%(choices)s）",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r（应为 %(type)s）",
    "%(prog)s: error: %(message)s\n": "错误：%(message)s（%(prog)s --help 查看用法）\n",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了显式给出的参数 %r",
    "ambiguous option: %(option)s could match %(matches)s": "有歧义的选项：%(option)s 可指 %(matches)s",
    "one of the arguments %s is required": "参数 %s 中必须给出一个",
    "unexpected option string: %s": "意外的选项：%s",
}
ZH_PLURAL = {"expected %s argument": "需要 %s 个值"}


def _lang_of(argv: Sequence[str]) -> str | None:
    """``--lang X`` / ``--lang=X`` given before parsing (None: not given)."""
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--lang="):
            return a.split("=", 1)[1]
    return None


def localise(argv: Sequence[str]) -> None:
    """Give argparse its messages in the CLI's language (``--lang``, else FANGXIAN_LANG / LANG)."""
    from core.i18n import cli_lang

    try:
        lang = cli_lang(_lang_of(argv))
    except Exception:  # noqa: BLE001 - an unknown --lang is argparse's own error to report
        lang = "zh"
    if lang != "zh":
        argparse._ = lambda s: s  # type: ignore[attr-defined]
        argparse.ngettext = lambda s, p, n: s if n == 1 else p  # type: ignore[attr-defined]
        return
    argparse._ = lambda s: ZH.get(s, s)  # type: ignore[attr-defined]
    argparse.ngettext = lambda s, p, n: ZH_PLURAL.get(s, s if n == 1 else p)  # type: ignore[attr-defined]
