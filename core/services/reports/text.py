"""The briefing's words, made by fixed rules from its figures (never by a model): the paragraph that
opens it, and the formatting of numbers, changes and dates in either language."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from core.i18n import translate

DISTRICT = "district"


def number(value: float | int | None, unit_key: str = "", lang: str = "zh") -> str:
    """``1,124 人``; a percentage keeps one decimal; None is a dash."""
    if value is None:
        return "—"
    text = f"{value:,.1f}" if unit_key == "percent" else f"{round(value):,}"
    unit = translate(f"report.unit.{unit_key}", lang) if unit_key else ""
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def change(value: float | int | None, previous: float | int | None, unit_key: str = "", lang: str = "zh") -> str:
    if value is None or previous is None:
        return "—"
    d = float(value) - float(previous)
    if abs(d) < 1e-9:
        return translate("report.change.same", lang)
    n = f"{abs(d):,.1f}" if unit_key == "percent" else f"{round(abs(d)):,}"
    return translate("report.change.up" if d > 0 else "report.change.down", lang, n=n)


def date_parts(day: dt.date, lang: str) -> dict[str, Any]:
    return {"year": day.year, "month": day.month, "day": day.day,
            "month_name": calendar.month_name[day.month] if lang == "en" else str(day.month)}


def long_date(day: dt.date, lang: str) -> str:
    return translate("report.date", lang, **date_parts(day, lang))


def scope_label(content: dict[str, Any], lang: str) -> str:
    """The district's name for the district's report (``全区`` inside a sentence), a street's name."""
    return str(content["scope_name"] or translate("report.scope.district", lang))


def paragraph(content: dict[str, Any], lang: str = "zh") -> str:
    """The opening paragraph: ``截至 12 月 1 日 18 时，全区缺员 1,124 人，较昨日减少 970 人，…``."""
    f = content["figures"]
    as_of = dt.datetime.fromisoformat(content["as_of"])
    parts = {**date_parts(as_of.date(), lang), "hour": as_of.hour}
    scope = translate("report.scope.district", lang) if content["scope"] == DISTRICT else content["scope_name"]
    n = {k: (v["value"], v["previous"]) for k, v in f.items()}
    shortage, before = n["shortage"]
    out: list[str] = []
    if not shortage:
        out.append(translate("report.p.no_shortage", lang, scope=scope, **parts))
    else:
        out.append(translate("report.p.lead", lang, scope=scope, shortage=f"{shortage:,}", **parts))
        if before is not None:
            d = int(shortage) - int(before)
            key = "report.p.more" if d > 0 else "report.p.less" if d < 0 else "report.p.same"
            out.append(translate(key, lang, n=f"{abs(d):,}"))
        out.append(translate("report.p.communities", lang, n=f"{int(n['short_communities'][0] or 0):,}"))
        places = _where(content)
        if places:
            out.append(translate("report.p.where", lang, places=translate("report.p.sep", lang).join(places)))
    if n["grid_coverage"][0] is not None:
        out.append(translate("report.p.coverage", lang, pct=f"{n['grid_coverage'][0]:.1f}",
                             shifts=f"{int(n['unstaffed_shifts'][0] or 0):,}"))
    out.append(translate("report.p.incidents", lang, new=f"{int(n['new_incidents'][0] or 0):,}",
                         open=f"{int(n['open_incidents'][0] or 0):,}",
                         overdue=f"{int(n['overdue_incidents'][0] or 0):,}"))
    if n["isolation_active"][0]:
        out.append(translate("report.p.isolation", lang, active=f"{int(n['isolation_active'][0]):,}",
                             started=f"{int(n['isolation_started'][0] or 0):,}",
                             ended=f"{int(n['isolation_ended'][0] or 0):,}"))
    out.append(translate("report.p.volunteers", lang, n=f"{int(n['volunteers_on_duty'][0] or 0):,}"))
    if n["moved"][0]:
        out.append(translate("report.p.moved", lang, n=f"{int(n['moved'][0]):,}"))
    out.append(translate("report.p.end", lang))
    return "".join(out)


def _where(content: dict[str, Any]) -> list[str]:
    """Where the shortage is concentrated: the streets that hold half of it (the district's report),
    the communities that do (a street's), at most three."""
    rows = (content.get("short_streets") or []) if content["scope"] == DISTRICT else [
        {"street": r["community"], "shortage": r["shortage"]} for r in content.get("shortest") or []]
    total = int(content["figures"]["shortage"]["value"] or 0)
    out, held = [], 0
    for r in rows[:3]:
        out.append(str(r["street"]))
        held += int(r["shortage"])
        if total and held * 2 >= total:
            break
    return out
