"""Staffing norms in the database: the version in force on a day, the history, and saving a new
version (admin, audited). The norms themselves are ``core.model.norms``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.model.actor import Actor, write_service
from core.model.errors import InvalidInput
from core.model.norms import Norms


def norms_for_day(url: str | None, day: dt.date | None = None) -> Norms:
    """The norms in force on ``day`` (the version with the latest valid_from <= day); defaults if none."""
    from core.storage.db import session_scope
    from core.storage.repositories import state_repo

    with session_scope(url) as s:
        params = state_repo.norm_params_for_day(s, day or dt.date.today())
    return Norms.from_params(params)


def norm_history(url: str | None) -> Any:
    """Every stored norm version (newest first) as a DataFrame: id, valid_from, params, author, reason, created_at."""
    from core.storage.db import session_scope
    from core.storage.repositories import state_repo

    with session_scope(url) as s:
        return state_repo.norm_versions(s)


@write_service("admin")
def save_norms(actor: Actor, url: str | None, params: dict[str, Any], valid_from: dt.date, reason: str) -> int:
    """Store a new norm version (old versions are never edited); returns its id."""
    from core.services.audit import new_batch_id, record
    from core.storage.db import session_scope
    from core.storage.repositories import state_repo

    if not reason or not reason.strip():
        raise InvalidInput("请填写修改原因")
    norms = Norms.from_params(params)
    with session_scope(url) as s:
        before = state_repo.norm_params_for_day(s, valid_from)
        vid = state_repo.add_norm_version(s, params=norms.to_params(), valid_from=valid_from,
                                          author=actor.username, reason=reason.strip())
        record(s, actor, "norms.save", "norm_version", vid, before=before,
               after={**norms.to_params(), "valid_from": valid_from.isoformat()}, reason=reason.strip(),
               batch_id=new_batch_id())
    return vid
