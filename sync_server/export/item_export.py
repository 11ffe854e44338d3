"""The one loop of the line-based exports (JSONL, CoNLL, CSV): items streamed in, one
writer's lines out, images copied for image orders, the report kept.

As COCO's (``coco.py``): one query read a page at a time, each item written as it comes,
so memory stays constant in the order's size. The file is written as ``*.partial`` and
renamed when whole: a failed export leaves an earlier one as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, TextIO

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.db.entities import load_order
from sync_server.export.errors import ExportError
from sync_server.export.images import FileNames, StemNames, write_upright
from sync_server.export.json_text import BUFFER
from sync_server.export.report import ExportReport
from sync_server.export.selection import ExportItem, count_order_items, order_items
from sync_server.protocol import TEXT_TASKS, Order

from sync_server.export.coco import Progress


class ItemWriter(Protocol):
    file_name: str  # what it writes in the export folder (may be in a subfolder)
    # optional: ``image_folder`` (str, default "images"): where the images go; ``per_image``
    # (bool): the writer keeps a file per image named by its stem, so no two images may share one

    def start(self, out: TextIO) -> None: ...

    def item(self, out: TextIO, item: ExportItem, image: str | None) -> None:
        """One exported item; ``image`` is its file name in ``images/`` (None: a text item)."""

    def finish(self, report: ExportReport) -> None:
        """Anything the writer has to say in the report (``report.notes``)."""


def export_items(
    conn: Connection, blob_store: BlobStore, order: Order, out_dir: Path, fmt: str, writer: ItemWriter,
    accepted_only: bool = False, annotations_only: bool = False, progress: Progress | None = None,
) -> ExportReport:  # fmt: skip
    has_images = order.task_kind not in TEXT_TASKS
    total = count_order_items(conn, order.id)
    out_dir = Path(out_dir)
    image_folder = getattr(writer, "image_folder", "images")
    image_dir = out_dir / image_folder if has_images and not annotations_only else None
    (image_dir or out_dir).mkdir(parents=True, exist_ok=True)
    path = out_dir / writer.file_name
    path.parent.mkdir(parents=True, exist_ok=True)
    report = ExportReport(order.id, order.name, fmt, path, images_written=not annotations_only if has_images else None,
                          spool_dir=out_dir, report_dir=out_dir)  # fmt: skip
    file_names = StemNames if getattr(writer, "per_image", False) else FileNames
    partial = path.with_name(path.name + ".partial")
    try:
        # newline="": the writers choose their line ends (CSV's are "\r\n", the others "\n")
        with open(partial, "w", encoding="utf-8", newline="", buffering=BUFFER) as out:
            writer.start(out)
            names = file_names(capacity=total) if has_images else None
            for done, item in enumerate(order_items(conn, order.id, accepted_only), 1):
                image = None
                if item.exported:
                    if names is not None:
                        image = names.unique(item.name)
                        if image_dir is not None:
                            turned = write_upright(blob_store.path(item.original_sha256), image_dir / image)
                            report.counts["turned_upright"] += turned
                    writer.item(out, item, image)
                report.count(item, image)
                if progress is not None:
                    progress(done, total)
            writer.finish(report)
        os.replace(partial, path)
        report.write()
    finally:
        partial.unlink(missing_ok=True)
        report.close()
    return report


def order_to_export(conn: Connection, order_id: int) -> Order:
    order = load_order(conn, order_id)
    if order is None:
        raise ExportError(f"unknown order {order_id}")
    return order
