"""The reassignment (人员调配) and plan (调配方案) pages: render, move two cadres, undo, accept a plan."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from core.services.gaps import load_gaps
from core.storage.db import session_scope
from core.storage.repositories import tables_repo as repo
from core.storage.rows.reassign import MoveBatch
from tests.db import call

REASSIGN, PLAN = "app_pages/reassign.py", "app_pages/plan.py"


def _open(app, page: str, user: str = "coordinator"):  # type: ignore[no-untyped-def]
    at = app(user=user)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _version(url: str) -> str:
    with session_scope(url) as s:
        return repo.data_version(s)


def _batches(url: str) -> list[MoveBatch]:
    with session_scope(url) as s:
        return list(s.execute(select(MoveBatch).order_by(MoveBatch.created_at)).scalars())


def test_reassign_page_opens_on_the_worst_community_with_ranked_candidates(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, REASSIGN)
    assert at.title[0].value == "人员调配"
    worst = call(demo_sqlite, load_gaps).community.sort_values(["shortage", "code"], ascending=[False, True]).iloc[0]
    picker = at.selectbox(key="ra_target")
    assert picker.value == worst["community_id"]
    assert picker.format_func(picker.value) == f"{worst['name']}（{worst['street']}，{worst['code']}）"
    assert {m.label: m.value for m in at.metric}["缺口"] == f"{worst['shortage']} 人"
    cand = at.dataframe[0].value
    assert list(cand.columns)[:3] == ["姓名", "编号", "类别"]
    assert cand["居住地距离"].is_monotonic_increasing
    assert set(cand["类别"]) == {"下沉干部"}
    assert len(at.get("deck_gl_json_chart")) == 1


def test_a_leader_does_not_get_the_reassign_or_plan_pages(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="leader")
    at.run()
    for page in (REASSIGN, PLAN):
        with pytest.raises(ValueError):
            at.switch_page(page)


def test_moving_two_selected_cadres_then_undoing_the_batch(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, REASSIGN)
    target = at.selectbox(key="ra_target").value
    before = call(demo_sqlite, load_gaps).community.set_index("community_id").loc[target, "available"]
    at.session_state[f"ra_cand_{target}_{_version(demo_sqlite)}"] = {
        "selection": {"rows": [0, 1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert any("已选 2 人" in c.value for c in at.caption)
    preview = at.dataframe[1].value
    assert list(preview["角色"]).count("调入") == 1
    to_row = preview[preview["角色"] == "调入"].iloc[0]
    assert to_row["调配后在岗"] - to_row["调配前在岗"] == 2
    at.text_input(key="ra_reason").input("补充卡点值守")
    at.run()
    at.button(key="ra_confirm").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    done = next(s.value for s in at.success if "已把 2 人调往" in s.value)
    name = call(demo_sqlite, load_gaps).community.set_index("community_id").loc[target, "name"]
    assert name in done and not re.search(r"[0-9a-f]{12}", done)  # the moves by place and time, not a batch id
    after = call(demo_sqlite, load_gaps).community.set_index("community_id").loc[target, "available"]
    assert after == before + 2
    [batch] = _batches(demo_sqlite)
    at.text_input(key="ra_undo_reason").input("选错人了")
    at.run()
    at.button(key="ra_undo").click()
    at.run()
    assert not at.exception
    undone = next(s.value for s in at.success if "已撤销" in s.value)
    assert "（2 人）" in undone and not re.search(r"[0-9a-f]{12}", undone)
    [batch] = _batches(demo_sqlite)
    assert batch.undone_by == "coordinator"
    assert call(demo_sqlite, load_gaps).community.set_index("community_id").loc[target, "available"] == before


def test_plan_page_shows_totals_and_arcs_and_accepts_the_whole_plan(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, PLAN)
    assert at.title[0].value == "调配方案"
    metrics = {m.label: m for m in at.metric}
    shortage = metrics["总缺口（人）"]
    before, after = (int(x.replace(",", "")) for x in shortage.value.split(" → "))
    assert before > after and (before >= 1000) == ("," in shortage.value.split(" → ")[0])
    # the arrow carries the sign: "↓ 970 人", never "↓ -970 人"
    assert shortage.proto.delta == f"{before - after:,} 人" and not shortage.proto.delta.startswith("-")
    assert metrics["总路程"].value.endswith("公里")
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    arcs = next(layer for layer in spec["layers"] if layer["id"] == "plan-arcs")
    assert arcs["@@type"] == "ArcLayer" and len(arcs["data"]) > 0
    n = len(at.dataframe[0].value)
    assert n > 0
    at.text_input(key="plan_reason").input("采纳建议方案")
    at.run()
    at.button(key="plan_accept_all").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"已采纳 {n} 条" in s.value and not re.search(r"[0-9a-f]{12}", s.value) for s in at.success)
    [batch] = _batches(demo_sqlite)
    assert (batch.kind, batch.moves, batch.actor) == ("plan", n, "coordinator")


def test_a_coordinator_scoped_to_two_streets_plans_only_within_them(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = _open(app, PLAN, user="coordinator2")
    options = at.multiselect(key="plan_streets").options
    assert len(options) == 2
    gaps = call(demo_sqlite, load_gaps).community
    names = set(gaps[gaps["street"].isin(options)]["name"])
    table = at.dataframe[0].value
    assert len(table) > 0
    assert set(table["调出社区"]) <= names and set(table["调入社区"]) <= names
    assert len(names) < len(gaps)
