"""COCO detection JSON (``annotations.json``) plus the images, and the export report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.db.entities import load_order
from sync_server.export.categories import Categories, order_categories
from sync_server.export.errors import ExportError
from sync_server.export.images import unique_file_name, write_upright
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem, order_items
from sync_server.protocol import to_wire

__all__ = ["ExportError", "export_coco"]


def export_coco(
    conn: Connection, blob_store: BlobStore, order_id: int, out_dir: Path, accepted_only: bool = False
) -> ExportReport:
    """Write ``out_dir/annotations.json``, ``out_dir/images/`` and ``out_dir/export_report.json``.

    Per item we export its head revision: the latest one the server stored without a
    conflict (``items.head_annotation_id``). A revision flagged as a conflict waits for
    the lead's decision, so it never silently replaces the work it competed with.
    Items without a head are left out (no image either) and listed in the report with
    the reason; an item marked "no objects" is an image without annotations. With
    ``accepted_only``, only items whose current head a lead accepted are taken.
    """
    order = load_order(conn, order_id)
    if order is None:
        raise ExportError(f"unknown order {order_id}")
    categories = order_categories(conn, order_id, to_wire(order.schema))
    out_dir = Path(out_dir)
    image_dir = out_dir / "images"
    image_dir.mkdir(parents=True, exist_ok=True)
    report = ExportReport(order_id, order.name, "coco", out_dir / "annotations.json")
    coco_images, coco_annotations, taken = [], [], set()
    for item in order_items(conn, order_id, accepted_only):
        file_name = None
        if item.exported:
            file_name = unique_file_name(item.name, taken)
            report.counts["turned_upright"] += write_upright(blob_store.path(item.original_sha256), image_dir / file_name)
            coco_images.append({"id": item.id, "file_name": file_name, "width": item.width, "height": item.height,
                                "annotator": item.annotator, "reviewer": item.reviewer})  # who, where COCO has room
            coco_annotations.extend(_boxes(item, categories, first_id=len(coco_annotations) + 1))
        report.count(item, file_name)
    document = {
        "info": {"description": order.name, "version": str(order.schema.version)},
        "images": coco_images,
        "annotations": coco_annotations,
        "categories": categories.as_coco(),
    }
    report.annotations_path.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    report.write()
    return report


def _boxes(item: ExportItem, categories: Categories, first_id: int) -> list[dict[str, Any]]:
    boxes = []
    for shape in item.shapes or []:
        if shape["kind"] != "box":
            continue
        (x1, y1), (x2, y2) = shape["points"]
        width, height = x2 - x1, y2 - y1
        boxes.append(
            {
                "id": first_id + len(boxes),
                "image_id": item.id,
                "category_id": categories.id_for(shape["label"]),
                "bbox": [x1, y1, width, height],
                "area": width * height,
                "iscrowd": 0,
            }
        )
    return boxes
