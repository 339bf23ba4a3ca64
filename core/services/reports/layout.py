"""The briefing as a list of blocks (title, headings, paragraphs, tables, pictures), in one language,
from its content and its sign-off: the PDF and the Word file draw the same blocks, so they say the same."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from core.i18n import translate
from core.services.reports.content import DISTRICT, HEADLINE
from core.services.reports.text import change, long_date, number, paragraph


@dataclass(frozen=True)
class Block:
    """``kind``: title | subtitle | heading | para | note | table | image | mark."""

    kind: str
    text: str = ""
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    widths: tuple[float, ...] = ()  # relative column widths
    image: bytes | None = None


@dataclass(frozen=True)
class SignOff:
    """Who filled and signed the report (account display names) and when; the version (0: a preview of
    the figures now, never stored) and status."""

    version: int = 0
    status: str = "draft"
    submitted_name: str | None = None
    submitted_at: dt.datetime | None = None
    signed_name: str | None = None
    signed_at: dt.datetime | None = None


@dataclass(frozen=True)
class Document:
    title: str
    header: str
    lang: str = "zh"
    blocks: list[Block] = field(default_factory=list)


def _stamp(at: dt.datetime | None) -> str:
    return "" if at is None else at.strftime("%Y-%m-%d %H:%M")


def layout(content: dict[str, Any], sign: SignOff, lang: str = "zh") -> Document:
    t = lambda key, **kw: translate(key, lang, **kw)  # noqa: E731
    day = dt.date.fromisoformat(content["day"])
    as_of = dt.datetime.fromisoformat(content["as_of"])
    scope_name = content["scope_name"] if content["scope"] != DISTRICT else content["district"]
    title = t("report.title", scope=scope_name)
    doc = Document(title=title, header=t("report.header", district=content["district"], day=long_date(day, lang)),
                   lang=lang)
    b = doc.blocks.append
    b(Block("title", title))
    sub = [long_date(day, lang), *([t("report.version", version=sign.version)] if sign.version else []),
           t("report.as_of", year=as_of.year, month=as_of.month, day=as_of.day, hour=as_of.hour, minute=as_of.minute)]
    b(Block("subtitle", "　".join(sub) if lang == "zh" else " · ".join(sub)))
    if sign.status != "signed":
        b(Block("mark", t("report.draft_mark" if sign.status == "draft" else "report.submitted_mark")))
    if content.get("demo"):
        b(Block("mark", t("report.demo_mark")))

    b(Block("heading", t("report.section.summary")))
    b(Block("para", paragraph(content, lang)))

    b(Block("heading", t("report.section.figures")))
    rows = []
    for key, (unit, _better) in HEADLINE.items():
        f = content["figures"][key]
        rows.append((t(f"report.fig.{key}"), number(f["value"], unit, lang), number(f["previous"], unit, lang),
                     change(f["value"], f["previous"], unit, lang)))
    b(Block("table", header=(t("report.col.item"), t("report.col.today"), t("report.col.yesterday"),
                             t("report.col.change")), rows=tuple(rows), widths=(3, 2, 2, 1.6)))
    screening = content.get("screening") or {}
    if screening.get("target"):
        b(Block("note", t("report.screening.summary", target=f"{screening['target']:,}",
                          visited=f"{screening['visited']:,}")))

    b(Block("heading", t("report.section.staff")))
    kinds = [(translate(f"kind.{k}", lang), number(v["value"], "people", lang), number(v["previous"], "people", lang),
              change(v["value"], v["previous"], "people", lang)) for k, v in content["staff_by_kind"].items()]
    b(Block("table", header=(t("report.col.kind"), t("report.col.today"), t("report.col.yesterday"),
                             t("report.col.change")), rows=tuple(kinds), widths=(3, 2, 2, 1.6)))

    b(Block("heading", t("report.section.shortest")))
    if content["shortest"]:
        b(Block("table", header=(t("report.col.community"), t("report.col.street"), t("report.col.required"),
                                 t("report.col.available"), t("report.col.shortage"), t("report.col.grid_coverage")),
                rows=tuple((r["community"], r["street"], f"{r['required']:,}", f"{r['available']:,}",
                            f"{r['shortage']:,}", number(r["grid_coverage"], "percent", lang))
                           for r in content["shortest"]), widths=(2.6, 2.2, 1.4, 1.4, 1.4, 1.6)))
    else:
        b(Block("para", t("report.none")))

    b(Block("heading", t("report.section.moves")))
    mv = content["moves"]
    if mv["batches"]:
        b(Block("para", t("report.moves.summary", batches=mv["batches"], people=mv["people"],
                          undone=mv["undone_batches"])))
        if mv["flows"]:
            b(Block("table", header=(t("report.col.from"), t("report.col.to"), t("report.col.people")),
                    rows=tuple((r["from"], r["to"], f"{r['people']:,}") for r in mv["flows"]), widths=(3, 3, 1.4)))
    else:
        b(Block("para", t("report.moves.none")))

    b(Block("heading", t("report.section.incidents")))
    if content["incidents_by_type"]:
        b(Block("table", header=(t("report.col.type"), t("report.col.count")),
                rows=tuple((translate(f"itype.{r['type']}", lang), f"{r['n']:,}") for r in content["incidents_by_type"]),
                widths=(3, 1.4)))
    else:
        b(Block("para", t("report.incidents.none")))
    b(Block("para", t("report.alerts.summary", raised=content["alerts"]["raised"], cleared=content["alerts"]["cleared"])))

    b(Block("heading", t("report.section.charts")))
    images = content.get("images") or {}
    for key, missing in (("map", "report.chart.map_missing"), ("trend", "report.chart.trend_missing")):
        png = images.get(key)
        b(Block("image", image=base64.b64decode(png)) if png else Block("note", t(missing)))

    b(Block("heading", t("report.section.signoff")))
    b(Block("para", t("report.sign.filled", name=sign.submitted_name, at=_stamp(sign.submitted_at))
            if sign.submitted_name else t("report.sign.pending_fill")))
    b(Block("para", t("report.sign.signed", name=sign.signed_name, at=_stamp(sign.signed_at))
            if sign.signed_name else t("report.sign.pending_sign")))
    b(Block("note", t("report.sign.hash")))
    return doc


def text_of(doc: Document) -> str:
    """Every word of the document, one block a line (the page's preview and the tests)."""
    out = []
    for blk in doc.blocks:
        if blk.kind == "table":
            out += ["  ".join(blk.header), *("  ".join(r) for r in blk.rows)]
        elif blk.text:
            out.append(blk.text)
    return "\n".join(out)
