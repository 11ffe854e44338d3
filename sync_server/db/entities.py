"""Rows as the protocol's wire types: one place that knows both shapes."""

from __future__ import annotations

from sqlalchemy import Connection, RowMapping, select

from sync_server.db.clock import to_iso
from sync_server.db.tables import annotations, batches, items, orders
from sync_server.protocol import (
    REV_CONFLICT,
    REV_RESOLVED,
    AnnotationRecord,
    Batch,
    Item,
    LabelSchema,
    Order,
    Shape,
    from_wire,
)


def order_from_row(row: RowMapping) -> Order:
    return Order(
        id=row["id"],
        name=row["name"],
        task_kind=row["task_kind"],
        schema=from_wire(LabelSchema, row["schema"]),
        guidelines=row["guidelines"],
        price_cents=row["price_cents"],
        due=to_iso(row["due"]),
        iou_threshold=row["iou_threshold"],
    )


def item_from_row(row: RowMapping) -> Item:
    return Item(
        id=row["id"],
        order_id=row["order_id"],
        batch_id=row["batch_id"],
        name=row["name"],
        width=row["width"],
        height=row["height"],
        blob=row["display_sha256"] or "",  # "": a text item, nothing to download
        blob_size=row["display_size"],
        display_width=row["display_width"],
        display_height=row["display_height"],
        text=row["text"],
        overlap_group=row["overlap_group"],  # ADR 0026: ties the copies of one item together
    )


def annotation_from_row(row: RowMapping) -> AnnotationRecord:
    return AnnotationRecord(
        id=row["id"],
        item_id=row["item_id"],
        batch_id=row["batch_id"],
        base_id=row["base_id"],
        shapes=[Shape(**shape) for shape in row["shapes"]],
        time_spent_ms=row["time_spent_ms"],
        client_time=row["client_time"],
        annotator_id=row["annotator_id"],
        received_at=to_iso(row["received_at"]),
        schema_version=row["schema_version"],
        device_id=row["device_id"],
        status=revision_status(row),
        flag=row["flag"],
        ocr_cer=row["ocr_cer"],
    )


def revision_status(row: RowMapping) -> str | None:
    """What the feed says of a stored revision (``AnnotationRecord.status``, ADR 0014)."""
    if not row["conflict"]:
        return None
    return REV_RESOLVED if row["resolved_at"] is not None else REV_CONFLICT


def load_order(conn: Connection, order_id: int) -> Order | None:
    row = conn.execute(select(orders).where(orders.c.id == order_id)).mappings().first()
    return order_from_row(row) if row else None


def load_batch(conn: Connection, batch_id: int) -> Batch | None:
    row = conn.execute(select(batches).where(batches.c.id == batch_id)).mappings().first()
    if row is None:
        return None
    item_ids = conn.execute(
        select(items.c.id).where(items.c.batch_id == batch_id).order_by(items.c.id)
    ).scalars()
    return Batch(
        id=row["id"],
        order_id=row["order_id"],
        name=row["name"],
        annotator_id=row["annotator_id"],
        lease_until=to_iso(row["lease_until"]),
        item_ids=list(item_ids),
    )


def load_batch_items(conn: Connection, batch_id: int) -> list[Item]:
    rows = conn.execute(select(items).where(items.c.batch_id == batch_id).order_by(items.c.id)).mappings()
    return [item_from_row(row) for row in rows]


def load_item_annotations(conn: Connection, item_ids: list[int]) -> list[AnnotationRecord]:
    """Every stored revision of these items, in the order the server received them."""
    if not item_ids:
        return []
    rows = conn.execute(
        select(annotations)
        .where(annotations.c.item_id.in_(item_ids))
        .order_by(annotations.c.received_at, annotations.c.id)
    ).mappings()
    return [annotation_from_row(row) for row in rows]


def find_order_id(conn: Connection, ref: str) -> int | None:
    """An order by its id (digits) or its exact name (the newest, if several share it)."""
    if ref.isdigit():
        found = conn.execute(select(orders.c.id).where(orders.c.id == int(ref))).scalar()
        if found is not None:
            return found
    return conn.execute(select(orders.c.id).where(orders.c.name == ref).order_by(orders.c.id.desc())).scalar()
