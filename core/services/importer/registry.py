"""Every kind of file a district loads, in the order it loads them (数据准备 lists them so), each
with its format, its writer and its template in ``data/templates/``.

A kind is added by writing its format (``columns*.py``) and its writer (``write_*.py``) and adding one
line here; the CLI, the 数据导入 page and the setup checklist pick it up from this table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.services.importer import (
    write_campaigns,
    write_checkpoints,
    write_compounds,
    write_grids,
    write_households,
    write_incidents,
    write_staff,
    write_units,
    write_vulnerable,
)
from core.services.importer.columns import BASE_FORMATS, Format
from core.services.importer.columns_people import PEOPLE_FORMATS
from core.services.importer.columns_places import PLACE_FORMATS
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
    ImportKind("grids", PLACE_FORMATS["grids"], write_grids.write, "grids.csv"),
    ImportKind("compounds", PLACE_FORMATS["compounds"], write_compounds.write, "compounds.csv"),
    ImportKind("checkpoints", PLACE_FORMATS["checkpoints"], write_checkpoints.write, "checkpoints.csv"),
    ImportKind("units", PEOPLE_FORMATS["units"], write_units.write_units, "units.csv"),
    ImportKind("pairings", PEOPLE_FORMATS["pairings"], write_units.write_pairings, "pairings.csv"),
    ImportKind("households", PEOPLE_FORMATS["households"], write_households.write, "households.csv"),
    ImportKind("vulnerable", PEOPLE_FORMATS["vulnerable"], write_vulnerable.write, "vulnerable.csv"),
    ImportKind("campaigns", PEOPLE_FORMATS["campaigns"], write_campaigns.write, "campaigns.csv"),
    ImportKind("incidents", BASE_FORMATS["incidents"], write_incidents.write, "incidents.csv"),
)}
