"""What the phone pages send: every form carries an id made on the device, so a form sent again after a
dropped connection finds its first submission instead of writing twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base


class ClientSubmission(Base):
    """One accepted form: the device's id for it, what it was, and what it wrote (``ref``)."""

    __tablename__ = "client_submission"
    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str] = mapped_column(String(80))
    username: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
