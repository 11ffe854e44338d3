"""Polygon orders out in every format: a concave polygon and a box on one image, the numbers
checked in each file, COCO read back by pycocotools (its mask's pixels and bounds match).

The revisions are stored as push leaves them (as ``test_export_integrity``'s are); the last
test pushes the same shapes through the server and exports them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import numpy as np
import pytest
import yaml
from pycocotools.coco import COCO
from sqlalchemy import select

from server_helpers import SCHEMA, box, push, record, write_images
from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.leasing import lease_batch
from sync_server.export.geometry import polygon_area
from sync_server.export.images import StemNames, unique_file_name
from sync_server.orders.importing import import_order
from sync_server.protocol import uuid7

WIDTH, HEIGHT = 400, 300
# an L: concave at (120, 90); a fractional vertex, as annotators' clicks give
L_SHAPE = [[40.5, 30], [300, 30], [300, 90], [120, 90], [120, 250], [40.5, 250]]
L_AREA = (300 - 40.5) * 60 + (120 - 40.5) * 160
POLYGON = {"kind": "polygon", "label": "car", "points": L_SHAPE}
BOX = {"kind": "box", "label": "pedestrian", "points": [[200, 150], [350, 280]]}


@pytest.fixture
def polygon_order(engine, world, data_dir, tmp_path):
    """A polygon order of three images: the L and a box, marked "no objects", not annotated."""
    with write_transaction(engine) as conn:
        images = write_images(tmp_path / "imgs", 3, width=WIDTH, height=HEIGHT)
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, "多边形订单", "polygon", SCHEMA, "", images)
        item_ids = list(conn.execute(select(tables.items.c.id).where(tables.items.c.order_id == order)
                                     .order_by(tables.items.c.id)).scalars())  # fmt: skip
    _store(engine, item_ids[0], world.anno1, [POLYGON, BOX])
    _store(engine, item_ids[1], world.anno1, [])
    return order, item_ids


def _store(engine, item_id: int, annotator: int, shapes: list[dict]) -> None:
    revision = uuid7()
    with write_transaction(engine) as conn:
        conn.execute(tables.annotations.insert().values(id=revision, item_id=item_id, annotator_id=annotator, shapes=shapes,
                                                        schema_version=1, time_spent_ms=1000, received_at=utc_now(),
                                                        conflict=False))  # fmt: skip
        conn.execute(tables.items.update().where(tables.items.c.id == item_id)
                     .values(head_annotation_id=revision, head_annotator_id=annotator))  # fmt: skip


def _export(engine, data_dir, order_id, out, fmt, **options):
    from sync_server.export.formats import export_order

    with read_connection(engine) as conn:
        return export_order(conn, BlobStore(data_dir / "blobs"), order_id, fmt, out, **options)


def test_shoelace_area_of_a_concave_polygon_either_way_round():
    assert polygon_area(L_SHAPE) == polygon_area(L_SHAPE[::-1]) == L_AREA


def test_coco_polygon_is_a_segmentation_pycocotools_rasterises_to_its_area(engine, data_dir, tmp_path, polygon_order):
    order, (first, second, _) = polygon_order
    report = _export(engine, data_dir, order, tmp_path / "coco", "coco")
    text = report.annotations_path.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1)  # the same text as ever, streamed

    coco = COCO(str(report.annotations_path))
    assert sorted(coco.getImgIds()) == [first, second]
    car, pedestrian = coco.getCatIds(catNms=["car"])[0], coco.getCatIds(catNms=["pedestrian"])[0]
    by_category = {a["category_id"]: a for a in coco.loadAnns(coco.getAnnIds(imgIds=[first]))}
    polygon, rectangle = by_category[car], by_category[pedestrian]
    assert polygon["segmentation"] == [[v for point in L_SHAPE for v in point]]
    assert polygon["bbox"] == [40.5, 30, 300 - 40.5, 250 - 30]
    assert polygon["area"] == L_AREA and polygon["iscrowd"] == 0
    assert (rectangle["bbox"], rectangle["area"], rectangle["iscrowd"]) == ([200, 150, 150, 130], 150 * 130, 0)
    assert "segmentation" not in rectangle  # a box keeps the box form

    mask = coco.annToMask(polygon)
    assert mask.shape == (HEIGHT, WIDTH)
    assert abs(int(mask.sum()) - L_AREA) / L_AREA < 0.03
    rows, cols = np.nonzero(mask)
    x, y, w, h = polygon["bbox"]
    assert abs(cols.min() - x) <= 1 and abs(cols.max() + 1 - (x + w)) <= 1
    assert abs(rows.min() - y) <= 1 and abs(rows.max() + 1 - (y + h)) <= 1
    assert not mask[100:240, 130:290].any()  # the L's notch stays empty: concave, not its hull


def test_yolo_writes_segments_for_a_polygon_order_and_a_box_as_its_corners(engine, data_dir, tmp_path, polygon_order):
    order, _ = polygon_order
    out = tmp_path / "yolo"
    report = _export(engine, data_dir, order, out, "yolo")
    assert report.annotations_path == out / "data.yaml" and report.report_path == out / "export_report.json"
    data = yaml.safe_load((out / "data.yaml").read_text(encoding="utf-8"))
    assert data == {"train": "images", "val": "images", "nc": 2, "names": {0: "car", 1: "pedestrian"}}
    assert "x1 y1 x2 y2" in (out / "data.yaml").read_text(encoding="utf-8")  # the comment says which form

    assert sorted(p.name for p in (out / "images").iterdir()) == ["img_00.jpg", "img_01.jpg"]
    assert sorted(p.name for p in (out / "labels").iterdir()) == ["img_00.txt", "img_01.txt"]
    polygon_line, box_line = (out / "labels" / "img_00.txt").read_text(encoding="utf-8").splitlines()
    cls, *values = polygon_line.split(" ")
    assert cls == "0" and len(values) == 2 * len(L_SHAPE)
    expected = [v / size for x, y in L_SHAPE for v, size in ((x, WIDTH), (y, HEIGHT))]
    assert np.allclose([float(v) for v in values], expected, atol=1e-6)
    cls, *values = box_line.split(" ")
    corners = [200 / WIDTH, 150 / HEIGHT, 350 / WIDTH, 150 / HEIGHT, 350 / WIDTH, 280 / HEIGHT, 200 / WIDTH, 280 / HEIGHT]
    assert cls == "1" and np.allclose([float(v) for v in values], corners, atol=1e-6)
    assert (out / "labels" / "img_01.txt").read_text(encoding="utf-8") == ""  # "no objects": a background image


def test_yolo_of_a_box_order_stays_detection(client, tokens, world, engine, data_dir, tmp_path):
    push(client, tokens["anno1"], record(world.batch1_items[0], [box("pedestrian", 12, 8, 60, 40)]))
    out = tmp_path / "yolo"
    _export(engine, data_dir, world.order, out, "yolo", annotations_only=True)
    [line] = (out / "labels" / "img_00.txt").read_text(encoding="utf-8").splitlines()
    cls, *values = line.split(" ")
    assert cls == "1" and np.allclose([float(v) for v in values], [36 / 120, 24 / 80, 48 / 120, 32 / 80], atol=1e-6)
    assert not (out / "images").exists()


def test_voc_writes_the_bounding_box_and_the_polygon_element(engine, data_dir, tmp_path, polygon_order):
    order, _ = polygon_order
    out = tmp_path / "voc"
    report = _export(engine, data_dir, order, out, "voc")
    assert report.report_path == out / "export_report.json"
    assert json.loads(report.report_path.read_text(encoding="utf-8"))["annotations"] == "ImageSets/Main/trainval.txt"
    assert (out / "ImageSets" / "Main" / "trainval.txt").read_text(encoding="utf-8") == "img_00\nimg_01\n"
    assert sorted(p.name for p in (out / "JPEGImages").iterdir()) == ["img_00.jpg", "img_01.jpg"]

    root = ET.parse(out / "Annotations" / "img_00.xml").getroot()
    assert root.findtext("filename") == "img_00.jpg" and root.findtext("folder") == "JPEGImages"
    assert (root.findtext("size/width"), root.findtext("size/height"), root.findtext("size/depth")) == ("400", "300", "3")
    polygon, rectangle = root.findall("object")
    assert polygon.findtext("name") == "car" and rectangle.findtext("name") == "pedestrian"
    # VOC's whole pixels from 1, both ends inclusive: x 40.5..300 covers pixels 41..300
    assert [int(polygon.findtext(f"bndbox/{tag}")) for tag in ("xmin", "ymin", "xmax", "ymax")] == [41, 31, 300, 250]
    assert [int(rectangle.findtext(f"bndbox/{tag}")) for tag in ("xmin", "ymin", "xmax", "ymax")] == [201, 151, 350, 280]
    vertices = polygon.find("polygon")
    assert [[float(vertices.findtext(f"x{n}")), float(vertices.findtext(f"y{n}"))] for n in range(1, 7)] == L_SHAPE
    assert vertices.find("x7") is None and rectangle.find("polygon") is None
    assert ET.parse(out / "Annotations" / "img_01.xml").getroot().findall("object") == []


def test_labelme_writes_polygon_and_rectangle_shapes_beside_the_image(engine, data_dir, tmp_path, polygon_order):
    order, _ = polygon_order
    out = tmp_path / "labelme"
    _export(engine, data_dir, order, out, "labelme")
    document = json.loads((out / "images" / "img_00.json").read_text(encoding="utf-8"))
    assert (document["imagePath"], document["imageData"], document["imageWidth"], document["imageHeight"]) == (
        "img_00.jpg", None, WIDTH, HEIGHT)  # fmt: skip
    assert (out / "images" / document["imagePath"]).is_file()
    shapes = [(s["label"], s["shape_type"], s["points"]) for s in document["shapes"]]
    assert shapes == [("car", "polygon", L_SHAPE), ("pedestrian", "rectangle", [[200, 150], [350, 280]])]
    assert all(s["group_id"] is None and s["flags"] == {} for s in document["shapes"])
    assert json.loads((out / "images" / "img_01.json").read_text(encoding="utf-8"))["shapes"] == []
    assert (out / "labels.txt").read_text(encoding="utf-8") == "car\npedestrian\n"


def test_label_studio_writes_polygonlabels_in_percent(engine, data_dir, tmp_path, polygon_order):
    order, (first, second, _) = polygon_order
    out = tmp_path / "ls"
    _export(engine, data_dir, order, out, "labelstudio")
    tasks = json.loads((out / "labelstudio.json").read_text(encoding="utf-8"))
    assert [task["id"] for task in tasks] == [first, second]
    assert tasks[0]["data"] == {"image": "images/img_00.jpg"} and tasks[0]["meta"]["annotator"] == "anno1"
    polygon, rectangle = tasks[0]["annotations"][0]["result"]
    assert (polygon["type"], polygon["from_name"], polygon["to_name"]) == ("polygonlabels", "label", "image")
    assert (polygon["original_width"], polygon["original_height"]) == (WIDTH, HEIGHT)
    assert polygon["value"]["polygonlabels"] == ["car"] and polygon["value"]["closed"] is True
    assert np.allclose(polygon["value"]["points"], [[100 * x / WIDTH, 100 * y / HEIGHT] for x, y in L_SHAPE])
    assert (rectangle["type"], rectangle["from_name"]) == ("rectanglelabels", "box")
    value = rectangle["value"]
    assert np.allclose([value["x"], value["y"], value["width"], value["height"]], [50, 50, 37.5, 130 / 3])
    assert value["rectanglelabels"] == ["pedestrian"] and tasks[1]["annotations"][0]["result"] == []
    config = ET.parse(out / "labelstudio_config.xml").getroot()
    controls = {c.get("name"): c.tag for c in config if c.tag != "Image"}
    assert controls == {"box": "RectangleLabels", "label": "PolygonLabels"}
    assert [label.get("value") for label in config.find("PolygonLabels")] == ["car", "pedestrian"]


def test_jsonl_keeps_polygons_as_stored(engine, data_dir, tmp_path, polygon_order):
    order, _ = polygon_order
    _export(engine, data_dir, order, tmp_path / "j", "jsonl", annotations_only=True)
    first, second = [json.loads(line) for line in (tmp_path / "j" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    assert first["shapes"] == [POLYGON, BOX] and second["shapes"] == []


def test_the_export_command_writes_every_image_format_of_a_polygon_order(app, engine, data_dir, tmp_path, polygon_order):
    order, _ = polygon_order
    for fmt, written in (("coco", "annotations.json"), ("yolo", "data.yaml"), ("voc", "ImageSets/Main/trainval.txt"),
                         ("labelme", "labels.txt"), ("labelstudio", "labelstudio.json"), ("jsonl", "results.jsonl")):  # fmt: skip
        out = tmp_path / fmt
        assert main(["export", "多边形订单", "--format", fmt, "--out", str(out), "--data-dir", str(data_dir)]) == 0
        assert (out / written).is_file() and (out / "export_report.json").is_file()
        assert not list(out.rglob("*.partial"))


def test_per_image_formats_never_give_two_images_one_stem():
    taken = StemNames()
    assert [unique_file_name(name, taken) for name in ("a.jpg", "a.png", "a.jpg", "b.tar.jpg")] == [
        "a.jpg", "a_2.png", "a_3.jpg", "b.tar.jpg"]  # fmt: skip


def test_a_pushed_polygon_comes_out_as_it_went_in(client, tokens, world, engine, data_dir, tmp_path):
    with write_transaction(engine) as conn:
        images = write_images(tmp_path / "imgs", 1, width=WIDTH, height=HEIGHT)
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, "推送的多边形", "polygon", SCHEMA, "", images)
        batch = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == order)).scalar_one()
        lease_batch(conn, batch, world.anno1, utc_now() + timedelta(days=1))
        item = conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch)).scalar_one()
    pushed = push(client, tokens["anno1"], record(item, [POLYGON, BOX], batch_id=batch)).json()["results"]
    assert [r["status"] for r in pushed] == ["accepted"], pushed
    coco = COCO(str(_export(engine, data_dir, order, tmp_path / "out", "coco", annotations_only=True).annotations_path))
    polygon, rectangle = coco.loadAnns(coco.getAnnIds(imgIds=[item]))
    assert (polygon["segmentation"], polygon["area"]) == ([[v for point in L_SHAPE for v in point]], L_AREA)
    assert rectangle["bbox"] == [200, 150, 150, 130]
