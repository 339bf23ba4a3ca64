"""The house style, checked: ruff on the whole tree, mypy on core (CONVENTIONS.md 11 and 13)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing() -> None:
    out = _run("ruff", "check", "core", "dashboard", "tests")
    assert out.returncode == 0, out.stdout + out.stderr


def test_core_passes_mypy() -> None:
    out = _run("mypy", "core")
    assert out.returncode == 0, out.stdout + out.stderr
