"""AppTest compiles the app's scripts again on every run (each run gets a new ``ScriptCache``, so the
router and the page are read, rewritten for "magic" and compiled each time: about 0.1 s a run). A
server compiles each script once and keeps it. ``share_compiled_scripts()`` gives every AppTest run of
this process one cache, as a server has: used by the page benchmark and the app tests, never by the
server itself. The scripts do not change while a process runs."""

from __future__ import annotations

from typing import Any

from streamlit.runtime.scriptrunner.script_cache import ScriptCache

_SHARED: list[ScriptCache] = []


def _shared_cache(*_args: Any, **_kwargs: Any) -> ScriptCache:
    if not _SHARED:
        _SHARED.append(ScriptCache())
    return _SHARED[0]


def share_compiled_scripts() -> None:
    """Make AppTest's runs share one compiled-script cache (idempotent)."""
    from streamlit.testing.v1 import app_test, local_script_runner

    for module in (app_test, local_script_runner):  # both make a new ScriptCache per run
        setattr(module, "ScriptCache", _shared_cache)  # noqa: B010
