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
    from core.services.alerts import for_display
    from core.services.read_models.wall import data_day, load_wall, past_totals
    from core.storage.db import session_scope
    from core.storage.repositories import tables_repo as repo

    url = _demo_url(args)
    n, window = max(2, args.cycles), max(1, min(args.window, args.cycles // 3 or 1))
    print(f"database: {url}")
    t0 = time.perf_counter()
    past = past_totals(url, data_day(url))  # the dashboard keeps these 10 min (a write today leaves them)
    t1 = time.perf_counter()
    payload = load_wall(url, past=past)
    cached = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    print(f"past 13 days {1000 * (t1 - t0):.0f} ms, today's payload {1000 * (time.perf_counter() - t1):.0f} ms; payload {len(cached) / 1024:.0f} KiB pickled; "
          f"{len(payload.communities)} communities, {len(payload.alerts)} alerts firing")
    trace = not args.no_tracemalloc
    if trace:
        tracemalloc.start()
    hit_ms: list[float] = []
    build_ms: list[float] = []
    traced: list[float] = []
    rss: list[float] = []
    for i in range(n):
        t = time.perf_counter()
        with session_scope(url) as s:
            repo.data_version(s)
        if i % args.recompute_every == args.recompute_every - 1:
            payload = load_wall(url, past=past)
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
    print(f"{n} refresh cycles = {hours:.1f} h of one screen at {args.refresh:.0f} s")
    print(f"cache hit (version query + payload copy): median {statistics.median(hit_ms):.1f} ms, "
          f"p95 {q(hit_ms, 0.95):.1f} ms")
    if build_ms:
        print(f"rebuild after a write: median {statistics.median(build_ms):.0f} ms, max {max(build_ms):.0f} ms "
              f"({len(build_ms)} rebuilds)")
    first, last = slice(window, 2 * window), slice(n - window, n)
    rss_first, rss_last = statistics.median(rss[first]), statistics.median(rss[last])
    print(f"RSS: median {rss_first:.1f} MiB over cycles {window}-{2 * window}, {rss_last:.1f} MiB over the last "
          f"{window}; growth {rss_last - rss_first:+.1f} MiB")
    ok = rss_last - rss_first < 20.0
    if trace:
        tr_first, tr_last = statistics.median(traced[first]), statistics.median(traced[last])
        per_k = (tr_last - tr_first) / max(1, n - 2 * window) * 1000
        print(f"tracemalloc: {tr_first:.2f} MiB -> {tr_last:.2f} MiB ({per_k * 1024:+.0f} KiB per 1,000 cycles)")
        ok = ok and (tr_last - tr_first) < 5.0
    print(f"memory bounded (RSS growth < 20 MiB{', traced < 5 MiB' if trace else ''}): {'yes' if ok else 'NO'}")
    return 0 if ok else 1
