"""`fangxian bench import`: the staff import at scale, each step in a child process of its own (so its
peak RSS is the import's, not what earlier steps left), beside the same-run baselines: the bare parse
of the CSV with pandas and the bare bulk write of the same rows (``insert_frame``, rolled back).

Steps: a fresh import of ``--rows`` staff over the demo district, the same file again (unchanged), the
file with 1 % of the rows changed, and the city preset (1,400 communities and its staff but volunteers,
GBK-encoded) into an empty database. The files come from the demo generator through the exchange
format's own writers (``core.services.importer.export``).

Targets (2 cores): ≥ 50,000 rows/s and ≤ 4 s for the fresh import, peak RSS ≤ 300 MB, the re-imports
≤ 4 s, the city ≤ 4 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import resource
import sys
import tempfile
import time
import types
from pathlib import Path
from queue import Empty
from typing import Any

import numpy as np
import pandas as pd

from core.i18n import translate
from core.services.importer.vocabulary import NO_WORD, YES_WORD

RATE_TARGET = 50_000
SECONDS_TARGET = 4.0
RSS_TARGET_MB = 300.0
NOW = dt.datetime(2026, 11, 29, 10, 0)


def add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rows", type=int, default=200_000, help="人员行数（默认 200000）")
    p.add_argument("--database-url", default=None, help="空数据库（如 PostgreSQL）；默认临时 SQLite")
    p.add_argument("--city-database-url", default=None, help="城市导入用的空数据库；默认临时 SQLite")
    p.add_argument("--no-city", action="store_true", help="不测城市导入")


# --- the files ------------------------------------------------------------------------------------


def _district_files(rows: int, out: Path, seed: int) -> tuple[Path, Path, Path, dict[str, str]]:
    """communities.csv, staff.csv (``rows`` people drawn from the demo district's, new codes) and
    staff_changed.csv (1 % of them with another phone and the other on-duty word)."""
    from core.demo.generator import generate

    d = generate("district", seed=seed)
    communities = out / "communities.csv"
    _communities(d).to_csv(communities, index=False, encoding="utf-8")
    rng = np.random.default_rng(seed)
    s = d.staff.iloc[rng.integers(0, len(d.staff), rows)].reset_index(drop=True)
    s["code"] = [f"B{i:07d}" for i in range(1, rows + 1)]
    table = _staff(d, s)
    staff = out / "staff.csv"
    table.to_csv(staff, index=False, encoding="utf-8")
    changed_rows = np.sort(rng.choice(rows, max(1, rows // 100), replace=False))
    changed = table.copy()
    duty, phone = _header("on_duty"), _header("phone")
    changed.loc[changed_rows, duty] = changed.loc[changed_rows, duty].map({YES_WORD: NO_WORD, NO_WORD: YES_WORD})
    changed.loc[changed_rows, phone] = [f"139{i:08d}" for i in range(len(changed_rows))]
    changed_path = out / "staff_changed.csv"
    changed.to_csv(changed_path, index=False, encoding="utf-8")
    return communities, staff, changed_path, {"district_name": d.district["name"],
                                              "district_code": d.district["code"]}


def _header(name: str) -> str:
    from core.services.importer.columns import SPECS

    return next(c.zh for c in SPECS["staff"] if c.name == name)


def _communities(d: Any) -> pd.DataFrame:
    from core.services.importer.export import communities_table

    streets = d.streets[["code", "name"]].rename(columns={"code": "street_code", "name": "street"})
    return communities_table(d.communities.merge(streets, on="street_code"))


def _staff(d: Any, s: pd.DataFrame) -> pd.DataFrame:
    from core.services.importer.export import staff_table

    units = d.units.set_index("code")["name"]
    df = s.rename(columns={"code": "id"}).assign(unit=s["unit_code"].map(units),
                                                 home_lon=s["home_lon"].round(6), home_lat=s["home_lat"].round(6))
    return staff_table(df, with_personal_data=True)


def _city_files(out: Path, seed: int) -> tuple[Path, Path, int, int, dict[str, str]]:
    from core.demo.generator import generate

    d = generate("city", seed=seed)
    _one_district(d)
    communities = out / "city_communities.csv"
    _communities(d).to_csv(communities, index=False, encoding="gbk")
    staff = d.staff[d.staff["kind"] != "volunteer"].reset_index(drop=True)
    path = out / "city_staff.csv"
    _staff(d, staff).to_csv(path, index=False, encoding="gbk")
    return communities, path, len(d.communities), len(staff), {"district_name": d.district["name"],
                                                               "district_code": d.district["code"]}


def _one_district(d: Any) -> None:
    """The city's streets renumbered under one district's code (an import loads one district; the
    city's size is what is measured): street i becomes <district>i, its communities keep their tail."""
    district = str(d.communities["code"].iat[0])[:6]
    streets = sorted(d.streets["code"].astype(str))
    new_street = {old: f"{district}{i:03d}" for i, old in enumerate(streets, start=1)}
    old_codes = d.communities["code"].astype(str)
    new_code = {c: new_street[c[:9]] + c[9:] for c in old_codes}
    d.streets["code"] = d.streets["code"].astype(str).map(new_street)
    d.communities["code"] = old_codes.map(new_code)
    d.communities["street_code"] = d.communities["street_code"].astype(str).map(new_street)
    d.staff["community_code"] = d.staff["community_code"].map(new_code)
    d.district = {**d.district, "code": district}


# --- one import in a child process ------------------------------------------------------------------


def _rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss keeps the parent's peak across exec on Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(job: dict[str, Any], queue: Any) -> None:
    """Run the imports of ``job`` (kind, path pairs) as one timed step; report time, RSS and counts."""
    import pyarrow.compute  # noqa: F401  (imported on first use by the reader: not the import's cost)

    from core.model.actor import Actor
    from core.services.importer.service import import_file
    from core.services.uow import unit_of_work

    actor = Actor("bench", "bench", frozenset({"admin"}))
    with unit_of_work(job["url"]) as uow:  # the engine, the tables' metadata: not the import's cost
        uow.imports.count("staff")
    base = _rss_mb()
    t0 = time.perf_counter()
    counts = [0, 0, 0]
    for kind, path, extra in job["files"]:
        with unit_of_work(job["url"]) as uow:
            summary = import_file(uow, actor, kind, path, now=job["now"], **extra)
        if kind == "staff":
            counts = [summary.created, summary.updated, summary.unchanged]
    queue.put({"seconds": time.perf_counter() - t0, "rss": _rss_mb(), "base": base, "counts": counts})


def _baseline_child(job: dict[str, Any], queue: Any) -> None:
    """The bare costs: pandas parsing the CSV, and the same rows written in bulk (rolled back)."""
    t0 = time.perf_counter()
    pd.read_csv(job["path"], dtype=str, keep_default_na=False)
    parse = time.perf_counter() - t0
    try:
        insert = _bare_insert(job)
    except _RolledBack as done:
        insert = done.seconds
    queue.put({"parse": parse, "insert": insert})


class _RolledBack(Exception):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds


def _bare_insert(job: dict[str, Any]) -> float:
    from core.services.importer.reading import read_table
    from core.services.importer.validate import validate
    from core.services.uow import unit_of_work

    with unit_of_work(job["url"]) as uow:
        v = validate(read_table(Path(job["path"])), "staff", communities=uow.imports.community_refs())
        refs = uow.imports.community_refs().set_index("code")["id"]
        f = v.frame
        rows = pd.DataFrame({"code": f["id"], "name": f["name"], "kind": f["kind"], "phone": f["phone"],
                             "home_lon": f["home_lon"], "home_lat": f["home_lat"],
                             "community_id": f["community_code"].map(refs), "movable": f["movable"].fillna(False),
                             "on_duty": f["on_duty"].fillna(True), "skills": f["skills"].fillna(""),
                             "hours_week": 0.0, "version": 1})
        t1 = time.perf_counter()
        uow.imports.insert_frame("staff", rows)
        raise _RolledBack(time.perf_counter() - t1)  # the unit of work rolls the rows back
    return 0.0


def _in_child(fn: Any, job: dict[str, Any]) -> dict[str, Any]:
    """``fn(job, queue)`` in a fresh process; its error (a traceback on stderr) ends the benchmark."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=fn, args=(job, queue))
    # a spawned child re-runs the parent's ``__main__`` file first; in a process that has run a Streamlit
    # page (AppTest names it ``__main__``) that would be the page itself, so the child gets a blank one
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        proc.start()
    finally:
        if main is not None:
            sys.modules["__main__"] = main
    while True:
        try:
            out = queue.get(timeout=1.0)
            break
        except Empty:
            if not proc.is_alive():
                raise RuntimeError(f"benchmark child exited with {proc.exitcode}") from None
    proc.join()
    return dict(out)


# --- the run ----------------------------------------------------------------------------------------


def _fresh_url(url: str | None, name: str) -> str:
    from core.storage.db import migrate

    url = url or f"sqlite:///{Path(tempfile.mkdtemp(prefix='fangxian-bench-import-')) / name}"
    migrate(url)
    return url


def _answer(ok: bool, lang: str) -> str:
    return translate("cli.bench.import.met" if ok else "cli.bench.import.missed", lang)


def run_import(args: argparse.Namespace) -> int:
    from core.services.uow import unit_of_work

    lang = getattr(args, "lang", "zh") or "zh"
    rows = max(100, int(args.rows))
    url = _fresh_url(args.database_url, "district.db")
    with unit_of_work(url) as uow:
        if uow.imports.count("staff") or uow.imports.count("community"):
            print(translate("cli.bench.import.not_empty", lang, url=url))
            return 2
    out = Path(tempfile.mkdtemp(prefix="fangxian-bench-import-files-"))
    t0 = time.perf_counter()
    communities, staff, changed, district = _district_files(rows, out, args.seed)
    mb = staff.stat().st_size / 2**20
    print(translate("cli.bench.import.files", lang, rows=rows, mb=mb, seconds=time.perf_counter() - t0))
    print(translate("cli.bench.import.database", lang, url=url))
    _in_child(_child, {"url": url, "now": NOW, "files": [("communities", communities, district)]})
    base = _in_child(_baseline_child, {"url": url, "path": str(staff)})
    print(translate("cli.bench.import.baseline_parse", lang, seconds=base["parse"], rate=rows / base["parse"]))
    print(translate("cli.bench.import.baseline_insert", lang, seconds=base["insert"], rate=rows / base["insert"]))
    steps = [("fresh", staff, NOW), ("again", staff, NOW + dt.timedelta(hours=1)),
             ("changed", changed, NOW + dt.timedelta(hours=2))]
    results: dict[str, dict[str, Any]] = {}
    for step, path, now in steps:
        r = _in_child(_child, {"url": url, "now": now, "files": [("staff", path, {})]})
        results[step] = r
        _print_step(step, r, rows, base, lang)
    ok = _targets(results, rows, lang)
    if not args.no_city:
        ok = _city(args, out, lang) and ok
    return 0 if ok else 1


def _print_step(step: str, r: dict[str, Any], rows: int, base: dict[str, float], lang: str) -> None:
    created, updated, unchanged = r["counts"]
    print(translate("cli.bench.import.step", lang, step=translate(f"cli.bench.import.step.{step}", lang),
                    seconds=r["seconds"], rate=rows / r["seconds"], rss=r["rss"], base=r["base"], created=created,
                    updated=updated, unchanged=unchanged, parse_ratio=r["seconds"] / base["parse"],
                    insert_ratio=r["seconds"] / base["insert"]))


def _targets(results: dict[str, dict[str, Any]], rows: int, lang: str) -> bool:
    fresh = results["fresh"]
    checks = [
        ("fresh", fresh["seconds"] <= SECONDS_TARGET and rows / fresh["seconds"] >= RATE_TARGET),
        ("rss", max(r["rss"] for r in results.values()) <= RSS_TARGET_MB),
        ("again", results["again"]["seconds"] <= SECONDS_TARGET),
        ("changed", results["changed"]["seconds"] <= SECONDS_TARGET),
    ]
    for what, ok in checks:
        print(translate(f"cli.bench.import.target.{what}", lang, answer=_answer(ok, lang)))
    return all(ok for _, ok in checks)


def _city(args: argparse.Namespace, out: Path, lang: str) -> bool:
    communities, staff, n_comm, n_staff, district = _city_files(out, args.seed)
    url = _fresh_url(args.city_database_url, "city.db")
    print(translate("cli.bench.import.city_files", lang, communities=n_comm, staff=n_staff, url=url))
    t0 = time.perf_counter()
    pd.read_csv(staff, dtype=str, keep_default_na=False, encoding="gb18030")
    parse = time.perf_counter() - t0
    r = _in_child(_child, {"url": url, "now": NOW, "files": [("communities", communities, district),
                                                             ("staff", staff, {})]})
    print(translate("cli.bench.import.city", lang, seconds=r["seconds"], rss=r["rss"], base=r["base"],
                    rate=(n_comm + n_staff) / r["seconds"], parse=parse, ratio=r["seconds"] / parse))
    ok = r["seconds"] <= SECONDS_TARGET
    print(translate("cli.bench.import.target.city", lang, answer=_answer(ok, lang)))
    return ok
