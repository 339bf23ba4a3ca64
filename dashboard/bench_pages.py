"""The page benchmark (issue 16): the server script time of every page through Streamlit's AppTest, cold
and warm, and what each run sends (every map's pydeck JSON, charts, tables, the whole page).

``python -m dashboard.bench_pages --url sqlite:///… --scale district`` measures a database that is
already seeded; ``fangxian bench pages`` seeds a temporary one, measures the same-run baseline (bare
SELECT, full read + gaps) and runs this module as a subprocess, so that the CLI stays free of UI
libraries.

Each page runs as a role that may open it, signed in as the router expects (a real session row, as
tests/app/conftest.py does); the wall runs on the demo kiosk token. Cold: Streamlit's caches cleared
and a new AppTest that opens the page on its first run; warm: the median of ``--repeat`` reruns of
the same AppTest. Page modules are imported once up front, as in a server that has served a page.
The pages run in Chinese (the default; AppTest formats a selectbox's value outside the script run,
where the reader's language is not known); ``--lang`` is the language of what this prints.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import statistics
import sys
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from dashboard.apptest_cache import share_compiled_scripts
from dashboard.i18n import label, t
from dashboard.navigation import PAGES, PageSpec

share_compiled_scripts()  # scripts compiled once per process, as in a server (not once per AppTest run)

APP = Path(__file__).resolve().parent / "streamlit_app.py"
ROOT = APP.parents[1]
MB = 1_000_000
#: scale -> (cold s, warm s, MB per map), from issue 16
TARGETS = {"district": (0.5, 0.15, 0.5), "city": (1.5, 0.3, 2.0), "province": (5.0, 1.0, 5.0)}
#: at the province the time targets hold for the coordinator's pages and the wall only
PROVINCE_PAGES = frozenset({"gaps", "reassign", "plan", "whatif", "wallscreen"})
#: who opens a page: the first of these roles that may (the wall runs on the kiosk token)
ROLE_ORDER = ("coordinator", "leader", "clerk", "admin", "planner")
KIOSK = "wallscreen"


@dataclass
class PageResult:
    page: str
    title: str
    role: str
    cold_s: float = 0.0
    cold_cpu_s: float = 0.0
    warm_s: float = 0.0
    warm_cpu_s: float = 0.0
    warm_all_s: list[float] = field(default_factory=list)
    maps_mb: list[float] = field(default_factory=list)
    charts_mb: list[float] = field(default_factory=list)
    tables_mb: list[float] = field(default_factory=list)
    payload_mb: float = 0.0
    error: str | None = None
    time_met: bool | None = None
    time_met_cpu: bool | None = None  # the same targets on this process's CPU time (the machine is shared)
    maps_met: bool | None = None
    profile: dict[str, Any] | None = None


# --- hooks on AppTest's script runner: what a run sends, and a profiler in the script thread ---------

_SEEN: dict[str, Any] = {"payload": 0, "profiler": None}
_forward_msgs = LocalScriptRunner.forward_msgs
_run_script_thread = LocalScriptRunner._run_script_thread


def _counting_forward_msgs(self: LocalScriptRunner) -> Any:
    msgs = _forward_msgs(self)
    _SEEN["payload"] = sum(m.ByteSize() for m in msgs)
    return msgs


def _profiled_run_script_thread(self: LocalScriptRunner) -> None:
    prof = _SEEN["profiler"]
    if prof is None:
        _run_script_thread(self)
        return
    prof.enable()
    try:
        _run_script_thread(self)
    finally:
        prof.disable()


LocalScriptRunner.forward_msgs = _counting_forward_msgs  # type: ignore[method-assign]
LocalScriptRunner._run_script_thread = _profiled_run_script_thread  # type: ignore[method-assign]


# --- running one page ------------------------------------------------------------------------------


def role_for(spec: PageSpec) -> str:
    if spec.url_path == "wallscreen":
        return KIOSK
    roles = spec.roles or frozenset(ROLE_ORDER)
    return next(r for r in ROLE_ORDER if r in roles)


def _signed_in(username: str, url: str) -> dict[str, object]:
    """The record the login page stores after a sign-in, with a real session row (tests/app/conftest.py)."""
    from core.services.identity import load_actor, sessions
    from core.services.uow import unit_of_work
    from dashboard.auth import new_session

    with unit_of_work(url) as uow:
        actor = load_actor(uow, username)
        if actor is None:
            raise SystemExit(f"no account {username!r} in this database (is it the demo?)")
        session_id, _ticket = sessions.start_session(uow, actor, "zh")
    return new_session("local", username=username, session_id=session_id)


def _new_app(spec: PageSpec, role: str, url: str, timeout: float) -> AppTest:
    from core.demo.accounts import DEMO_KIOSK_TOKEN
    from dashboard.auth import SESSION_KEY

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if role == KIOSK:
        at.query_params["kiosk"] = DEMO_KIOSK_TOKEN
    else:
        at.session_state[SESSION_KEY] = _signed_in(role, url)
        if Path(spec.file).stem == spec.url_path:  # before the first run AppTest names a page by its file
            at.switch_page(f"app_pages/{spec.file}")
    return at


def _open_cold(spec: PageSpec, role: str, url: str, timeout: float) -> tuple[AppTest, float, float]:
    """A new AppTest on empty caches; returns it with the wall and CPU time of the page's first run."""
    at = _new_app(spec, role, url, timeout)
    if role != KIOSK and Path(spec.file).stem != spec.url_path:  # e.g. data_import.py at /import
        at.run()
        st.cache_data.clear()
        st.cache_resource.clear()
        at.switch_page(f"app_pages/{spec.file}")
    t0, c0 = time.perf_counter(), time.process_time()
    at.run()
    return at, time.perf_counter() - t0, time.process_time() - c0


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _sizes(at: AppTest, r: PageResult) -> None:
    r.payload_mb = _SEEN["payload"] / MB
    for el in _walk(at._tree):
        kind = getattr(el, "type", "")
        if kind == "deck_gl_json_chart":
            r.maps_mb.append(len(el.proto.json.encode("utf-8")) / MB)
        elif "vega_lite" in kind:
            r.charts_mb.append(el.proto.ByteSize() / MB)
        elif kind in ("arrow_data_frame", "arrow_table", "table", "dataframe"):
            r.tables_mb.append(el.proto.ByteSize() / MB)


def _exception(at: AppTest) -> str | None:
    if not at.exception:
        return None
    return str(at.exception[0].value).splitlines()[0][:200]


def measure(spec: PageSpec, url: str, scale: str, repeat: int, lang: str, timeout: float) -> PageResult:
    role = role_for(spec)
    r = PageResult(spec.url_path, t(spec.title_key, lang), role)
    try:
        at, r.cold_s, r.cold_cpu_s = _open_cold(spec, role, url, timeout)
        _sizes(at, r)
        r.error = _exception(at)
        cpu = []
        for _ in range(repeat):
            t0, c0 = time.perf_counter(), time.process_time()
            at.run()
            r.warm_all_s.append(time.perf_counter() - t0)
            cpu.append(time.process_time() - c0)
            r.error = r.error or _exception(at)
        r.warm_s = statistics.median(r.warm_all_s) if r.warm_all_s else 0.0
        r.warm_cpu_s = statistics.median(cpu) if cpu else 0.0
    except Exception as exc:  # a timeout or a crash of the harness: report it, measure the next page
        r.error = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    _verdict(r, scale)
    return r


def _verdict(r: PageResult, scale: str) -> None:
    cold, warm, map_mb = TARGETS[scale]
    if r.error:
        return
    if scale != "province" or r.page in PROVINCE_PAGES:
        r.time_met = r.cold_s <= cold and r.warm_s <= warm
        r.time_met_cpu = r.cold_cpu_s <= cold and r.warm_cpu_s <= warm
    if r.maps_mb:
        r.maps_met = max(r.maps_mb) <= map_mb


# --- profiling the slowest cold runs ------------------------------------------------------------------


def _where(key: tuple[str, int, str]) -> str:
    path, line, name = key
    try:
        path = str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        parts = Path(path).parts
        if "site-packages" in parts:
            path = "/".join(parts[parts.index("site-packages") + 1:])
    return f"{path}:{line}({name})" if line else name


def profile(spec: PageSpec, url: str, timeout: float, top: int) -> dict[str, Any]:
    prof = cProfile.Profile()
    _SEEN["profiler"] = prof
    try:
        _open_cold(spec, role_for(spec), url, timeout)
    finally:
        _SEEN["profiler"] = None
    stats = pstats.Stats(prof)
    rows = [(k, v[1], v[2], v[3]) for k, v in stats.stats.items()]  # type: ignore[attr-defined]
    mine = [r for r in rows if r[0][0].startswith((str(ROOT / "core"), str(ROOT / "dashboard")))]
    total = stats.total_tt  # type: ignore[attr-defined]

    def fmt(items: list[Any], col: int) -> list[dict[str, Any]]:
        return [{"where": _where(k), "calls": n, "tottime": tt, "cumtime": ct}
                for k, n, tt, ct in sorted(items, key=lambda x: -x[col])[:top]]

    return {"total_s": total, "cumulative": fmt(mine, 3), "tottime": fmt(rows, 2)}


# --- printing ----------------------------------------------------------------------------------------


def _width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, w: int, right: bool = False) -> str:
    fill = " " * max(0, w - _width(s))
    return fill + s if right else s + fill


def _yes(v: bool | None, lang: str, on_cpu: bool | None = None) -> str:
    if v is None:
        return t("bench16.no_target", lang)
    if not v and on_cpu:
        return t("bench16.missed_met_cpu", lang)
    return t("bench16.met" if v else "bench16.missed", lang)


def _ratio(x: float, base: float | None) -> str:
    return f"{x / base:.1f}x" if base else "—"


def print_table(results: list[PageResult], baseline: dict[str, Any] | None, lang: str) -> None:
    sel = (baseline or {}).get("select_cpu_s")  # ratios of CPU times: they hold when the machine is shared
    full = (baseline or {}).get("full_cpu_s")
    heads = ["page", "role", "cold", "cold_cpu", "warm", "warm_cpu", "maps", "payload", "vs_select", "vs_full", "time",
             "map_verdict"]
    rows = []
    for r in results:
        role = label("role", r.role, lang)
        role = t("bench16.kiosk", lang, role=role) if r.role == KIOSK else role
        maps = ", ".join(f"{m:.2f}" for m in r.maps_mb) or "—"
        if r.error:
            rows.append([r.title, role, "—", "—", "—", "—", maps, "—", "—", "—", t("bench16.error", lang), "—"])
            continue
        rows.append([r.title, role, f"{r.cold_s:.2f}", f"{r.cold_cpu_s:.2f}", f"{r.warm_s:.3f}",
                     f"{r.warm_cpu_s:.3f}", maps, f"{r.payload_mb:.2f}", _ratio(r.cold_cpu_s, sel),
                     _ratio(r.cold_cpu_s, full), _yes(r.time_met, lang, r.time_met_cpu), _yes(r.maps_met, lang)])
    titles = [t(f"bench16.col.{h}", lang) for h in heads]
    widths = [max(_width(x) for x in [titles[i], *(row[i] for row in rows)]) for i in range(len(heads))]
    numeric = {2, 3, 4, 5, 7, 8, 9}
    print("  ".join(_pad(x, widths[i], i in numeric) for i, x in enumerate(titles)))
    for row in rows:
        print("  ".join(_pad(x, widths[i], i in numeric) for i, x in enumerate(row)))
    for r in results:
        if r.error:
            print(t("bench16.error_line", lang, page=r.title, message=r.error))


def print_profile(r: PageResult, lang: str) -> None:
    p = r.profile or {}
    print(t("bench16.profile.header", lang, page=r.title, role=label("role", r.role, lang),
            seconds=p.get("total_s", 0.0)))
    for key, col in (("cumulative", "cumtime"), ("tottime", "tottime")):
        print(t(f"bench16.profile.{key}", lang))
        for row in p.get(key, []):
            print(t("bench16.profile.row", lang, cum=row[col], calls=row["calls"], where=row["where"]))


# --- the command -------------------------------------------------------------------------------------


def select_pages(names: str | None) -> list[PageSpec]:
    if not names:
        return list(PAGES)
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    by_name = {**{Path(p.file).stem: p for p in PAGES}, **{p.url_path: p for p in PAGES}}
    unknown = [n for n in wanted if n not in by_name]
    if unknown:
        print(t("bench16.unknown_pages", names=", ".join(unknown), known=", ".join(sorted(by_name))),
              file=sys.stderr)
        raise SystemExit(2)
    return [by_name[n] for n in wanted]


def _preimport() -> float:
    import importlib
    import pkgutil

    import dashboard.builders
    import dashboard.panels

    t0 = time.perf_counter()
    for pkg in (dashboard.builders, dashboard.panels):
        for info in pkgutil.iter_modules(pkg.__path__):
            importlib.import_module(f"{pkg.__name__}.{info.name}")
    importlib.import_module("dashboard.cache")
    st.cache_data.clear()
    st.cache_resource.clear()
    AppTest.from_file(str(APP), default_timeout=600).run()  # signed out: the router and the login page, once
    return time.perf_counter() - t0


def run(args: argparse.Namespace) -> int:
    from streamlit import config
    from streamlit.logger import set_log_level

    # "no runtime found", "missing ScriptRunContext": AppTest's noise, not findings
    config.set_option("logger.level", "error")
    set_log_level("error")
    lang = args.lang
    specs = select_pages(args.pages)
    os.environ["FANGXIAN_DATABASE_URL"] = args.url
    for var in ("FANGXIAN_AUTH_MODE", "FANGXIAN_KIOSK_TOKEN"):
        os.environ.pop(var, None)
    baseline = json.loads(Path(args.baseline).read_text(encoding="utf-8")) if args.baseline else None
    cold, warm, map_mb = TARGETS[args.scale]
    which = t("bench16.targets.province_pages", lang) if args.scale == "province" else ""
    print(t("bench16.header", lang, scale=args.scale, pages=len(specs), repeat=args.repeat))
    print(t("bench16.targets", lang, scale=args.scale, cold=cold, warm=warm, which=which, map_mb=map_mb))
    if baseline:
        print(t("bench16.baseline", lang, n_tables=len(baseline.get("tables", {})), select_s=baseline["select_s"],
                rows=baseline.get("rows", 0), full_s=baseline["full_s"], select_cpu=baseline["select_cpu_s"],
                full_cpu=baseline["full_cpu_s"]))
    else:
        print(t("bench16.no_baseline", lang))
    print(t("bench16.imports", lang, seconds=_preimport()), flush=True)
    results = []
    for spec in specs:
        if args.progress:
            print(t("bench16.running", lang, page=t(spec.title_key, lang), role=role_for(spec)), flush=True)
        results.append(measure(spec, args.url, args.scale, args.repeat, lang, args.timeout))
    print()
    print_table(results, baseline, lang)
    with_target = [r for r in results if r.time_met is not None]
    with_maps = [r for r in results if r.maps_met is not None]
    print(t("bench16.summary", lang, met=sum(bool(r.time_met) for r in with_target), with_target=len(with_target),
            maps_met=sum(bool(r.maps_met) for r in with_maps), with_maps=len(with_maps),
            errors=sum(bool(r.error) for r in results)))
    ok = [r for r in results if not r.error]
    for r in sorted(ok, key=lambda r: -r.cold_s)[:args.profile]:
        r.profile = profile(next(s for s in specs if s.url_path == r.page), args.url, args.timeout, args.top)
        print()
        print_profile(r, lang)
    if args.json:
        out = {"scale": args.scale, "repeat": args.repeat, "cores": os.cpu_count(), "load": os.getloadavg(),
               "targets": dict(zip(("cold_s", "warm_s", "map_mb"), TARGETS[args.scale], strict=True)),
               "baseline": baseline, "pages": [asdict(r) for r in results]}
        Path(args.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
        print(t("bench16.json_written", lang, path=args.json))
    st.cache_data.clear()
    st.cache_resource.clear()
    return 1 if any(r.error for r in results) else 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m dashboard.bench_pages", description=__doc__.splitlines()[0])
    p.add_argument("--url", required=True, help="a seeded database (the demo: its accounts sign in)")
    p.add_argument("--scale", choices=sorted(TARGETS), default="district")
    p.add_argument("--pages", default=None, help="comma-separated url paths or file names (default: every page)")
    p.add_argument("--repeat", type=int, default=5, help="warm reruns per page (median)")
    p.add_argument("--baseline", default=None, help="JSON of the same-run baseline (written by fangxian bench pages)")
    p.add_argument("--json", default=None, help="write the figures to this file")
    p.add_argument("--profile", type=int, default=0, help="profile the cold run of the N slowest pages")
    p.add_argument("--top", type=int, default=12, help="functions listed per profile")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds one run may take")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--progress", action="store_true", help="print each page as it starts")
    return p


def main(argv: list[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
