"""The house rules that a machine can check: the layers and the direction of imports (every import,
including those inside functions), no import cycles, no display text raised from core, no f-string SQL.

The layers (README, "Architecture"):
  core.model     plain typed Python: no I/O, no sqlalchemy, no storage, services, demo or CLI
  core.storage   engine, rows, repositories: never services, demo or CLI
  core.services  load through repositories, call the model, write; the caller owns the transaction
  core.demo, core.cli   on top; dashboard (the shell) imports services and model, never storage
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UI_LIBS = {"streamlit", "pydeck", "altair"}
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")


# --- the import graph --------------------------------------------------------------------------


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (also inside functions); ``from a import b``
    counts ``a`` and, when it is a module, ``a.b``."""
    name = module_name(path, root)
    is_pkg = path.name == "__init__.py"
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base if is_pkg else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.add(mod)
            out |= {f"{mod}.{a.name}" for a in node.names}
    return out


def import_graph(root: Path, package: str) -> dict[str, set[str]]:
    """Edges between the modules of ``package`` (under ``root``)."""
    files = {module_name(p, root): p for p in (root / package).rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        targets = set()
        for imp in imports_of(path, root):
            while imp and imp not in files:  # ``a.b.name`` -> the module ``a.b``
                imp = imp.rpartition(".")[0]
            if imp and imp != mod:
                targets.add(imp)
        graph[mod] = targets
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, it = work[-1]
            nxt = next(it, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph.get(nxt, ())))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == node:
                        break
                if len(comp) > 1:
                    found.append(sorted(comp))
    return found


CORE = import_graph(ROOT, "core")
DASHBOARD = import_graph(ROOT, "dashboard")
ALL_IMPORTS = {mod: imports_of(p, ROOT) for base in ("core", "dashboard")
               for p in (ROOT / base).rglob("*.py") for mod in [module_name(p, ROOT)]}


def _offenders(prefix: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    out = {}
    for mod, imps in ALL_IMPORTS.items():
        if mod == prefix or mod.startswith(prefix + "."):
            bad = sorted(i for i in imps if any(i == f or i.startswith(f + ".") for f in forbidden))
            if bad:
                out[mod] = bad
    return out


def _check(rule: str, offenders: dict[str, list[str]]) -> None:
    assert offenders == {}, f"{rule}: {offenders}"


def test_there_are_no_import_cycles_in_core() -> None:
    assert cycles(CORE) == []


def test_the_cycle_finder_finds_a_cycle_in_a_fixture_package(tmp_path: Path) -> None:
    pkg = tmp_path / "fx"
    (pkg / "inner").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "inner" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from fx.inner import b\n")
    (pkg / "inner" / "b.py").write_text("def f():\n    from fx import c  # inside a function\n")
    (pkg / "c.py").write_text("import fx.a\n")
    (pkg / "d.py").write_text("from fx import a\n")  # imports into the cycle, not part of it
    assert cycles(import_graph(tmp_path, "fx")) == [["fx.a", "fx.c", "fx.inner.b"]]
    (pkg / "c.py").write_text("")
    assert cycles(import_graph(tmp_path, "fx")) == []


def test_the_model_does_no_io_and_knows_no_storage() -> None:
    _check("model", _offenders("core.model", ("core.storage", "core.services", "core.demo", "core.cli",
                                              "sqlalchemy", "alembic", "dashboard")))


def test_storage_never_imports_services_demo_or_cli() -> None:
    _check("storage", _offenders("core.storage", ("core.services", "core.demo", "core.cli", "dashboard")))


def test_services_never_import_demo_or_cli() -> None:
    _check("services", _offenders("core.services", ("core.demo", "core.cli", "dashboard")))


def test_core_never_imports_a_ui_library() -> None:
    _check("ui", _offenders("core", tuple(UI_LIBS) + ("dashboard",)))


def test_only_core_storage_imports_sqlalchemy() -> None:
    offenders = {m: i for m, i in _offenders("core", ("sqlalchemy",)).items() if not m.startswith("core.storage")}
    _check("sqlalchemy", offenders)


def test_the_dashboard_never_imports_storage_or_sqlalchemy() -> None:
    _check("dashboard", _offenders("dashboard", ("core.storage", "sqlalchemy")))


def test_no_sql_is_built_with_f_strings() -> None:
    pattern = re.compile(r"""(execute|text|exec_driver_sql)\(\s*f["']""")
    offenders = [str(p.relative_to(ROOT)) for base in ("core", "dashboard")
                 for p in (ROOT / base).rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


# --- errors are keys, never display text ---------------------------------------------------------


def _literals(node: ast.AST) -> Iterable[str]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            yield sub.value


def cjk_raises(path: Path) -> list[int]:
    """Lines of ``raise`` statements whose exception is built with a CJK string literal."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(n.lineno for n in ast.walk(tree)
                  if isinstance(n, ast.Raise) and n.exc is not None and any(CJK.search(s) for s in _literals(n.exc)))


def test_core_raises_keys_not_chinese_text() -> None:
    offenders = {module_name(p, ROOT): cjk_raises(p) for p in (ROOT / "core").rglob("*.py") if cjk_raises(p)}
    _check("cjk_raise", {m: [str(x) for x in v] for m, v in offenders.items()})


def test_the_cjk_raise_check_sees_a_chinese_raise(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text('def f(x):\n    raise ValueError(f"社区 {x} 不存在")\n\n\ndef g():\n    raise KeyError("ok.key")\n')
    assert cjk_raises(bad) == [2]


@pytest.mark.parametrize("name", ["model"])
def test_the_model_holds_no_display_text(name: str) -> None:
    """User-facing words live in the catalogue (core.i18n), not in the model's code tables."""
    offenders = {}
    for p in (ROOT / "core" / name).rglob("*.py"):
        tree = ast.parse(p.read_text(encoding="utf-8"))
        docs = {id(n.body[0].value) for n in ast.walk(tree)
                if isinstance(n, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
                and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        lines = sorted({n.lineno for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                        and id(n) not in docs and CJK.search(n.value)})
        if lines:
            offenders[module_name(p, ROOT)] = [str(x) for x in lines]
    _check("model_text", offenders)


def opens_transactions(path: Path) -> list[int]:
    """Lines where a module opens a unit of work or a session itself."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(n.lineno for n in ast.walk(tree) if isinstance(n, ast.Call)
                  and getattr(n.func, "id", getattr(n.func, "attr", None)) in {"unit_of_work", "session_scope",
                                                                               "session_factory", "Session"})


def test_services_never_open_their_own_transaction() -> None:
    """The caller owns the transaction: one user action is one unit of work, opened by the page or the
    CLI command and handed to every service it calls."""
    offenders = {module_name(p, ROOT): opens_transactions(p) for p in (ROOT / "core" / "services").rglob("*.py")
                 if opens_transactions(p)}
    assert offenders == {}


def test_the_transaction_check_sees_a_service_opening_one(tmp_path: Path) -> None:
    bad = tmp_path / "svc.py"
    bad.write_text("def f(url):\n    with unit_of_work(url) as uow:\n        return uow\n")
    assert opens_transactions(bad) == [2]
