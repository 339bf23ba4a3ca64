"""Identity rows: local accounts and kiosk tokens (see core/identity/)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class AppUser(Base):
    """A person who signs in. ``roles``, ``streets``, ``communities`` and ``grids`` are comma-separated
    codes; ``streets`` NULL means the whole district, ``communities``/``grids`` NULL no narrower scope.
    A front-line account (网格员, 社区工作人员) may be tied to its staff record (``staff_id``): its grid or
    community then follows the record when the person is moved."""

    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # NULL: signs in through OIDC/proxy only
    roles: Mapped[str] = mapped_column(String(200), default="")
    streets: Mapped[str | None] = mapped_column(Text)
    communities: Mapped[str | None] = mapped_column(Text)
    grids: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)


class KioskToken(Base):
    """A wall-screen token. Only the SHA-256 of the secret is stored; the secret is shown once."""

    __tablename__ = "kiosk_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class AuthSession(Base):
    """A desk session that survives a reload: the browser holds a signed cookie naming the random
    token whose SHA-256 is ``token_hash``. A sign-in first creates the row with a one-time ticket
    (``ticket_hash``, valid for a minute); the app's cookie endpoint redeems the ticket for the token
    and sets the cookie. ``ended_at`` set: signed out, timed out, disabled or revoked (``end_reason``)."""

    __tablename__ = "auth_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_expires: Mapped[dt.datetime | None] = mapped_column(DateTime)
    lang: Mapped[str] = mapped_column(String(8), default="zh")
    next_path: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    end_reason: Mapped[str | None] = mapped_column(String(16))
