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
    assert ids == ["district-outline", "communities", "street-boundaries", "street-labels"]
    labels = next(layer for layer in spec["layers"] if layer["id"] == "street-labels")
    assert labels["characterSet"] == "auto"
    assert "大智街道" in json.dumps(labels["data"], ensure_ascii=False)
    # no provider and no style URL: the browser fetches no basemap (checked for real in tests/browser)
    assert spec.get("mapProvider") is None
    assert not str(spec.get("mapStyle", "")).startswith("http")


def test_overview_switches_to_english(app) -> None:  # type: ignore[no-untyped-def]
    at = app(lang="en")
    at.run()
    assert not at.exception
    assert "overview" in at.title[0].value.lower()
    assert "Staff on duty" in [m.label for m in at.metric]
