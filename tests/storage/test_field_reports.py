"""What the front line reports from the field, on SQLite and PostgreSQL: an incident at a picked point with
a photo stored without the camera's metadata (refused when the point is far from the grid or the file is not
a picture), checkpoint shifts signed in and out with the phone's distance from the post, the register with
its fever incident, masked for everyone but whoever entered it, and purged by its job after the retention
days; none of it outside the account's own places, each form at most once."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from PIL import Image
from sqlalchemy import func, select

from core.model.actor import SYSTEM, Actor
from core.model.errors import InvalidInput, PermissionDenied, RuleViolation
from core.services import checkpoint_duty, field_reports, incidents, jobs
from core.services.uow import unit_of_work
from core.storage import rows as orm
from core.storage.db import session_scope
from tests.storage.test_front_line import COORD, NOW, cid, grid_member, run


def camera_photo(size: tuple[int, int] = (2400, 1800)) -> bytes:
    """A JPEG as a phone's camera writes it: EXIF with the place (GPS), the device and the time."""
    img = Image.new("RGB", size, (200, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model-X"  # Model
    exif[0x0132] = "2026:12:02 08:00:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (30.0, 35.0, 10.0), "E", (114.0, 17.0, 30.0)
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_the_camera_photo_is_stored_without_its_metadata() -> None:
    raw = camera_photo()
    assert b"PhoneMaker" in raw and Image.open(io.BytesIO(raw)).getexif()
    clean = field_reports.clean_photo(raw)
    img = Image.open(io.BytesIO(clean.data))
    assert img.format == "JPEG" and max(img.size) == field_reports.PHOTO_EDGE
    assert not img.getexif() and b"PhoneMaker" not in clean.data and b"Exif" not in clean.data
    assert "icc_profile" not in img.info and "exif" not in img.info


@pytest.mark.parametrize(("data", "key"), [
    (b"", "field.photo_empty"),
    (b"not a picture at all" * 10, "field.photo_unreadable"),
    (b"\xff" * (field_reports.MAX_PHOTO_BYTES + 1), "field.photo_too_big"),
])
def test_a_photo_that_is_no_picture_or_too_big_is_refused(data: bytes, key: str) -> None:
    with pytest.raises(InvalidInput) as err:
        field_reports.clean_photo(data)
    assert err.value.key == key


def report(url: str, actor: Actor, grid: dict, client_id: str | None = None, **kw):  # type: ignore[no-untyped-def]
    args = {"type_": "quarantine_breach", "severity": "high", "description": "隔离户擅自外出，已劝返",
            "place": "3栋楼下"} | kw
    return run(field_reports.report_from_field, url, actor, client_id=client_id or cid(), grid_id=int(grid["id"]),
               now=NOW, **args)


def test_an_incident_from_the_phone_lands_at_the_picked_point_with_its_photo_once(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    with session_scope(demo_db) as s:
        glon, glat = s.execute(select(orm.Grid.lon, orm.Grid.lat).where(orm.Grid.id == grid["id"])).one()
    form = cid()
    first = report(demo_db, actor, grid, form, lon=glon + 0.001, lat=glat - 0.001, located="map",
                   photo=camera_photo())
    again = report(demo_db, actor, grid, form, lon=glon + 0.001, lat=glat - 0.001, located="map",
                   photo=camera_photo())
    assert not first.repeat and again.repeat and again.ref == first.ref
    listed = run(incidents.list_incidents, demo_db, now=NOW)
    mine = listed[listed["code"] == first.ref]
    assert len(mine) == 1
    row = mine.iloc[0]
    assert row["lon"] == pytest.approx(glon + 0.001) and row["lat"] == pytest.approx(glat - 0.001)
    assert int(row["grid_id"]) == int(grid["id"])
    with session_scope(demo_db) as s:
        photos = s.scalar(select(func.count()).select_from(orm.IncidentPhoto))
        entry = s.execute(select(orm.AuditLog.after).where(orm.AuditLog.action == "incident.report",
                                                                orm.AuditLog.entity_id == first.ref)).scalar_one()
    assert photos == 1
    assert entry["located"] == "map" and len(entry["photo_sha256"]) == 64 and "PhoneMaker" not in json.dumps(entry)
    stored = run(field_reports.photo_of, demo_db, int(row["id"]))
    assert stored is not None and not Image.open(io.BytesIO(stored["data"])).getexif()


def test_without_a_point_the_incident_sits_at_the_grid_centre(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    made = report(demo_db, actor, grid)
    with session_scope(demo_db) as s:
        inc = s.execute(select(orm.Incident.lon, orm.Incident.lat).where(orm.Incident.code == made.ref)).one()
        g = s.execute(select(orm.Grid.lon, orm.Grid.lat).where(orm.Grid.id == grid["id"])).one()
    assert (inc.lon, inc.lat) == pytest.approx((g.lon, g.lat))


def test_a_point_far_from_the_grid_or_another_grid_is_refused_and_nothing_is_written(demo_db: str) -> None:
    actor, grid = grid_member(demo_db)
    with session_scope(demo_db) as s:
        before = s.scalar(select(func.count()).select_from(orm.Incident))
        other = s.scalar(select(orm.Grid.id).where(orm.Grid.id != grid["id"]).limit(1))
    with pytest.raises(InvalidInput) as err:
        report(demo_db, actor, grid, lon=114.9, lat=30.9, located="device")
    assert err.value.key == "field.point_far"
    with pytest.raises(PermissionDenied):
        report(demo_db, actor, {"id": other})
    with pytest.raises(InvalidInput):
        report(demo_db, actor, grid, photo=b"GIF89a broken")
    with session_scope(demo_db) as s:
        assert s.scalar(select(func.count()).select_from(orm.Incident)) == before


def my_checkpoint(url: str, actor: Actor) -> dict:
    cps = run(checkpoint_duty.my_checkpoints, url, actor)
    assert len(cps), "the demo's grid member has a checkpoint in their grid"
    assert set(cps["grid_code"]) <= set(actor.grids or ())
    return cps.iloc[0].to_dict()


def test_a_shift_is_signed_in_near_the_post_and_out_again_once(demo_db: str) -> None:
    actor, _ = grid_member(demo_db)
    cp = my_checkpoint(demo_db, actor)
    form = cid()
    started = run(checkpoint_duty.sign_in, demo_db, actor, client_id=form, checkpoint_id=int(cp["id"]),
                  lon=cp["lon"] + 0.0005, lat=cp["lat"], now=NOW)
    assert run(checkpoint_duty.sign_in, demo_db, actor, client_id=form, checkpoint_id=int(cp["id"]), now=NOW).repeat
    with pytest.raises(RuleViolation) as err:  # one open shift a person
        run(checkpoint_duty.sign_in, demo_db, actor, client_id=cid(), checkpoint_id=int(cp["id"]), now=NOW)
    assert err.value.key == "duty.already_on_shift"
    board = run(checkpoint_duty.duty_board, demo_db, now=NOW)
    on = board.on_duty[board.on_duty["id"] == int(started.ref)]
    assert len(on) == 1 and 30 < float(on["start_distance_m"].iloc[0]) < 60 and bool(on["at_post"].iloc[0])
    assert int(cp["id"]) not in set(board.unmanned["id"])
    shift = run(checkpoint_duty.my_open_shift, demo_db, actor)
    assert shift is not None and int(shift["id"]) == int(started.ref)
    run(checkpoint_duty.sign_out, demo_db, actor, client_id=cid(), shift_id=int(started.ref),
        expected_version=int(shift["version"]), now=NOW + dt.timedelta(hours=8))
    assert run(checkpoint_duty.my_open_shift, demo_db, actor) is None
    board = run(checkpoint_duty.duty_board, demo_db, now=NOW)
    assert int(cp["id"]) in set(board.unmanned["id"])
    with session_scope(demo_db) as s:
        after = s.scalar(select(orm.AuditLog.after).where(orm.AuditLog.action == "duty.sign_out"))
    assert after["hours"] == 8.0


def test_the_register_is_masked_for_others_and_a_fever_raises_its_incident(demo_db: str) -> None:
    actor, _ = grid_member(demo_db)
    cp = my_checkpoint(demo_db, actor)
    shift = run(checkpoint_duty.sign_in, demo_db, actor, client_id=cid(), checkpoint_id=int(cp["id"]), now=NOW)
    sid = int(shift.ref)
    ok = run(checkpoint_duty.register_entry, demo_db, actor, client_id=cid(), shift_id=sid, kind="person",
             masked=True, from_place="汉口", purpose="探亲", temperature=36.6, name="赵来访",
             phone="13900001111", now=NOW)
    hot = run(checkpoint_duty.register_entry, demo_db, actor, client_id=cid(), shift_id=sid, kind="person",
              masked=False, from_place="武昌", purpose="送货", temperature=38.2, name="钱发热", now=NOW)
    car = run(checkpoint_duty.register_entry, demo_db, actor, client_id=cid(), shift_id=sid, kind="vehicle",
              masked=True, purpose="运送物资", plate="鄂a 12345", now=NOW)
    assert not ok.fever and hot.fever and hot.incident and not car.fever
    with pytest.raises(InvalidInput):
        run(checkpoint_duty.register_entry, demo_db, actor, client_id=cid(), shift_id=sid, kind="vehicle",
            masked=True, plate="12", now=NOW)
    own = run(checkpoint_duty.register_of, demo_db, actor, int(cp["id"]), now=NOW)
    assert set(own["name"]) >= {"赵来访", "钱发热"} and "鄂A12345" in set(own["plate"])
    colleague = Actor("gm-colleague", "同事", frozenset({"grid_member"}), streets=actor.streets,
                      communities=actor.communities, grids=actor.grids)
    seen = run(checkpoint_duty.register_of, demo_db, colleague, int(cp["id"]), now=NOW)
    assert "赵来访" not in set(seen["name"]) and "13900001111" not in set(seen["phone"].dropna())
    assert "鄂A12345" not in set(seen["plate"].dropna()) and len(seen) == 3
    with session_scope(demo_db) as s:
        inc = s.execute(select(orm.Incident.type, orm.Incident.description)
                        .where(orm.Incident.code == hot.incident)).one()
        audits = json.dumps(list(s.scalars(select(orm.AuditLog.after).where(orm.AuditLog.action == "duty.register"))),
                            ensure_ascii=False)
    assert inc.type == "fever_case" and "钱发热" not in inc.description and "38.2" in inc.description
    assert "赵来访" not in audits and "13900001111" not in audits and "鄂A12345" not in audits
    board = run(checkpoint_duty.duty_board, demo_db, now=NOW)
    row = board.counts[board.counts["checkpoint_id"] == int(cp["id"])].iloc[0]
    assert (int(row["entries"]), int(row["vehicles"]), int(row["no_mask"])) == (3, 1, 1)


def test_another_grids_checkpoint_is_out_of_reach(demo_db: str) -> None:
    actor, _ = grid_member(demo_db)
    mine = set(run(checkpoint_duty.my_checkpoints, demo_db, actor)["id"])
    with session_scope(demo_db) as s:
        other = s.scalar(select(orm.Checkpoint.id).where(orm.Checkpoint.id.not_in(mine)).limit(1))
    with pytest.raises(PermissionDenied):
        run(checkpoint_duty.sign_in, demo_db, actor, client_id=cid(), checkpoint_id=int(other), now=NOW)
    with pytest.raises(PermissionDenied):
        run(checkpoint_duty.register_of, demo_db, actor, int(other), now=NOW)


def test_the_purge_job_deletes_lines_older_than_the_retention_once(demo_db: str) -> None:
    actor, _ = grid_member(demo_db)
    cp = my_checkpoint(demo_db, actor)
    shift = run(checkpoint_duty.sign_in, demo_db, actor, client_id=cid(), checkpoint_id=int(cp["id"]),
                now=NOW - dt.timedelta(days=20))
    for days in (20, 10, 0):
        run(checkpoint_duty.register_entry, demo_db, actor, client_id=cid(), shift_id=int(shift.ref), kind="person",
            masked=True, temperature=36.5, name=f"来访{days}", now=NOW - dt.timedelta(days=days))
    with pytest.raises(PermissionDenied):
        run(checkpoint_duty.set_retention_days, demo_db, COORD, 7)
    with pytest.raises(InvalidInput):
        run(checkpoint_duty.set_retention_days, demo_db, SYSTEM, 0)
    run(checkpoint_duty.set_retention_days, demo_db, SYSTEM, 7, reason="区防控办要求")
    with unit_of_work(demo_db) as uow:
        out = jobs.run_job(uow, jobs.job_named("duty.purge"), now=NOW)
    assert out.status == "ok"
    with session_scope(demo_db) as s:
        left = set(s.scalars(select(orm.GateEntry.name)))
        purge = s.scalar(select(orm.AuditLog.after).where(orm.AuditLog.action == "duty.purge"))
    assert "来访20" not in left and "来访10" not in left and "来访0" in left
    assert purge["deleted"] == 2 and "来访" not in json.dumps(purge, ensure_ascii=False)
