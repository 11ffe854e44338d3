"""Export integrity: old labels stay exportable, pixels are upright, nothing is dropped unsaid."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
from pycocotools.coco import COCO
from sqlalchemy import select

from server_helpers import SCHEMA, box, push, record
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.schemas import change_order_schema
from sync_server.export.formats import export_order
from sync_server.export.orientation import exif_orientation
from sync_server.orders.importing import import_order
from sync_server.protocol import uuid7

AIDOU_SERVER = Path(sys.executable).parent / "aidou-server"


def _aidou_server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(AIDOU_SERVER), *args], capture_output=True, text=True, timeout=120)


def _export_cli(data_dir: Path, out: Path, order: str = "测试订单") -> dict:
    done = _aidou_server("export", order, "--format", "coco", "--out", str(out), "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    return {"stdout": done.stdout, "coco": json.loads((out / "annotations.json").read_text(encoding="utf-8"))}


def _store(engine, item_id: int, annotator: int, shapes: list[dict], head: bool = True, resolved: bool = False) -> str:
    """A stored revision, written as push leaves it: a head, or a (resolved) conflict."""
    revision = uuid7()
    with write_transaction(engine) as conn:
        conn.execute(
            tables.annotations.insert().values(
                id=revision, item_id=item_id, annotator_id=annotator, shapes=shapes, schema_version=1,
                time_spent_ms=1000, received_at=utc_now(), conflict=not head,
                conflict_code=None if head else "not_head", conflict_reason=None if head else "base is not the head",
                resolved_at=utc_now() if resolved else None,
            )
        )  # fmt: skip
        if head:
            conn.execute(tables.items.update().where(tables.items.c.id == item_id).values(head_annotation_id=revision, head_annotator_id=annotator))
    return revision


# Case 8: a head revision whose label a later schema version dropped
def test_labels_a_later_schema_dropped_are_still_exported(client, tokens, world, engine, data_dir, tmp_path):
    first, second = world.batch1_items
    pushed = push(client, tokens["anno1"], record(first, [box("pedestrian", 10, 10, 30, 40)]), record(second, [box("car")]))
    assert [r["status"] for r in pushed.json()["results"]] == ["accepted", "accepted"]
    truck = {"name": "truck", "title": "卡车", "color": "#3cb44b"}
    with write_transaction(engine) as conn:  # version 2 drops "pedestrian"
        change_order_schema(conn, world.order, {"version": 2, "labels": [SCHEMA["labels"][0], truck]})

    with read_connection(engine) as conn:
        report = export_order(conn, BlobStore(data_dir / "blobs"), world.order, "coco", tmp_path / "out")
    coco = COCO(str(report.annotations_path))
    categories = {c["name"]: c for c in coco.loadCats(coco.getCatIds())}
    assert [(c["id"], c["name"]) for c in coco.dataset["categories"]] == [(1, "car"), (2, "truck"), (3, "pedestrian")]
    assert categories["pedestrian"]["in_current_schema"] is False and categories["pedestrian"]["title"] == "行人"
    [kept] = coco.loadAnns(coco.getAnnIds(imgIds=[first]))
    assert (kept["category_id"], kept["bbox"]) == (3, [10, 10, 20, 30])
    assert [a["category_id"] for a in coco.loadAnns(coco.getAnnIds(imgIds=[second]))] == [1]


# Case 11: photos whose original carries an EXIF turn
def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


# what the file must store so that applying the tag shows the upright picture
_STORED = {3: lambda up: cv2.rotate(up, cv2.ROTATE_180), 6: lambda up: cv2.rotate(up, cv2.ROTATE_90_COUNTERCLOCKWISE),
           8: lambda up: cv2.rotate(up, cv2.ROTATE_90_CLOCKWISE)}  # fmt: skip
MARKER = (20, 10, 60, 40)  # x1, y1, x2, y2 in upright pixels of a 160×100 picture


def _turned_photos(folder: Path) -> list[Path]:
    upright = np.full((100, 160, 3), 40, np.uint8)
    x1, y1, x2, y2 = MARKER
    upright[y1:y2, x1:x2] = (0, 0, 255)  # red in BGR
    folder.mkdir()
    paths = []
    for orientation, store in _STORED.items():
        ok, encoded = cv2.imencode(".jpg", store(upright), [cv2.IMWRITE_JPEG_QUALITY, 95])
        path = folder / f"turned_{orientation}.jpg"
        path.write_bytes(_with_exif_orientation(encoded.tobytes(), orientation))
        assert exif_orientation(path) == orientation
        seen = cv2.imdecode(np.fromfile(path, np.uint8), cv2.IMREAD_COLOR)
        assert seen.shape == upright.shape and seen[25, 40, 2] > 200  # the test's own premise
        paths.append(path)
    return paths


def _is_red(pixel) -> bool:
    blue, green, red = (int(v) for v in pixel)
    return red > 200 and blue < 60 and green < 60


def test_turned_photos_are_exported_with_upright_pixels(engine, data_dir, world, tmp_path):
    paths = _turned_photos(tmp_path / "photos")
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, "转过的照片", "bbox", SCHEMA, "", paths)
        item_ids = conn.execute(select(tables.items.c.id).where(tables.items.c.order_id == order)).scalars().all()
    for item_id in item_ids:
        _store(engine, item_id, world.lead, [box("car", *MARKER)])

    coco = _export_cli(data_dir, tmp_path / "out", order="转过的照片")["coco"]
    assert len(coco["images"]) == 3
    for image in coco["images"]:
        stored = cv2.imdecode(np.fromfile(tmp_path / "out" / "images" / image["file_name"], np.uint8),
                              cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)  # fmt: skip
        assert stored.shape[:2] == (image["height"], image["width"]) == (100, 160), image["file_name"]
        [annotation] = [a for a in coco["annotations"] if a["image_id"] == image["id"]]
        x, y, w, h = annotation["bbox"]
        assert _is_red(stored[int(y + h / 2), int(x + w / 2)]), image["file_name"]
        assert _is_red(stored[int(y) + 3, int(x) + 3]) and _is_red(stored[int(y + h) - 3, int(x + w) - 3])
        assert not _is_red(stored[int(y + h) + 5, int(x + w) + 5])  # the box's edge is the marker's edge
        assert exif_orientation(tmp_path / "out" / "images" / image["file_name"]) == 1
    assert "3 photos re-encoded upright" in json.loads((tmp_path / "out" / "export_report.json").read_text())["summary"]


# Case 12 and integrity case 5: unfinished, "no objects" and conflicted items
def test_export_leaves_out_unfinished_and_only_conflicted_items_and_says_so(engine, data_dir, world, tmp_path):
    done, empty = world.batch1_items
    only_conflicted, unfinished = world.batch2_items
    _store(engine, done, world.anno1, [box("car", 1, 2, 11, 22)])
    _store(engine, done, world.anno2, [box("car", 5, 5, 9, 9)], head=False)  # waits for the lead
    _store(engine, empty, world.anno1, [])  # the annotator pressed E: no objects
    _store(engine, only_conflicted, world.anno2, [box("pedestrian")], head=False)
    _store(engine, unfinished, world.anno2, [box("car")], head=False, resolved=True)  # a lead dismissed it

    out = tmp_path / "out"
    result = _export_cli(data_dir, out)
    coco = result["coco"]
    assert sorted(image["id"] for image in coco["images"]) == [done, empty]
    assert [(a["image_id"], a["bbox"]) for a in coco["annotations"]] == [(done, [1, 2, 10, 20])]
    assert sorted(p.name for p in (out / "images").iterdir()) == ["img_00.jpg", "img_01.jpg"]

    report = json.loads((out / "export_report.json").read_text(encoding="utf-8"))
    assert report["counts"] == {"items": 4, "exported": 2, "done": 1, "empty": 1, "unfinished": 1,
                                "only_conflicted": 1, "not_accepted": 0, "conflicted": 2, "turned_upright": 0}  # fmt: skip
    assert report["left_out"] == [
        {"item_id": only_conflicted, "name": "img_02.jpg", "reason": "only conflicted work: resolve it with aidou-server conflicts"},
        {"item_id": unfinished, "name": "img_03.jpg", "reason": "not annotated yet"},
    ]
    flagged = {entry["item_id"]: entry for entry in report["conflicted"]}
    assert set(flagged) == {done, only_conflicted}
    assert flagged[done]["file_name"] == "img_00.jpg" and "exported its head revision" in flagged[done]["note"]

    summary, where = result["stdout"].strip().splitlines()
    assert "exported 2 of 4 items (1 done, 1 marked no objects)" in summary
    assert "left out 1 unfinished and 1 with only conflicted work; 2 with open conflicts" in summary
    assert where.endswith(str(out / "export_report.json"))


def test_accepted_only_takes_what_a_lead_accepted_and_names_who(engine, world, data_dir, tmp_path):
    accepted, rejected = world.batch1_items
    stale, unreviewed = world.batch2_items
    heads = {i: _store(engine, i, world.anno1 if i in world.batch1_items else world.anno2, [box("car")])
             for i in (accepted, rejected, stale, unreviewed)}  # fmt: skip
    older = _store(engine, stale, world.anno2, [box("car")], head=False, resolved=True)

    def verdict(item_id: int, what: str, on: str) -> None:
        with write_transaction(engine) as conn:
            conn.execute(tables.items.update().where(tables.items.c.id == item_id).values(
                review_verdict=what, review_annotation_id=on, reviewer_id=world.lead, reviewed_at=utc_now()))  # fmt: skip

    verdict(accepted, "accept", heads[accepted])
    verdict(rejected, "reject", heads[rejected])
    verdict(stale, "accept", older)  # the verdict judged a revision the head has since replaced
    out = tmp_path / "out"
    done = _aidou_server("export", str(world.order), "--format", "coco", "--out", str(out),
                         "--data-dir", str(data_dir), "--accepted-only")  # fmt: skip
    assert done.returncode == 0, done.stderr
    coco = json.loads((out / "annotations.json").read_text(encoding="utf-8"))
    assert [(i["id"], i["annotator"], i["reviewer"]) for i in coco["images"]] == [(accepted, "anno1", "lead")]
    assert sorted(p.name for p in (out / "images").iterdir()) == [coco["images"][0]["file_name"]]
    report = json.loads((out / "export_report.json").read_text(encoding="utf-8"))
    assert report["counts"]["not_accepted"] == 3
    assert {e["item_id"] for e in report["left_out"]} == {rejected, stale, unreviewed}
    assert "3 not accepted" in done.stdout
    # without the flag every finished item goes, still naming who made it (no reviewer yet)
    every = _export_cli(data_dir, tmp_path / "all", order=str(world.order))["coco"]["images"]
    assert {(i["id"], i["annotator"], i["reviewer"]) for i in every} == {
        (accepted, "anno1", "lead"), (rejected, "anno1", None), (stale, "anno2", None), (unreviewed, "anno2", None)}


def test_export_file_names_stay_inside_the_images_folder():
    from sync_server.export.images import unique_file_name

    taken: set[str] = set()
    names = ["cam1/0001.jpg", "cam2/0001.jpg", "../../etc/passwd", "a\\b.png", "cam1_0001.jpg", "", "./x/../y.jpg"]
    assert [unique_file_name(n, taken) for n in names] == [
        "cam1_0001.jpg", "cam2_0001.jpg", "etc_passwd", "a_b.png", "cam1_0001_2.jpg", "image", "x_y.jpg"
    ]
