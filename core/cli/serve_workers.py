"""`fangxian serve --workers N`: N app processes on ports P+1..P+N behind one nginx on port P, with
sticky sessions (deploy/nginx/fangxian.conf), over one PostgreSQL database; all stopped together.

The nginx configuration is generated here from the template in deploy/, into a run directory of its
own (its pid file, logs and temporary paths), so the machine's own nginx is never touched.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from core.config import PROJECT_ROOT
from core.i18n import translate
from core.model.errors import FangxianError, InvalidInput

TEMPLATE = PROJECT_ROOT / "deploy" / "nginx" / "fangxian.conf"
MAX_WORKERS = 32
NGINX_CANDIDATES = ("/usr/sbin/nginx",)


def find_nginx() -> str:
    """nginx on PATH or at /usr/sbin/nginx (Debian's package); a clear line when absent."""
    found = shutil.which("nginx") or next((p for p in NGINX_CANDIDATES if os.access(p, os.X_OK)), None)
    if not found:
        raise FangxianError("cli.serve.nginx_missing", command="apt-get install nginx")
    return found


def check_workers(url: str, workers: int) -> None:
    """Several processes need one database server: PostgreSQL (SQLite is one file on one machine)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise InvalidInput("cli.serve.workers_bad")
    if workers > 1 and not url.startswith("postgresql"):
        raise InvalidInput("cli.serve.workers_need_postgres")


def site_config(listen: str, backends: Sequence[int], access_log: str, host: str = "127.0.0.1") -> str:
    """The template filled in for app processes on ``host:backends`` (route wK = the K-th port)."""
    addrs = [f"{host}:{port}" for port in backends]
    every = "".join(f"    server {a} max_fails=1 fail_timeout=10s;\n" for a in addrs)
    blocks = [f"# new visitors: any process\nupstream fx_any {{\n{every}}}"]
    for k, own in enumerate(addrs, start=1):
        others = "".join(f"    server {a} backup;\n" for a in addrs if a != own)
        blocks.append(f"# process {k} ({own}); the others only while it is down\n"
                      f"upstream fx_w{k} {{\n    server {own} max_fails=1 fail_timeout=10s;\n{others}}}")
    by_cookie = "\n".join(f"    w{k} fx_w{k};" for k in range(1, len(addrs) + 1))
    # the last address tried is the one that answered ("a:1, b:2" after a failover)
    by_upstream = "\n".join(f'    "~(^|, ){re.escape(a)}$" w{k};' for k, a in enumerate(addrs, 1))
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in (("listen", listen), ("access_log", access_log), ("upstreams", "\n\n".join(blocks)),
                       ("route_of_cookie", by_cookie), ("route_of_upstream", by_upstream)):
        text = text.replace("{{" + key + "}}", value)
    return text


def main_config(run_dir: Path, site: Path) -> str:
    """A whole nginx.conf for a private nginx: pid, logs and temporary files in ``run_dir``."""
    # as root (a container, CI) the workers would switch to "nobody", who cannot enter a private run
    # directory; a service account runs them as itself and the directive is not needed
    user = "user root;\n" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""
    temp = "\n".join(f"    {kind}_temp_path {run_dir / ('tmp-' + kind)};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (f"{user}worker_processes 1;\npid {run_dir / 'nginx.pid'};\nerror_log {run_dir / 'error.log'} warn;\n"
            f"daemon off;\nevents {{ worker_connections 1024; }}\nhttp {{\n{temp}\n"
            f"    include {site};\n}}\n")


def write_config(run_dir: Path, listen: str, backends: Sequence[int]) -> Path:
    run_dir.mkdir(parents=True, exist_ok=True)
    site = run_dir / "fangxian.conf"
    site.write_text(site_config(listen, backends, str(run_dir / "access.log")), encoding="utf-8")
    conf = run_dir / "nginx.conf"
    conf.write_text(main_config(run_dir, site), encoding="utf-8")
    return conf


def _die_with_parent() -> None:
    """In a child, before exec: Linux sends it SIGTERM when ``serve`` dies, even by SIGKILL (nothing
    is left serving the ports)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: Ctrl-C and SIGTERM still stop everything
        pass


def start_nginx(nginx: str, conf: Path, log: Path) -> subprocess.Popen[bytes]:
    with open(log, "ab") as out:
        return subprocess.Popen([nginx, "-p", str(conf.parent), "-c", str(conf)], stdout=out,
                                stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)


def healthy(url: str) -> bool:
    try:
        return bool(urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok")
    except OSError:
        return False


@dataclass
class Running:
    procs: list[subprocess.Popen[bytes]]

    def stop(self, timeout: float = 20.0) -> None:
        """Terminate everything started (nginx first, so no request reaches a stopping process)."""
        for p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGQUIT if p is self.procs[0] else signal.SIGTERM)
        end = time.monotonic() + timeout
        for p in self.procs:
            try:
                p.wait(max(0.1, end - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(5)


def serve_workers(app_cmd: Sequence[str], env: dict[str, str], *, port: int, address: str, workers: int,
                  lang: str) -> int:
    """Start the processes and nginx, then wait until Ctrl-C / SIGTERM (or nginx stops), and stop all."""
    nginx = find_nginx()
    run_dir = Path(tempfile.mkdtemp(prefix=f"fangxian-serve-{port}-"))
    backends = [port + k for k in range(1, workers + 1)]
    running = Running([])
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        apps = []
        for p in backends:
            log = open(run_dir / f"app-{p}.log", "ab")  # noqa: SIM115 - the child keeps it
            apps.append(subprocess.Popen([*app_cmd, "--server.port", str(p), "--server.address", "127.0.0.1"],
                                         env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT,
                                         preexec_fn=_die_with_parent))
        conf = write_config(run_dir, f"{address}:{port}", backends)
        running.procs = [start_nginx(nginx, conf, run_dir / "nginx.out"), *apps]
        deadline = time.monotonic() + 120
        for p, proc in zip(backends, apps, strict=True):
            while not healthy(f"http://127.0.0.1:{p}"):
                if proc.poll() is not None or time.monotonic() > deadline or stopping:
                    if not stopping:
                        raise FangxianError("cli.serve.worker_failed", port=p, log=str(run_dir / f"app-{p}.log"))
                    break
                time.sleep(0.3)
        if running.procs[0].poll() is not None:
            raise FangxianError("cli.serve.nginx_failed", log=str(run_dir / "error.log"))
        print(translate("cli.serve.workers_address", lang, address=address, port=port, workers=workers,
                        first=backends[0], last=backends[-1]), flush=True)
        while not stopping and running.procs[0].poll() is None:
            time.sleep(0.5)
        return 0
    finally:
        running.stop()
        for s, handler in old.items():
            signal.signal(s, handler)
        print(translate("cli.serve.stopped", lang), file=sys.stderr, flush=True)
