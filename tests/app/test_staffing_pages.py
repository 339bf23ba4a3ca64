"""The coverage map, staffing-gap and norms pages render in Chinese, drill down and save norms."""

from __future__ import annotations

import datetime as dt
import json
import time

from core.services.gaps import load_gaps
from core.services.norms import norm_history
from core.services.uow import unit_of_work
from tests.app.conftest import open_page

COVERAGE, GAPS, NORMS = "app_pages/coverage.py", "app_pages/gaps.py", "app_pages/norms.py"


_open = open_page


def _gaps(url: str, day: dt.date | None = None):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return load_gaps(uow, day)


def _norm_history(url: str):  # type: ignore[no-untyped-def]
    with unit_of_work(url) as uow:
        return norm_history(uow)


def _deck_specs(at) -> list[dict]:  # type: ignore[no-untyped-def]
    return [json.loads(d.proto.json) for d in at.get("deck_gl_json_chart")]


def test_coverage_page_renders_the_community_map_in_chinese(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, COVERAGE)
    assert at.title[0].value == "覆盖地图"
    decks = _deck_specs(at)
    assert len(decks) == 1
    ids = [layer["id"] for layer in decks[0]["layers"]]
    assert ids[:3] == ["district-outline", "communities", "street-boundaries"] and "street-labels" in ids
    assert len(decks[0]["layers"][1]["data"]["features"]) == 180
    assert "网格覆盖率" in [m.label for m in at.metric]
    assert any("人员缺口" in md.value for md in at.markdown)  # the legend title


def test_clicking_a_community_opens_its_grids_and_detail_panel(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, COVERAGE)
    worst = _gaps(demo_sqlite).community.sort_values("gap").iloc[-1]
    feature = {"properties": {"code": worst["code"], "name": worst["name"]}}
    at.session_state["coverage_map"] = {"selection": {"indices": {"communities": [0]},
                                                      "objects": {"communities": [feature]}}}
    at.run()
    assert not at.exception
    assert any(worst["name"] in s.value for s in at.subheader)
    decks = _deck_specs(at)
    assert len(decks) == 2
    grid_ids = [layer["id"] for layer in decks[1]["layers"]]
    assert grid_ids[0] == "grids" and "grid-labels" in grid_ids
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["应配"] == f"{worst['required']:,} 人"
    assert metrics["在岗"] == f"{worst['available']:,} 人"
    assert metrics["缺口"] == f"缺 {worst['gap']} 人"


def test_coverage_community_filter_and_street_filter_narrow_the_map(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, COVERAGE)
    at.multiselect(key="coverage_streets").set_value(["420102001"]).run()
    decks = _deck_specs(at)
    features = decks[0]["layers"][1]["data"]["features"]
    assert {f["properties"]["street"] for f in features} == {"大智街道"}
    assert any(layer["id"] == "community-labels" for layer in decks[0]["layers"])
    code = features[0]["properties"]["code"]
    at.selectbox(key="coverage_community").set_value(code).run()
    assert not at.exception and len(_deck_specs(at)) == 2


def test_coverage_metric_switch_changes_the_legend(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, COVERAGE)
    at.segmented_control(key="coverage_metric").set_value("checkpoint_shift_coverage").run()
    assert not at.exception
    assert any("卡点班次保障率" in md.value and "%" in md.value for md in at.markdown)


def test_gaps_page_ranks_short_communities_and_offers_a_chinese_csv(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, GAPS)
    assert at.title[0].value == "人员缺口"
    res = _gaps(demo_sqlite)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["缺员社区"] == f"{res.district['short_communities']} 个"
    assert metrics["缺员合计"] == f"{res.district['shortage']:,} 人"
    df = at.dataframe[0].value
    assert list(df.columns)[:4] == ["排名", "社区", "街道", "风险等级"]
    assert len(df) == res.district["short_communities"]
    assert df["缺口"].is_monotonic_decreasing
    assert "可调配在岗" in df.columns and "可调出" not in df.columns  # a short community has no surplus
    at.toggle(key="gaps_only_short").set_value(False).run()
    assert len(at.dataframe[0].value) == 180 and "可调出" in at.dataframe[0].value.columns
    assert len(at.get("vega_lite_chart")) == 2 and len(_deck_specs(at)) == 1


def test_gaps_page_on_a_past_day_and_one_street(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, GAPS)
    at.date_input(key="gaps_day").set_value(dt.date(2026, 11, 20)).run()
    at.multiselect(key="gaps_streets").set_value(["420102001"]).run()
    assert not at.exception
    past = _gaps(demo_sqlite, dt.date(2026, 11, 20)).community
    past = past[past["street_code"] == "420102001"]
    assert {m.label: m.value for m in at.metric}["缺员合计"] == f"{past['shortage'].sum():,} 人"
    assert set(at.dataframe[0].value["街道"]) <= {"大智街道"}


def test_norms_page_is_for_admins_only(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="leader")
    at.run()
    try:
        at.switch_page(NORMS)
        denied = False
    except ValueError:  # not in the leader's navigation at all
        denied = True
    assert denied


def test_admin_saves_a_new_norm_version_with_a_reason(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, NORMS, user="admin")
    assert at.title[0].value == "人员配置标准"
    assert at.info[0].value == "当前在用：第 1 版，2026-09-30 起生效，系统设定。"
    required_before = _gaps(demo_sqlite).community["required"].sum()
    at.number_input(key="norms_base_per_10k_residents").set_value(25.0)
    at.text_input(key="norms_reason").set_value("疫情升级，提高基数")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception
    assert any("已保存新版本" in s.value for s in at.success)
    hist = _norm_history(demo_sqlite)
    assert len(hist) == 2 and dict(hist["params"].iat[0])["base_per_10k_residents"] == 25.0
    assert hist["reason"].iat[0] == "疫情升级，提高基数"
    # the banner names the new version at once (saved for the gap engine's today: the demo's own day)
    assert hist["valid_from"].iat[0] == dt.date(2026, 11, 29)
    assert at.info[0].value == "当前在用：第 2 版，2026-11-29 起生效，周管理员设定。"
    assert _gaps(demo_sqlite).community["required"].sum() > required_before  # in force for today's gaps


def test_the_norms_page_shows_whole_terms_as_integers_and_the_formula_of_the_gap_engine(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, NORMS, user="admin")
    days = at.number_input(key="norms_max_consecutive_days")
    assert days.value == 6 and isinstance(days.value, int) and days.proto.format == "%d"
    assert at.number_input(key="norms_grid_members_per_grid").value == 1
    assert at.number_input(key="norms_base_per_10k_residents").proto.format == "%.1f"
    # every term of core.model.gaps' requirement is in the caption, the screening one included
    assert "每人每日排查户数" in at.caption[0].value and "风险系数" in at.caption[0].value
    history = at.dataframe[0].value
    assert history["原因"].tolist() == ["初始规范（系统默认）"] and history["设定人"].tolist() == ["系统"]


def test_the_first_norm_versions_reason_reads_in_english_too(app) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, NORMS, user="admin", lang="en")
    assert at.dataframe[0].value["Reason"].tolist() == ["Initial norms (system default)"]


def test_admin_without_a_reason_gets_a_chinese_error_and_no_new_version(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, NORMS, user="admin")
    at.button[0].click().run()
    assert any("请填写修改原因" in e.value for e in at.error)
    assert len(_norm_history(demo_sqlite)) == 1


def test_pages_rerun_warm_in_under_a_second(app) -> None:  # type: ignore[no-untyped-def]
    """Not a timing assertion on the machine's speed: prints the warm run times for the closing note."""
    for page in (COVERAGE, GAPS):
        at = _open(app, page)
        t0 = time.perf_counter()
        at.run()
        took = time.perf_counter() - t0
        print(f"warm script run {page}: {took * 1000:.0f} ms")
        assert not at.exception


def test_a_coordinator_goes_from_the_gap_list_straight_to_the_candidates(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app(user="coordinator")
    at.run()
    at.switch_page(GAPS).run()
    go = at.button(key="gaps_go_reassign")
    assert go.disabled and go.label == "在表中选中一个社区，即可为它调配人员"
    df = at.dataframe[0].value
    third = df["编码"].iat[2]
    at.session_state["gaps_pick"] = {"selection": {"rows": [2], "columns": [], "cells": []}}
    at.run()
    go = at.button(key="gaps_go_reassign")
    assert not go.disabled and df["社区"].iat[2] in go.label
    go.click().run()
    assert not at.exception
    assert at.title[0].value == "人员调配"
    assert at.query_params["community"] == third
    target = at.selectbox(key="ra_target")
    assert third in target.format_func(target.value)
    leader = _open(app, GAPS)  # a leader cannot move people: no button
    assert not [b for b in leader.button if b.key == "gaps_go_reassign"]


def test_every_numeric_norm_term_has_a_field_label_in_both_languages() -> None:
    """A term added to core.model.norms without its label would show the raw key on the page."""
    from core.model.norms import NUMERIC_TERMS
    from dashboard.i18n import TABLES

    missing = [f"{lang}:norms.field.{k}" for k in NUMERIC_TERMS for lang in ("zh", "en")
               if f"norms.field.{k}" not in TABLES[lang]]
    assert missing == []
