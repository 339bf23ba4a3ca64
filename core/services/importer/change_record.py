"""The audit of an import's rows: one entry per created or changed row, or, for a file that creates or
changes more than ``ROW_ENTRIES_MAX`` rows, a compact change record instead.

The compact record holds exactly what the per-row entries would (entity, code, community, before and
after of each row, phones masked), as JSON column lists compressed with gzip and written in base64, in audit
entries of the entity ``change_record`` (``PART_ROWS`` rows each, in the same batch as the file's
summary entry). ``rows_of`` reads either form back as the same list of entries.
"""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

#: above this many created + changed rows in one file, its rows go to the compact record
ROW_ENTRIES_MAX = 5_000
#: rows of one change-record entry
PART_ROWS = 50_000
RECORD_ENTITY = "change_record"
FORMAT = "json-columns+gzip+base64"


@dataclass
class Rows:
    """The entries of one bulk audit call: ``entries`` (dicts) or, built without a dict per row,
    ``after`` (one row per entry) with ``ids`` and ``communities``."""

    entity: str
    entries: list[dict[str, Any]] | None = None
    after: pd.DataFrame | None = None
    ids: list[Any] | None = None
    communities: list[Any] | None = None

    def __len__(self) -> int:
        return len(self.entries) if self.entries is not None else len(self.ids or [])

    def as_entries(self) -> list[dict[str, Any]]:
        if self.entries is not None:
            return self.entries
        assert self.after is not None and self.ids is not None and self.communities is not None
        after = self.after.astype(object).where(self.after.notna(), None).to_dict("records")
        return [{"entity_id": str(i), "community_code": cc, "after": a}
                for i, cc, a in zip(self.ids, self.communities, after, strict=True)]

    def columns(self, start: int, stop: int) -> dict[str, Any]:
        """Rows ``start:stop`` column by column: ``entity_id`` and ``community_code`` lists, and
        ``before``/``after`` as lists of dicts or (rows given as a table) ``after_columns``."""
        if self.entries is not None:
            part = self.entries[start:stop]
            return {"entity_id": [e.get("entity_id") for e in part],
                    "community_code": [e.get("community_code") for e in part],
                    "before": [e.get("before") for e in part], "after": [e.get("after") for e in part]}
        assert self.after is not None and self.ids is not None and self.communities is not None
        after = self.after.iloc[start:stop]
        return {"entity_id": [str(i) for i in self.ids[start:stop]],
                "community_code": list(self.communities[start:stop]),
                "after_columns": {c: _plain_list(after[c]) for c in after.columns}}


def _plain_list(values: pd.Series) -> list[Any]:
    return [v.item() if isinstance(v, np.generic) else v
            for v in values.astype(object).where(values.notna(), None).tolist()]


def compact(rows: Rows) -> list[dict[str, Any]]:
    """The change-record entries holding ``rows`` (``PART_ROWS`` each)."""
    parts = max(1, -(-len(rows) // PART_ROWS))
    out = []
    for i in range(parts):
        start, stop = i * PART_ROWS, min(len(rows), (i + 1) * PART_ROWS)
        text = json.dumps(rows.columns(start, stop), ensure_ascii=False, separators=(",", ":"))
        data = base64.b64encode(gzip.compress(text.encode("utf-8"), compresslevel=1, mtime=0))
        out.append({"entity_id": rows.entity, "after": {"format": FORMAT, "rows": stop - start,
                                                        "part": f"{i + 1}/{parts}", "data": data.decode("ascii")}})
    return out


def decode(after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The entries of one change-record entry's ``after``."""
    cols = json.loads(gzip.decompress(base64.b64decode(after["data"])).decode("utf-8"))
    n = len(cols["entity_id"])
    if "after_columns" in cols:
        names = list(cols["after_columns"])
        afters = [dict(zip(names, values, strict=True)) for values in zip(*cols["after_columns"].values(), strict=True)]
        afters = afters or [{} for _ in range(n)]
        befores: list[Any] = [None] * n
    else:
        afters, befores = cols["after"], cols["before"]
    return [{"entity_id": i, "community_code": cc, "before": b, "after": a}
            for i, cc, b, a in zip(cols["entity_id"], cols["community_code"], befores, afters, strict=True)]


def rows_of(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every row entry of an import batch (``entity``, ``entity_id``, ``community_code``, ``before``,
    ``after``), whether written one per row or in the compact record; the file's summary left out."""
    out: list[dict[str, Any]] = []
    for e in entries:
        if e["entity"] == RECORD_ENTITY:
            out += [{"entity": e["entity_id"], **row} for row in decode(e["after"])]
        elif e["entity"] != "file":
            out.append({k: e.get(k) for k in ("entity", "entity_id", "community_code", "before", "after")})
    return out
