"""`fangxian bench wallscreen`: many refresh cycles of the wall screen's data path, as a screen costs
the server: every cycle asks the database for its data version and takes the payload from the cache
(a pickle round trip, as ``st.cache_data`` does on a hit); every ``--recompute-every`` cycles the
payload is rebuilt from the database (as after a write). Time and memory per cycle are printed, and
the memory of the first and last few hundred cycles compared (it must not grow without bound).
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

from core.i18n import translate


def add_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--cycles", type=int, default=2000, help="刷新次数（默认 2000，按 30 秒一次约 17 小时）")
    p.add_argument("--refresh", type=float, default=30.0, help="模拟的刷新间隔（秒，只用于换算模拟时长）")
    p.add_argument("--recompute-every", type=int, default=50, help="每多少次刷新重新计算一次（模拟有写入）")
    p.add_argument("--window", type=int, default=300, help="比较首尾内存的刷新次数")
    p.add_argument("--no-tracemalloc", action="store_true", help="不用 tracemalloc（只看 RSS，计时更准）")


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _demo_url(args: argparse.Namespace) -> str:
    url = getattr(args, "database_url", None)
    if url:
        return str(url)
    from core.demo.seed import seed_demo_database
    from core.storage.db import migrate

    path = Path(tempfile.mkdtemp(prefix="fangxian-bench-wall-")) / "demo.db"
    url = f"sqlite:///{path}"
    migrate(url)
    seed_demo_database(url)
    return url


def run_wallscreen(args: argparse.Namespace) -> int:
    from core.model.alert_rules import for_display
    from core.services import clock
    from core.services.read_models.wall import data_version, load_wall, past_totals
    from core.services.uow import unit_of_work

    url = _demo_url(args)
    n, window = max(2, args.cycles), max(1, min(args.window, args.cycles // 3 or 1))
    lang = getattr(args, "lang", "en")
    print(translate("cli.bench.wall.database", lang, url=url))
    t0 = time.perf_counter()
    with unit_of_work(url) as uow:  # the dashboard keeps these 10 min (a write today leaves them)
        past = past_totals(uow, clock.reference_day(uow))
    t1 = time.perf_counter()
    with unit_of_work(url) as uow:
        payload = load_wall(uow, past=past)
    cached = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    print(translate("cli.bench.wall.first", lang, past_ms=1000 * (t1 - t0), today_ms=1000 * (time.perf_counter() - t1),
                    kib=len(cached) / 1024, communities=len(payload.communities), alerts=len(payload.alerts)))
    trace = not args.no_tracemalloc
    if trace:
        tracemalloc.start()
    hit_ms: list[float] = []
    build_ms: list[float] = []
    traced: list[float] = []
    rss: list[float] = []
    for i in range(n):
        t = time.perf_counter()
        with unit_of_work(url) as uow:
            data_version(uow)
        if i % args.recompute_every == args.recompute_every - 1:
            with unit_of_work(url) as uow:
                payload = load_wall(uow, past=past)
            cached = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
            build_ms.append(1000 * (time.perf_counter() - t))
        else:
            payload = pickle.loads(cached)
            hit_ms.append(1000 * (time.perf_counter() - t))
        for_display(payload.alerts)
        del payload
        if i % 10 == 0:
            gc.collect()
        traced.append(tracemalloc.get_traced_memory()[0] / 2**20 if trace else 0.0)
        rss.append(_rss_mb())
    if trace:
        tracemalloc.stop()

    def q(xs: list[float], p: float) -> float:
        return sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]

    hours = n * args.refresh / 3600
    print(translate("cli.bench.wall.cycles", lang, n=n, hours=hours, refresh=args.refresh))
    print(translate("cli.bench.wall.hit", lang, median=statistics.median(hit_ms), p95=q(hit_ms, 0.95)))
    if build_ms:
        print(translate("cli.bench.wall.rebuild", lang, median=statistics.median(build_ms), max=max(build_ms),
                        n=len(build_ms)))
    first, last = slice(window, 2 * window), slice(n - window, n)
    rss_first, rss_last = statistics.median(rss[first]), statistics.median(rss[last])
    print(translate("cli.bench.wall.rss", lang, first=rss_first, start=window, end=2 * window, last=rss_last,
                    window=window, growth=rss_last - rss_first))
    ok = rss_last - rss_first < 20.0
    if trace:
        tr_first, tr_last = statistics.median(traced[first]), statistics.median(traced[last])
        per_k = (tr_last - tr_first) / max(1, n - 2 * window) * 1000
        print(translate("cli.bench.wall.traced", lang, first=tr_first, last=tr_last, per_k=per_k * 1024))
        ok = ok and (tr_last - tr_first) < 5.0
    print(translate("cli.bench.wall.bounded_traced" if trace else "cli.bench.wall.bounded", lang,
                    answer=translate("cli.bench.yes" if ok else "cli.bench.no", lang)))
    return 0 if ok else 1
