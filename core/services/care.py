"""Vulnerable residents (重点关爱): the list a community looks after by name, masked for roles without
need-to-know (core.model.privacy): names as 张*, phones as 138****5678, the address down to its building."""

from __future__ import annotations

import pandas as pd

from core.model.actor import Actor
from core.model.privacy import mask_names, mask_phones
from core.services.uow import UnitOfWork

#: the building part of an address: "大智路12号3栋2单元501" → "大智路12号3栋"
_BUILDING = r"^(.*?\d+\s*(?:栋|幢|号楼|座))"


def building_only(s: pd.Series) -> pd.Series:
    """Each address cut after its building; one without a building keeps its text up to the last number
    (the door number), which becomes ***."""
    text = s.astype("string")
    building = text.str.extract(_BUILDING, expand=False)
    door = text.str.replace(r"\d+\D{0,2}$", "***", regex=True)
    return building.fillna(door).astype(object).where(s.notna(), None)


def mask_residents(df: pd.DataFrame, personal: bool) -> pd.DataFrame:
    """Personal columns masked unless ``personal`` (the actor's ``sees_personal_data``); the note, which
    may describe a person's condition, is hidden too."""
    if personal:
        return df
    out = df.copy()
    out["name"] = mask_names(out["name"])
    out["phone"] = mask_phones(out["phone"])
    out["address"] = building_only(out["address"])
    out["note"] = out["note"].where(out["note"].fillna("") == "", "***")
    return out


def vulnerable_list(uow: UnitOfWork, actor: Actor, *, active_only: bool = True) -> pd.DataFrame:
    """The vulnerable residents in the actor's streets (masked unless the actor may see personal data)."""
    df = uow.care.residents(active_only=active_only)
    if actor.streets is not None:
        df = df[df["street_code"].isin(actor.streets)].reset_index(drop=True)
    return mask_residents(df, actor.sees_personal_data)
