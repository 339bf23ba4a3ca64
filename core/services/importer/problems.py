"""A problem found in an import file, located as the user sees it in their spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass

from core.model.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Problem:
    """One bad cell (or a missing column): file name, spreadsheet row (header = row 1, or the
    feature number for GeoJSON), the column header as written in the file, a Chinese message."""

    file: str
    row: int
    column: str
    message: str
    unit: str = "行"  # "行" for table rows, "个要素" for GeoJSON features

    def __str__(self) -> str:
        where = f"第 {self.row} {self.unit}" if self.row else "全文件"
        col = f" 「{self.column}」" if self.column else ""
        return f"{self.file} {where}{col}：{self.message}"


class ImportRefused(InvalidInput):
    """The file was refused whole; ``problems`` lists every problem found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.row)  # stable: column order kept
        first = self.problems[0] if self.problems else None
        super().__init__(f"导入被拒绝：共 {len(self.problems)} 处问题，数据库未改动"
                         + (f"（首个：{first}）" if first else ""), count=len(self.problems))

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems]
