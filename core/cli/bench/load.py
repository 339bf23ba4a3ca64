"""`fangxian bench load`: one app process (started exactly as ``fangxian serve`` starts it) under wall
screens and desk sessions, each a light client speaking Streamlit's own websocket protocol.

A client does what the browser's frontend does: it opens ``/_stcore/stream`` (a desk with its signed
session cookie, a wall with the kiosk URL), asks for the first run, keeps one timer per fragment the
server announces (``auto_rerun``: the wall's panels, ``st.fragment(run_every=...)``) and sends that
fragment's rerun when it fires; a desk also switches pages (a rerun naming the page's script hash,
as a click in the sidebar does). A rerun's time runs from sending it to the ``script_finished`` of
the run that served it; an exception element, an ``st.error``, a compile error, "page not found", a
closed socket or a rerun without an answer is an error. Loopback only; every wait is bounded; the
server is always stopped.

The few protobuf fields used are read and written here by hand (field numbers of Streamlit 1.67's
BackMsg / ForwardMsg / ClientState): core imports no UI library. tests/browser/test_bench_load.py
checks this codec against the installed streamlit's own protobuf classes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.i18n import cli_lang, translate

TARGET_S = 1.0
DESK_USERS = ("coordinator", "leader", "planner", "clerk")
WARM_USER = "admin"  # sees every page: the warm-up visits each once
KINDS = ("wall", "wall_refresh", "desk", "desk_auto", "first")


def add_args(p: argparse.ArgumentParser) -> None:
    lang = cli_lang()

    def h(key: str) -> str:
        return translate(f"cli.bench.load.arg.{key}", lang)

    p.add_argument("--walls", type=int, default=30, help=h("walls"))
    p.add_argument("--desks", type=int, default=10, help=h("desks"))
    p.add_argument("--refresh", type=float, default=30.0, help=h("refresh"))
    p.add_argument("--think", type=float, default=5.0, help=h("think"))
    p.add_argument("--duration", type=float, default=120.0, help=h("duration"))
    p.add_argument("--baseline-rounds", type=int, default=2, help=h("baseline_rounds"))
    p.add_argument("--timeout", type=float, default=30.0, help=h("timeout"))
    p.add_argument("--rss-limit", type=float, default=50.0, help=h("rss_limit"))
    p.add_argument("--demo-scale", choices=["district", "city"], default="district", help=h("demo_scale"))
    p.add_argument("--ramp", action="store_true", help=h("ramp"))
    p.add_argument("--ramp-walls", type=int, default=10, help=h("ramp_walls"))
    p.add_argument("--ramp-desks", type=int, default=3, help=h("ramp_desks"))
    p.add_argument("--ramp-steps", type=int, default=8, help=h("ramp_steps"))
    p.add_argument("--step", type=float, default=40.0, help=h("step"))


# --- the wire: protobuf by hand, only the fields this client needs -------------------------------


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _len_field(num: int, payload: bytes) -> bytes:
    return _varint(num << 3 | 2) + _varint(len(payload)) + payload


def _str_field(num: int, s: str) -> bytes:
    return _len_field(num, s.encode()) if s else b""


def _bool_field(num: int, b: bool) -> bytes:
    return _varint(num << 3) + b"\x01" if b else b""


def _read_varint(mv: memoryview, i: int) -> tuple[int, int]:
    shift = result = 0
    while True:
        b = mv[i]
        i += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, i
        shift += 7


def _fields(buf: bytes | memoryview) -> Iterator[tuple[int, Any]]:
    """(field number, value) of one message: an int (varint), a memoryview (bytes) or 4/8 raw bytes."""
    mv, i = memoryview(buf), 0
    while i < len(mv):
        key, i = _read_varint(mv, i)
        num, wire = key >> 3, key & 7
        value: Any
        if wire == 0:
            value, i = _read_varint(mv, i)
        elif wire == 2:
            size, i = _read_varint(mv, i)
            value, i = mv[i:i + size], i + size
        elif wire in (1, 5):
            width = 8 if wire == 1 else 4
            value, i = mv[i:i + width], i + width
        else:
            raise ValueError(f"protobuf wire type {wire}")
        yield num, value


def _text(v: memoryview) -> str:
    return bytes(v).decode("utf-8", "replace")


def rerun_msg(*, query: str = "", page_hash: str = "", page_name: str = "", fragment_id: str = "",
              auto: bool = False, cached: tuple[str, ...] = (), url: str = "", embedded: bool = False) -> bytes:
    """BackMsg{rerun_script: ClientState}, as the frontend's sendRerunBackMsg builds it."""
    context = (_str_field(1, "Asia/Shanghai") + _str_field(3, "zh-CN") + _str_field(4, url)
               + _varint(5 << 3) + (b"\x01" if embedded else b"\x00"))
    state = (_str_field(1, query) + _str_field(3, page_hash) + _str_field(4, page_name) + _str_field(5, fragment_id)
             + _bool_field(6, auto) + b"".join(_str_field(7, h) for h in cached) + _len_field(8, context))
    return _len_field(11, state)


@dataclass
class Forward:
    """What this client reads of one ForwardMsg."""

    kind: str = "other"
    hash: str = ""
    cacheable: bool = False
    fragment_ids: tuple[str, ...] = ()
    status: int = -1
    interval: float = 0.0
    fragment_id: str = ""
    pages: tuple[tuple[str, str], ...] = ()  # (url path, script hash) of the sidebar's visible pages
    page_hash: str = ""
    query: str = ""
    error: tuple[str, str] | None = None  # (what, text)


_KIND = {4: "new_session", 5: "delta", 6: "finished", 10: "session_event", 12: "page_info", 15: "page_not_found",
         21: "auto_rerun", 23: "navigation", 28: "stop_auto_rerun", 11: "ref_hash"}


def _element_error(element: memoryview) -> tuple[str, str] | None:
    for num, v in _fields(element):
        if num == 8:  # Exception{1 type, 2 message, 5 is_warning}
            f = dict(_fields(v))
            if not f.get(5):
                return "exception", f"{_text(f.get(1, memoryview(b'')))}: {_text(f.get(2, memoryview(b'')))}"
        elif num == 30:  # Alert{1 body, 2 format}; format 1 = ERROR
            f = dict(_fields(v))
            if f.get(2) == 1:
                return "st_error", _text(f.get(1, memoryview(b"")))
    return None


def parse_forward(buf: bytes) -> Forward:
    out = Forward()
    for num, v in _fields(buf):
        if num == 1:
            out.hash = _text(v)
        elif num == 2:
            for m, mv in _fields(v):
                if m == 1:
                    out.cacheable = bool(mv)
                elif m == 6:
                    out.fragment_ids = tuple(_text(x) for k, x in _fields(mv) if k == 2)
        elif num in _KIND:
            out.kind = _KIND[num]
            if num == 6:
                out.status = int(v)
            elif num == 5:
                for m, mv in _fields(v):
                    if m == 3:
                        out.error = _element_error(mv)
            elif num == 10:
                if any(m == 3 for m, _ in _fields(v)):
                    out.error = ("compile_error", "")
            elif num == 12:
                out.query = next((_text(x) for m, x in _fields(v) if m == 1), "")
            elif num == 15:
                out.error = ("page_not_found", next((_text(x) for m, x in _fields(v) if m == 1), ""))
            elif num == 21:
                for m, mv in _fields(v):
                    if m == 1:
                        out.interval = struct.unpack("<f", bytes(mv))[0]
                    elif m == 2:
                        out.fragment_id = _text(mv)
            elif num == 28:
                out.fragment_ids = tuple(_text(x) for m, x in _fields(v) if m == 1)
            elif num == 23:
                pages = []
                for m, mv in _fields(v):
                    if m == 2:
                        p = dict(_fields(mv))
                        if not p.get(7):
                            pages.append((_text(p.get(6, memoryview(b""))), _text(p.get(1, memoryview(b"")))))
                    elif m == 4:
                        out.page_hash = _text(mv)
                out.pages = tuple(pages)
    return out


# --- one client ------------------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    client: int
    sent: float
    seconds: float
    page: str


@dataclass
class Bench:
    """What every client reports into: finished reruns, errors, warnings (shared by one asyncio loop)."""

    base: str
    timeout: float
    records: list[Record] = field(default_factory=list)
    errors: list[tuple[float, str, str, str, str]] = field(default_factory=list)  # (t, client kind, page, what, text)
    clients: list[Client] = field(default_factory=list)
    stopping: bool = False

    def error(self, client: Client, what: str, text: str = "") -> None:
        self.errors.append((time.monotonic(), client.kind, client.page, what, " ".join(text.split())[:100]))


class Client:
    """One browser tab: a wall screen (kiosk URL) or a signed-in desk session."""

    def __init__(self, bench: Bench, ident: int, kind: str, path: str = "", query: str = "", cookie: str = "",
                 *, auto: bool = True) -> None:
        self.bench, self.ident, self.kind = bench, ident, kind
        self.path, self.query, self.cookie, self.auto = path, query, cookie, auto
        self.page = path or "/"
        self.page_hash = ""
        self.pages: dict[str, str] = {}
        self.fragments: dict[str, float] = {}  # fragment id -> interval, as announced
        self.timers: dict[str, asyncio.Task[None]] = {}
        self.cached: dict[str, int] = {}  # message hash -> run number (the frontend's message cache)
        self.runs = 0
        self.run_started = 0.0
        self.pending_full: list[tuple[float, str]] = []  # (sent, record kind)
        self.pending_frag: dict[str, list[float]] = {}
        self.cluster: float | None = None  # first send of the wall's current refresh
        self.done = 0  # finished reruns after the first load
        self.idle = asyncio.Event()
        self.ws: Any = None
        self.reader: asyncio.Task[None] | None = None

    # -- sending
    async def _send(self, **kw: Any) -> None:
        url = f"{self.bench.base}/{self.path}" + (f"?{self.query}" if self.query else "")
        cached = tuple(h for h, r in self.cached.items() if r >= self.runs - 2)
        await self.ws.send(rerun_msg(query=self.query, cached=cached, url=url, embedded="embed=true" in self.query, **kw))

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        headers = {"Cookie": self.cookie} if self.cookie else {}
        ws_url = self.bench.base.replace("http://", "ws://") + "/_stcore/stream"
        # no client pings: a browser sends none (the server's pings are answered as they come)
        self.ws = await connect(ws_url, additional_headers=headers, subprotocols=["streamlit"],  # type: ignore[list-item]
                                max_size=None, compression=None, open_timeout=self.bench.timeout, ping_interval=None)
        self.reader = asyncio.create_task(self._read())
        self.idle.clear()
        self.pending_full.append((time.monotonic(), "first"))
        await self._send(page_name=self.path)

    async def switch(self, url_path: str) -> None:
        """A click in the sidebar: the page's script hash; the page's own timers are dropped first."""
        if self.bench.stopping or url_path not in self.pages:
            return
        self._drop_timers()
        self.idle.clear()
        self.pending_full.append((time.monotonic(), "desk"))
        await self._send(page_hash=self.pages[url_path])

    async def tick(self) -> None:
        """Every announced fragment at once (the baseline's refresh, without waiting for the timers)."""
        for fid in list(self.fragments):
            await self._fragment(fid)

    async def _fragment(self, fid: str) -> None:
        if self.bench.stopping:
            return
        now = time.monotonic()
        if not any(self.pending_frag.values()):
            self.cluster = now
        self.pending_frag.setdefault(fid, []).append(now)
        self.idle.clear()
        await self._send(page_hash=self.page_hash, fragment_id=fid, auto=True)

    async def _timer(self, fid: str, interval: float) -> None:
        while not self.bench.stopping:
            await asyncio.sleep(interval)
            await self._fragment(fid)

    def _drop_timers(self) -> None:
        for task in self.timers.values():
            task.cancel()
        self.timers.clear()
        self.fragments.clear()

    # -- receiving
    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                if isinstance(raw, bytes):
                    self._on(parse_forward(raw))
        except Exception as exc:  # noqa: BLE001 - a dropped socket is a figure of the run
            if not self.bench.stopping:
                self.bench.error(self, "socket", f"{type(exc).__name__} {getattr(exc, 'rcvd', '') or ''}")
        else:
            if not self.bench.stopping:
                self.bench.error(self, "socket", "closed")

    def _on(self, m: Forward) -> None:
        now = time.monotonic()
        if m.cacheable and m.hash:
            self.cached[m.hash] = self.runs
        if m.error is not None:
            self.bench.error(self, *m.error)
        if m.kind == "delta" or m.kind == "other" or m.kind == "ref_hash":
            return
        if m.kind == "new_session":
            self.runs += 1
            self.run_started = now
            if len(self.cached) > 2000:
                self.cached = {h: r for h, r in self.cached.items() if r >= self.runs - 2}
        elif m.kind == "navigation":
            self.pages = dict(m.pages)
            self.page_hash = m.page_hash
            self.page = next((u for u, h in m.pages if h == m.page_hash), self.page) or "/"
        elif m.kind == "page_info":
            self.query = m.query
        elif m.kind == "auto_rerun" and m.fragment_id:
            if self.fragments.get(m.fragment_id) != m.interval:
                self.fragments[m.fragment_id] = m.interval
                if self.auto:
                    old = self.timers.pop(m.fragment_id, None)
                    if old is not None:
                        old.cancel()
                    self.timers[m.fragment_id] = asyncio.create_task(self._timer(m.fragment_id, m.interval))
        elif m.kind == "stop_auto_rerun":
            for fid in m.fragment_ids:
                self.fragments.pop(fid, None)
                task = self.timers.pop(fid, None)
                if task is not None:
                    task.cancel()
        elif m.kind == "finished":
            self._finished(m, now)

    def _finished(self, m: Forward, now: float) -> None:
        started = self.run_started
        if m.status in (0, 1):  # a full run: it served every request made before it started
            for sent, kind in [p for p in self.pending_full if p[0] <= started]:
                self._record(kind, sent, now)
            self.pending_full = [p for p in self.pending_full if p[0] > started]
            fids: tuple[str, ...] = tuple(self.pending_frag)
        elif m.status == 3:
            fids = m.fragment_ids
        else:  # finished early for a rerun: the next run serves it
            return
        for fid in fids:
            sends = self.pending_frag.get(fid, [])
            for sent in [s for s in sends if s <= started]:
                self._record("wall" if self.kind == "wall" else "desk_auto", sent, now)
            self.pending_frag[fid] = [s for s in sends if s > started]
        if not any(self.pending_frag.values()):
            if self.cluster is not None and self.kind == "wall":
                self._record("wall_refresh", self.cluster, now, count=False)
            self.cluster = None
            if not self.pending_full:
                self.idle.set()

    def _record(self, kind: str, sent: float, now: float, *, count: bool = True) -> None:
        self.bench.records.append(Record(kind, self.ident, sent, now - sent, self.page))
        if count and kind != "first":
            self.done += 1

    def expire(self, now: float) -> None:
        """Requests without an answer after the timeout are errors (and forgotten)."""
        limit = now - self.bench.timeout
        if any(s < limit for s, _ in self.pending_full) or any(s < limit for v in self.pending_frag.values() for s in v):
            self.bench.error(self, "timeout", f"> {self.bench.timeout:.0f} s")
            self.pending_full = [p for p in self.pending_full if p[0] >= limit]
            self.pending_frag = {f: [s for s in v if s >= limit] for f, v in self.pending_frag.items()}

    async def wait_idle(self, seconds: float) -> bool:
        try:
            await asyncio.wait_for(self.idle.wait(), seconds)
            return True
        except TimeoutError:
            return False

    async def close(self) -> None:
        self._drop_timers()
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except Exception:  # noqa: BLE001 - closing a socket the server already dropped
                pass
        if self.reader is not None:
            self.reader.cancel()


# --- the server and the process figures -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db_url: str, log_path: Path, wait_s: float = 90.0) -> tuple[subprocess.Popen[bytes], str]:
    """``fangxian serve``'s command (dashboard/server.py under ``streamlit run``) on a free loopback port."""
    from core.config import PROJECT_ROOT

    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "dashboard" / "server.py"),
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true"]
    env = dict(os.environ, FANGXIAN_DATABASE_URL=db_url)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                return proc, base
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise TimeoutError(str(log_path))


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


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


def desk_cookie(db_url: str, user: str) -> str:
    """A signed-in session the way the cookie endpoint makes one (a session row, its token signed)."""
    from core.demo.accounts import DEMO_PASSWORD
    from core.model.identity_policy import SESSION_COOKIE, sign_cookie
    from core.services import identity
    from core.services.identity import sessions
    from core.services.uow import unit_of_work

    with unit_of_work(db_url) as uow:
        attempt = identity.authenticate(uow, user, DEMO_PASSWORD)
    actor = attempt.accepted()
    with unit_of_work(db_url) as uow:
        _sid, ticket = sessions.start_session(uow, actor, "zh")
        token, _next = sessions.redeem_ticket(uow, ticket) or ("", "")
        value = sign_cookie(token, sessions.session_secret(uow))
    return f"{SESSION_COOKIE}={value}"


def _demo_database(args: argparse.Namespace, lang: str) -> str:
    url = getattr(args, "database_url", None)
    if url:
        return str(url)
    from core.demo.seed import seed_demo_database
    from core.storage.db import dispose_engines, migrate

    path = Path(args.work_dir) / "demo.db"
    url = f"sqlite:///{path}"
    t0 = time.perf_counter()
    migrate(url)
    seed_demo_database(url, scale=args.demo_scale, seed=args.seed)
    dispose_engines()
    print(translate("cli.bench.load.seeded", lang, scale=args.demo_scale, seconds=time.perf_counter() - t0))
    return url


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


# --- the run ---------------------------------------------------------------------------------------


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


def wall_client(bench: Bench, ident: int, refresh: float, *, auto: bool = True) -> Client:
    from core.demo.accounts import DEMO_KIOSK_TOKEN

    query = f"kiosk={DEMO_KIOSK_TOKEN}&embed=true&refresh={refresh:g}&scale=1"
    return Client(bench, ident, "wall", "wallscreen", query, auto=auto)


COOKIES: dict[tuple[str, int], str] = {}  # (user, client) -> session cookie, all made before any load


def sign_in_all(db_url: str, args: argparse.Namespace) -> None:
    """Every desk session of the run, signed in up front: a sign-in writes, and under load the app's own
    writes would make the bench's wait on an SQLite lock."""
    n = args.desks + (args.ramp_desks * args.ramp_steps if args.ramp else 0)
    first_ramp = args.walls + args.desks
    wanted = [(WARM_USER, 0), (DESK_USERS[1], 1)]
    wanted += [(DESK_USERS[(args.walls + j) % len(DESK_USERS)], args.walls + j) for j in range(args.desks)]
    for step in range(args.ramp_steps if args.ramp else 0):
        at = first_ramp + step * (args.ramp_walls + args.ramp_desks) + args.ramp_walls
        wanted += [(DESK_USERS[(at + j) % len(DESK_USERS)], at + j) for j in range(args.ramp_desks)]
    assert len(wanted) == n + 2
    for user, ident in wanted:
        COOKIES[(user, ident)] = desk_cookie(db_url, user)


async def desk_client(bench: Bench, ident: int, db_url: str, user: str) -> Client:
    cookie = COOKIES.get((user, ident))
    if cookie is None:
        cookie = await asyncio.to_thread(desk_cookie, db_url, user)
    return Client(bench, ident, "desk", cookie=cookie)


async def _page_done(c: Client) -> None:
    deadline = time.monotonic() + c.bench.timeout
    while c.pending_full and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


async def _desk_loop(c: Client, rng: random.Random, think: float) -> None:
    order = sorted(c.pages)
    rng.shuffle(order)
    i = 0
    while not c.bench.stopping and order:
        await asyncio.sleep(think * rng.uniform(0.5, 1.5))
        target = order[i % len(order)]
        i += 1
        if target == c.page:
            continue
        await c.switch(target)
        await _page_done(c)


async def _launch(c: Client, delay: float, tasks: list[asyncio.Task[None]], rng: random.Random | None = None,
                  think: float = 0.0) -> None:
    await asyncio.sleep(delay)
    if c.bench.stopping:
        return
    c.bench.clients.append(c)
    try:
        await c.open()
    except Exception as exc:  # noqa: BLE001 - refused or timed out: an error of the run
        c.bench.error(c, "connect", type(exc).__name__)
        return
    await _page_done(c)
    if rng is not None:
        tasks.append(asyncio.create_task(_desk_loop(c, rng, think)))


async def _add(bench: Bench, walls: int, desks: int, first: int, args: argparse.Namespace, db_url: str,
               tasks: list[asyncio.Task[None]]) -> None:
    """Open ``walls`` + ``desks`` clients, walls spread over one refresh (screens are not switched on at the
    same second), desks over one think time; returns when every first load is done (bounded)."""
    made: list[Any] = []
    for i in range(walls):
        made.append(_launch(wall_client(bench, first + i, args.refresh), i * args.refresh / max(walls, 1), tasks))
    for j in range(desks):
        ident = first + walls + j
        c = await desk_client(bench, ident, db_url, DESK_USERS[ident % len(DESK_USERS)])
        made.append(_launch(c, j * args.think / max(desks, 1), tasks, random.Random(args.seed + ident), args.think))
    await asyncio.gather(*made)


async def _stop(bench: Bench, tasks: list[asyncio.Task[None]]) -> None:
    bench.stopping = True
    for t in tasks:
        t.cancel()
    await asyncio.gather(*(c.close() for c in bench.clients), return_exceptions=True)


async def _warm(base: str, args: argparse.Namespace, db_url: str, result: Result) -> None:
    bench = Bench(base, args.timeout)
    c = await desk_client(bench, 0, db_url, WARM_USER)
    wall = wall_client(bench, 1, args.refresh, auto=False)
    bench.clients += [c, wall]
    try:
        await c.open()
        await _page_done(c)
        for page in sorted(c.pages):
            if page != c.page:
                await c.switch(page)
                await _page_done(c)
        await wall.open()
        await _page_done(wall)
    finally:
        await _stop(bench, [])
        result.other_errors += bench.errors
    result.warm = {r.page: r.seconds for r in bench.records}


async def _baseline(base: str, args: argparse.Namespace, db_url: str, pid: int, result: Result) -> Window:
    """The same reruns, one client alone: a wall refreshed ``3 × rounds`` times, a desk through its pages."""
    bench = Bench(base, args.timeout)
    meter = Meter(bench, pid)
    wall = wall_client(bench, 0, args.refresh, auto=False)
    desk = await desk_client(bench, 1, db_url, DESK_USERS[1])
    bench.clients += [wall, desk]
    try:
        await wall.open()
        await _page_done(wall)
        await desk.open()
        await _page_done(desk)
        start = meter.mark()
        for _ in range(3 * max(1, args.baseline_rounds)):
            await wall.tick()
            await wall.wait_idle(args.timeout)
        for _ in range(max(1, args.baseline_rounds)):
            for page in sorted(desk.pages):
                if page != desk.page:
                    await desk.switch(page)
                    await _page_done(desk)
        end = meter.mark()
    finally:
        await _stop(bench, [])
        result.other_errors += bench.errors
    return meter.window(start, end)


async def _load(base: str, args: argparse.Namespace, db_url: str, pid: int, lang: str, result: Result) -> None:
    bench = Bench(base, args.timeout)
    meter = Meter(bench, pid)
    tasks: list[asyncio.Task[None]] = [asyncio.create_task(meter.every(10.0))]
    try:
        meter.mark()
        result.rss_start = meter.samples[-1][1]
        await _add(bench, args.walls, args.desks, 0, args, db_url, tasks)
        start = meter.mark()
        await asyncio.sleep(args.duration)
        end = meter.mark()
        await meter.drain(end[0])
        result.load = meter.window(start, end)
        result.done = {c.ident: (c.kind, c.done) for c in bench.clients}
    finally:
        await _stop(bench, tasks)
    if not args.ramp:
        return
    bench = Bench(base, args.timeout)
    meter = Meter(bench, pid)
    tasks = [asyncio.create_task(meter.every(10.0))]
    try:
        walls = desks = 0
        for _step in range(max(1, args.ramp_steps)):
            await _add(bench, args.ramp_walls, args.ramp_desks, args.walls + args.desks + walls + desks, args, db_url,
                       tasks)
            walls, desks = walls + args.ramp_walls, desks + args.ramp_desks
            start = meter.mark()
            await asyncio.sleep(args.step)
            end = meter.mark()
            await meter.drain(end[0])
            window = meter.window(start, end)
            result.ramp.append((walls, desks, window))
            print(ramp_line(walls, desks, window, lang), flush=True)
            if not window.met or window.errors:
                break
    finally:
        await _stop(bench, tasks)
        result.other_errors += bench.errors


async def _drive(base: str, args: argparse.Namespace, db_url: str, pid: int, lang: str) -> Result:
    result = Result()
    t0 = time.perf_counter()
    await _warm(base, args, db_url, result)
    slow = max(result.warm.items(), key=lambda kv: kv[1], default=("-", 0.0))
    print(translate("cli.bench.load.warm", lang, pages=len(result.warm), seconds=time.perf_counter() - t0,
                    page=slow[0], slowest=slow[1]), flush=True)
    result.baseline = await _baseline(base, args, db_url, pid, result)
    print(translate("cli.bench.load.load", lang, walls=args.walls, desks=args.desks, refresh=args.refresh,
                    think=args.think, duration=args.duration), flush=True)
    await _load(base, args, db_url, pid, lang, result)
    return result


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


# --- entry -----------------------------------------------------------------------------------------


def _interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _bad(args: argparse.Namespace) -> str | None:
    if not (0 <= args.walls <= 500 and 0 <= args.desks <= 200 and args.walls + args.desks > 0):
        return "clients"
    if not (3 <= args.refresh <= 3600 and 0 < args.think <= 600 and 1 <= args.duration <= 3600):
        return "times"
    if args.ramp and not (1 <= args.ramp_steps <= 20 and args.ramp_walls + args.ramp_desks > 0 and args.step >= 5):
        return "ramp"
    return None


def _run_coroutine(make: Any) -> Any:
    """``asyncio.run(make())``; in a thread of its own when this thread already runs an event loop (a
    caller driving Playwright's sync API, as the browser tests do, keeps one running in its thread)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    import threading

    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            box["error"] = exc

    worker = threading.Thread(target=target, name="fangxian-bench-load", daemon=True)
    worker.start()
    worker.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def execute(args: argparse.Namespace) -> tuple[int, Result | None]:
    """The whole run (server started, driven, stopped); the exit code and the figures."""
    lang = getattr(args, "lang", None) or cli_lang()
    if (bad := _bad(args)) is not None:
        print(translate(f"cli.bench.load.bad.{bad}", lang), file=sys.stderr)
        return 2, None
    work = Path(tempfile.mkdtemp(prefix="fangxian-bench-load-"))
    args.work_dir = str(work)
    try:
        return _execute(args, lang, work)
    finally:  # the generated database goes, the server's log stays (its path is printed)
        for f in work.glob("demo.db*"):
            f.unlink()


def _execute(args: argparse.Namespace, lang: str, work: Path) -> tuple[int, Result | None]:
    db_url = _demo_database(args, lang)
    from core.storage.db import dispose_engines, is_demo

    demo = is_demo(db_url)
    dispose_engines()
    if not demo:
        print(translate("cli.bench.load.not_demo", lang), file=sys.stderr)
        return 2, None
    log = work / "streamlit.log"
    limit = 600 + args.refresh + args.think + args.duration + 3 * args.timeout
    if args.ramp:
        limit += args.ramp_steps * (args.step + args.refresh + 2 * args.timeout)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    proc = None
    try:
        t0 = time.perf_counter()
        sign_in_all(db_url, args)
        proc, base = start_server(db_url, log)
        print(translate("cli.bench.load.server", lang, pid=proc.pid, url=base, seconds=time.perf_counter() - t0,
                        log=log), flush=True)
        result = _run_coroutine(lambda: asyncio.wait_for(_drive(base, args, db_url, proc.pid, lang), limit))
        result.tracebacks = tracebacks(log.read_text(errors="replace"))
    except TimeoutError:
        key = "cli.bench.load.no_server" if proc is None else "cli.bench.load.overtime"
        print(translate(key, lang, log=log, seconds=limit), file=sys.stderr)
        return 1, None
    except KeyboardInterrupt:
        print(translate("cli.bench.load.interrupted", lang), file=sys.stderr)
        return 1, None
    finally:
        if proc is not None:
            stop_server(proc)
        signal.signal(signal.SIGTERM, previous)
    return (0 if report(result, args, lang) else 1), result


def run_load(args: argparse.Namespace) -> int:
    """Wall screens and desk sessions on one app process: rerun times, errors, RSS, CPU (see the module)."""
    return execute(args)[0]
