"""Identity rules as data and pure functions: lockout, session timeout, role parsing, group mapping."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import re
from collections.abc import Iterable, Mapping

from core.model.actor import ROLES, Actor
from core.model.errors import FangxianError, InvalidInput

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
DEFAULT_SESSION_TIMEOUT_MIN = 30
MIN_PASSWORD_LENGTH = 8
#: a kiosk's last_used_at is written at most this often (a wall screen reruns all day)
KIOSK_TOUCH_EVERY = dt.timedelta(minutes=5)
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{2,60}$")


class AuthenticationFailed(FangxianError):
    """Wrong user name or password (never says which)."""

    key = "auth.error.bad_credentials"


class AccountLocked(FangxianError):
    key = "auth.error.locked"


class AccountDisabled(FangxianError):
    key = "auth.error.disabled"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def session_timeout() -> dt.timedelta:
    """Idle timeout of a signed-in session: ``FANGXIAN_SESSION_TIMEOUT_MIN`` minutes (default 30)."""
    raw = os.environ.get("FANGXIAN_SESSION_TIMEOUT_MIN", "")
    try:
        minutes = float(raw) if raw.strip() else DEFAULT_SESSION_TIMEOUT_MIN
    except ValueError:
        minutes = DEFAULT_SESSION_TIMEOUT_MIN
    return dt.timedelta(minutes=max(minutes, 1.0))


def session_expired(last_seen: dt.datetime, now: dt.datetime, timeout: dt.timedelta | None = None) -> bool:
    return now - last_seen > (timeout or session_timeout())


#: a desk session's last_seen is written at most this often (every script run reads it)
SESSION_TOUCH_EVERY = dt.timedelta(seconds=30)
#: a sign-in ticket must be redeemed by the cookie endpoint within this time (it is one redirect away)
TICKET_TTL = dt.timedelta(seconds=60)
DEFAULT_SESSION_MAX_HOURS = 12
SESSION_COOKIE = "fangxian_session"
SESSION_END_REASONS = ("signed_out", "timeout", "max_age", "disabled", "revoked")
_SAFE_PATH = re.compile(r"^[A-Za-z0-9_-]{0,60}$")


def session_max_age() -> dt.timedelta:
    """Absolute lifetime of a desk session however active it is: ``FANGXIAN_SESSION_MAX_HOURS`` (default 12,
    a long shift); the cookie carries the same max-age."""
    raw = os.environ.get("FANGXIAN_SESSION_MAX_HOURS", "")
    try:
        hours = float(raw) if raw.strip() else DEFAULT_SESSION_MAX_HOURS
    except ValueError:
        hours = DEFAULT_SESSION_MAX_HOURS
    return dt.timedelta(hours=min(max(hours, 0.1), 24 * 7))


def session_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_cookie(token: str, secret: str) -> str:
    """``token.signature``: HMAC-SHA256 of the token under the deployment's secret (URL-safe base64)."""
    mac = hmac.new(secret.encode("utf-8"), token.encode("utf-8"), hashlib.sha256).digest()
    return f"{token}.{base64.urlsafe_b64encode(mac).decode('ascii').rstrip('=')}"


def unsign_cookie(value: str | None, secret: str) -> str | None:
    """The token of a cookie this deployment signed, or None (missing, malformed, forged)."""
    if not value or len(value) > 200 or "." not in value:
        return None
    token = value.rsplit(".", 1)[0]
    return token if token and hmac.compare_digest(sign_cookie(token, secret), value) else None


def safe_next_path(path: str | None) -> str:
    """A page's url path to return to after sign-in: one plain segment of this app or "" (never another
    site, never a path with slashes, dots or a query: no open redirect)."""
    path = (path or "").strip().strip("/")
    return path if _SAFE_PATH.match(path) else ""


def parse_roles(roles: Iterable[str] | str) -> frozenset[str]:
    """Role codes from a list or a comma-separated string; unknown codes are refused."""
    items = roles.split(",") if isinstance(roles, str) else list(roles)
    out = frozenset(r.strip() for r in items if r and r.strip())
    unknown = sorted(out - set(ROLES))
    if unknown:
        raise InvalidInput("identity.unknown_roles", roles=unknown, known=list(ROLES))
    return out


def join_codes(codes: Iterable[str] | None) -> str | None:
    return None if codes is None else ",".join(sorted(set(codes)))


def split_codes(text: str | None) -> frozenset[str] | None:
    if text is None:
        return None
    return frozenset(c for c in text.split(",") if c)


def check_username(username: str) -> str:
    if not USERNAME_RE.match(username or ""):
        raise InvalidInput("identity.username_invalid", username=username)
    return username


def check_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput("identity.password_too_short", minimum=MIN_PASSWORD_LENGTH)
    return password


def actor_of(user: Mapping[str, object]) -> Actor:
    """The Actor of a stored account (dict from the repository)."""
    return Actor(username=str(user["username"]), display_name=str(user["display_name"] or user["username"]),
                 roles=frozenset(r for r in str(user["roles"] or "").split(",") if r),
                 streets=split_codes(user["streets"]),  # type: ignore[arg-type]
                 communities=split_codes(user.get("communities")),  # type: ignore[arg-type]
                 grids=split_codes(user.get("grids")))  # type: ignore[arg-type]


def parse_group_mapping(raw: str | Mapping[str, object] | None) -> dict[str, frozenset[str]]:
    """Group name -> roles. Accepts a mapping (secrets ``[fangxian.oidc_roles]``), JSON text, or
    ``group=role,group2=role+role2`` text (``FANGXIAN_OIDC_ROLES``). Unknown roles are ignored."""
    if raw is None or raw == "":
        return {}
    items: Mapping[str, object]
    if isinstance(raw, str):
        raw = raw.strip()
        if raw.startswith("{"):
            items = json.loads(raw)
        else:
            pairs = [p.split("=", 1) for p in re.split(r"[,;\n]", raw) if "=" in p]
            items = {k.strip(): v.strip() for k, v in pairs}
    else:
        items = raw
    out: dict[str, frozenset[str]] = {}
    for group, roles in items.items():
        values = roles if isinstance(roles, list | tuple) else re.split(r"[+| ]", str(roles))
        valid = frozenset(str(r).strip() for r in values if str(r).strip() in ROLES)
        if valid:
            out[str(group)] = valid
    return out


def split_groups(raw: object) -> list[str]:
    """Groups from a claim or header: a list, or text separated by commas, semicolons or spaces."""
    if raw is None:
        return []
    if isinstance(raw, list | tuple | set | frozenset):
        return [str(g).strip() for g in raw if str(g).strip()]
    return [g for g in re.split(r"[,;\s]+", str(raw)) if g]


def roles_from_groups(groups: Iterable[str], mapping: Mapping[str, frozenset[str]]) -> frozenset[str]:
    out: set[str] = set()
    for g in groups:
        out |= mapping.get(g, frozenset())
    return frozenset(out)
