"""An order's label schema history: changing the schema without dropping older work.

``orders.schema`` is the current schema. ``order_schemas`` keeps every version
the order has had, so a revision made offline against an older version is
validated against *that* version and stored with it (ADR 10).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from sync_server.db.clock import utc_now
from sync_server.db.entities import load_order
from sync_server.db.feed import log_changes
from sync_server.db.tables import batches, leases, order_schemas, orders
from sync_server.protocol import (
    CHANGE_ORDER,
    LabelSchema,
    WireError,
    from_wire,
    to_wire,
)


class SchemaChangeError(ValueError):
    pass


def older_schemas(conn: Connection, wanted: Iterable[tuple[int, int]]) -> dict[tuple[int, int], dict[str, Any]]:
    """``{(order_id, version): schema}`` for the pairs that are in the history."""
    pairs = sorted(set(wanted))
    if not pairs:
        return {}
    found = conn.execute(
        select(order_schemas.c.order_id, order_schemas.c.version, order_schemas.c.schema).where(
            or_(*(and_(order_schemas.c.order_id == o, order_schemas.c.version == v) for o, v in pairs))
        )
    )
    return {(row.order_id, row.version): row.schema for row in found}


def _remember(conn: Connection, order_id: int, schema: dict[str, Any]) -> None:
    known = conn.execute(
        select(order_schemas.c.version).where(
            order_schemas.c.order_id == order_id, order_schemas.c.version == schema["version"]
        )
    ).first()
    if known is None:
        conn.execute(
            order_schemas.insert().values(
                order_id=order_id, version=schema["version"], schema=schema, created_at=utc_now()
            )
        )


def change_order_schema(conn: Connection, order_id: int, schema: LabelSchema | dict) -> None:
    """Give the order a new label schema (a higher version), in the caller's transaction.

    The old schema stays in the history; the order goes out in the feed again to the
    office and to everyone who ever held one of its batches."""
    try:
        new = from_wire(LabelSchema, schema) if isinstance(schema, dict) else schema
    except WireError as exc:
        raise SchemaChangeError(f"label schema: {exc}") from exc
    if not new.labels or len(set(new.names())) != len(new.labels):
        raise SchemaChangeError("label schema: needs at least one label, and label names must be unique")
    # PostgreSQL: locked, so two changes at once cannot both pass the version check
    row = conn.execute(
        select(orders.c.schema, orders.c.office_id).where(orders.c.id == order_id).with_for_update()
    ).first()
    if row is None:
        raise SchemaChangeError(f"unknown order {order_id}")
    current = row.schema
    if new.version <= current["version"]:
        raise SchemaChangeError(f"the new schema's version must be above the current {current['version']}")
    _remember(conn, order_id, current)  # orders imported before the history existed
    stored = to_wire(new)
    _remember(conn, order_id, stored)
    conn.execute(orders.update().where(orders.c.id == order_id).values(schema=stored))
    holders = conn.execute(
        select(leases.c.annotator_id).join(batches, batches.c.id == leases.c.batch_id)
        .where(batches.c.order_id == order_id).distinct()
    ).scalars()  # fmt: skip
    data = to_wire(load_order(conn, order_id))
    entries = [(CHANGE_ORDER, data, None)] + [(CHANGE_ORDER, data, holder) for holder in sorted(holders)]
    log_changes(conn, row.office_id, entries)
