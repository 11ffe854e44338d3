"""Database rows to domain objects and back (no SQL here, just shapes of data)."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from aidou_desktop.model import Annotation
from sync_server.protocol import (
    AnnotationRecord,
    Item,
    Shape,
    ShapesText,
    from_wire,
    to_wire,
)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    # compact and stable: the same content always gives the same text
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def shapes_json(shapes: list[Shape]) -> str:
    return dumps(to_wire(list(shapes)))


def shapes_from_json(text: str) -> list[Shape]:
    return [from_wire(Shape, s, f"shapes[{i}]") for i, s in enumerate(json.loads(text))]


def stored_shapes(text: str) -> list[Shape]:
    """Shapes from our own ``shapes_json`` text, not checked again: they were checked
    when saved, and re-checking every outbox row was most of the client's push time."""
    return list(ShapesText(text))  # one decoder for the store's shapes text: ShapesText's


ITEM_COLUMNS = (
    "id", "order_id", "batch_id", "name", "width", "height", "blob", "blob_size",
    "display_width", "display_height", "text", "overlap_group",
)  # fmt: skip


def item_from_row(row: dict[str, Any]) -> Item:
    return Item(**{c: row[c] for c in ITEM_COLUMNS})


def annotation_from_row(row: dict[str, Any], shapes: list[Shape] | None = None) -> Annotation:
    """``shapes``: the row's shapes when the caller has them (it just saved them)."""
    return Annotation(
        id=row["id"],
        item_id=row["item_id"],
        batch_id=row["batch_id"],
        base_id=row["base_id"],
        # every row's shapes were written by ``shapes_json`` from checked shapes (an edit
        # here, or a feed record after ``from_wire``): checking 500 entities again on every
        # read was most of the time of marking one more (issue 8)
        shapes=stored_shapes(row["shapes"]) if shapes is None else list(shapes),
        time_spent_ms=row["time_spent_ms"],
        state=row["state"],
        reason=row["reason"],
        reason_code=row["reason_code"],
        reason_params=json.loads(row["reason_params"]) if row["reason_params"] else None,
        flag=row["flag"],
        device_id=row["device_id"],
    )


def record_from_row(row: dict[str, Any]) -> AnnotationRecord:
    return AnnotationRecord(
        id=row["id"],
        item_id=row["item_id"],
        batch_id=row["batch_id"],
        base_id=row["base_id"],
        # an outbox row, written by save_shapes: pushed as that text, decoded only if read
        shapes=ShapesText(row["shapes"]),
        time_spent_ms=row["time_spent_ms"],
        client_time=row["client_time"],
        schema_version=row["schema_version"],
        device_id=row["device_id"],
        flag=row["flag"],
        ocr_cer=row["ocr_cer"],
    )
