"""The overview page renders the demo district with its figures, in Chinese and in English."""

from __future__ import annotations

import json

from core.services.read_models.overview import load_overview
from core.services.uow import unit_of_work


def test_overview_renders_without_exception(app) -> None:  # type: ignore[no-untyped-def]
    at = app()
    at.run()
    assert not at.exception
    assert "江岸区" in at.title[0].value
    assert any("演示数据" in md.value for md in at.markdown)


def test_overview_figures_match_the_database(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app()
    at.run()
    with unit_of_work(demo_sqlite) as uow:
        data = load_overview(uow)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["社区"] == f"{data.kpis.communities} 个"
    assert metrics["在岗人员"] == f"{data.kpis.staff_on_duty:,} 人"
    assert metrics["未办结事件"] == f"{data.kpis.open_incidents} 起"


def test_overview_map_has_communities_streets_and_chinese_labels(app) -> None:  # type: ignore[no-untyped-def]
    at = app()
    at.run()
    decks = at.get("deck_gl_json_chart")
    assert len(decks) == 1
    spec = json.loads(decks[0].proto.json)
    ids = [layer["id"] for layer in spec["layers"]]
    # the names that do not fit the first view wait in two more layers (dashboard/builders/map_labels.py)
    assert ids[:4] == ["district-outline", "communities", "street-boundaries", "street-labels"]
    labels = next(layer for layer in spec["layers"] if layer["id"] == "street-labels")
    assert labels["characterSet"] == "auto"
    names = [layer["data"] for layer in spec["layers"] if layer["id"] in ("street-labels", "labels-more")]
    assert "大智街道" in json.dumps(names, ensure_ascii=False)
    # no provider and no style URL: the browser fetches no basemap (checked for real in tests/browser)
    assert spec.get("mapProvider") is None
    assert not str(spec.get("mapStyle", "")).startswith("http")


def test_overview_switches_to_english(app) -> None:  # type: ignore[no-untyped-def]
    at = app(lang="en")
    at.run()
    assert not at.exception
    assert "overview" in at.title[0].value.lower()
    assert "Staff on duty" in [m.label for m in at.metric]


def test_the_overview_leads_with_the_shortage_and_its_change_since_yesterday(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.services.gaps import gap_history

    with unit_of_work(demo_sqlite) as uow:
        days, _ = gap_history(uow, 2)
    yesterday, today = days.iloc[0], days.iloc[-1]
    at = app()
    at.run()
    metrics = {m.label: m for m in at.metric}
    short, comms = metrics["全区缺口"], metrics["缺人社区"]
    assert short.value == f"{int(today['shortage']):,} 人" and comms.value == f"{int(today['short_communities'])} 个"
    change = int(today["shortage"]) - int(yesterday["shortage"])
    assert short.proto.delta == f"{abs(change):,} 人"  # the arrow says up or down, the number has no sign
    assert short.proto.color == (short.proto.MetricColor.RED if change > 0 else short.proto.MetricColor.GREEN)
    assert any("与昨日" in c.value for c in at.caption)
    # the first metrics on the page, above the district's counts
    assert [m.label for m in at.metric][:2] == ["全区缺口", "缺人社区"]
