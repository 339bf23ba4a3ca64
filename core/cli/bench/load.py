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

The wire (the few protobuf fields used, by hand) is ``load_wire``, the clients ``load_client``; this
module starts the server, drives the clients through warm-up, baseline, load (and ramp) and reports.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from core.cli.bench.load_client import Bench, Client
from core.cli.bench.load_figures import (
    Meter,
    Result,
    Window,
    ramp_line,
    report,
    tracebacks,
)
from core.cli.bench.load_wire import parse_forward, rerun_msg  # noqa: F401 - the codec, as tests/browser reads it
from core.i18n import cli_lang, translate

DESK_USERS = ("coordinator", "leader", "planner", "clerk")
WARM_USER = "admin"  # sees every page: the warm-up visits each once


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


# --- the run ---------------------------------------------------------------------------------------


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
