"""Stopping the service stops the server: `fangxian serve` becomes Streamlit (exec), so the SIGTERM
that systemd, docker or ./scripts/run sends reaches the server itself and nothing is left serving.
Before, serve ran Streamlit as a child and a SIGTERM left the child serving the port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.conftest import free_port, wait_until

ROOT = Path(__file__).resolve().parents[2]


def _healthy(url: str) -> bool:
    try:
        return urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok"
    except OSError:
        return False


def test_sigterm_to_serve_stops_the_server(tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, FANGXIAN_DATABASE_URL=f"sqlite:///{tmp_path / 'd.db'}")
    proc = subprocess.Popen([sys.executable, "-m", "core.cli.main", "serve", "--no-demo", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_until(lambda: _healthy(url), timeout=90), "the server did not come up"
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
        assert wait_until(lambda: not _healthy(url), timeout=30), "a server is still serving after SIGTERM"
    finally:
        if proc.poll() is None:
            proc.kill()
