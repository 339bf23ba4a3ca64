"""Sign-in through the app: the login page, each role's pages, expired sessions, kiosk tokens."""

from __future__ import annotations

import datetime as dt

import pytest

from core.demo import accounts as demo_accounts
from core.model.actor import Actor
from core.services import identity
from dashboard.auth import ACTOR_KEY, SESSION_KEY, new_session
from tests.storage.test_identity import write

ADMIN = Actor("admin", "周管理员", frozenset({"admin"}))


def _login(at, username: str, password: str):  # type: ignore[no-untyped-def]
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()  # the form's submit button
    return at.run()


def _sidebar_text(at) -> str:  # type: ignore[no-untyped-def]
    return " ".join(str(getattr(e, "value", "")) for e in [*at.sidebar.markdown, *at.sidebar.caption])


def test_a_signed_out_visitor_sees_only_the_login_page_with_demo_accounts(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    at.run()
    assert not at.exception
    assert at.title[0].value == "登录防线指挥台"
    assert not at.metric  # nothing of the overview
    demo = at.dataframe[0].value
    assert set(demo["用户名"]) == {a.username for a in demo_accounts.DEMO_ACCOUNTS}
    assert any("demo1234" in c.value for c in at.caption)
    with pytest.raises(ValueError):
        at.switch_page("app_pages/overview.py")


def test_signing_in_through_the_form_opens_the_overview(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    at.run()
    _login(at, "leader", demo_accounts.DEMO_PASSWORD)
    assert not at.exception
    assert "江岸区" in at.title[0].value
    side = _sidebar_text(at)
    assert "王指挥长" in side and "指挥长" in side
    assert at.session_state[SESSION_KEY]["username"] == "leader"


def test_a_wrong_password_shows_a_chinese_error_and_five_lock_the_account(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    at.run()
    _login(at, "clerk", "wrong-password")
    assert [e.value for e in at.error] == ["用户名或密码错误"]
    for _ in range(4):
        _login(at, "clerk", "wrong-password")
    _login(at, "clerk", demo_accounts.DEMO_PASSWORD)
    assert "账号已锁定" in at.error[0].value and "15 分钟" in at.error[0].value
    assert SESSION_KEY not in at.session_state


@pytest.mark.parametrize(("user", "audit_visible"), [
    ("leader", True), ("admin", True), ("coordinator", False), ("planner", False), ("clerk", False),
])
def test_each_role_reaches_only_its_pages(app, user: str, audit_visible: bool) -> None:  # type: ignore[no-untyped-def]
    at = app(user=user)
    at.run()
    assert not at.exception
    if audit_visible:
        at.switch_page("app_pages/audit.py").run()
        assert not at.exception and at.title[0].value == "审计日志"
    else:
        with pytest.raises(ValueError, match="audit"):
            at.switch_page("app_pages/audit.py")


def _age_session(url: str, session_id: int, *, idle: dt.timedelta, age: dt.timedelta | None = None) -> None:
    from core.services import clock
    from core.storage.db import session_scope
    from core.storage.rows import AuthSession

    with session_scope(url) as s:
        row = s.get(AuthSession, session_id)
        row.last_seen = clock.exact_now() - idle
        if age is not None:
            row.created_at = clock.exact_now() - age


def test_an_idle_session_expires_back_to_the_login_page(app, demo_sqlite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FANGXIAN_SESSION_TIMEOUT_MIN", "30")
    at = app(user="leader")
    _age_session(demo_sqlite, at.session_state[SESSION_KEY]["session_id"], idle=dt.timedelta(minutes=31))
    at.run()
    assert not at.exception
    assert at.title[0].value == "登录防线指挥台"
    assert "会话已超时" in at.warning[0].value


def test_an_active_session_is_kept_alive_by_each_run(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.services import clock
    from core.storage.db import session_scope
    from core.storage.rows import AuthSession

    at = app(user="leader")
    sid = at.session_state[SESSION_KEY]["session_id"]
    _age_session(demo_sqlite, sid, idle=dt.timedelta(minutes=29))
    at.run()
    assert "江岸区" in at.title[0].value
    with session_scope(demo_sqlite) as s:
        assert clock.exact_now() - s.get(AuthSession, sid).last_seen < dt.timedelta(minutes=1)


def test_a_session_ends_at_its_maximum_age_however_active(app, demo_sqlite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FANGXIAN_SESSION_MAX_HOURS", "12")
    at = app(user="leader")
    _age_session(demo_sqlite, at.session_state[SESSION_KEY]["session_id"], idle=dt.timedelta(0),
                 age=dt.timedelta(hours=13))
    at.run()
    assert at.title[0].value == "登录防线指挥台"


def test_signing_in_starts_a_server_side_session_with_a_one_time_ticket(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    from core.storage.db import session_scope
    from core.storage.rows import AuthSession

    at = app(user=None)
    at.run()
    _login(at, "coordinator", demo_accounts.DEMO_PASSWORD)
    sid = at.session_state[SESSION_KEY]["session_id"]
    with session_scope(demo_sqlite) as s:
        row = s.get(AuthSession, sid)
        assert row.username == "coordinator" and row.ticket_hash and row.token_hash is None and row.ended_at is None
    at.sidebar.button(key="fx_logout").click().run()
    with session_scope(demo_sqlite) as s:
        row = s.get(AuthSession, sid)
        assert row.end_reason == "signed_out" and row.ticket_hash is None


def test_a_session_record_without_a_server_row_is_not_trusted(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, **{SESSION_KEY: new_session("local", username="admin")})
    at.run()
    assert at.title[0].value == "登录防线指挥台"


def test_disabling_an_account_ends_its_open_session(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app(user="planner")
    at.run()
    assert "江岸区" in at.title[0].value
    write(demo_sqlite, identity.disable_user, "planner")
    at.run()
    assert at.title[0].value == "登录防线指挥台"
    assert "已停用" in at.warning[0].value


def test_a_session_for_an_unknown_user_is_not_trusted(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="nobody-here")
    at.run()
    assert at.title[0].value == "登录防线指挥台"


def test_setting_the_actor_key_directly_does_not_sign_anyone_in(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, fx_actor=ADMIN)
    at.run()
    assert at.title[0].value == "登录防线指挥台"


def test_signing_out_returns_to_the_login_page(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user="coordinator")
    at.run()
    at.sidebar.button(key="fx_logout").click().run()
    assert at.title[0].value == "登录防线指挥台"
    assert "已退出登录" in at.warning[0].value


def test_a_kiosk_token_in_the_url_shows_the_wall_screen_read_only(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    assert not at.exception
    assert at.session_state[ACTOR_KEY].roles == {"wallscreen"}
    assert not at.text_input  # not the login form
    assert "演示大屏" in _sidebar_text(at) and "大屏" in _sidebar_text(at)
    assert not [b for b in at.sidebar.button if b.key == "fx_logout"]
    with pytest.raises(ValueError):
        at.switch_page("app_pages/audit.py")


def test_a_revoked_kiosk_token_is_refused_even_mid_session(app, demo_sqlite) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    assert at.session_state[ACTOR_KEY].roles == {"wallscreen"}
    write(demo_sqlite, identity.revoke_kiosk_token, "演示大屏")
    at.run()
    assert at.title[0].value == "登录防线指挥台"
    assert "令牌无效或已撤销" in at.warning[0].value


def test_a_made_up_kiosk_token_is_refused(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk="guessed-token")
    at.run()
    assert at.title[0].value == "登录防线指挥台"
    assert "令牌无效" in at.warning[0].value


def test_a_kiosk_process_token_from_the_environment(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    monkeypatch.setenv("FANGXIAN_KIOSK_TOKEN", demo_accounts.DEMO_KIOSK_TOKEN)
    at.run()
    assert at.session_state[ACTOR_KEY].roles == {"wallscreen"} and "演示大屏" in _sidebar_text(at)


def test_oidc_mode_maps_groups_to_roles(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    monkeypatch.setenv("FANGXIAN_AUTH_MODE", "oidc")
    monkeypatch.setenv("FANGXIAN_OIDC_ROLES", "cc-leaders=leader")
    at.user = {"is_logged_in": True, "preferred_username": "sso-li", "name": "李处长", "groups": ["cc-leaders"]}
    at.run()
    assert not at.exception
    assert "江岸区" in at.title[0].value and "李处长" in _sidebar_text(at)
    at.switch_page("app_pages/audit.py").run()
    assert at.title[0].value == "审计日志"


def test_oidc_users_without_a_mapped_group_get_no_pages(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    monkeypatch.setenv("FANGXIAN_AUTH_MODE", "oidc")
    monkeypatch.setenv("FANGXIAN_OIDC_ROLES", "cc-leaders=leader")
    at.user = {"is_logged_in": True, "preferred_username": "sso-wu", "groups": ["everyone"]}
    at.run()
    assert at.title[0].value == "登录防线指挥台"
    assert "没有分配角色" in at.warning[0].value


def test_proxy_mode_without_headers_shows_a_notice_and_no_form(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None)
    monkeypatch.setenv("FANGXIAN_AUTH_MODE", "proxy")
    at.run()
    assert at.title[0].value == "登录防线指挥台"
    assert not at.text_input
    assert "反向代理" in at.info[0].value


def test_no_demo_accounts_are_offered_outside_the_demo(app, empty_sqlite, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from core.storage.db import migrate, session_scope
    from core.storage.rows import District

    migrate(empty_sqlite)
    with session_scope(empty_sqlite) as s:  # a real (non-demo) district, so nothing seeds the demo
        s.add(District(code="420102", name="江岸区"))
    write(empty_sqlite, identity.add_user, "ops", "运维", "long-enough-pw", ["admin"])
    at = app(user=None)
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", empty_sqlite)
    at.run()
    assert not at.exception
    assert at.title[0].value == "登录防线指挥台"
    assert not at.dataframe
    assert not any("demo1234" in c.value for c in at.caption)
    _login(at, "leader", "demo1234")
    assert at.error[0].value == "用户名或密码错误"


def test_a_kiosk_url_may_ask_for_english(app) -> None:  # type: ignore[no-untyped-def]
    at = app(user=None, kiosk=demo_accounts.DEMO_KIOSK_TOKEN)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert at.session_state["lang"] == "en"
    assert "Roles: Wall screen" in _sidebar_text(at)  # the token is named 演示大屏 (data); the chrome is English
