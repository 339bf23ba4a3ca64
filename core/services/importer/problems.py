"""A problem found in an import file, located as the user sees it in their spreadsheet.

A problem carries a catalogue key and its parameters (texts in core/i18n/importer.py), never a
sentence: the page and the CLI render it in their language, with its place (``located()``: file,
row or feature, column) through their usual ``error_text``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from core.i18n import DEFAULT_LANG, error_text
from core.model.errors import InvalidInput

UNITS = ("row", "feature")


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell (or a missing column): file name, spreadsheet row (header = row 1, or the
    feature number for GeoJSON; 0 = the whole file), the column header as written in the file,
    and what is wrong as ``key`` + ``params``."""

    file: str
    row: int
    column: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    unit: str = "row"  # "row" for table rows, "feature" for GeoJSON features

    def error(self) -> InvalidInput:
        """What is wrong, as an error the front ends can render."""
        return InvalidInput(self.key, **self.params)

    def located(self) -> InvalidInput:
        """What is wrong with its place: "file, row N, column: message"."""
        where = self.unit if self.row else "file"
        key = f"importer.at.{where}" if self.column else f"importer.at.{where}_whole"
        return InvalidInput(key, file=self.file, row=self.row, column=self.column, message=self.error())


class ImportRefused(InvalidInput):
    """The file was refused whole; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.row)  # stable: column order kept
        first = self.problems[0] if self.problems else None
        if first is None:
            super().__init__("importer.refused", count=0)
        else:
            super().__init__("importer.refused_first", count=len(self.problems), first=first.located())

    def lines(self, lang: str = DEFAULT_LANG, tables: Mapping[str, Mapping[str, str]] | None = None) -> list[str]:
        """Every problem as one located sentence in ``lang``."""
        return [error_text(p.located(), lang, tables) for p in self.problems]
