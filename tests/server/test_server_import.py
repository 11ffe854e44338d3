"""Bringing an order in: display copies, batches, broken images, the CLI."""

import json
import struct

import cv2
import numpy as np
import pytest
from sqlalchemy import select

from server_helpers import SCHEMA, row_counts, write_images
from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.importing import DISPLAY_BUDGET_BYTES, DISPLAY_MAX_SIDE, DISPLAY_SIDES, OrderImportError, import_order


def _import(engine, data_dir, office, paths, batch_size=2) -> int:
    with write_transaction(engine) as conn:
        return import_order(conn, BlobStore(data_dir / "blobs"), office, "新订单", "bbox", SCHEMA, "", paths, 5, batch_size)


def _items(engine, order_id):
    with read_connection(engine) as conn:
        return conn.execute(select(tables.items).where(tables.items.c.order_id == order_id).order_by(tables.items.c.id)).mappings().all()


def _all_blob_files(data_dir):
    return sorted(p for p in (data_dir / "blobs").rglob("*") if p.is_file())


def test_broken_image_stops_the_import_and_writes_nothing(engine, data_dir, world, tmp_path):
    paths = write_images(tmp_path / "in", 4)
    paths[1].write_bytes(b"\x89PNG this is no image")
    paths[2].write_bytes(paths[2].read_bytes()[:300])  # a half-copied JPEG
    (tmp_path / "in" / "empty.png").write_bytes(b"")
    paths.append(tmp_path / "in" / "empty.png")
    before, blob_files = row_counts(engine), _all_blob_files(data_dir)
    with pytest.raises(OrderImportError) as caught:
        _import(engine, data_dir, world.office, paths)
    message = str(caught.value)
    assert "3 of 5 images cannot be imported" in message
    assert f"{paths[1]}: not an image OpenCV can decode" in message
    assert f"{paths[2]}: the JPEG is cut short" in message
    assert "empty.png" in message and str(paths[0]) not in message and str(paths[3]) not in message
    assert row_counts(engine) == before
    assert _all_blob_files(data_dir) == blob_files


def test_items_keep_original_size_and_get_a_capped_display_copy(engine, data_dir, world, tmp_path):
    paths = write_images(tmp_path / "in", 5, width=2000, height=1000)
    order_id = _import(engine, data_dir, world.office, paths)
    items = _items(engine, order_id)
    assert len(items) == 5
    assert {(i["width"], i["height"]) for i in items} == {(2000, 1000)}
    # uniform noise fits the budget only at the smallest side (ADR 0008), aspect kept
    smallest = DISPLAY_SIDES[-1]
    assert {(i["display_width"], i["display_height"]) for i in items} == {(smallest, smallest // 2)}
    display = (data_dir / "blobs" / items[0]["display_sha256"][:2] / items[0]["display_sha256"]).read_bytes()
    assert len(display) == items[0]["display_size"] <= DISPLAY_BUDGET_BYTES
    assert display[8:12] == b"WEBP"  # the desktop decodes it with cv2.imdecode as well
    assert cv2.imdecode(np.frombuffer(display, np.uint8), cv2.IMREAD_COLOR).shape == (smallest // 2, smallest, 3)
    original = data_dir / "blobs" / items[0]["original_sha256"][:2] / items[0]["original_sha256"]
    assert original.read_bytes() == paths[0].read_bytes()
    batch_sizes = [sum(1 for i in items if i["batch_id"] == b) for b in sorted({i["batch_id"] for i in items})]
    assert batch_sizes == [2, 2, 1]


def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    """The JPEG with an APP1 Exif segment holding only an Orientation tag."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd
    payload = b"Exif\x00\x00" + tiff
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def test_exif_orientation_is_applied(engine, data_dir, world, tmp_path):
    ok, encoded = cv2.imencode(".jpg", np.zeros((100, 200, 3), np.uint8))
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(_with_exif_orientation(encoded.tobytes(), 6))  # 6: turn 90° clockwise to view
    item = _items(engine, _import(engine, data_dir, world.office, [rotated]))[0]
    assert (item["width"], item["height"]) == (100, 200)  # upright: shapes are drawn on this
    assert (item["display_width"], item["display_height"]) == (100, 200)
    display = _blob(data_dir, item["display_sha256"])
    assert cv2.imdecode(np.frombuffer(display, np.uint8), cv2.IMREAD_COLOR).shape == (200, 100, 3)


def _blob(data_dir, sha) -> bytes:
    return (data_dir / "blobs" / sha[:2] / sha).read_bytes()


def test_large_turned_photo_is_turned_then_capped(engine, data_dir, world, tmp_path):
    # a phone photo stored sideways: 3000×2000 pixels, EXIF says turn 90° to view
    pixels = np.zeros((2000, 3000, 3), np.uint8)
    pixels[:100, :] = 255  # a white band on top of the stored pixels: on the right once turned
    ok, encoded = cv2.imencode(".jpg", pixels)
    path = tmp_path / "sideways.jpg"
    path.write_bytes(_with_exif_orientation(encoded.tobytes(), 6))
    item = _items(engine, _import(engine, data_dir, world.office, [path]))[0]
    assert (item["width"], item["height"]) == (2000, 3000)
    assert (item["display_width"], item["display_height"]) == (round(2000 * DISPLAY_MAX_SIDE / 3000), DISPLAY_MAX_SIDE)
    shown = cv2.imdecode(np.frombuffer(_blob(data_dir, item["display_sha256"]), np.uint8), cv2.IMREAD_COLOR)
    assert shown.shape == (DISPLAY_MAX_SIDE, item["display_width"], 3)
    assert shown[:, -20:].mean() > 200 and shown[:, :20].mean() < 50  # the band is on the right


def test_small_original_that_is_cheaper_is_sent_as_it_is(engine, data_dir, world, tmp_path):
    # a small, heavily compressed JPEG: re-encoding would only make it bigger
    noise = np.random.default_rng(1).integers(0, 255, (60, 80, 3), dtype=np.uint8)
    ok, encoded = cv2.imencode(".jpg", noise, [cv2.IMWRITE_JPEG_QUALITY, 20])
    path = tmp_path / "tiny.jpg"
    path.write_bytes(encoded.tobytes())
    item = _items(engine, _import(engine, data_dir, world.office, [path]))[0]
    assert item["display_sha256"] == item["original_sha256"]
    assert (item["display_size"], item["display_width"], item["display_height"]) == (len(encoded), 80, 60)


def test_unknown_task_kind_and_bad_schema_are_clear(engine, data_dir, world, tmp_path):
    paths = write_images(tmp_path / "in", 1)
    with write_transaction(engine) as conn, pytest.raises(OrderImportError, match="unknown task kind 'dots'"):
        import_order(conn, BlobStore(data_dir / "blobs"), world.office, "x", "dots", SCHEMA, "", paths)
    with write_transaction(engine) as conn, pytest.raises(OrderImportError, match="missing field 'labels'"):
        import_order(conn, BlobStore(data_dir / "blobs"), world.office, "x", "bbox", {"version": 1}, "", paths)


def test_import_order_command(app, engine, data_dir, tmp_path, capsys):
    folder = tmp_path / "街景"
    write_images(folder, 3)
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps({**SCHEMA, "guidelines": "# 规范", "price_cents": 8, "batch_size": 2}), encoding="utf-8")
    assert main(["import-order", str(folder), "--schema", str(schema_file), "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().out.strip().endswith(f"from {folder}: 3 items in 2 batches")
    with read_connection(engine) as conn:
        order = conn.execute(select(tables.orders).where(tables.orders.c.name == "街景")).mappings().one()
    assert (order["guidelines"], order["price_cents"], order["schema"]) == ("# 规范", 8, SCHEMA)
    assert len(_items(engine, order["id"])) == 3


def test_import_order_command_without_a_schema_says_so(data_dir, tmp_path, capsys):
    write_images(tmp_path / "in", 1)
    assert main(["import-order", str(tmp_path / "in"), "--data-dir", str(data_dir)]) == 2
    assert "--schema" in capsys.readouterr().err
