"""The house rules that a machine can check: import direction, no f-string SQL, i18n completeness."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_LIBS = {"streamlit", "pydeck", "altair"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_a_ui_library() -> None:
    offenders = {str(p.relative_to(ROOT)): sorted(_imports(p) & UI_LIBS)
                 for p in (ROOT / "core").rglob("*.py") if _imports(p) & UI_LIBS}
    assert offenders == {}


def test_only_core_storage_imports_sqlalchemy() -> None:
    allowed = (ROOT / "core" / "storage", ROOT / "core" / "demo" / "seed.py")
    offenders = [
        str(p.relative_to(ROOT)) for p in (ROOT / "core").rglob("*.py")
        if "sqlalchemy" in _imports(p) and not any(str(p).startswith(str(a)) for a in allowed)
    ]
    assert offenders == []


def test_dashboard_never_imports_sqlalchemy() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "dashboard").rglob("*.py") if "sqlalchemy" in _imports(p)]
    assert offenders == []


def test_no_sql_is_built_with_f_strings() -> None:
    pattern = re.compile(r"""(execute|text|exec_driver_sql)\(\s*f["']""")
    offenders = [str(p.relative_to(ROOT)) for base in ("core", "dashboard")
                 for p in (ROOT / base).rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
