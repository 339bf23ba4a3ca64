"""数据准备: a district's first day. On an empty database those who load data land on the checklist, every
kind of the importer's registry listed as not loaded; after the communities file is imported (through
the CLI, as a clerk's cron would) the first line turns ✔ with its counts and the last import's summary;
the demo database says it is the demo. Everyone else sees one line: ask the administrator."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cli.main import main
from core.model.actor import SYSTEM
from core.services.identity import add_user
from core.services.importer.registry import KINDS
from core.services.uow import unit_of_work
from dashboard.auth import SESSION_KEY
from dashboard.builders.setup_view import kind_label
from dashboard.i18n import t
from tests.app.conftest import signed_in

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"


@pytest.fixture
def district(empty_sqlite: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An empty district database (``serve --no-demo``: the app must not seed the demo) with an
    admin and a leader account."""
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", empty_sqlite)
    monkeypatch.setenv("FANGXIAN_DEMO", "0")
    assert main(["--database-url", empty_sqlite, "init"]) == 0
    with unit_of_work(empty_sqlite) as uow:
        add_user(uow, SYSTEM, "admin", "管理员", "a-long-password", ["admin"])
        add_user(uow, SYSTEM, "boss", "指挥长", "a-long-password", ["leader"])
    st.cache_data.clear()
    st.cache_resource.clear()
    yield empty_sqlite
    st.cache_data.clear()
    st.cache_resource.clear()


def _landing(user: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[SESSION_KEY] = signed_in(user)
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


def _lines(at: AppTest) -> list[str]:
    return [str(m.value) for m in at.markdown if str(m.value).startswith("##### ")]


def test_an_admin_lands_on_the_checklist_of_an_empty_district_with_every_kind_missing(district: str) -> None:
    at = _landing("admin")
    assert [x.value for x in at.title] == [t("setup.title")]
    lines = _lines(at)
    assert len(lines) == len(KINDS)
    for line, kind in zip(lines, KINDS, strict=True):
        assert kind_label(kind) in line
        assert "✘" in line and "✔" not in line
    assert t("setup.progress", done=0, total=len(KINDS)) in [str(m.value).strip("*") for m in at.markdown]
    assert t("setup.demo.notice") not in [w.value for w in at.warning]


def test_after_importing_the_communities_the_first_line_shows_counts_and_the_last_import(district: str) -> None:
    assert main(["--database-url", district, "import", "communities", str(TEMPLATES / "communities.csv"),
                 "--as-system"]) == 0
    at = _landing("admin")
    assert at.title[0].value.endswith(t("overview.title", district=""))  # the district has data: the usual landing
    at.switch_page("app_pages/setup.py")
    at.run()
    lines = _lines(at)
    assert "✔" in lines[0] and t("setup.counts.communities", streets=1, communities=2) in lines[0]
    assert "✘" in lines[1] and t("setup.counts.boundaries", with_boundary=0, communities=2) in lines[1]
    summary = next(c.value for c in at.caption if "communities.csv" in str(c.value))
    assert t("setup.last.none") not in summary
    assert "cli:root" in summary and "2" in summary.split("·")[-1]


def test_anyone_else_on_an_empty_district_is_told_to_ask_the_administrator(district: str) -> None:
    at = _landing("boss")
    assert [i.value for i in at.info] == [t("setup.empty_contact")]
    assert not at.title


def test_the_demo_database_says_it_is_the_demo(app: Callable[..., AppTest]) -> None:
    at = app(user="admin")
    at.run()
    at.switch_page("app_pages/setup.py")
    at.run()
    assert not at.exception
    assert t("setup.demo.notice") in [w.value for w in at.warning]
    assert all("✔" in line for line in _lines(at)[:3])  # the demo has communities, boundaries and staff


def test_the_import_page_preselects_the_kind_and_lists_its_columns(district: str) -> None:
    at = _landing("admin")
    at.query_params["kind"] = "staff"
    at.switch_page("app_pages/data_import.py")
    at.run()
    assert not at.exception
    assert at.selectbox(key="imp_kind").value == "staff"
    formats = [d.value for d in at.dataframe if t("setup.format.header") in d.value.columns]
    assert len(formats) == 1 and "姓名" in list(formats[0][t("setup.format.header")])
    assert t("setup.unlocks.staff") in [c.value for c in at.caption]


def test_every_template_imports_in_the_listed_order_and_every_line_turns(district: str) -> None:
    for name, kind in KINDS.items():
        assert main(["--database-url", district, "import", name, str(TEMPLATES / kind.template),
                     "--as-system"]) == 0, name
    at = _landing("admin")
    at.switch_page("app_pages/setup.py")
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    lines = _lines(at)
    assert len(lines) == len(KINDS)
    assert not [line for line in lines if "✘" in line], lines  # each kind loaded from its template


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_import_page_shows_each_kinds_format_and_template(district: str, kind: str) -> None:
    at = _landing("admin")
    at.query_params["kind"] = kind
    at.switch_page("app_pages/data_import.py")
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert at.selectbox(key="imp_kind").value == kind
    fmt = KINDS[kind].format
    if fmt is not None:
        table = next(d.value for d in at.dataframe if t("setup.format.header") in d.value.columns)
        assert list(table[t("setup.format.header")]) == [c.zh for c in fmt.columns]
    assert at.get("download_button"), "no template to download"
