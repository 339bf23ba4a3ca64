"""`fangxian bench pages` end to end on the demo district, for two pages: the core side measures the
baseline and hands over to the AppTest runner (a subprocess), which prints one row per page with
figures and a verdict and writes the JSON the README table is made from."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from dashboard.i18n import t


def test_the_page_benchmark_prints_a_row_per_page_and_writes_the_map_payloads(  # type: ignore[no-untyped-def]
        demo_sqlite: str, tmp_path: Path, capfd) -> None:
    from core.cli.bench.pages import bench_database

    out_file = tmp_path / "pages.json"
    args = argparse.Namespace(scale="district", repeat=1, lang="en", pages="gaps,import", json=str(out_file),
                              profile=1, top=5, timeout=300.0, progress=False)

    code = bench_database(demo_sqlite, args, tmp_path)

    printed = capfd.readouterr().out
    assert code == 0, printed
    assert "bare SELECT" in printed and "full read + gaps" in printed
    for key in ("page.gaps", "page.data_import"):
        row = next((line for line in printed.splitlines() if line.startswith(t(key, "en"))), None)
        assert row is not None, printed
        assert len(re.findall(r"\d+\.\d+", row)) >= 5, row  # cold, cold cpu, warm, warm cpu, page MB
        assert re.search(r"\d+\.\dx", row), row  # the ratio to the same-run baseline
        assert re.search(r"\b(met|not met)\b", row), row
    assert "cold-run profile" in printed

    figures = json.loads(out_file.read_text(encoding="utf-8"))
    assert figures["scale"] == "district" and figures["baseline"]["select_s"] > 0
    pages = {p["page"]: p for p in figures["pages"]}
    assert set(pages) == {"gaps", "import"}
    gaps = pages["gaps"]
    assert gaps["error"] is None and gaps["role"] == "coordinator"
    assert gaps["maps_mb"] and all(mb > 0 for mb in gaps["maps_mb"])
    assert gaps["payload_mb"] >= max(gaps["maps_mb"])
    assert gaps["cold_s"] > 0 and len(gaps["warm_all_s"]) == 1
    assert gaps["maps_met"] in (True, False) and gaps["time_met"] in (True, False)
    assert pages["import"]["maps_mb"] == [] and pages["import"]["maps_met"] is None
    assert gaps["profile"]["cumulative"] or pages["import"]["profile"]["cumulative"]
