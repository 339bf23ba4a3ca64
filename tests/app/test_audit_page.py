"""The audit page reads as words: action names, the object by name and code, the operator by name and
account, the changed fields with their names; masked for leaders, in full for admins; filters, the
detail of one entry and the CSV (readable columns and raw codes) keep working, in both languages."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from core.model.actor import Actor
from core.model.privacy import mask_name
from core.services.audit import new_batch_id, record
from core.services.audit_report import AuditFilter, entries
from core.services.uow import unit_of_work
from core.storage.db import session_scope

CLERK = Actor("clerk", "刘录入", frozenset({"clerk"}))
COORD = Actor("coordinator", "李调度", frozenset({"coordinator"}))


def _demo_places(url: str) -> dict[str, object]:
    """A community with a grid, another community, and one person of the demo (by id and code)."""
    from sqlalchemy import select

    from core.storage import rows as orm

    with session_scope(url) as s:
        grid = s.execute(select(orm.Grid.id, orm.Grid.code, orm.Grid.name, orm.Grid.community_id)
                         .order_by(orm.Grid.id).limit(1)).one()
        home = s.execute(select(orm.Community.id, orm.Community.code, orm.Community.name)
                         .where(orm.Community.id == grid.community_id)).one()
        other = s.execute(select(orm.Community.id, orm.Community.code, orm.Community.name)
                          .where(orm.Community.id != home.id).order_by(orm.Community.id).limit(1)).one()
        person = s.execute(select(orm.Staff.id, orm.Staff.code, orm.Staff.name).order_by(orm.Staff.id).limit(1)).one()
    return {"grid": grid, "home": home, "other": other, "person": person}


def _seed_entries(url: str) -> dict[str, object]:
    places = _demo_places(url)
    home, other, grid, person = places["home"], places["other"], places["grid"], places["person"]
    with unit_of_work(url) as uow:
        batch = new_batch_id()
        record(uow, CLERK, "staff.update", "staff", person.code, community_code=home.code,
               before={"name": "张三明", "phone": "13812345678"}, after={"name": "张三明", "phone": "13900001111"},
               reason="更正电话", batch_id=batch)
        record(uow, CLERK, "community.update", "community", home.code, community_code=home.code,
               before={"name": "旧名社区"}, after={"name": "<img src=x onerror=alert(1)>"}, reason="改名",
               batch_id=batch)
        # the shape of a real move (core.services.reassign): ids in the entry, names on the page
        record(uow, COORD, "staff.move", "staff", person.id, community_code=other.code,
               before={"community_id": home.id, "community_code": home.code, "grid_id": grid.id},
               after={"community_id": other.id, "community_code": other.code, "kind": "manual"},
               reason="支援缺员社区", batch_id=new_batch_id())
    return places


def _table(at):  # type: ignore[no-untyped-def]
    return at.dataframe[0].value


def _open(app, user: str, **state: object):  # type: ignore[no-untyped-def]
    at = app(user=user, **state)
    at.run()
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_leader_reads_names_not_codes_with_personal_data_masked(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    places = _seed_entries(demo_sqlite)
    home, other, grid, person = places["home"], places["other"], places["grid"], places["person"]
    df = _table(_open(app, "leader"))
    assert list(df.columns) == ["时间", "操作人", "操作", "对象", "变更内容", "原因", "社区"]
    moved = df[df["原因"] == "支援缺员社区"].iloc[0]
    assert moved["操作"] == "调动人员"
    assert moved["操作人"] == "李调度（coordinator）"
    assert moved["对象"] == f"{mask_name(person.name)} {person.code}" and mask_name(person.name) != person.name
    assert moved["变更内容"] == (f"所在社区：{home.name} → {other.name}；网格：{grid.name} → —；调配方式：手动调配")
    assert "community_id" not in moved["变更内容"] and "None" not in moved["变更内容"]
    phone = df[df["原因"] == "更正电话"].iloc[0]
    assert phone["操作人"] == "刘录入（clerk）"
    assert phone["变更内容"] == "电话：138****5678 → 139****1111"  # the name did not change: not shown
    renamed = df[df["原因"] == "改名"].iloc[0]
    assert renamed["对象"] == f"{home.name}（{home.code}）"
    assert "<img src=x onerror=alert(1)>" in renamed["变更内容"]  # hostile text stays text (a cell value)
    seeded = df[df["操作"] == "生成演示数据"].iloc[0]
    assert seeded["操作人"] == "系统" and seeded["对象"] == "数据库"


def test_the_csv_carries_the_readable_columns_and_the_raw_codes_masked(app, demo_sqlite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: list[bytes] = []  # what the download button hands the browser
    keep = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):  # type: ignore[no-untyped-def]
        if mimetype == "text/csv":
            offered.append(bytes(path_or_data))
        return keep(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    _seed_entries(demo_sqlite)
    _open(app, "leader")
    text = offered[-1].decode("utf-8-sig")
    csv = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    assert list(csv.columns) == ["时间", "操作人", "操作", "对象", "变更内容", "原因", "社区", "账号", "操作代码",
                                 "对象类型", "对象编号", "社区编码", "原因（原文）", "修改前", "修改后", "批次", "批次编号"]
    row = csv[csv["原因"] == "支援缺员社区"].iloc[0]
    assert (row["操作"], row["操作代码"], row["对象类型"], row["账号"]) == ("调动人员", "staff.move", "staff", "coordinator")
    assert '"community_id"' in row["修改前"] and len(row["批次编号"]) == 16
    assert "13812345678" not in text and "138****5678" in text


def test_an_admin_sees_personal_data_in_full(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    places = _seed_entries(demo_sqlite)
    df = _table(_open(app, "admin"))
    assert df[df["原因"] == "更正电话"].iloc[0]["变更内容"] == "电话：13812345678 → 13900001111"
    person = places["person"]
    assert df[df["原因"] == "支援缺员社区"].iloc[0]["对象"] == f"{person.name} {person.code}"


def test_the_page_reads_in_english(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    places = _seed_entries(demo_sqlite)
    df = _table(_open(app, "leader", lang="en"))
    assert list(df.columns) == ["When", "Person", "Action", "Object", "Changes", "Reason", "Community"]
    moved = df[df["Reason"] == "支援缺员社区"].iloc[0]
    assert moved["Action"] == "Person moved" and moved["Person"] == "李调度 (coordinator)"
    assert moved["Changes"].startswith(f"Community: {places['home'].name} → {places['other'].name}; Grid: ")
    assert moved["Changes"].endswith("How: manual move")
    assert df[df["Action"] == "Demo data generated"].iloc[0]["Person"] == "System"


def test_filters_narrow_the_log_by_person_community_and_kind(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    places = _seed_entries(demo_sqlite)
    at = _open(app, "leader")
    assert len(_table(at)) == 4
    assert at.selectbox(key="audit_person").options == ["全部", "刘录入（clerk）", "李调度（coordinator）", "系统"]
    at.selectbox(key="audit_person").select("clerk").run()
    assert set(_table(at)["操作人"]) == {"刘录入（clerk）"} and len(_table(at)) == 2
    assert "调动人员" in at.multiselect(key="audit_actions").options
    at.multiselect(key="audit_actions").select("staff.update").run()
    assert list(_table(at)["原因"]) == ["更正电话"]
    at.multiselect(key="audit_actions").unselect("staff.update").run()
    at.selectbox(key="audit_person").select("").run()
    at.selectbox(key="audit_community").select(places["home"].code).run()
    assert len(_table(at)) == 2
    old = (dt.date.today() - dt.timedelta(days=400), dt.date.today() - dt.timedelta(days=300))
    at.date_input(key="audit_period").set_value(old).run()
    assert not at.dataframe and "没有符合条件的记录" in at.info[0].value


def test_selecting_a_row_shows_every_changed_field(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    places = _seed_entries(demo_sqlite)
    at = _open(app, "leader")
    row = list(_table(at)["原因"]).index("支援缺员社区")
    at.session_state["audit_table"] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.subheader[0].value == "变更明细"
    detail = at.dataframe[1].value
    assert list(detail.columns) == ["字段", "修改前", "修改后"]
    assert detail.iloc[0].tolist() == ["所在社区", places["home"].name, places["other"].name]
    assert detail.iloc[-1].tolist()[0] == "调配方式" and detail.iloc[-1].tolist()[2] == "手动调配"


def test_hostile_filter_text_reaches_sql_only_as_a_parameter(demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    leader = Actor("leader", "王", frozenset({"leader"}))
    with unit_of_work(demo_sqlite) as uow:
        for evil in ("' OR '1'='1", "x'; DELETE FROM audit_log; --"):
            assert entries(uow, leader, AuditFilter(person=evil)).empty
            assert entries(uow, leader, AuditFilter(community_code=evil, actions=(evil,))).empty
        assert len(entries(uow, leader, AuditFilter())) >= 1


def test_a_filter_chosen_in_one_language_holds_after_switching(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    _seed_entries(demo_sqlite)
    at = _open(app, "leader")
    at.selectbox(key="audit_person").select("clerk").run()
    at.multiselect(key="audit_actions").select("staff.update").run()
    # the browser keeps a choice as its text: after the switch it sends the Chinese one back
    at.session_state["audit_person"] = "刘录入（clerk）"
    at.session_state["audit_actions"] = ["staff.update", "不存在的操作"]
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.selectbox(key="audit_person").value == "clerk"
    assert at.selectbox(key="audit_person").options[0] == "All"
    assert at.multiselect(key="audit_actions").value == ["staff.update"]
    assert list(_table(at)["Reason"]) == ["更正电话"]
