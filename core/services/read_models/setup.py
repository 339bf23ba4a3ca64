"""数据准备: what a district has loaded, kind by kind in the order it loads them (the importer's
registry), with the counts that show it and the last import of each kind (from the audit log)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from core.services.importer.registry import KINDS
from core.services.uow import UnitOfWork

State = Literal["done", "partial", "missing"]

#: kind -> (the count that says it is loaded, the count it is out of when only part can be loaded,
#: the counts shown beside it). A kind not listed here is judged by its last import alone.
RULES: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "communities": ("communities", None, ("streets", "communities")),
    "boundaries": ("with_boundary", "communities", ("with_boundary", "communities")),
    "staff": ("staff", None, ("staff", "volunteers")),
    "grids": ("grids", None, ("grids", "with_grids", "communities")),
    "compounds": ("compounds", None, ("compounds",)),
    "checkpoints": ("checkpoints", None, ("checkpoints",)),
    "units": ("units", None, ("units",)),
    "pairings": ("pairings", None, ("pairings", "paired", "communities")),
    "households": ("households", None, ("households",)),
    "vulnerable": ("vulnerable", None, ("vulnerable",)),
    "campaigns": ("campaigns", None, ("campaigns",)),
    "incidents": ("incidents", None, ("incidents",)),
}


@dataclass(frozen=True)
class LastImport:
    at: dt.datetime
    actor: str
    file: str
    counts: dict[str, int]  # created, updated, unchanged and the extra counts of the summary


@dataclass(frozen=True)
class SetupItem:
    kind: str
    template: str
    state: State
    counts: dict[str, int]  # the counts that show the state (names as in ``RULES``)
    last: LastImport | None
    out_of: bool = False  # loaded community by community (boundaries): its share is shown even at nought
    columns: tuple[Any, ...] = ()  # the exchange format's columns (importer Column), empty for GeoJSON


@dataclass(frozen=True)
class SetupStatus:
    items: list[SetupItem]
    counts: dict[str, int]
    demo: bool
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        """No community yet: nothing else can be loaded and no page has anything to show."""
        return self.counts.get("communities", 0) == 0

    def item(self, kind: str) -> SetupItem | None:
        return next((i for i in self.items if i.kind == kind), None)

    def missing(self, kind: str) -> bool:
        """True when ``kind`` is known and nothing of it is loaded."""
        it = self.item(kind)
        return it is not None and it.state == "missing"


def judge(kind: str, counts: dict[str, int], last: LastImport | None) -> tuple[State, dict[str, int]]:
    """The state of one kind from the table counts (a kind without a rule: from its last import)."""
    rule = RULES.get(kind)
    if rule is None:
        return ("done" if last is not None else "missing"), {}
    key, out_of, shown = rule
    n = counts.get(key, 0)
    total = counts.get(out_of, 0) if out_of else None
    state: State = "missing" if n == 0 else "partial" if total is not None and n < total else "done"
    return state, {k: counts.get(k, 0) for k in shown}


def setup_status(uow: UnitOfWork) -> SetupStatus:
    """Every kind of the registry, in load order, with its state, counts and last import."""
    counts = uow.setup.counts()
    last = uow.setup.last_imports([f"import.{k}" for k in KINDS])
    items = []
    for name, spec in KINDS.items():
        raw = last.get(f"import.{name}")
        li = None if raw is None else LastImport(raw["at"], raw["actor"], raw["file"],
                                                 {k: int(v) for k, v in raw["counts"].items()
                                                  if isinstance(v, int | float)})
        state, shown = judge(name, counts, li)
        out_of = name in RULES and RULES[name][1] is not None and counts.get(str(RULES[name][1]), 0) > 0
        items.append(SetupItem(name, spec.template, state, shown, li, out_of,
                               tuple(spec.format.columns) if spec.format is not None else ()))
    return SetupStatus(items=items, counts=counts, demo=uow.meta.get("demo") == "1")
