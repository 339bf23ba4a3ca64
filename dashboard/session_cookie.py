"""The session cookie's paths and flags, shared by the ASGI routes (``dashboard/server.py``) and the router."""

from __future__ import annotations

import os

BEGIN_PATH = "/session/begin"
END_PATH = "/session/end"


def cookie_secure(scheme: str) -> bool:
    """The cookie's Secure flag: ``FANGXIAN_COOKIE_SECURE`` = 1 | 0 | auto (default: when the request came by
    https; behind nginx set 1, since the app itself is reached over plain http on 127.0.0.1)."""
    flag = os.environ.get("FANGXIAN_COOKIE_SECURE", "auto").strip().lower()
    if flag in ("1", "true", "yes"):
        return True
    if flag in ("0", "false", "no"):
        return False
    return scheme == "https"
