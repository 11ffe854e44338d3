"""COCO detection JSON (``annotations.json``) plus the images, and the export report.

Written as a stream (issue 12): the items come from one query read a page at a
time, each image entry goes to ``annotations.json`` as it is made and each shape to
a temporary file that becomes the ``annotations`` array once the images are done;
the categories (which a label no schema knows may still add to) come last. What
stays in memory is one page of rows, the categories, and the names given out so
far at 16 bytes each (``FileNames``), so a million-item order fits an office server.
The text is what ``json.dumps(document, ensure_ascii=False, indent=1)`` wrote before.

A box is an annotation with ``bbox`` ([x, y, w, h]) and ``area`` = w × h. A polygon (polygon
orders) adds ``segmentation: [[x1, y1, x2, y2, …]]`` (its vertices, original pixels, closed
implicitly), with ``bbox`` its bounding box and ``area`` the area it encloses (shoelace);
``iscrowd`` is 0 for both. A box in a polygon order keeps the box form (no ``segmentation``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.db.entities import load_order
from sync_server.export.categories import Categories, order_categories
from sync_server.export.errors import ExportError
from sync_server.export.geometry import bounds, polygon_area
from sync_server.export.images import FileNames, write_upright
from sync_server.export.json_text import BUFFER, ArrayWriter, append_file, number, value
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem, count_order_items, order_items
from sync_server.protocol import SHAPE_BOX, SHAPE_POLYGON, to_wire

__all__ = ["ExportError", "export_coco"]

ANNOTATIONS_NAME = "annotations.json"
Progress = Callable[[int, int], None]  # (items done, items in the order)


def export_coco(
    conn: Connection,
    blob_store: BlobStore,
    order_id: int,
    out_dir: Path,
    accepted_only: bool = False,
    annotations_only: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write ``out_dir/annotations.json``, ``out_dir/images/`` and ``out_dir/export_report.json``.

    Per item we export its head revision: the latest one the server stored without a
    conflict (``items.head_annotation_id``). A revision flagged as a conflict waits for
    the lead's decision, so it never silently replaces the work it competed with.
    Items without a head are left out (no image either) and listed in the report with
    the reason; an item marked "no objects" is an image without annotations. With
    ``accepted_only``, only items whose current head a lead accepted are taken. With
    ``annotations_only``, no image is written (the JSON is the same). ``progress(done,
    total)`` hears of every item. An export that fails leaves no ``annotations.json``
    (an earlier one in ``out_dir`` stays as it was).
    """
    order = load_order(conn, order_id)
    if order is None:
        raise ExportError(f"unknown order {order_id}")
    categories = order_categories(conn, order_id, to_wire(order.schema))
    total = count_order_items(conn, order_id)
    out_dir = Path(out_dir)
    image_dir = None if annotations_only else out_dir / "images"
    (image_dir or out_dir).mkdir(parents=True, exist_ok=True)
    annotations_path = out_dir / ANNOTATIONS_NAME
    report = ExportReport(order_id, order.name, "coco", annotations_path, images_written=not annotations_only,
                          spool_dir=out_dir)  # fmt: skip
    partial = out_dir / (ANNOTATIONS_NAME + ".partial")
    try:
        with open(partial, "w", encoding="utf-8", buffering=BUFFER) as out, \
                tempfile.TemporaryFile("w+", encoding="utf-8", dir=out_dir, buffering=BUFFER) as spool:  # fmt: skip
            info = {"description": order.name, "version": str(order.schema.version)}
            out.write(f'{{\n "info": {value(info, 1)},\n "images": ')
            image_array, shape_array = ArrayWriter(out, depth=1), ArrayWriter(spool, depth=1)
            names = FileNames(capacity=total)
            for done, item in enumerate(order_items(conn, order_id, accepted_only), 1):
                file_name = None
                if item.exported:
                    file_name = names.unique(item.name)
                    if image_dir is not None:
                        turned = write_upright(blob_store.path(item.original_sha256), image_dir / file_name)
                        report.counts["turned_upright"] += turned
                    image_array.add(_image(item, file_name))  # who, where COCO has room
                    for shape in item.shapes:
                        if shape["kind"] == SHAPE_BOX:
                            shape_array.add(_box(shape_array.count + 1, item.id, categories, shape))
                        elif shape["kind"] == SHAPE_POLYGON:
                            shape_array.add(_polygon(shape_array.count + 1, item.id, categories, shape))
                report.count(item, file_name)
                if progress is not None:
                    progress(done, total)
            image_array.close()
            shape_array.close()
            out.write(',\n "annotations": ')
            append_file(out, spool)
            out.write(f',\n "categories": {value(categories.as_coco(), 1)}\n}}')
        os.replace(partial, annotations_path)
        report.write()
    finally:
        partial.unlink(missing_ok=True)
        report.close()
    return report


def _image(item: ExportItem, file_name: str) -> str:
    """An ``images`` entry, as ``value`` would format the dict two levels deep."""
    return (
        f'{{\n   "id": {number(item.id)},\n   "file_name": {value(file_name, 2)},\n   "width": {number(item.width)},'
        f'\n   "height": {number(item.height)},\n   "annotator": {value(item.annotator, 2)},'
        f'\n   "reviewer": {value(item.reviewer, 2)}\n  }}'
    )


def _box(annotation_id: int, image_id: int, categories: Categories, shape: dict) -> str:
    """An ``annotations`` entry for one box shape, as ``value`` would format it two levels deep."""
    (x1, y1), (x2, y2) = shape["points"]
    width, height = x2 - x1, y2 - y1
    return (
        f'{{\n   "id": {number(annotation_id)},\n   "image_id": {number(image_id)},'
        f'\n   "category_id": {number(categories.id_for(shape["label"]))},'
        f'\n   "bbox": [\n    {number(x1)},\n    {number(y1)},\n    {number(width)},\n    {number(height)}\n   ],'
        f'\n   "area": {number(width * height)},\n   "iscrowd": 0\n  }}'
    )


def _polygon(annotation_id: int, image_id: int, categories: Categories, shape: dict) -> str:
    """An ``annotations`` entry for one polygon shape, as ``value`` would format it two levels deep."""
    points = shape["points"]
    x1, y1, x2, y2 = bounds(points)
    coordinates = ",\n     ".join(number(v) for point in points for v in point)
    return (
        f'{{\n   "id": {number(annotation_id)},\n   "image_id": {number(image_id)},'
        f'\n   "category_id": {number(categories.id_for(shape["label"]))},'
        f'\n   "segmentation": [\n    [\n     {coordinates}\n    ]\n   ],'
        f'\n   "bbox": [\n    {number(x1)},\n    {number(y1)},\n    {number(x2 - x1)},\n    {number(y2 - y1)}\n   ],'
        f'\n   "area": {number(polygon_area(points))},\n   "iscrowd": 0\n  }}'
    )
