"""Storage side of the importer: the stored rows an import is compared with, and bulk upserts.

Reads load whole columns (or chunks of codes) in a few statements, never one SELECT per row;
writes are executemany INSERT ... RETURNING and ORM bulk UPDATE by primary key, which checks
each row's version (a row changed by someone else meanwhile aborts the import).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd
from sqlalchemy import Integer, Table, delete, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from core.model.errors import ConcurrentChange
from core.storage import rows as orm
from core.storage.repositories.base import Repository, bound
from core.storage.repositories.tables_repo import frame

CHUNK = 5_000
#: rows per executemany of an insert (bounds the parameter lists held at once)
INSERT_CHUNK = 50_000
#: more codes than this are looked up by reading the whole table once
FULL_READ = 4 * CHUNK
MODELS: dict[str, type[orm.Base]] = {
    "district": orm.District, "street": orm.Street, "community": orm.Community, "unit": orm.Unit, "staff": orm.Staff,
    "incident": orm.Incident, "assignment": orm.Assignment, "duty_change": orm.DutyChange,
    "community_condition": orm.CommunityCondition,
    "grid": orm.Grid, "compound": orm.Compound, "checkpoint": orm.Checkpoint,
}


def _chunks(values: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


# --- reads -------------------------------------------------------------------------------------


def district(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(orm.District.id, orm.District.code, orm.District.name)
                          .order_by(orm.District.id).limit(1)).first()
    return None if row is None else dict(row._mapping)


def streets(session: Session) -> pd.DataFrame:
    return frame(session, select(orm.Street.id, orm.Street.code, orm.Street.name, orm.Street.lon, orm.Street.lat,
                                 orm.Street.geometry).order_by(orm.Street.code))


def units(session: Session) -> pd.DataFrame:
    return frame(session, select(orm.Unit.id, orm.Unit.code, orm.Unit.name).order_by(orm.Unit.code))


def community_refs(session: Session) -> pd.DataFrame:
    """(id, code, name, street_code, lon, lat) of every community: what references resolve to."""
    return frame(session, select(orm.Community.id, orm.Community.code, orm.Community.name,
                                 orm.Street.code.label("street_code"), orm.Community.lon, orm.Community.lat)
                 .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Community.code))


def communities(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    cols = [orm.Community.id, orm.Community.code, orm.Community.name, orm.Street.name.label("street"),
            orm.Street.code.label("street_code"), orm.Community.population, orm.Community.households,
            orm.Community.lon, orm.Community.lat, orm.Community.risk_level, orm.Community.checkpoints,
            orm.Community.isolated_households, orm.Community.vulnerable_residents, orm.Community.version]
    if with_geometry:
        cols.append(orm.Community.geometry)
    return frame(session, select(*cols).join(orm.Street, orm.Street.id == orm.Community.street_id)
                 .order_by(orm.Community.code))


def staff(session: Session, codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Stored staff (all, or those with ``codes``), with unit name and community code."""
    stmt = (select(orm.Staff.id, orm.Staff.code, orm.Staff.name, orm.Staff.kind, orm.Staff.volunteer_type,
                   orm.Unit.name.label("unit"), orm.Community.code.label("community_code"), orm.Staff.phone,
                   orm.Staff.home_lon, orm.Staff.home_lat, orm.Staff.movable, orm.Staff.on_duty, orm.Staff.skills,
                   orm.Staff.community_id, orm.Staff.version)
            .outerjoin(orm.Unit, orm.Unit.id == orm.Staff.unit_id)
            .outerjoin(orm.Community, orm.Community.id == orm.Staff.community_id))
    if codes is None:
        return frame(session, stmt.order_by(orm.Staff.code))
    if len(codes) > FULL_READ:  # one SELECT of the whole table, filtered here, beats dozens of IN lists
        every = frame(session, stmt)
        return every[every["code"].isin(set(codes))].reset_index(drop=True)
    parts = [frame(session, stmt.where(orm.Staff.code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(orm.Staff.id < 0))


def incidents(session: Session, codes: Sequence[str] | None = None) -> pd.DataFrame:
    stmt = (select(orm.Incident.id, orm.Incident.code, orm.Community.code.label("community_code"), orm.Incident.type,
                   orm.Incident.severity, orm.Incident.status, orm.Incident.reported_at, orm.Incident.resolved_at,
                   orm.Incident.deadline, orm.Incident.lon, orm.Incident.lat, orm.Incident.description,
                   orm.Incident.version)
            .join(orm.Community, orm.Community.id == orm.Incident.community_id))
    if codes is None:
        return frame(session, stmt.order_by(orm.Incident.reported_at))
    parts = [frame(session, stmt.where(orm.Incident.code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(orm.Incident.id < 0))


def conditions_on(session: Session, day: dt.date, community_ids: Sequence[int]) -> pd.DataFrame:
    """The condition rows already recorded for ``day`` (so a second import that day updates them)."""
    stmt = select(orm.CommunityCondition.id, orm.CommunityCondition.community_id).where(
        orm.CommunityCondition.valid_from == day)
    parts = [frame(session, stmt.where(orm.CommunityCondition.community_id.in_(list(c))))
             for c in _chunks(list(community_ids))]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"id": [], "community_id": []})


def count(session: Session, entity: str) -> int:
    return int(session.scalar(select(func.count()).select_from(MODELS[entity])) or 0)


# --- writes ------------------------------------------------------------------------------------


def insert_rows(session: Session, entity: str, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Insert ``rows``; returns code → new id (empty for tables without a code).

    A plain Core executemany (no RETURNING: SQLAlchemy's ORM bulk insert with RETURNING splices every
    batch's results together again and again, quadratic in the rows); the new ids are then read in one
    SELECT of the rows above the largest id held before."""
    if not rows:
        return {}
    table = cast(Table, MODELS[entity].__table__)
    has_code = "code" in table.c
    session.flush()
    conn = session.connection()
    floor = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) if has_code else 0
    for part in _chunks(rows, INSERT_CHUNK):
        conn.execute(insert(table), list(part))
    if not has_code:
        return {}
    wanted = {str(r["code"]) for r in rows}
    got = conn.execute(select(table.c.id, table.c.code).where(table.c.id > floor)).all()
    return {code: int(id_) for id_, code in got if code in wanted}


def _driver_column(values: pd.Series, column: Any, dialect: Any) -> list[Any]:
    """A column's values as the driver takes them (NA → None, Python scalars; a whole float in an
    integer column as an int), through the column type's own bind processor, once per distinct value."""
    if pd.api.types.is_datetime64_any_dtype(values.dtype):
        values = pd.Series(values.dt.to_pydatetime(), index=values.index, dtype=object)
    elif isinstance(column.type, Integer) and pd.api.types.is_float_dtype(values.dtype):
        values = values.astype("Int64")
    obj = values.to_numpy(dtype=object, na_value=None)
    if obj.size and isinstance(next((v for v in obj if v is not None), None), np.generic):
        obj = np.array([v.item() if isinstance(v, np.generic) else v for v in obj], dtype=object)
    process = column.type._cached_bind_processor(dialect)
    if process is None:
        return obj.tolist()
    codes, uniques = pd.factorize(obj, use_na_sentinel=True)
    done = [process(u) for u in uniques]
    return np.array([*done, None], dtype=object)[codes].tolist()  # the sentinel -1 takes the None


def insert_frame(session: Session, entity: str, df: pd.DataFrame) -> dict[str, int]:
    """``insert_rows`` for rows given as a DataFrame, with no dict per row: the columns go to the
    driver as they are (SQLite: one executemany of tuples; PostgreSQL: COPY). Returns code → new id."""
    table = cast(Table, MODELS[entity].__table__)
    if df.empty:
        return {}
    session.flush()
    conn = session.connection()
    dialect = conn.dialect
    df = df.reset_index(drop=True)
    for col in table.c:  # what the ORM would fill in: the columns' own Python defaults
        if col.name not in df and col.default is not None and not col.primary_key:
            default = col.default
            df[col.name] = default.arg if default.is_scalar else default.arg(None)  # type: ignore[attr-defined]
    names = [c for c in df.columns if c in table.c]
    has_code = "code" in table.c
    floor = int(conn.scalar(select(func.coalesce(func.max(table.c.id), 0))) or 0) if has_code else 0
    raw = conn.connection.driver_connection
    assert raw is not None
    cursor = raw.cursor()
    try:
        if dialect.name == "postgresql":
            from psycopg import sql

            stmt = sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(n) for n in names))
            with cursor.copy(stmt) as copy:
                for start in range(0, len(df), INSERT_CHUNK):  # Python values of one chunk at a time
                    part = df.iloc[start:start + INSERT_CHUNK]
                    for row in zip(*[_driver_column(part[n], table.c[n], dialect) for n in names], strict=True):
                        copy.write_row(row)
        else:
            compiled = insert(table).compile(dialect=dialect, column_keys=names)
            order = list(compiled.positiontup or names)
            for start in range(0, len(df), INSERT_CHUNK):
                part = df.iloc[start:start + INSERT_CHUNK]
                cursor.executemany(str(compiled), zip(*[_driver_column(part[n], table.c[n], dialect)
                                                        for n in order], strict=True))
    finally:
        cursor.close()
    if not has_code:
        return {}
    wanted = set(df["code"].astype(str))
    got = conn.execute(select(table.c.id, table.c.code).where(table.c.id > floor)).all()
    return {code: int(id_) for id_, code in got if code in wanted}


def update_rows(session: Session, entity: str, rows: list[dict[str, Any]]) -> None:
    """Bulk UPDATE by primary key; each row carries "id" (and "version" for versioned tables: the
    version read at validation time, bumped by the ORM)."""
    if not rows:
        return
    model = MODELS[entity]
    try:
        for part in _chunks(rows):
            session.execute(update(model), list(part))
    except StaleDataError as exc:
        raise ConcurrentChange("importer.concurrent_change") from exc


def close_assignments(session: Session, staff_ids: Sequence[int], at: dt.datetime) -> None:
    """End the open assignment of each person (they are about to get a new one)."""
    for part in _chunks(list(staff_ids)):
        session.execute(update(orm.Assignment)
                        .where(orm.Assignment.staff_id.in_(list(part)), orm.Assignment.valid_to.is_(None))
                        .values(valid_to=at))


# --- reads of the places inside communities (grids, compounds, checkpoints) --------------------


def grids(session: Session, *, with_geometry: bool = False) -> pd.DataFrame:
    """Every grid with its community's code (what grid references and grid imports compare with)."""
    cols = [orm.Grid.id, orm.Grid.code, orm.Grid.name, orm.Community.code.label("community"),
            orm.Street.code.label("street_code"), orm.Grid.households, orm.Grid.population, orm.Grid.lon,
            orm.Grid.lat]
    if with_geometry:
        cols.append(orm.Grid.geometry)
    return frame(session, select(*cols).join(orm.Community, orm.Community.id == orm.Grid.community_id)
                 .join(orm.Street, orm.Street.id == orm.Community.street_id).order_by(orm.Grid.code))


def compounds(session: Session) -> pd.DataFrame:
    """Every compound with the codes of its community and grid."""
    return frame(session, select(orm.Compound.id, orm.Compound.code, orm.Compound.name,
                                 orm.Community.code.label("community"), orm.Compound.kind, orm.Compound.households,
                                 orm.Compound.buildings, orm.Compound.gates, orm.Grid.code.label("grid"),
                                 orm.Compound.lon, orm.Compound.lat)
                 .join(orm.Community, orm.Community.id == orm.Compound.community_id)
                 .outerjoin(orm.Grid, orm.Grid.id == orm.Compound.grid_id).order_by(orm.Compound.code))


def checkpoints(session: Session) -> pd.DataFrame:
    """Every checkpoint with the codes of its community, compound and grid."""
    return frame(session, select(orm.Checkpoint.id, orm.Checkpoint.code, orm.Checkpoint.name,
                                 orm.Compound.code.label("compound"), orm.Community.code.label("community"),
                                 orm.Grid.code.label("grid"), orm.Checkpoint.shifts_per_day,
                                 orm.Checkpoint.people_per_shift, orm.Checkpoint.active, orm.Checkpoint.lon,
                                 orm.Checkpoint.lat)
                 .join(orm.Community, orm.Community.id == orm.Checkpoint.community_id)
                 .outerjoin(orm.Compound, orm.Compound.id == orm.Checkpoint.compound_id)
                 .outerjoin(orm.Grid, orm.Grid.id == orm.Checkpoint.grid_id).order_by(orm.Checkpoint.code))


def staff_refs(session: Session, codes: Sequence[str]) -> pd.DataFrame:
    """(id, code, kind, community_id, community, grid_id, grid, version) of the staff with ``codes``."""
    stmt = (select(orm.Staff.id, orm.Staff.code, orm.Staff.kind, orm.Staff.community_id,
                   orm.Community.code.label("community"), orm.Staff.grid_id, orm.Grid.code.label("grid"),
                   orm.Staff.version)
            .outerjoin(orm.Community, orm.Community.id == orm.Staff.community_id)
            .outerjoin(orm.Grid, orm.Grid.id == orm.Staff.grid_id))
    parts = [frame(session, stmt.where(orm.Staff.code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(orm.Staff.id < 0))


def active_checkpoints(session: Session, community_ids: Sequence[int]) -> pd.DataFrame:
    """(community_id, n): the active checkpoint rows of each of ``community_ids`` (0 when none)."""
    stmt = (select(orm.Checkpoint.community_id, func.count().label("n")).where(orm.Checkpoint.active.is_(True))
            .group_by(orm.Checkpoint.community_id))
    parts = [frame(session, stmt.where(orm.Checkpoint.community_id.in_(list(c)))) for c in _chunks(list(community_ids))]
    got = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"community_id": [], "n": []})
    n = got.set_index("community_id")["n"] if len(got) else pd.Series(dtype="int64")
    ids = pd.Series(list(community_ids), dtype="int64")
    return pd.DataFrame({"community_id": ids, "n": ids.map(n).fillna(0).astype("int64")})


# --- reads of the people and units (units' pairings, households, vulnerable residents, campaigns) --

MODELS.update({"pairing": orm.Pairing, "isolated_household": orm.IsolatedHousehold,
               "vulnerable_resident": orm.VulnerableResident, "screening_campaign": orm.ScreeningCampaign})


def pairings(session: Session) -> pd.DataFrame:
    """Every pairing with its unit's and community's codes."""
    return frame(session, select(orm.Pairing.id, orm.Unit.code.label("unit_code"),
                                 orm.Community.code.label("community_code"), orm.Pairing.cadres_pledged,
                                 orm.Pairing.since)
                 .join(orm.Unit, orm.Unit.id == orm.Pairing.unit_id)
                 .join(orm.Community, orm.Community.id == orm.Pairing.community_id).order_by(orm.Pairing.id))


def _by_codes(session: Session, stmt: Any, code: Any, codes: Sequence[str], empty: Any) -> pd.DataFrame:
    parts = [frame(session, stmt.where(code.in_(list(c)))) for c in _chunks(list(codes))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(empty))


def isolated_households(session: Session, codes: Sequence[str]) -> pd.DataFrame:
    """The stored households with ``codes`` (community and grid by code)."""
    h = orm.IsolatedHousehold
    stmt = (select(h.id, h.code, h.community_id, orm.Community.code.label("community_code"),
                   orm.Grid.code.label("grid"), h.address, h.head_name, h.phone, h.members, h.start_date,
                   h.planned_end, h.status, h.version)
            .join(orm.Community, orm.Community.id == h.community_id).outerjoin(orm.Grid, orm.Grid.id == h.grid_id))
    return _by_codes(session, stmt, h.code, codes, h.id < 0)


def vulnerable_residents(session: Session, codes: Sequence[str]) -> pd.DataFrame:
    """The stored vulnerable residents with ``codes`` (community and grid by code)."""
    r = orm.VulnerableResident
    stmt = (select(r.id, r.code, r.community_id, orm.Community.code.label("community_code"),
                   orm.Grid.code.label("grid"), r.category, r.name, r.phone, r.address, r.note, r.status, r.version)
            .join(orm.Community, orm.Community.id == r.community_id).outerjoin(orm.Grid, orm.Grid.id == r.grid_id))
    return _by_codes(session, stmt, r.code, codes, r.id < 0)


def screening_campaigns(session: Session, codes: Sequence[str]) -> pd.DataFrame:
    """The stored campaigns with ``codes`` and whether any progress has been recorded in each."""
    c = orm.ScreeningCampaign
    progressed = (select(func.count()).select_from(orm.ScreeningProgress)
                  .where(orm.ScreeningProgress.campaign_id == c.id).scalar_subquery())
    stmt = select(c.id, c.code, c.name, c.started_at, c.deadline, c.status, progressed.label("progress_entries"))
    return _by_codes(session, stmt, c.code, codes, c.id < 0)


def campaign_targets(session: Session, campaign_ids: Sequence[int]) -> pd.DataFrame:
    """(campaign_id, grid_id, target_households) of the campaigns."""
    t = orm.ScreeningTarget
    stmt = select(t.campaign_id, t.grid_id, t.target_households).order_by(t.campaign_id, t.grid_id)
    parts = [frame(session, stmt.where(t.campaign_id.in_([int(i) for i in c]))) for c in _chunks(list(campaign_ids))]
    return pd.concat(parts, ignore_index=True) if parts else frame(session, stmt.where(t.id < 0))


def replace_targets(session: Session, campaign_id: int, rows: list[dict[str, Any]]) -> None:
    """A campaign's targets become ``rows`` (only while no progress is recorded against them)."""
    session.execute(delete(orm.ScreeningTarget).where(orm.ScreeningTarget.campaign_id == campaign_id))
    if rows:
        session.execute(insert(orm.ScreeningTarget), rows)


#: the PostgreSQL advisory lock every import holds until its transaction ends
IMPORT_LOCK = 0x66786D70  # "fxmp"


def lock_for_import(session: Session) -> None:
    """One import at a time: the second of two overlapping imports waits, then sees the first's rows
    (an upsert, not a duplicate key). SQLite: the write lock first; PostgreSQL: an advisory lock."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(orm.Meta).where(orm.Meta.key == "").values(value=orm.Meta.value))
    else:
        session.execute(select(func.pg_advisory_xact_lock(IMPORT_LOCK)))


class ImportRepository(Repository):
    """``uow.imports``: the functions above, bound to the unit of work's session."""

    district = bound(district)
    lock_for_import = bound(lock_for_import)
    streets = bound(streets)
    units = bound(units)
    community_refs = bound(community_refs)
    communities = bound(communities)
    staff = bound(staff)
    incidents = bound(incidents)
    conditions_on = bound(conditions_on)
    count = bound(count)
    insert_rows = bound(insert_rows)
    insert_frame = bound(insert_frame)
    update_rows = bound(update_rows)
    close_assignments = bound(close_assignments)
    grids = bound(grids)
    compounds = bound(compounds)
    checkpoints = bound(checkpoints)
    staff_refs = bound(staff_refs)
    active_checkpoints = bound(active_checkpoints)
    pairings = bound(pairings)
    isolated_households = bound(isolated_households)
    vulnerable_residents = bound(vulnerable_residents)
    screening_campaigns = bound(screening_campaigns)
    campaign_targets = bound(campaign_targets)
    replace_targets = bound(replace_targets)
