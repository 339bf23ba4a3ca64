"""`fangxian bench import` runs end to end on a small file and prints every line with its targets."""

from __future__ import annotations

import pytest

from core.cli.main import main


def test_bench_import_prints_its_baselines_steps_and_targets(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--lang", "en", "bench", "import", "--rows", "2000", "--no-city"])
    out = capsys.readouterr().out
    assert code in (0, 1)  # 1: a target not met (a loaded machine), never a crash
    lines = out.strip().splitlines()
    assert lines[0].startswith("Exchange files generated: 2,000 staff rows")
    assert any(line.startswith("Baseline: pandas parses") for line in lines)
    assert any(line.startswith("Baseline: the same rows written") for line in lines)
    assert any(line.startswith("Fresh import:") and "created 2,000, updated 0, unchanged 0" in line for line in lines)
    assert any(line.startswith("Unchanged re-import:") and "unchanged 2,000" in line for line in lines)
    assert any(line.startswith("Re-import with 1% of rows changed:") and "updated 20," in line for line in lines)
    targets = [line for line in lines if line.startswith("Target:")]
    assert len(targets) == 4 and all(line.endswith((": met", ": not met")) for line in targets)
