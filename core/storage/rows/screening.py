"""Door-to-door screening campaigns (地毯式排查): targets per grid and progress entries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.storage.rows.base import Base, now


class ScreeningCampaign(Base):
    __tablename__ = "screening_campaign"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime)
    deadline: Mapped[dt.datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | closed
    created_by: Mapped[str] = mapped_column(String(60), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)
    note: Mapped[str] = mapped_column(Text, default="")


class ScreeningTarget(Base):
    """Households to visit in one grid (default: the grid's households)."""

    __tablename__ = "screening_target"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaign.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    target_households: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("campaign_id", "grid_id"),)


class ScreeningProgress(Base):
    """One progress report for a grid (optionally one building): households visited since the last
    report, of which found at home / not at home, and roster discrepancies found."""

    __tablename__ = "screening_progress"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaign.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    building: Mapped[str] = mapped_column(String(60), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    visited: Mapped[int] = mapped_column(Integer, default=0)
    at_home: Mapped[int] = mapped_column(Integer, default=0)
    not_home: Mapped[int] = mapped_column(Integer, default=0)
    discrepancies: Mapped[int] = mapped_column(Integer, default=0)
    entered_by: Mapped[str] = mapped_column(String(60))


class ScreeningVisit(Base):
    """One door of a campaign knocked by the front line (数电灯): the building, unit and room, what was
    found, a temperature and a note. Each room is visited once per campaign (a later call only changes
    the outcome of a door found dark: reached by phone or not); the visit's progress row carries it into
    the campaign's counts and burn-down."""

    __tablename__ = "screening_visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("screening_campaign.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    building: Mapped[str] = mapped_column(String(60))
    unit: Mapped[str] = mapped_column(String(20), default="")
    room: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(16))  # lit | extra | dark | away_reached | away_unreached
    temperature: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str] = mapped_column(Text, default="")
    progress_id: Mapped[int] = mapped_column(ForeignKey("screening_progress.id"))
    entered_by: Mapped[str] = mapped_column(String(60))
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    followed_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __table_args__ = (UniqueConstraint("campaign_id", "grid_id", "building", "unit", "room"),)
    __mapper_args__ = {"version_id_col": version}


class RosterAddition(Base):
    """A person found at home who was not on the roster (人在但不在名单), added by the visit that found
    them. Personal data (name, phone): shown only to roles with need-to-know and to the person who
    entered it."""

    __tablename__ = "roster_addition"
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("screening_visit.id"), index=True)
    community_id: Mapped[int] = mapped_column(ForeignKey("community.id"), index=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str | None] = mapped_column(String(32))
    added_by: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)
