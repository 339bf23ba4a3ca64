"""The audit page: filters, compact before/after, masking for leaders, full view for admins."""

from __future__ import annotations

import datetime as dt

from core.model.actor import Actor
from core.services.audit import new_batch_id, record
from core.services.audit_report import AuditFilter, entries
from core.services.uow import unit_of_work

CLERK = Actor("clerk", "刘录入", frozenset({"clerk"}))


def _seed_entries(url: str) -> None:
    with unit_of_work(url) as uow:
        batch = new_batch_id()
        record(uow, CLERK, "staff.update", "staff", "S1", community_code="420102001001",
               before={"name": "张三明", "phone": "13812345678"}, after={"name": "张三明", "phone": "13900001111"},
               reason="更正电话", batch_id=batch)
        record(uow, CLERK, "community.update", "community", "420102001001", community_code="420102001001",
               before={"name": "旧名社区"}, after={"name": "<img src=x onerror=alert(1)>"}, reason="改名",
               batch_id=batch)


def _table(at):  # type: ignore[no-untyped-def]
    return at.dataframe[0].value


def test_a_leader_sees_the_log_with_personal_data_masked(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    _seed_entries(demo_sqlite)
    at = app(user="leader")
    at.run()
    at.switch_page("app_pages/audit.py").run()
    assert not at.exception
    df = _table(at)
    assert list(df.columns[:4]) == ["时间", "操作人", "操作", "对象"]
    row = df[df["原因"] == "更正电话"].iloc[0]
    assert "张*明" in row["修改前"] and "138****5678" in row["修改前"] and "139****1111" in row["修改后"]
    assert "13812345678" not in df.to_csv()
    assert "生成演示数据" in set(df["操作"])
    assert any("已脱敏" in c.value for c in at.caption)
    # hostile text stays text: it is a cell value, not markup
    assert "<img src=x onerror=alert(1)>" in df[df["原因"] == "改名"].iloc[0]["修改后"]


def test_an_admin_sees_personal_data_in_full(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    _seed_entries(demo_sqlite)
    at = app(user="admin")
    at.run()
    at.switch_page("app_pages/audit.py").run()
    row = _table(at).query("原因 == '更正电话'").iloc[0]
    assert "张三明" in row["修改前"] and "13812345678" in row["修改前"]


def test_filters_narrow_the_log_by_person_community_and_kind(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    _seed_entries(demo_sqlite)
    at = app(user="leader")
    at.run()
    at.switch_page("app_pages/audit.py").run()
    assert len(_table(at)) == 3
    at.selectbox(key="audit_person").select("clerk").run()
    assert set(_table(at)["操作人"]) == {"clerk"} and len(_table(at)) == 2
    at.multiselect(key="audit_actions").select("staff.update").run()
    assert list(_table(at)["原因"]) == ["更正电话"]
    at.multiselect(key="audit_actions").unselect("staff.update").run()
    at.selectbox(key="audit_person").select("").run()
    at.selectbox(key="audit_community").select("420102001001").run()
    assert len(_table(at)) == 2
    old = (dt.date.today() - dt.timedelta(days=400), dt.date.today() - dt.timedelta(days=300))
    at.date_input(key="audit_period").set_value(old).run()
    assert not at.dataframe and "没有符合条件的记录" in at.info[0].value


def test_hostile_filter_text_reaches_sql_only_as_a_parameter(demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    leader = Actor("leader", "王", frozenset({"leader"}))
    with unit_of_work(demo_sqlite) as uow:
        for evil in ("' OR '1'='1", "x'; DELETE FROM audit_log; --"):
            assert entries(uow, leader, AuditFilter(person=evil)).empty
            assert entries(uow, leader, AuditFilter(community_code=evil, actions=(evil,))).empty
        assert len(entries(uow, leader, AuditFilter())) >= 1
