"""Which pages a user sees. Pages are listed as data: (file, title key, url path, section, roles).

``roles=None`` means every signed-in user. The router builds ``st.navigation`` from this table;
the guard on writes is in core, this is convenience.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PAGES_DIR = Path(__file__).resolve().parent / "app_pages"


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
    PageSpec("overview.py", "page.overview", "overview", "nav.section.monitor", "🗺️", default=True),
)


def visible_pages(roles: frozenset[str]) -> list[PageSpec]:
    return [p for p in PAGES if p.roles is None or (p.roles & roles)]
