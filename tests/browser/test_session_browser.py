"""Desk sessions in a real browser: a reload or a new tab keeps the session, its page and its language;
signing out, revoking or idling ends it; a deep link survives sign-in; no English "Page not found" box
ever appears (signed out, signed in, or on a kiosk)."""

from __future__ import annotations

import datetime as dt
import sqlite3

from core.demo import accounts as demo_accounts
from core.model.actor import Actor
from core.model.identity_policy import SESSION_COOKIE
from core.services import clock
from core.services.identity import sessions
from tests.browser.conftest import (
    choose_language,
    screenshot,
    sign_in,
    sign_in_with_form,
    submit_login,
    wait_for_app,
)
from tests.db import call

ADMIN = Actor("admin", "管理员", frozenset({"admin"}))


def _signed_in_as(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebar").get_by_text(name).wait_for(state="visible", timeout=60_000)


def _on_login_page(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("button", name="登录").wait_for(state="visible", timeout=60_000)
    assert page.get_by_test_id("stSidebarNav").count() == 0


def _no_dialog(page) -> None:  # type: ignore[no-untyped-def]
    assert page.get_by_role("dialog").count() == 0
    assert "Page not found" not in page.locator("body").inner_text()


def _open(page, title: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    wait_for_app(page)


def _choose_english(page) -> None:  # type: ignore[no-untyped-def]
    choose_language(page, "en")
    page.get_by_test_id("stSidebarNav").get_by_text("Staffing gaps", exact=True).wait_for(timeout=60_000)
    wait_for_app(page)


def _session_cookie(page) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)


def test_a_reload_and_a_new_tab_keep_the_session_page_and_language(page, server, recorder) -> None:  # type: ignore[no-untyped-def]
    sign_in_with_form(page, server.url, "coordinator")
    cookie = _session_cookie(page)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find(SESSION_COOKIE) == -1  # scripts cannot read it
    _open(page, "人员缺口")
    _choose_english(page)
    page.reload()
    wait_for_app(page)
    _signed_in_as(page, "李调度")
    assert page.url.rstrip("/").endswith("/gaps")
    page.get_by_role("heading", name="Staffing gaps").wait_for(timeout=60_000)
    _no_dialog(page)
    tab = page.context.new_page()
    tab.goto(server.url + "/reassign")
    wait_for_app(tab)
    tab.get_by_test_id("stSidebar").get_by_text("李调度").wait_for(timeout=60_000)
    tab.get_by_test_id("stSidebarNav").get_by_text("Reassign staff", exact=True).wait_for(timeout=60_000)
    assert tab.get_by_role("button", name="Sign in").count() == 0
    screenshot(tab, "session-new-tab-en")
    tab.close()
    assert recorder.external == []


def test_signing_out_ends_the_session_and_its_cookie_is_worthless_after(page, server) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "planner")
    old = _session_cookie(page)
    page.get_by_role("button", name="退出登录").click()
    page.get_by_text("已退出登录").wait_for(state="visible", timeout=30_000)
    assert SESSION_COOKIE not in {c["name"] for c in page.context.cookies()}
    page.reload()
    wait_for_app(page)
    _on_login_page(page)
    page.context.add_cookies([{k: old[k] for k in ("name", "value", "domain", "path")}])  # replayed
    page.goto(server.url + "/gaps")
    wait_for_app(page)
    _on_login_page(page)
    _no_dialog(page)


def test_a_revoked_session_is_refused_at_the_next_reload(page, server) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "clerk")
    _signed_in_as(page, "刘录入")
    assert call(server.db_url, sessions.revoke_sessions, ADMIN, "clerk", reason="测试撤销") >= 1
    page.reload()
    wait_for_app(page)
    _on_login_page(page)
    page.get_by_text("您的会话已被系统管理员结束").wait_for(timeout=30_000)


def test_an_idle_session_times_out(page, server) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "leader")
    _signed_in_as(page, "王指挥长")
    path = server.db_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:  # the session was last seen two hours ago
        conn.execute("UPDATE auth_session SET last_seen = ? WHERE username = 'leader' AND ended_at IS NULL",
                     ((clock.exact_now() - dt.timedelta(hours=2)).isoformat(sep=" "),))
    page.reload()
    wait_for_app(page)
    _on_login_page(page)
    page.get_by_text("会话已超时").wait_for(timeout=30_000)


def test_a_forged_cookie_is_just_the_login_page(page, server) -> None:  # type: ignore[no-untyped-def]
    host = server.url.split("//", 1)[1].split(":")[0]
    page.context.add_cookies([{"name": SESSION_COOKIE, "value": "abc.def", "domain": host, "path": "/"}])
    page.goto(server.url + "/users")
    wait_for_app(page)
    _on_login_page(page)
    _no_dialog(page)


def test_a_deep_link_while_signed_out_opens_after_sign_in(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(server.url + "/plan")
    wait_for_app(page)
    _on_login_page(page)
    _no_dialog(page)
    page.get_by_text("登录后将打开“调配方案”").wait_for(timeout=30_000)
    screenshot(page, "session-deep-link-login")
    submit_login(page, "coordinator", demo_accounts.DEMO_PASSWORD)
    assert page.url.rstrip("/").endswith("/plan")
    page.get_by_role("heading", name="调配方案").first.wait_for(timeout=60_000)
    _no_dialog(page)


def test_unknown_and_forbidden_paths_say_so_in_chinese(page, server) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, server.url, "clerk")
    page.goto(server.url + "/no-such-page")
    wait_for_app(page)
    _signed_in_as(page, "刘录入")
    page.get_by_text("没有找到页面“/no-such-page”").wait_for(timeout=30_000)
    _no_dialog(page)
    page.goto(server.url + "/audit")
    wait_for_app(page)
    page.get_by_text("您的角色无权打开“审计日志”").wait_for(timeout=30_000)
    _no_dialog(page)


def test_a_kiosk_url_on_a_desk_path_shows_the_wall_and_no_dialog(page, server) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/reassign?kiosk={demo_accounts.DEMO_KIOSK_TOKEN}")
    wait_for_app(page)
    page.locator("[data-testid='fx-kpi-shortage']").wait_for(state="visible", timeout=60_000)
    _no_dialog(page)
    assert page.get_by_role("button", name="登录").count() == 0
    assert page.get_by_text("人员调配").count() == 0
