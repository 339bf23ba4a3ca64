"""What the front line reports from where it stands: an incident at a place picked on the phone's map or
from the device's location, with an optional photo.

The place: a point picked on the map of the account's grids, the device's location (when the person
allowed it), or neither (then the grid's centre, as the desk does). A point far from the grid (more than
``MAX_KM_FROM_GRID``) is refused: a mistaken tap or a stale location would send a response team astray.

The photo: at most ``MAX_PHOTO_BYTES`` as sent; decoded and drawn again on the server (turned upright,
at most ``PHOTO_EDGE`` px a side, JPEG), so the stored bytes carry none of the camera's metadata (the
place it was taken, the device, the time). Stored in the database beside the incident, never on a third
party's server; its SHA-256 goes into the audit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
from dataclasses import dataclass

from core.model.actor import Actor, write_service
from core.model.errors import InvalidInput
from core.model.geo import haversine_km
from core.model.incident_rules import check_vocab
from core.services import clock
from core.services.audit import new_batch_id
from core.services.front_line import ENTRY_ROLES, Submitted, _grid_in_scope, earlier, remember
from core.services.incidents import MAX_PLACE, MAX_TEXT, create_incident
from core.services.uow import UnitOfWork

MAX_PHOTO_BYTES = 8 * 1024 * 1024
#: a photo's pixels as sent (a decompression bomb is refused before it is drawn)
MAX_PHOTO_PIXELS = 40_000_000
PHOTO_EDGE = 1600
MAX_KM_FROM_GRID = 2.0
LOCATED = ("map", "device", "grid")


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    mime: str
    width: int
    height: int
    sha256: str


def clean_photo(data: bytes) -> CleanPhoto:
    """The photo as it will be stored: upright, at most ``PHOTO_EDGE`` px a side, JPEG, no metadata."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise InvalidInput("field.photo_empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise InvalidInput("field.photo_too_big", mb=MAX_PHOTO_BYTES // (1024 * 1024),
                           size=f"{len(data) / 1024 / 1024:.1f}")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ("JPEG", "PNG", "WEBP", "GIF", "BMP"):
                raise InvalidInput("field.photo_format")
            if probe.width * probe.height > MAX_PHOTO_PIXELS:
                raise InvalidInput("field.photo_too_big_pixels", mp=MAX_PHOTO_PIXELS // 1_000_000)
            probe.load()
            img = ImageOps.exif_transpose(probe).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise InvalidInput("field.photo_unreadable") from exc
    img.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82, optimize=True)  # no exif=, no icc_profile=: nothing of the camera's
    raw = out.getvalue()
    return CleanPhoto(raw, "image/jpeg", img.width, img.height, hashlib.sha256(raw).hexdigest())


def _point(lon: float | None, lat: float | None, grid: dict[str, object]) -> tuple[float | None, float | None]:
    if lon is None or lat is None:
        return None, None
    lon, lat = float(lon), float(lat)
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput("field.point_invalid")
    glon, glat = grid.get("lon"), grid.get("lat")
    if glon is not None and glat is not None:
        km = float(haversine_km(lon, lat, float(glon), float(glat)))  # type: ignore[arg-type]
        if km > MAX_KM_FROM_GRID:
            raise InvalidInput("field.point_far", km=f"{km:.1f}", max=f"{MAX_KM_FROM_GRID:.0f}")
    return round(lon, 6), round(lat, 6)


@write_service(*ENTRY_ROLES)
def report_from_field(uow: UnitOfWork, actor: Actor, *, client_id: str, grid_id: int, type_: str, severity: str,
                      description: str, place: str = "", lon: float | None = None, lat: float | None = None,
                      located: str = "grid", photo: bytes | None = None,
                      now: dt.datetime | None = None) -> Submitted:
    """Report an incident in one of my grids at a point (see the module), with an optional photo; one
    transaction with its audit; a resubmission of the same form returns the first incident."""
    now = now or clock.wall_now()
    again = earlier(uow, actor, client_id, "incident.report")
    if again is not None:
        return again
    check_vocab(type_, severity)
    description, place = (description or "").strip(), (place or "").strip()
    if not description:
        raise InvalidInput("incident.description_missing")
    if len(description) > MAX_TEXT or len(place) > MAX_PLACE:
        raise InvalidInput("incident.text_too_long", max_text=MAX_TEXT, max_place=MAX_PLACE)
    if located not in LOCATED:
        raise InvalidInput("field.located_unknown", located=located)
    clean = clean_photo(photo) if photo else None
    uow.incidents.serialise_writers()
    g = _grid_in_scope(uow, actor, grid_id)
    ref = uow.incidents.grid_ref(grid_id)
    assert ref is not None
    plon, plat = _point(lon, lat, ref)
    if plon is None:
        located = "grid"
    comm = uow.tables.community_ref(int(g["community_id"]))
    assert comm is not None
    extra = {"grid": g["code"], "located": located}
    if clean is not None:
        extra |= {"photo_sha256": clean.sha256, "photo_px": f"{clean.width}x{clean.height}"}
    made = create_incident(uow, actor, community=comm, grid_id=grid_id, type_=type_, severity=severity, place=place,
                           description=description, lon=plon if plon is not None else ref["lon"],
                           lat=plat if plat is not None else ref["lat"], now=now, source="phone",
                           batch_id=new_batch_id(), extra=extra)
    if clean is not None:
        uow.duty.add_photo(incident_id=made.id, mime=clean.mime, data=clean.data, sha256=clean.sha256,
                           width=clean.width, height=clean.height, taken_by=actor.username, at=now)
    return remember(uow, actor, client_id, "incident.report", made.code, now)


def photo_of(uow: UnitOfWork, incident_id: int) -> dict[str, object] | None:
    """The stored photo of an incident (bytes as stored, mime, size), or None."""
    return uow.duty.photo(incident_id)
