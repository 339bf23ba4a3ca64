"""Import of the exchange formats (DESIGN.md "Exchange formats"): communities, staff, incidents
and boundaries, from the CSV/XLSX/GeoJSON files clerks already have.

The pipeline is read (``reading``) → map headers (``columns``) → clean cells (``cleaning``) →
validate every row (``validate``) → compare with the database (``diff``) → write in one
transaction (``service`` over ``core.storage.repositories.import_repo``). Any problem refuses the whole file.
"""

from core.services.importer.problems import ImportRefused, Problem

__all__ = ["ImportRefused", "Problem"]
