"""`fangxian bench pages`: the server script time of every page (cold and warm, Streamlit's AppTest) and
the payload of every map, beside the same-run baseline read straight from the database.

This side seeds a temporary SQLite file with the demo preset of the scale and measures the baseline:
the bare ``SELECT *`` of every table the pages read (DB-API cursor, rows fetched, nothing built) and
the full read + baseline gaps (``core.services.whatif.load_baseline`` in one unit of work). The pages
themselves are measured by ``python -m dashboard.bench_pages`` in a subprocess, so that core never
imports a UI library; it prints the table (met / not met per target) and writes ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.i18n import translate

ROOT = Path(__file__).resolve().parents[3]
#: the tables the pages read, one bare statement each (constants: no SQL is built from strings)
SELECTS: dict[str, str] = {
    "district": "SELECT * FROM district",
    "street": "SELECT * FROM street",
    "community": "SELECT * FROM community",
    "grid": "SELECT * FROM grid",
    "compound": "SELECT * FROM compound",
    "checkpoint": "SELECT * FROM checkpoint",
    "unit": "SELECT * FROM unit",
    "pairing": "SELECT * FROM pairing",
    "staff": "SELECT * FROM staff",
    "assignment": "SELECT * FROM assignment",
    "duty_change": "SELECT * FROM duty_change",
    "community_condition": "SELECT * FROM community_condition",
    "norm_version": "SELECT * FROM norm_version",
    "incident": "SELECT * FROM incident",
    "incident_detail": "SELECT * FROM incident_detail",
    "incident_event": "SELECT * FROM incident_event",
    "isolated_household": "SELECT * FROM isolated_household",
    "isolation_check": "SELECT * FROM isolation_check",
    "screening_target": "SELECT * FROM screening_target",
    "screening_progress": "SELECT * FROM screening_progress",
    "volunteer_availability": "SELECT * FROM volunteer_availability",
    "volunteer_task": "SELECT * FROM volunteer_task",
    "task_assignment": "SELECT * FROM task_assignment",
    "service_request": "SELECT * FROM service_request",
    "alert_instance": "SELECT * FROM alert_instance",
    "audit_log": "SELECT * FROM audit_log",
}


def _median(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """Median wall time, median CPU time of this process (robust when the machine is shared), last result."""
    times, cpu, out = [], [], None
    for _ in range(max(1, repeat)):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu), out


def seed(scale: str, seed_: int, path: Path, lang: str) -> dict[str, Any]:
    """Seed ``path`` with the demo of ``scale`` (reused when it already holds a district), printing
    a line every 15 s while the write runs (the province takes minutes)."""
    from core.demo.seed import seed_demo_database
    from core.storage.db import dispose_engines, is_empty, migrate

    url = f"sqlite:///{path}"
    migrate(url)
    if not is_empty(url):
        print(translate("cli.bench.pages.reused", lang, path=path), flush=True)
        return {"reused": True}
    print(translate("cli.bench.pages.seeding", lang, scale=scale, path=path), flush=True)
    done = threading.Event()
    t0 = time.perf_counter()

    def heartbeat() -> None:
        while not done.wait(15):
            print(translate("cli.bench.pages.still_seeding", lang, seconds=time.perf_counter() - t0), flush=True)

    beat = threading.Thread(target=heartbeat, daemon=True)
    beat.start()
    try:
        counts = seed_demo_database(url, scale=scale, seed=seed_)
    finally:
        done.set()
        beat.join()
    seconds = time.perf_counter() - t0
    dispose_engines()
    print(translate("cli.bench.pages.seeded", lang, communities=counts["communities"], grids=counts["grids"],
                    staff=counts["staff"], seconds=seconds), flush=True)
    return {"reused": False, "seconds": seconds, **counts}


def measure_baseline(url: str, repeat: int, lang: str) -> dict[str, Any]:
    """The floor (bare SELECT of every table, rows fetched) and the full read + gaps, same run."""
    from core.services.uow import unit_of_work
    from core.services.whatif import load_baseline
    from core.storage.db import dispose_engines, get_engine

    def bare() -> dict[str, tuple[float, int]]:
        conn = get_engine(url).raw_connection()
        try:
            cur = conn.cursor()
            out = {}
            for table, sql in SELECTS.items():
                t0 = time.perf_counter()
                cur.execute(sql)
                out[table] = (time.perf_counter() - t0, len(cur.fetchall()))
            cur.close()
            return out
        finally:
            conn.close()

    def full() -> object:
        with unit_of_work(url) as uow:
            return load_baseline(uow)

    bare()  # first touch: the file into the page cache, the engine, imports
    runs = max(1, min(repeat, 3))
    select_s, select_cpu, tables = _median(bare, runs)
    full_s, full_cpu, _ = _median(full, runs)
    dispose_engines()
    rows = sum(n for _, n in tables.values())
    print(translate("cli.bench.pages.select", lang, n_tables=len(tables), rows=rows, seconds=select_s,
                    cpu=select_cpu))
    print(translate("cli.bench.pages.full", lang, seconds=full_s, cpu=full_cpu), flush=True)
    return {"select_s": select_s, "select_cpu_s": select_cpu, "full_s": full_s, "full_cpu_s": full_cpu,
            "rows": rows, "tables": {k: {"seconds": s, "rows": n} for k, (s, n) in tables.items()}}


def runner_command(url: str, args: argparse.Namespace, baseline_file: Path) -> list[str]:
    cmd = [sys.executable, "-m", "dashboard.bench_pages", "--url", url, "--scale", args.scale,
           "--repeat", str(args.repeat), "--baseline", str(baseline_file), "--lang", args.lang,
           "--profile", str(args.profile), "--top", str(args.top), "--timeout", str(args.timeout)]
    if args.pages:
        cmd += ["--pages", args.pages]
    if args.json:
        cmd += ["--json", str(Path(args.json).resolve())]
    if args.progress:
        cmd.append("--progress")
    return cmd


def bench_database(url: str, args: argparse.Namespace, workdir: Path,
                   seeded: dict[str, Any] | None = None) -> int:
    """Measure the baseline of the seeded database ``url``, then every page in the runner subprocess."""
    lang = args.lang
    baseline = {**measure_baseline(url, args.repeat, lang), "seeded": seeded or {}}
    baseline_file = workdir / f"baseline-{args.scale}.json"
    baseline_file.write_text(json.dumps(baseline), encoding="utf-8")
    print(flush=True)
    code = subprocess.run(runner_command(url, args, baseline_file), cwd=ROOT, check=False).returncode
    if code:
        print(translate("cli.bench.pages.runner_failed", lang, code=code), flush=True)
    return code


def run_pages(args: argparse.Namespace) -> int:
    lang = getattr(args, "lang", "zh")
    args.lang = lang
    load = os.getloadavg()
    print(translate("cli.bench.pages.machine", lang, cores=os.cpu_count(), l1=load[0], l5=load[1], l15=load[2]),
          flush=True)
    if args.keep:
        keep = Path(args.keep)
        keep.mkdir(parents=True, exist_ok=True)
        path = keep / f"{args.scale}-{args.seed}.db"
        seeded = seed(args.scale, args.seed, path, lang)
        return bench_database(f"sqlite:///{path}", args, keep, seeded)
    with tempfile.TemporaryDirectory(prefix="fangxian-bench-pages-") as tmp:
        path = Path(tmp) / f"{args.scale}.db"
        seeded = seed(args.scale, args.seed, path, lang)
        return bench_database(f"sqlite:///{path}", args, Path(tmp), seeded)


def add_args(p: argparse.ArgumentParser) -> None:
    from core.i18n import cli_lang

    lang = cli_lang()

    def h(key: str) -> str:
        return translate(f"cli.bench.pages.help.{key}", lang)

    p.set_defaults(scale="district")
    p.add_argument("--pages", default=None, help=h("pages"))
    p.add_argument("--json", default=None, help=h("json"))
    p.add_argument("--profile", type=int, default=0, help=h("profile"))
    p.add_argument("--top", type=int, default=12, help=h("top"))
    p.add_argument("--timeout", type=float, default=600.0, help=h("timeout"))
    p.add_argument("--keep", default=None, metavar="DIR", help=h("keep"))
    p.add_argument("--progress", action="store_true", help=h("progress"))
