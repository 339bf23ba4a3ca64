"""The load benchmark's figures (``fangxian bench load``): the server process's RSS and CPU from /proc,
the reruns of a window by kind with their quantiles, and the printed report with met / not met."""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from core.cli.bench.load_client import Bench
from core.i18n import translate

TARGET_S = 1.0
KINDS = ("wall", "wall_refresh", "desk", "desk_auto", "first")

def proc_figures(pid: int) -> tuple[float, float]:
    """(RSS in MiB, CPU seconds used so far) of a process, from /proc."""
    try:
        rss_kb = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if line.startswith("VmRSS:"))
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, StopIteration, ValueError, IndexError):
        return float("nan"), float("nan")
    return rss_kb / 1024, cpu


# --- figures ---------------------------------------------------------------------------------------


def quantile(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, int(p * len(s)))] if s else float("nan")


@dataclass
class Window:
    """The figures of one measured stretch of time."""

    seconds: float
    by_kind: dict[str, list[float]]
    errors: list[tuple[float, str, str, str, str]]
    cpu_pct: float
    client_cpu_pct: float
    rss: list[float]

    def p95(self, kind: str) -> float:
        return quantile(self.by_kind.get(kind, []), 0.95)

    @property
    def reruns(self) -> int:
        return sum(len(v) for k, v in self.by_kind.items() if k not in ("first", "wall_refresh"))

    @property
    def met(self) -> bool:
        worst = max((self.p95(k) for k in ("wall", "desk", "desk_auto") if self.by_kind.get(k)), default=0.0)
        return worst <= TARGET_S


class Meter:
    """Marks over the bench's records and the server's /proc figures; samples RSS every 10 s."""

    def __init__(self, bench: Bench, pid: int) -> None:
        self.bench, self.pid = bench, pid
        self.samples: list[tuple[float, float]] = []  # (t, RSS MiB)

    def mark(self) -> tuple[float, float, float]:
        """(now, server CPU seconds, own CPU seconds), with an RSS sample."""
        rss, cpu = proc_figures(self.pid)
        now = time.monotonic()
        self.samples.append((now, rss))
        return now, cpu, time.process_time()

    def window(self, start: tuple[float, float, float], end: tuple[float, float, float]) -> Window:
        (t0, cpu0, own0), (t1, cpu1, own1) = start, end
        span = max(t1 - t0, 1e-9)
        by_kind: dict[str, list[float]] = {}
        for r in self.bench.records:
            if t0 <= r.sent <= t1:
                by_kind.setdefault(r.kind, []).append(r.seconds)
        errors = [e for e in self.bench.errors if t0 <= e[0] <= t1 + self.bench.timeout]
        rss = [m for t, m in self.samples if t0 <= t <= t1]
        return Window(span, by_kind, errors, 100 * (cpu1 - cpu0) / span, 100 * (own1 - own0) / span, rss)

    async def every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            self.mark()
            now = time.monotonic()
            for c in list(self.bench.clients):
                c.expire(now)

    async def drain(self, until: float) -> None:
        """Wait (bounded) for every request sent before ``until`` to be answered."""
        deadline = time.monotonic() + self.bench.timeout
        while time.monotonic() < deadline and any(
                any(s <= until for s, _ in c.pending_full) or any(s <= until for v in c.pending_frag.values() for s in v)
                for c in self.bench.clients):
            await asyncio.sleep(0.1)


@dataclass
class Result:
    warm: dict[str, float] = field(default_factory=dict)  # page -> first (cold) visit, s
    baseline: Window | None = None
    load: Window | None = None
    ramp: list[tuple[int, int, Window]] = field(default_factory=list)
    done: dict[int, tuple[str, int]] = field(default_factory=dict)  # client -> (kind, finished reruns)
    rss_start: float = float("nan")
    other_errors: list[tuple[float, str, str, str, str]] = field(default_factory=list)  # warm-up, baseline, ramp
    tracebacks: list[str] = field(default_factory=list)  # "Error: text (file:line)" of each in the server log


# --- printing --------------------------------------------------------------------------------------


def _ms(x: float) -> str:
    return "—" if x != x else f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"


def _answer(ok: bool, lang: str) -> str:
    return translate("cli.bench.yes" if ok else "cli.bench.no", lang)


def ramp_line(walls: int, desks: int, w: Window, lang: str) -> str:
    return translate("cli.bench.load.ramp.step", lang, walls=walls, desks=desks, rate=w.reruns / w.seconds,
                     wall=_ms(w.p95("wall")), desk=_ms(w.p95("desk")), cpu=w.cpu_pct,
                     rss=w.rss[-1] if w.rss else float("nan"), errors=len(w.errors), answer=_answer(w.met, lang))


def _table(result: Result, lang: str) -> None:
    load, base = result.load, result.baseline
    assert load is not None and base is not None
    head = [translate(f"cli.bench.load.col.{c}", lang) for c in ("what", "n", "p50", "p95", "max", "base", "ratio")]
    rows = []
    for kind in KINDS:
        xs = load.by_kind.get(kind, [])
        if not xs:
            continue
        b = base.p95(kind)
        rows.append([translate(f"cli.bench.load.kind.{kind}", lang), str(len(xs)), _ms(statistics.median(xs)),
                     _ms(quantile(xs, 0.95)), _ms(max(xs)), _ms(b),
                     "—" if b != b or kind == "first" else f"{quantile(xs, 0.95) / b:.1f}×"])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    for r in [head, *rows]:
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))))


def report(result: Result, args: argparse.Namespace, lang: str) -> bool:
    load = result.load
    assert load is not None
    _table(result, lang)
    if args.refresh < 30:
        factor = 30 / args.refresh
        print(translate("cli.bench.load.stands_for", lang, refresh=args.refresh, seconds=load.seconds,
                        real=load.seconds * factor, factor=factor))
    print(translate("cli.bench.load.rate", lang, rate=load.reruns / load.seconds, n=load.reruns,
                    seconds=load.seconds))
    print(translate("cli.bench.load.cpu", lang, server=load.cpu_pct, client=load.client_cpu_pct))
    rss_end = load.rss[-1] if load.rss else float("nan")
    rss_first = load.rss[0] if load.rss else float("nan")
    growth = rss_end - rss_first
    print(translate("cli.bench.load.rss", lang, start=result.rss_start, first=rss_first, end=rss_end,
                    peak=max(load.rss, default=float("nan")), growth=growth,
                    per_min=60 * growth / load.seconds))
    print(translate("cli.bench.load.errors", lang, n=len(load.errors), other=len(result.other_errors),
                    tracebacks=len(result.tracebacks)))
    for (kind, page, what, text), n in Counter((e[1], e[2], e[3], e[4])
                                               for e in load.errors + result.other_errors).most_common(10):
        print(translate("cli.bench.load.error", lang, n=n, client=translate(f"cli.bench.load.client.{kind}", lang),
                        page=page, what=translate(f"cli.bench.load.what.{what}", lang), text=text))
    for line, n in Counter(result.tracebacks).most_common(5):
        print(translate("cli.bench.load.traceback", lang, n=n, line=line))
    idle = sorted(i for i, (_k, n) in result.done.items() if n == 0)
    if idle:
        print(translate("cli.bench.load.idle_clients", lang, n=len(idle), clients=[str(i) for i in idle[:10]]))
    met, bounded = load.met, growth < args.rss_limit
    clean = not load.errors and not result.other_errors and not result.tracebacks
    print(translate("cli.bench.load.target", lang, wall=_ms(load.p95("wall")), desk=_ms(load.p95("desk")),
                    answer=translate("cli.bench.gaps.met" if met else "cli.bench.gaps.missed", lang)))
    print(translate("cli.bench.load.bounded", lang, limit=args.rss_limit, answer=_answer(bounded, lang)))
    print(translate("cli.bench.load.clean", lang, answer=_answer(clean, lang)))
    if result.ramp:
        ok = [(w, d) for w, d, win in result.ramp if win.met and not win.errors]
        last = result.ramp[-1]
        if last[2].met and not last[2].errors:
            print(translate("cli.bench.load.ramp.never", lang, walls=last[0], desks=last[1]))
        else:
            good = ok[-1] if ok else (0, 0)
            print(translate("cli.bench.load.ramp.saturates", lang, walls=last[0], desks=last[1],
                            good_walls=good[0], good_desks=good[1]))
    return met and bounded and clean and not idle


def tracebacks(log: str) -> list[str]:
    """One line per traceback in a server log: its last line, the page's frame and the innermost project frame."""
    def place(frame: str) -> str:
        path, line = frame.split('"')[1], frame.rsplit("line ", 1)[-1].split(",")[0]
        return f"{'/'.join(path.rsplit('/', 2)[-2:])}:{line}"

    out = []
    for block in log.split("Traceback (most recent call last):")[1:]:
        lines = [x for x in block.splitlines() if x.strip()]
        frames = [x.strip() for x in lines if x.strip().startswith('File "') and "site-packages" not in x]
        last = next((x.strip() for x in lines if not x.startswith(" ")), "?")
        places = list(dict.fromkeys(place(f) for f in [*[f for f in frames if "app_pages" in f][:1], *frames[-1:]]))
        out.append(f"{last[:160]} ({' → '.join(places)})" if places else last[:160])
    return out
