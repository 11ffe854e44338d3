"""COCO detection JSON (``annotations.json``) plus the original images."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sqlalchemy import Connection, select

from sync_server.db.blobs import BlobStore
from sync_server.db.entities import load_order
from sync_server.db.tables import annotations, items


class ExportError(ValueError):
    pass


def _unique_file_name(name: str, taken: set[str]) -> str:
    # item names come from uploaded files: keep only the last part (no "../"), and make them unique
    base = Path(name).name or "image"
    candidate, n = base, 1
    while candidate in taken:
        stem, suffix = Path(base).stem, Path(base).suffix
        n += 1
        candidate = f"{stem}_{n}{suffix}"
    taken.add(candidate)
    return candidate


def export_coco(
    conn: Connection, blob_store: BlobStore, order_id: int, out_dir: Path, accepted_only: bool = False
) -> Path:
    """Write ``out_dir/annotations.json`` and ``out_dir/images/``; returns the JSON's path.

    Per item we export its head revision: the latest one the server stored without a
    conflict (``items.head_annotation_id``). A revision flagged as a conflict waits for
    the lead's decision, so it never silently replaces the work it competed with;
    items nobody has annotated yet appear as images with no annotations.
    """
    if accepted_only:
        raise ExportError("--accepted-only needs lead reviews, which this server does not record yet")
    order = load_order(conn, order_id)
    if order is None:
        raise ExportError(f"unknown order {order_id}")
    label_ids = {label.name: index + 1 for index, label in enumerate(order.schema.labels)}
    rows = conn.execute(
        select(
            items.c.id,
            items.c.name,
            items.c.width,
            items.c.height,
            items.c.original_sha256,
            annotations.c.shapes,
        )
        .outerjoin(annotations, annotations.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id)
        .order_by(items.c.id)
    ).mappings()

    out_dir = Path(out_dir)
    image_dir = out_dir / "images"
    image_dir.mkdir(parents=True, exist_ok=True)
    coco_images, coco_annotations, taken = [], [], set()
    for row in rows:
        file_name = _unique_file_name(row["name"], taken)
        shutil.copyfile(blob_store.path(row["original_sha256"]), image_dir / file_name)
        coco_images.append({"id": row["id"], "file_name": file_name, "width": row["width"], "height": row["height"]})
        for shape in row["shapes"] or []:
            if shape["kind"] != "box":
                continue
            (x1, y1), (x2, y2) = shape["points"]
            width, height = x2 - x1, y2 - y1
            coco_annotations.append(
                {
                    "id": len(coco_annotations) + 1,
                    "image_id": row["id"],
                    "category_id": label_ids[shape["label"]],
                    "bbox": [x1, y1, width, height],
                    "area": width * height,
                    "iscrowd": 0,
                }
            )
    document = {
        "info": {"description": order.name, "version": str(order.schema.version)},
        "images": coco_images,
        "annotations": coco_annotations,
        "categories": [
            {"id": label_ids[label.name], "name": label.name, "supercategory": "", "title": label.title}
            for label in order.schema.labels
        ],
    }
    target = out_dir / "annotations.json"
    target.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    return target
