"""Staffing norms in the database: the version in force on a day, the history, and saving a new
version (admin, audited). The norms themselves are ``core.model.norms``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from core.model.actor import Actor, write_service
from core.model.errors import InvalidInput
from core.model.norms import Norms
from core.services import clock
from core.services.audit import new_batch_id, record
from core.services.uow import UnitOfWork


def norms_for_day(uow: UnitOfWork, day: dt.date | None = None) -> Norms:
    """The norms in force on ``day`` (the version with the latest valid_from <= day); defaults if none."""
    return Norms.from_params(uow.state.norm_params_for_day(day or clock.reference_day(uow)))


def norm_history(uow: UnitOfWork) -> pd.DataFrame:
    """Every stored norm version (newest first): id, valid_from, params, author, reason, created_at."""
    return uow.state.norm_versions()


@write_service("admin")
def save_norms(uow: UnitOfWork, actor: Actor, params: dict[str, Any], valid_from: dt.date, reason: str) -> int:
    """Store a new norm version (old versions are never edited); returns its id."""
    if not reason or not reason.strip():
        raise InvalidInput("norms.reason_missing")
    norms = Norms.from_params(params)
    before = uow.state.norm_params_for_day(valid_from)
    vid = uow.state.add_norm_version(params=norms.to_params(), valid_from=valid_from,
                                     author=actor.username, reason=reason.strip())
    record(uow, actor, "norms.save", "norm_version", vid, before=before,
           after={**norms.to_params(), "valid_from": valid_from.isoformat()}, reason=reason.strip(),
           batch_id=new_batch_id())
    return vid
