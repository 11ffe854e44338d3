"""Which export formats exist, which orders each takes, and the one entry point the CLI calls."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from sync_server.db.blobs import BlobStore
from sync_server.export.categories import order_categories
from sync_server.export.coco import Progress, export_coco
from sync_server.export.conll import ConllWriter
from sync_server.export.errors import ExportError
from sync_server.export.item_export import export_items, order_to_export
from sync_server.export.jsonl import JsonlWriter
from sync_server.export.label_csv import LabelCsvWriter
from sync_server.export.labelme import LabelmeWriter
from sync_server.export.labelstudio import LabelStudioWriter
from sync_server.export.report import ExportReport
from sync_server.export.voc import VocWriter
from sync_server.export.yolo import YoloWriter
from sync_server.protocol import (
    TASK_BBOX,
    TASK_IMAGE_CLASS,
    TASK_KINDS,
    TASK_NER,
    TASK_POLYGON,
    TASK_TEXT_CLASS,
    to_wire,
)

# the formats design.md promises; only those in _WRITERS are written so far
FORMATS = ("coco", "yolo", "voc", "labelme", "labelstudio", "cvat", "jsonl", "conll", "csv")
_LINE_WRITERS = {"jsonl": JsonlWriter, "conll": ConllWriter, "csv": LabelCsvWriter}
# the writers of shapes on images, which need the order's categories and the export folder
_SHAPE_WRITERS = {"yolo": YoloWriter, "voc": VocWriter, "labelme": LabelmeWriter, "labelstudio": LabelStudioWriter}
_WRITERS = ("coco", *_SHAPE_WRITERS, *_LINE_WRITERS)
_SHAPE_ORDERS = (TASK_BBOX, TASK_POLYGON)
# the task kinds each format can hold: never a text order as boxes, nor boxes as CoNLL
ORDER_KINDS = {
    "coco": _SHAPE_ORDERS,
    "yolo": _SHAPE_ORDERS,
    "voc": _SHAPE_ORDERS,
    "labelme": _SHAPE_ORDERS,
    "labelstudio": _SHAPE_ORDERS,
    "jsonl": TASK_KINDS,
    "conll": (TASK_NER,),
    "csv": (TASK_IMAGE_CLASS, TASK_TEXT_CLASS),
}


def formats_for(task_kind: str) -> list[str]:
    """The formats written today that take an order of ``task_kind``."""
    return [fmt for fmt in _WRITERS if task_kind in ORDER_KINDS[fmt]]


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
    order = order_to_export(conn, order_id)
    kinds = ORDER_KINDS.get(fmt)
    if kinds is not None and order.task_kind not in kinds:
        raise ExportError(f"format '{fmt}' takes {_listed(kinds, 'and')} orders, and order {order.id} ({order.name}) "
                          f"is a {order.task_kind} order: use --format {_listed(formats_for(order.task_kind), 'or')}")  # fmt: skip
    if fmt not in _WRITERS:
        raise ExportError(f"format '{fmt}' is not supported yet; supported: {', '.join(_WRITERS)}")
    if fmt == "coco":
        return export_coco(conn, blob_store, order_id, Path(out_dir), accepted_only=accepted_only,
                           annotations_only=annotations_only, progress=progress)  # fmt: skip
    if fmt in _SHAPE_WRITERS:
        categories = order_categories(conn, order.id, to_wire(order.schema))
        writer = _SHAPE_WRITERS[fmt](order.task_kind, Path(out_dir), categories)
    else:
        writer = _LINE_WRITERS[fmt](order.task_kind)
    return export_items(conn, blob_store, order, Path(out_dir), fmt, writer, accepted_only=accepted_only,
                        annotations_only=annotations_only, progress=progress)  # fmt: skip


def _listed(words: list[str] | tuple[str, ...], last: str) -> str:
    """The words as a sentence lists them: a; a and b; a, b and c."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"
