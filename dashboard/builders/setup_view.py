"""Texts of the setup checklist and the import page (pure: no ``st.``).

Every kind the importer's registry holds gets a line, with a generic fallback for a kind this
catalogue does not name yet (its own name, a generic "unlocks", no counts), so a new kind never
breaks the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from core.services.read_models.setup import SetupItem, SetupStatus
from dashboard.i18n import TABLES, current_lang, t


def has_text(key: str) -> bool:
    return key in TABLES.get(current_lang(), {})


def kind_label(kind: str) -> str:
    key = f"setup.kind.{kind}"
    return t(key) if has_text(key) else kind


def template_button(kind: str, template: str) -> tuple[str, str]:
    """The download button's label and the file name it saves, both in the reader's words ("下载模板（CSV）",
    "人员导入模板.csv"): the stored template's English file name is not shown."""
    ext = template.rsplit(".", 1)[-1] if "." in template else ""
    name = t("setup.template_file", kind=kind_label(kind))
    return t("setup.template", ext="GeoJSON" if ext == "geojson" else ext.upper()), f"{name}.{ext}" if ext else name


def kind_unlocks(kind: str, *, first: bool = False) -> str:
    """What loading ``kind`` unlocks; ``first``: it opens a line (English starts it with a capital)."""
    key = f"setup.unlocks.{kind}"
    text = t(key) if has_text(key) else t("setup.unlocks.generic")
    return text[:1].upper() + text[1:] if first else text


def counts_text(item: SetupItem) -> str:
    """What is loaded, in counts ("16 个街道 180 个社区"); empty when nothing is (or for an unnamed kind).
    A kind loaded part by part (boundaries) shows its share even at nought: "0/180 个社区有边界"."""
    key = f"setup.counts.{item.kind}"
    if not item.counts or not has_text(key):
        return ""
    if item.state == "missing" and not item.out_of:
        return ""
    return t(key, **{k: f"{v:,}" for k, v in item.counts.items()})


def last_text(item: SetupItem) -> str:
    """The last import's summary: file, who, when and its counts."""
    last = item.last
    if last is None:
        return t("setup.last.none")
    c = last.counts
    return t("setup.last", file=last.file, who=last.actor, when=f"{last.at:%Y-%m-%d %H:%M}",
             created=c.get("created", 0), updated=c.get("updated", 0), unchanged=c.get("unchanged", 0))


def headline(item: SetupItem) -> str:
    """"辖区 ✔ 16 个街道 180 个社区", "网格 ✘"."""
    return " ".join(x for x in (kind_label(item.kind), t(f"setup.state.{item.state}"), counts_text(item)) if x)


def progress_text(status: SetupStatus) -> str:
    done = sum(i.state == "done" for i in status.items)
    return t("setup.progress", done=done, total=len(status.items))


def missing_kinds(status: SetupStatus, kinds: Sequence[str]) -> list[str]:
    """Those of ``kinds`` the registry knows and nothing of which is loaded, in load order."""
    wanted = set(kinds)
    return [i.kind for i in status.items if i.kind in wanted and i.state == "missing"]


def missing_text(kinds: Sequence[str]) -> str:
    """"尚未导入网格：导入网格后可看网格覆盖率和排查进度。"."""
    return t("missing.notice", kinds=t("missing.separator").join(kind_label(k) for k in kinds),
             unlocks=t("missing.unlocks_separator").join(kind_unlocks(k) for k in kinds))


def column_type(kind: str) -> str:
    key = f"setup.coltype.{kind}"
    return t(key) if has_text(key) else kind


def format_frame(columns: Sequence[Any]) -> pd.DataFrame:
    """The exchange format of a kind as a table: Chinese header, English header, required, what it holds."""
    return pd.DataFrame({
        t("setup.format.header"): [c.zh for c in columns],
        t("setup.format.name"): [c.name for c in columns],
        t("setup.format.required"): ["✔" if c.required else "" for c in columns],
        t("setup.format.what"): [column_type(c.kind) for c in columns],
    })
