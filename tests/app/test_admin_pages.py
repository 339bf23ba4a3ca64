"""The import page (clerks) and the user-admin page (admins) through the real router."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from core.storage import rows as orm
from core.storage.db import session_scope

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"
IMPORT_PAGE = "app_pages/data_import.py"
USERS_PAGE = "app_pages/users.py"


def _count_communities(url: str) -> int:
    with session_scope(url) as s:
        return int(s.scalar(select(func.count()).select_from(orm.Community)) or 0)


def test_a_clerk_sees_the_import_page_and_a_leader_does_not(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="clerk")
    at.run()
    at.switch_page(IMPORT_PAGE).run()
    assert not at.exception
    assert at.title[0].value == "数据导入"
    leader = app(user="leader")
    leader.run()
    try:
        leader.switch_page(IMPORT_PAGE).run()
    except ValueError:
        pass
    else:  # pragma: no cover - the page must not be registered for a leader
        raise AssertionError("a leader reached the import page")


def test_the_import_page_offers_every_kind_and_datum(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="clerk")
    at.run()
    at.switch_page(IMPORT_PAGE).run()
    kinds = at.selectbox(key="imp_kind")
    assert kinds.options[:4] == ["辖区（街道、社区）", "边界", "人员", "网格"]  # in the order a district loads them
    assert kinds.options[-1] == "事件" and len(kinds.options) == 12
    assert "GCJ-02（高德、腾讯）" in at.selectbox(key="imp_datum").options


def test_an_admin_sees_every_account_without_password_hashes(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app(user="admin")
    at.run()
    at.switch_page(USERS_PAGE).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert {"leader", "coordinator", "clerk", "admin"} <= set(table["账号"])
    assert not any("argon2" in str(v) for v in table.to_numpy().ravel())
    assert "全区" in set(table["负责街道"])


def test_an_admin_adds_a_user_through_the_form(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app(user="admin")
    at.run()
    at.switch_page(USERS_PAGE).run()
    at.text_input(key="users_add_name").input("zhaolei")
    at.text_input(key="users_add_display").input("赵磊")
    at.text_input(key="users_add_pw").input("a-long-password-1")
    at.multiselect(key="users_add_roles").select("coordinator")
    next(b for b in at.button if b.label == "新增").click().run()
    assert not at.exception
    assert any("已新增用户 zhaolei" in s.value for s in at.success)
    from tests.storage.test_identity import sign_in

    assert sign_in(demo_sqlite, "zhaolei", "a-long-password-1").roles == frozenset({"coordinator"})
    assert _count_communities(demo_sqlite) > 0


def test_an_admin_sees_open_sessions_and_ends_those_of_an_account(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.storage.db import session_scope
    from core.storage.rows import AuthSession
    from tests.app.conftest import open_page, signed_in

    other = signed_in("coordinator", demo_sqlite)
    at = open_page(app, USERS_PAGE, user="admin")
    def table(column: str):  # type: ignore[no-untyped-def]
        return next(d.value for d in at.dataframe if column in d.value.columns)

    shown = table("最近活动")
    assert {"coordinator", "admin"} <= set(shown["账号"]) and "李调度" in set(shown["姓名"])
    tokens = table("大屏名称")
    assert "大屏名称" in tokens.columns and "name" not in tokens.columns
    at.selectbox(key="users_session_pick").select("coordinator")
    at.text_input(key="users_session_reason").input("电脑遗失")
    next(b for b in at.button if b.label == "结束该账号的全部会话").click().run()
    assert not at.exception
    with session_scope(demo_sqlite) as s:
        row = s.get(AuthSession, other["session_id"])
        assert row.end_reason == "revoked" and row.ended_at is not None
    assert "coordinator" not in set(table("最近活动")["账号"])


def test_a_refused_file_is_named_with_its_row_and_column(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="clerk")
    at.run()
    at.switch_page(IMPORT_PAGE).run()
    bad = (FIXTURES / "communities_bad.csv").read_bytes()
    at.file_uploader(key="imp_file").set_value(("江岸区社区_有误.csv", bad, "text/csv")).run()
    at.button(key="imp_check").click().run()
    assert not at.exception
    assert "文件“江岸区社区_有误.csv”被整份拒收" in at.error[0].value
    problems = at.dataframe[-1].value
    assert list(problems.columns)[:3] == ["文件", "行号", "列"]
    assert set(problems["文件"]) == {"江岸区社区_有误.csv"}


def test_a_file_that_cannot_be_imported_at_all_is_named_too(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="clerk")
    at.run()
    at.switch_page(IMPORT_PAGE).run()
    good = (FIXTURES / "communities_messy.csv").read_bytes()
    at.file_uploader(key="imp_file").set_value(("社区.csv", good, "text/csv")).run()
    at.button(key="imp_run").click().run()  # the demo database takes no district's real file
    assert not at.exception
    assert at.error[0].value.startswith("文件“社区.csv”未能导入：")
    assert [md for md in at.markdown if "fx-upload-hint" in str(md.proto)]  # our words for Streamlit's upload box
