"""Every kind of file a district loads, in the order it loads them (数据准备 lists them so), each
with its format, its writer and its template in ``data/templates/``.

A kind is added by writing its format (``columns*.py``) and its writer (``write_*.py``) and adding one
line here; the CLI, the 数据导入 page and the setup checklist pick it up from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.services.importer import write_incidents, write_staff
from core.services.importer.columns import BASE_FORMATS, Format
from core.services.importer.context import Context
from core.services.importer.validate import Validated

Writer = Callable[[Context, Validated], None]


@dataclass(frozen=True, slots=True)
class ImportKind:
    name: str
    format: Format | None  # None: a GeoJSON file (boundaries)
    write: Writer | None  # None: written by the service itself (communities, boundaries)
    template: str  # file name in data/templates/


KINDS: dict[str, ImportKind] = {k.name: k for k in (
    ImportKind("communities", BASE_FORMATS["communities"], None, "communities.csv"),
    ImportKind("boundaries", None, None, "boundaries.geojson"),
    ImportKind("staff", BASE_FORMATS["staff"], write_staff.write, "staff.csv"),
    ImportKind("incidents", BASE_FORMATS["incidents"], write_incidents.write, "incidents.csv"),
)}
