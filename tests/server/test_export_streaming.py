"""Streamed exports (issue 12): the same COCO as ever, read back whole and checked against
the database; annotations only; progress on stderr; memory that does not grow with the order."""

from __future__ import annotations

import io
import json
import math
import random
import tracemalloc
from pathlib import Path

import pytest
from pycocotools.coco import COCO
from sqlalchemy import select

from bench.bench_export import _with_exif_orientation, build_order, expected_exported
from server_helpers import box, push, record
from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.engine import default_db_url, make_engine, read_connection
from sync_server.export.categories import Categories
from sync_server.export.coco import _box, _image
from sync_server.export.errors import ExportError
from sync_server.export.formats import export_order
from sync_server.export.images import FileNames, unique_file_name
from sync_server.export.json_text import ArrayWriter, flat_object, value
from sync_server.export.progress import ExportProgress
from sync_server.export.report import NO_IMAGES_NOTE
from sync_server.export.selection import ExportItem


@pytest.fixture
def big_order(tmp_path):
    """A server data dir with a 2,100-item order of every kind (bench/bench_export.py);
    the database is the test's own (SQLite in the folder, or the PostgreSQL one)."""
    data_dir = tmp_path / "big"
    order_id = build_order(data_dir, 2_100)
    engine = make_engine(default_db_url(data_dir))
    yield data_dir, engine, order_id
    engine.dispose()


def _export(engine, data_dir: Path, order_id: int, out: Path, **options):
    with read_connection(engine) as conn:
        return export_order(conn, BlobStore(data_dir / "blobs"), order_id, "coco", out, **options)


def _as_json_dumps_writes(path: Path) -> dict:
    """The file loaded, after checking it is byte for byte what ``json.dumps(indent=1)`` writes."""
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, indent=1)
    return document


def test_streamed_coco_reads_back_whole_and_matches_the_database(big_order, tmp_path):
    data_dir, engine, order_id = big_order
    report = _export(engine, data_dir, order_id, tmp_path / "out", annotations_only=True)
    coco = _as_json_dumps_writes(report.annotations_path)

    with read_connection(engine) as conn:
        heads = dict(
            conn.execute(
                select(tables.items.c.id, tables.annotations.c.shapes)
                .join(tables.annotations, tables.annotations.c.id == tables.items.c.head_annotation_id)
                .where(tables.items.c.order_id == order_id)
            ).all()
        )
        item_count = len(conn.execute(select(tables.items.c.id).where(tables.items.c.order_id == order_id)).all())
    assert item_count == 2_100 and len(heads) == expected_exported(2_100)
    assert [image["id"] for image in coco["images"]] == sorted(heads)  # id order, every finished item
    assert len({image["file_name"] for image in coco["images"]}) == len(heads)
    file_names = {image["file_name"] for image in coco["images"]}  # the 7th, 1007th, 2007th repeat a name
    assert {"cam2_frame_0000006_2.jpg", "cam2_frame_0001006_2.jpg", "cam2_frame_0002006_2.jpg"} <= file_names

    boxes = [(item_id, shape) for item_id, shapes in sorted(heads.items()) for shape in shapes]
    assert [a["id"] for a in coco["annotations"]] == list(range(1, len(boxes) + 1))
    names = {c["id"]: c["name"] for c in coco["categories"]}
    assert list(names.values()) == ["car", "truck", "bus", "pedestrian", "cyclist"]
    for annotation, (item_id, shape) in zip(coco["annotations"], boxes, strict=True):
        (x1, y1), (x2, y2) = shape["points"]
        assert annotation["image_id"] == item_id and names[annotation["category_id"]] == shape["label"]
        assert annotation["bbox"] == [x1, y1, x2 - x1, y2 - y1] and annotation["area"] == (x2 - x1) * (y2 - y1)

    loaded = COCO(str(report.annotations_path))
    assert len(loaded.getImgIds()) == len(heads) and len(loaded.getAnnIds()) == len(boxes)
    document = _as_json_dumps_writes(report.report_path)
    assert document["counts"]["items"] == 2_100 and document["counts"]["exported"] == len(heads)
    assert len(document["left_out"]) == 2_100 - len(heads)
    assert len(document["conflicted"]) == document["counts"]["conflicted"] > 0


def test_annotations_only_writes_the_same_json_and_no_images(client, tokens, world, engine, data_dir, tmp_path, capsys):
    first, second = world.batch1_items
    push(client, tokens["anno1"], record(first, [box("car", 1.5, 2, 30, 40.25)]), record(second, []))
    full = _export(engine, data_dir, world.order, tmp_path / "full")

    out = tmp_path / "json"
    assert main(["export", str(world.order), "--format", "coco", "--out", str(out), "--data-dir", str(data_dir),
                 "--annotations-only"]) == 0  # fmt: skip
    assert (out / "annotations.json").read_bytes() == full.annotations_path.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == ["annotations.json", "export_report.json"]
    assert len(list((tmp_path / "full" / "images").iterdir())) == 2

    report = _as_json_dumps_writes(out / "export_report.json")
    assert report["images"] is None and report["note"] == NO_IMAGES_NOTE
    assert report["counts"] == json.loads(full.report_path.read_text(encoding="utf-8"))["counts"]
    assert "images" not in json.loads(full.report_path.read_text(encoding="utf-8"))  # a full report is as before
    assert report["summary"].endswith("; images not written (annotations only)")
    assert "images not written (annotations only)" in capsys.readouterr().out


def test_progress_shows_on_stderr_when_asked_or_on_a_terminal(client, tokens, world, data_dir, tmp_path, capsys):
    push(client, tokens["anno1"], record(world.batch1_items[0]))
    command = ["export", "测试订单", "--format", "coco", "--out", str(tmp_path / "out"), "--data-dir", str(data_dir)]
    assert main(command) == 0
    assert capsys.readouterr().err == ""  # not a terminal, not asked
    assert main([*command, "--progress"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "exporting: 100%  4/4 items" and len(lines) <= 11

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    with ExportProgress(stream=screen) as bar:
        for done in range(1, 3001):
            bar(done, 3000)
    drawn = screen.getvalue()
    assert drawn.endswith("\rexporting [" + "#" * 30 + "] 100%  3,000/3,000 items\n")
    assert "  1,500/3,000 items" in drawn and drawn.count("\r") == 1001  # once a permille, 0‰ to 1000‰


def test_a_failed_export_leaves_no_half_written_files(big_order, tmp_path):
    data_dir, engine, order_id = big_order
    out = tmp_path / "out"
    _export(engine, data_dir, order_id, out, annotations_only=True)
    before = {name: (out / name).read_bytes() for name in ("annotations.json", "export_report.json")}
    with read_connection(engine) as conn:  # the 15th item is a turned photo: now one that cannot be decoded
        sha = conn.execute(select(tables.items.c.original_sha256).where(tables.items.c.order_id == order_id)
                           .order_by(tables.items.c.id).offset(14).limit(1)).scalar_one()  # fmt: skip
    BlobStore(data_dir / "blobs").path(sha).write_bytes(_with_exif_orientation(b"\xff\xd8" + bytes(200), 6))

    with pytest.raises(ExportError, match="cannot be decoded to turn it upright"):
        _export(engine, data_dir, order_id, out)
    assert {name: (out / name).read_bytes() for name in before} == before  # the earlier export, untouched
    assert sorted(p.name for p in out.iterdir()) == ["annotations.json", "export_report.json", "images"]


def _traced_peak(engine, data_dir: Path, order_id: int, out: Path) -> int:
    tracemalloc.start()
    try:
        _export(engine, data_dir, order_id, out, annotations_only=True)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_order(tmp_path):
    data_dir = tmp_path / "data"
    # both more than a page of rows (selection.PAGE_ROWS), which psycopg holds decoded
    small_order, big_order = build_order(data_dir, 1_500), build_order(data_dir, 4_500)
    engine = make_engine(default_db_url(data_dir))
    _export(engine, data_dir, small_order, tmp_path / "warm", annotations_only=True)  # imports and caches, once
    small = _traced_peak(engine, data_dir, small_order, tmp_path / "small")
    big = _traced_peak(engine, data_dir, big_order, tmp_path / "big")
    engine.dispose()
    # the old export held every image, box and report entry: some 8 KiB an item, 24 MiB here;
    # what grows now is FileNames' table, 32–64 bytes a name
    assert big - small < 2**20, (small, big)


# ---------------------------------------------------------------------- the pieces


SAMPLES = [0, -7, 2**70, 1.5, -0.0, 1e-7, 1e22, 0.1 + 0.2, math.nan, math.inf, -math.inf, True, False, None, "",
           "轿车 \"quoted\" \\ back\nslash\t\x00\x1f\u2028", "😀", [], {}, [1, [2, {"a": []}]],
           {"k": {"nested": [1.25, "x", None]}, "e": {}}]  # fmt: skip


@pytest.mark.parametrize("depth", [0, 1, 2, 3])
def test_json_pieces_are_what_json_dumps_writes(depth):
    for sample in SAMPLES:
        wrapped, text = sample, value(sample, depth)
        for level in reversed(range(depth)):  # the sample nested in lists, written around its text
            wrapped = [wrapped]
            text = "[\n" + " " * (level + 1) + text + "\n" + " " * level + "]"
        assert text == json.dumps(wrapped, ensure_ascii=False, indent=1), sample
    pairs = {f"key {i}": sample for i, sample in enumerate(SAMPLES)}
    assert flat_object(pairs, 0) == json.dumps(pairs, ensure_ascii=False, indent=1)
    for count in (0, 1, 3):
        out = io.StringIO()
        out.write('{\n "list": ')
        array = ArrayWriter(out, depth=1)
        for sample in SAMPLES[:count]:
            array.add(value(sample, 2))
        array.close()
        out.write("\n}")
        assert out.getvalue() == json.dumps({"list": SAMPLES[:count]}, ensure_ascii=False, indent=1)


def test_coco_entries_are_what_json_dumps_writes():
    categories = Categories([{"name": "car", "title": "轿车"}], [])
    item = ExportItem(7, "a/b.jpg", 1920, 1080, "0" * 64, [], 0, annotator="anno1", reviewer=None)
    image = {"id": 7, "file_name": 'b "1".jpg', "width": 1920, "height": 1080, "annotator": "anno1", "reviewer": None}
    assert _image(item, 'b "1".jpg') == value(image, 2)
    for (x1, y1), (x2, y2) in [((10, 20), (50, 60)), ((10.5, 20), (49.75, 60.125)), ((0.1, 0.2), (0.3, 1e-9)), ((3, 4), (3, 4))]:
        shape = {"kind": "box", "label": "car", "points": [[x1, y1], [x2, y2]]}
        width, height = x2 - x1, y2 - y1
        expected = {"id": 12, "image_id": 7, "category_id": 1, "bbox": [x1, y1, width, height], "area": width * height,
                    "iscrowd": 0}  # fmt: skip
        assert _box(12, 7, categories, shape) == value(expected, 2)


def test_file_names_are_those_a_plain_set_gives_in_16_bytes_each():
    rng = random.Random(12)
    pool = ["a.jpg", "b.jpg", "a_2.jpg", "a_3.jpg", "x/a.jpg", "x_a.jpg", "x\\a.jpg", "../a.jpg", "", ".", "noext"]
    names = [rng.choice(pool) if rng.random() < 0.3 else f"n{rng.randint(0, 3000)}.png" for _ in range(6000)]
    plain: set[str] = set()
    compact = FileNames(capacity=1)  # grows many times on the way
    assert [unique_file_name(n, plain) for n in names] == [compact.unique(n) for n in names]
    assert len(compact) == len(plain) == 6000 and all(n in compact for n in plain) and "zz.jpg" not in compact

    many = FileNames()
    given = [many.unique("image.jpg") for _ in range(20_000)]  # each clash goes on where the last one stopped
    assert given[:3] == ["image.jpg", "image_2.jpg", "image_3.jpg"] and given[-1] == "image_20000.jpg"


def test_file_names_never_leave_the_images_folder():
    taken: set[str] = set()
    # PurePosixPath kept a leading "//" as a root: "//_srv_x.jpg" was an absolute path
    assert [unique_file_name(n, taken) for n in ["//srv/x.jpg", "\\\\srv\\y.jpg", "///z.jpg", "/"]] == [
        "srv_x.jpg", "srv_y.jpg", "z.jpg", "image"
    ]  # fmt: skip
