"""The feed tells leads' PCs again which items are copies of one another, and each
order's IoU threshold (issue 11, ADR 0026).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

A server at 0004 or 0005 made overlap copies and took IoU thresholds, but its feed rows
of items and orders did not carry ``Item.overlap_group`` or ``Order.iou_threshold``: a
lead's PC, however it synced, never learned which items to set side by side, nor the
threshold to measure them at. Feed rows are never changed (a cursor's fingerprint
covers a row's data), so each such item and order gets one new office-wide row: its
newest office-wide row's data with the missing field added. Rows that say it already
are left alone. Nothing here is imported from the server's code: a migration keeps
doing what it did when it shipped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_FEED_LOCK_KEY = 0x4149_4455_4645_4544  # sync_server.db.feed.FEED_LOCK_KEY when this shipped
_PAGE = 1000  # entities read at a time: memory stays flat on an office of millions of items

_changes = sa.table(
    "changes",
    sa.column("seq", sa.Integer),
    sa.column("kind", sa.String),
    sa.column("office_id", sa.Integer),
    sa.column("audience_user_id", sa.Integer),
    sa.column("data", sa.JSON),
    sa.column("entity_id", sa.String),
)
_items = sa.table("items", sa.column("id", sa.Integer), sa.column("overlap_group", sa.Integer))
_orders = sa.table("orders", sa.column("id", sa.Integer), sa.column("iou_threshold", sa.Float))


def _relog(conn: sa.Connection, kind: str, field: str, values: dict[int, object]) -> None:
    """For each id in ``values``: its newest office-wide ``kind`` row again, with ``field``
    set to the value, unless that row says so already."""
    entities = {f"{kind}:{entity}": value for entity, value in values.items()}
    newest = (
        sa.select(sa.func.max(_changes.c.seq))
        .where(_changes.c.entity_id.in_(list(entities)), _changes.c.audience_user_id.is_(None))
        .group_by(_changes.c.entity_id)
    )
    rows = conn.execute(
        sa.select(_changes.c.office_id, _changes.c.data, _changes.c.entity_id)
        .where(_changes.c.seq.in_(newest))
        .order_by(_changes.c.seq)
    ).all()
    added = []
    for office_id, data, entity in rows:
        value = entities[entity]
        if not isinstance(data, dict) or data.get(field) == value:
            continue
        added.append({"kind": kind, "office_id": office_id, "audience_user_id": None,
                      "data": {**data, field: value}, "entity_id": entity})  # fmt: skip
    if added:
        conn.execute(_changes.insert(), added)


def _pages(conn: sa.Connection, table: sa.TableClause, column: str):
    """{id: value} of the rows where ``column`` is set, a page at a time, by id."""
    last = 0
    while True:
        page = conn.execute(
            sa.select(table.c.id, table.c[column])
            .where(table.c[column].is_not(None), table.c.id > last)
            .order_by(table.c.id)
            .limit(_PAGE)
        ).all()
        if not page:
            return
        last = page[-1][0]
        yield dict(page)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":  # seqs in commit order, as every feed writer takes them
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_FEED_LOCK_KEY})")
    for values in _pages(conn, _items, "overlap_group"):
        _relog(conn, "item", "overlap_group", values)
    for values in _pages(conn, _orders, "iou_threshold"):
        _relog(conn, "order", "iou_threshold", values)


def downgrade() -> None:
    pass  # the rows added say what the items and orders are; an older server reads past the field
