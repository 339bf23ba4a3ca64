"""The load benchmark's clients (``fangxian bench load``): one browser tab each, a wall screen on its
fragment timers or a signed-in desk switching pages, speaking Streamlit's websocket protocol
(core.cli.bench.load_wire), and what they report (finished reruns with their times, errors)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from core.cli.bench.load_wire import Forward, parse_forward, rerun_msg


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

