"""What the phone pages send: every form carries an id made on the device, so a form sent again after a
dropped connection finds its first submission instead of writing twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Integer, LargeBinary, String
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


class IncidentPhoto(Base):
    """The photo of an incident reported from a phone, as stored: re-encoded on the server (JPEG, at most
    1,600 px a side), so nothing of the camera's metadata (place, device, time) is kept; its hash for the
    audit."""

    __tablename__ = "incident_photo"
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id"), unique=True)
    mime: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    taken_by: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class DutyShift(Base):
    """A person's shift at a checkpoint (卡点值守) from sign-in to sign-out, with where the phone was at
    each end (when the person allowed it) and how far that was from the post: a check that it is manned."""

    __tablename__ = "duty_shift"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    start_lon: Mapped[float | None] = mapped_column(Float)
    start_lat: Mapped[float | None] = mapped_column(Float)
    start_distance_m: Mapped[float | None] = mapped_column(Float)
    end_lon: Mapped[float | None] = mapped_column(Float)
    end_lat: Mapped[float | None] = mapped_column(Float)
    end_distance_m: Mapped[float | None] = mapped_column(Float)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class GateEntry(Base):
    """One line of a checkpoint's register (一口罩、二询问、三测温、四登记): a visitor or a vehicle, the mask
    checked, where from and why, the temperature, and who they are. Name, phone and plate are personal
    data: shown in full only to the person who entered them and to roles with need-to-know, and deleted
    by the purge job once older than the retention setting."""

    __tablename__ = "gate_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoint.id"), index=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("duty_shift.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    kind: Mapped[str] = mapped_column(String(8))  # person | vehicle
    masked: Mapped[bool] = mapped_column(Boolean)
    from_place: Mapped[str] = mapped_column(String(100), default="")
    purpose: Mapped[str] = mapped_column(String(200), default="")
    temperature: Mapped[float | None] = mapped_column(Float)
    name: Mapped[str] = mapped_column(String(60), default="")
    phone: Mapped[str | None] = mapped_column(String(32))
    plate: Mapped[str | None] = mapped_column(String(16))
    entered_by: Mapped[str] = mapped_column(String(60))
