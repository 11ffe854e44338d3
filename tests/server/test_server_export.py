"""COCO export: loads in pycocotools, boxes in original pixels, heads only, unfinished items left out."""

import hashlib
import json
from datetime import timedelta

import pytest
from pycocotools.coco import COCO

from server_helpers import box, push, record
from sync_server.cli import main
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.export.coco import ExportError
from sync_server.export.formats import export_order
from sync_server.orders.leasing import lease_batch


def _export(engine, data_dir, order_id, out, fmt="coco", **options):
    with read_connection(engine) as conn:
        return export_order(conn, BlobStore(data_dir / "blobs"), order_id, fmt, out, **options).annotations_path


def test_coco_export_loads_and_boxes_match_what_was_pushed(client, tokens, world, engine, data_dir, tmp_path):
    first_item, second_item = world.batch1_items
    draft = record(first_item, [box("car", 1, 1, 5, 5)])
    final = record(first_item, [box("car", 10.5, 20, 50, 60), box("pedestrian", 70, 5, 119, 80)], base_id=draft["id"])
    other = record(second_item, [box("pedestrian", 0, 0, 120, 80)])
    assert {r["status"] for r in push(client, tokens["anno1"], draft, final, other).json()["results"]} == {"accepted"}

    annotations_json = _export(engine, data_dir, world.order, tmp_path / "out")
    coco = COCO(str(annotations_json))
    assert sorted(coco.getImgIds()) == world.batch1_items  # batch 2 is not annotated yet: left out
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["car", "pedestrian"]
    car, pedestrian = coco.getCatIds(catNms=["car"])[0], coco.getCatIds(catNms=["pedestrian"])[0]

    boxes = [(a["category_id"], a["bbox"], a["area"], a["iscrowd"]) for a in coco.loadAnns(coco.getAnnIds(imgIds=[first_item]))]
    assert sorted(boxes) == sorted([(car, [10.5, 20, 39.5, 40], 39.5 * 40, 0), (pedestrian, [70, 5, 49, 75], 49 * 75, 0)])
    assert [a["bbox"] for a in coco.loadAnns(coco.getAnnIds(imgIds=[second_item]))] == [[0, 0, 120, 80]]

    image = coco.loadImgs([first_item])[0]
    assert (image["width"], image["height"]) == (120, 80)
    copied = (tmp_path / "out" / "images" / image["file_name"]).read_bytes()
    with read_connection(engine) as conn:
        from sqlalchemy import select

        from sync_server.db import tables

        original_sha = conn.execute(select(tables.items.c.original_sha256).where(tables.items.c.id == first_item)).scalar()
    assert hashlib.sha256(copied).hexdigest() == original_sha


def test_conflicting_revision_is_not_exported(client, tokens, world, engine, data_dir, tmp_path):
    item = world.batch1_items[0]
    push(client, tokens["anno1"], record(item, [box("car", 1, 2, 3, 4)]))
    with write_transaction(engine) as conn:
        lease_batch(conn, world.batch1, world.anno2, utc_now() + timedelta(days=1))
    assert push(client, tokens["anno2"], record(item, [box("car", 5, 5, 9, 9)])).json()["results"][0]["status"] == "conflict"
    document = json.loads(_export(engine, data_dir, world.order, tmp_path / "out").read_text(encoding="utf-8"))
    assert [a["bbox"] for a in document["annotations"] if a["image_id"] == item] == [[1, 2, 2, 2]]


def test_unknown_format_is_a_clear_error(engine, data_dir, world, tmp_path):
    with pytest.raises(ExportError, match="format 'cvat' is not supported yet; supported: coco, yolo, voc, labelme"):
        _export(engine, data_dir, world.order, tmp_path / "out", fmt="cvat")


def test_export_command_by_order_name(app, client, tokens, world, data_dir, tmp_path, capsys):
    push(client, tokens["anno1"], record(world.batch1_items[0]))
    out = tmp_path / "导出"
    assert main(["export", "测试订单", "--format", "coco", "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert len(COCO(str(out / "annotations.json")).getAnnIds()) == 1
    assert main(["export", str(world.order), "--format", "cvat", "--out", str(out), "--data-dir", str(data_dir)]) == 2
    assert "format 'cvat' is not supported yet" in capsys.readouterr().err
    assert main(["export", "no such order", "--format", "coco", "--out", str(out), "--data-dir", str(data_dir)]) == 2
