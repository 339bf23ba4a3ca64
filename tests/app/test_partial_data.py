"""Every page renders on a database a district filled from its own files, before it has everything:
only a community list (codes, names, streets; no coordinates, no boundaries, no grids), then that list
plus a staff roster. Filled through the importer, as a clerk would (no demo)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core.cli.main import main
from core.model.actor import SYSTEM
from core.services.identity import add_user
from core.services.uow import unit_of_work
from dashboard.auth import SESSION_KEY
from dashboard.navigation import FRONT, PAGES
from tests.app.conftest import signed_in

APP = Path(__file__).resolve().parents[2] / "dashboard" / "streamlit_app.py"
COMMUNITIES = ("社区编码,社区名称,街道,常住人口\n"
               "420102001001,大智社区,大智街道,8000\n420102001002,球场社区,大智街道,9000\n"
               "420102002001,一元社区,一元街道,7000\n")
STAFF = ("编号,姓名,类别,所在社区,可调配,在岗\n"
         "S1,张伟,下沉干部,420102001001,是,是\nS2,李娜,社区工作者,420102001002,否,是\n"
         "S3,王芳,下沉干部,420102002001,是,否\n")


def _district(tmp_path: Path, *, staff: bool) -> str:
    url = f"sqlite:///{tmp_path / 'district.db'}"
    (tmp_path / "c.csv").write_text(COMMUNITIES, encoding="utf-8")
    assert main(["--database-url", url, "init"]) == 0
    assert main(["--database-url", url, "import", "communities", str(tmp_path / "c.csv"), "--as-system",
                 "--district-name", "江岸区", "--district-code", "420102"]) == 0
    if staff:
        (tmp_path / "s.csv").write_text(STAFF, encoding="utf-8")
        assert main(["--database-url", url, "import", "staff", str(tmp_path / "s.csv"), "--as-system"]) == 0
    with unit_of_work(url) as uow:
        add_user(uow, SYSTEM, "admin", "管理员", "a-long-password", ["admin"])
        add_user(uow, SYSTEM, "sq", "社区书记", "a-long-password", ["community_staff"], communities=["420102001001"])
    return url


def _user(spec: object) -> str:
    """The admin sees every desk page; the phone pages are the front line's (a community's staff here)."""
    return "sq" if spec.roles == FRONT else "admin"  # type: ignore[attr-defined]


@pytest.fixture(params=["communities only", "communities and staff"])
def district(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from core.storage.db import dispose_engines

    url = _district(tmp_path, staff=request.param != "communities only")
    monkeypatch.setenv("FANGXIAN_DATABASE_URL", url)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url
    st.cache_data.clear()
    st.cache_resource.clear()
    dispose_engines()


@pytest.mark.parametrize("spec", PAGES, ids=[p.url_path for p in PAGES])
def test_every_page_renders_before_the_district_has_loaded_everything(district: str, spec: object) -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[SESSION_KEY] = signed_in(_user(spec))
    at.run()
    at.switch_page(f"app_pages/{spec.file}")  # type: ignore[attr-defined]
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]


#: page -> the kinds whose "not loaded yet" notice it shows on a district that has loaded only its
#: communities (kinds the importer's registry does not hold yet are left out of the notice)
MISSING_NOTICE: dict[str, list[str]] = {
    "overview": ["staff"], "coverage": ["staff", "grids", "checkpoints"], "gaps": ["staff"], "plan": ["staff"],
    "reassign": ["staff"], "incidents": ["incidents"], "isolation": ["households"],
    "volunteers": ["staff", "checkpoints"], "errands": ["households", "vulnerable"], "alerts": ["staff"],
    "whatif": ["staff"],
}
#: pages drawing the community map: none of the three communities has a boundary or coordinates
UNLOCATED_MAPS = ("overview", "coverage", "gaps")


def _open(spec: object) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.session_state[SESSION_KEY] = signed_in(_user(spec))
    at.run()
    at.switch_page(f"app_pages/{spec.file}")  # type: ignore[attr-defined]
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    return at


@pytest.mark.parametrize("spec", [p for p in PAGES if p.url_path in MISSING_NOTICE], ids=lambda p: p.url_path)
def test_a_page_says_what_is_not_loaded_yet_and_links_to_the_setup_page(district: str, spec: object,
                                                                        request: pytest.FixtureRequest) -> None:
    from core.services.importer.registry import KINDS
    from dashboard.builders.setup_view import missing_text

    with_staff = "and staff" in request.node.callspec.id
    kinds = [k for k in MISSING_NOTICE[spec.url_path] if k in KINDS and not (with_staff and k == "staff")]  # type: ignore[attr-defined]
    at = _open(spec)
    infos = [i.value for i in at.info]
    if kinds:
        assert missing_text(kinds) in infos
    else:
        assert not [i for i in infos if i.startswith(missing_text(["staff"])[:4])], infos


@pytest.mark.parametrize("page", UNLOCATED_MAPS)
def test_a_map_with_no_community_located_says_how_many_and_shows_a_placeholder(district: str, page: str) -> None:
    from dashboard.i18n import t

    at = _open(next(p for p in PAGES if p.url_path == page))
    assert t("map.unlocated", n="3") in [w.value for w in at.warning]
    assert any("fx-map-placeholder" in str(m.value) for m in at.markdown)
    assert not [el for el in at.get("deck_gl_json_chart")]  # no empty canvas


def test_the_wall_says_no_grids_and_unlocated_communities(district: str) -> None:
    from dashboard.i18n import t

    at = _open(next(p for p in PAGES if p.url_path == "wallscreen"))
    html = " ".join(str(m.value) for m in at.markdown)
    assert t("map.unlocated", n="3") in html and "fx-map-placeholder" in html
    tile = html[html.index('data-testid="fx-kpi-grid_coverage"'):].split("</div></div>")[0]
    assert t("grid.none") in tile and "—" in tile and "0.0" not in tile


def test_the_plan_says_that_distances_to_unlocated_communities_are_unknown(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.storage.db import dispose_engines
    from dashboard.i18n import t

    monkeypatch.setenv("FANGXIAN_DATABASE_URL", _district(tmp_path, staff=True))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        at = _open(next(p for p in PAGES if p.url_path == "plan"))
        assert t("plan.unlocated", n="3") in [w.value for w in at.warning]
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
        dispose_engines()


def test_the_roster_page_names_what_is_missing_for_checkpoints_and_for_grid_watches(district: str) -> None:
    from dashboard.builders.setup_view import missing_text
    from dashboard.i18n import t

    at = _open(next(p for p in PAGES if p.url_path == "roster"))
    assert missing_text(["checkpoints"]) in [i.value for i in at.info]  # no checkpoint loaded yet
    assert t("roster.no_posts.checkpoint") in [i.value for i in at.info]
    at.radio(key="roster_kind").set_value("grid")
    at.run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert missing_text(["grids"]) in [i.value for i in at.info] and t("roster.no_posts.grid") in [
        i.value for i in at.info]
