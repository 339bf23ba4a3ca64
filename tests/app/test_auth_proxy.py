"""Trusted reverse-proxy identities: user and groups from configurable headers, roles via the mapping."""

from __future__ import annotations

import pytest

from dashboard.auth import proxy_actor


@pytest.fixture(autouse=True)
def _mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_OIDC_ROLES", "cc-leaders=leader,cc-ops=coordinator")
    monkeypatch.delenv("FANGXIAN_PROXY_USER_HEADER", raising=False)
    monkeypatch.delenv("FANGXIAN_PROXY_GROUPS_HEADER", raising=False)


def test_the_proxy_user_and_groups_headers_make_an_actor(demo_sqlite: str) -> None:
    actor = proxy_actor(demo_sqlite, {"x-remote-user": "wang", "X-Remote-Groups": "cc-ops, staff"})
    assert actor is not None and actor.username == "wang" and actor.roles == {"coordinator"}


def test_no_header_or_no_mapped_group_means_no_identity(demo_sqlite: str) -> None:
    assert proxy_actor(demo_sqlite, {"X-Remote-Groups": "cc-leaders"}) is None
    assert proxy_actor(demo_sqlite, {"X-Remote-User": "wang", "X-Remote-Groups": "leader,admin"}) is None


def test_header_names_are_configurable(demo_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FANGXIAN_PROXY_USER_HEADER", "X-Forwarded-User")
    monkeypatch.setenv("FANGXIAN_PROXY_GROUPS_HEADER", "X-Forwarded-Groups")
    assert proxy_actor(demo_sqlite, {"X-Remote-User": "wang", "X-Remote-Groups": "cc-leaders"}) is None
    actor = proxy_actor(demo_sqlite, {"X-Forwarded-User": "li", "X-Forwarded-Groups": "cc-leaders"})
    assert actor is not None and actor.roles == {"leader"}


def test_a_local_account_adds_its_scope_to_a_proxy_identity(demo_sqlite: str) -> None:
    actor = proxy_actor(demo_sqlite, {"X-Remote-User": "coordinator2", "X-Remote-Groups": "cc-leaders"})
    assert actor is not None and actor.roles == {"leader", "coordinator"} and len(actor.streets or ()) == 2
