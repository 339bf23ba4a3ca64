"""Which pages a user sees. Pages are listed as data: (file, title key, url path, section, roles).

``roles=None`` means every signed-in desk user (not the read-only wall screen, which sees only pages
that name "wallscreen"). The router builds ``st.navigation`` from this table; the guard on writes is
in core, this is convenience.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"


#: the sidebar's sections, in this order for every role: what is happening, what to do, running the system
SECTION_ORDER = ("nav.section.front", "nav.section.monitor", "nav.section.command", "nav.section.manage")
#: the phone pages of the front line (网格员, 社区工作人员)
FRONT = frozenset({"grid_member", "community_staff"})


@dataclass(frozen=True)
class PageSpec:
    file: str
    title_key: str
    url_path: str
    section: str
    icon: str
    roles: frozenset[str] | None = None
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("overview.py", "page.overview", "overview", "nav.section.monitor", "🗺️",
             roles=frozenset({"leader", "coordinator", "planner", "clerk", "admin"}), default=True),
    PageSpec("audit.py", "page.audit", "audit", "nav.section.manage", "📜", roles=frozenset({"leader", "admin"})),
    PageSpec("coverage.py", "page.coverage", "coverage", "nav.section.monitor", "🧭",
             roles=frozenset({"leader", "coordinator", "planner", "clerk", "admin"})),
    PageSpec("gaps.py", "page.gaps", "gaps", "nav.section.monitor", "📉",
             roles=frozenset({"leader", "coordinator", "planner", "clerk", "admin"})),
    PageSpec("norms.py", "page.norms", "norms", "nav.section.manage", "📐", roles=frozenset({"admin"})),
    PageSpec("setup.py", "page.setup", "setup", "nav.section.manage", "🧰", roles=frozenset({"clerk", "admin"})),
    PageSpec("data_import.py", "page.data_import", "import", "nav.section.manage", "📥",
             roles=frozenset({"clerk", "admin"})),
    PageSpec("users.py", "page.users", "users", "nav.section.manage", "👥", roles=frozenset({"admin"})),
    PageSpec("reassign.py", "page.reassign", "reassign", "nav.section.command", "🔁",
             roles=frozenset({"coordinator", "admin"})),
    PageSpec("wallscreen.py", "page.wallscreen", "wallscreen", "nav.section.monitor", "🖥️",
             roles=frozenset({"wallscreen", "leader", "admin"})),
    PageSpec("alerts.py", "page.alerts", "alerts", "nav.section.command", "🚨",
             roles=frozenset({"leader", "coordinator", "admin"})),
    PageSpec("plan.py", "page.plan", "plan", "nav.section.command", "🧮", roles=frozenset({"coordinator", "admin"})),
    PageSpec("whatif.py", "page.whatif", "whatif", "nav.section.command", "🔮",
             roles=frozenset({"planner", "leader", "admin", "coordinator"})),
    PageSpec("incidents.py", "page.incidents", "incidents", "nav.section.command", "🚑",
             roles=frozenset({"leader", "coordinator", "planner", "clerk", "admin"})),
    PageSpec("isolation.py", "page.isolation", "isolation", "nav.section.command", "🏠",
             roles=frozenset({"leader", "coordinator", "clerk", "admin"})),
    PageSpec("screening.py", "page.screening", "screening", "nav.section.command", "🚪",
             roles=frozenset({"leader", "coordinator", "planner", "clerk", "admin"})),
    PageSpec("volunteers.py", "page.volunteers", "volunteers", "nav.section.command", "🙋",
             roles=frozenset({"leader", "coordinator", "clerk", "admin"})),
    PageSpec("errands.py", "page.errands", "errands", "nav.section.command", "🛒",
             roles=frozenset({"leader", "coordinator", "clerk", "admin"})),
    PageSpec("roster.py", "page.roster", "roster", "nav.section.command", "📅",
             roles=frozenset({"leader", "coordinator", "clerk", "admin"})),
    PageSpec("daily_report.py", "page.daily_report", "daily-report", "nav.section.monitor", "📰",
             roles=frozenset({"leader", "coordinator", "clerk", "admin", "planner"})),
    PageSpec("desk.py", "page.desk", "desk", "nav.section.command", "🗂️",
             roles=frozenset({"leader", "coordinator", "clerk", "admin"})),
    PageSpec("front_home.py", "page.front_home", "mine", "nav.section.front", "📱", roles=FRONT, default=True),
    PageSpec("front_screening.py", "page.front_screening", "door-to-door", "nav.section.front", "🚪", roles=FRONT),
    PageSpec("front_isolation.py", "page.front_isolation", "isolation-checks", "nav.section.front", "🏠", roles=FRONT),
    PageSpec("front_errands.py", "page.front_errands", "my-errands", "nav.section.front", "🛒", roles=FRONT),
    PageSpec("front_incident.py", "page.front_incident", "report", "nav.section.front", "🚨", roles=FRONT),
    PageSpec("front_checkpoint.py", "page.front_checkpoint", "checkpoint-duty", "nav.section.front", "🛡️",
             roles=FRONT),
)


def visible_pages(roles: frozenset[str]) -> list[PageSpec]:
    desk = bool(roles - {"wallscreen"})
    return [p for p in PAGES if (p.roles is None and desk) or (p.roles is not None and p.roles & roles)]
