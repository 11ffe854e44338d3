"""Which export formats exist, and the one entry point the CLI calls."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.export.coco import Progress, export_coco
from sync_server.export.errors import ExportError
from sync_server.export.report import ExportReport

# the formats design.md promises; only these are written so far
FORMATS = ("coco", "yolo", "voc", "labelme", "labelstudio", "cvat", "jsonl", "conll", "csv")
_WRITERS = {"coco": export_coco}


def export_order(
    conn: Connection,
    blob_store: BlobStore,
    order_id: int,
    fmt: str,
    out_dir: Path,
    accepted_only: bool = False,
    annotations_only: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the order's results into ``out_dir``; the report says what was taken and left out.

    ``annotations_only``: the annotation file and the report, no images copied.
    ``progress(done, total)`` hears of every item (total: the order's items)."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        supported = ", ".join(_WRITERS)
        raise ExportError(f"format '{fmt}' is not supported yet; supported: {supported}")
    return writer(conn, blob_store, order_id, Path(out_dir), accepted_only=accepted_only,
                  annotations_only=annotations_only, progress=progress)  # fmt: skip
