"""The roster page (排班) in AppTest on the demo: a checkpoint's week with its empty shifts, filling one from
the call-out list (the week then shows it taken), and read-only for a clerk."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from core.storage import rows as orm
from core.storage.db import session_scope
from dashboard.i18n import t

PAGE = "app_pages/roster.py"


def _open(app: Callable[..., AppTest], user: str) -> AppTest:
    at = app(user=user)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def short(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == t("roster.kpi.people_short")).value.replace(",", ""))


def test_a_coordinator_fills_an_empty_shift_from_the_call_out_list(app: Callable[..., AppTest],
                                                                   demo_sqlite: str) -> None:
    at = _open(app, "coordinator")
    assert short(at) > 0 and at.dataframe  # the district's empty shifts, the week grid
    at.button(key="FormSubmitter:roster_assign-" + t("roster.assign")).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success and t("roster.assigned", shift="", day="")[:3] in at.success[0].value
    with session_scope(demo_sqlite) as s:
        assert s.scalar(select(func.count()).select_from(orm.RosterEntry)) == 1
    grid = at.dataframe[0].value
    assert any(str(v).startswith("1 / ") for v in grid.to_numpy().ravel())  # the shift now shows one taken

def test_a_clerk_sees_the_roster_but_cannot_fill_it(app: Callable[..., AppTest]) -> None:
    at = _open(app, "clerk")
    assert any(t("roster.read_only") in i.value for i in at.info)
    assert not [b for b in at.button if "roster_assign" in str(b.key)]
