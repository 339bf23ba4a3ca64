"""Every source core gives an incident (``source="…"`` where incidents are raised) has a label in both
languages: an incident raised by the errand escalation once broke the incident page (strict mode)."""

from __future__ import annotations

import re
from pathlib import Path

from dashboard.i18n import TABLES

ROOT = Path(__file__).resolve().parents[2]


def test_every_incident_source_is_named() -> None:
    found = set()
    for path in (ROOT / "core").rglob("*.py"):
        found |= set(re.findall(r"\bsource=\"([a-z_]+)\"", path.read_text(encoding="utf-8")))
    assert {"desk", "isolation", "errand"} <= found
    for lang in ("zh", "en"):
        missing = sorted(s for s in found | {"import", "demo"} if f"inc.source.{s}" not in TABLES[lang])
        assert missing == [], (lang, missing)
