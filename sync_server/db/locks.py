"""Row locks a write takes before it decides, where PostgreSQL runs writers side by side.

SQLite runs one write transaction at a time (BEGIN IMMEDIATE): what a write reads stays
true until it commits. PostgreSQL (READ COMMITTED) lets two pushes read the same item
head, both decide "no conflict" and both write: one revision silently overwrites the
other, which ADR 0014 forbids. So a write locks the rows it will change, ``SELECT … FOR
UPDATE``, *before* it reads what it decides on; a second writer of the same rows waits,
then reads what the first committed. (SQLite leaves ``FOR UPDATE`` out: nothing to do.)

The order, to keep writers from waiting on each other in a circle: row locks first,
items by id; the change feed's lock (``sync_server.db.feed.lock_feed``) last.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select

from sync_server.db.tables import batches, items

_MAX_INT64 = 2**63 - 1  # ids past it cannot be ours; the driver would refuse them


def _ids(values: Iterable[object]) -> list[int]:
    return sorted({v for v in values if type(v) is int and 0 < v <= _MAX_INT64})


def lock_items(conn: Connection, item_ids: Iterable[object]) -> None:
    """Lock these items' rows (ids that are no item are passed over) to the end of the transaction."""
    if conn.dialect.name != "postgresql":
        return
    ids = _ids(item_ids)
    if ids:
        conn.execute(select(items.c.id).where(items.c.id.in_(ids)).order_by(items.c.id).with_for_update()).all()


def lock_batches(conn: Connection, batch_ids: Iterable[object] = (), order_id: int | None = None) -> None:
    """Lock batch rows (or every batch of ``order_id``) before their lease is read and changed."""
    if conn.dialect.name != "postgresql":
        return
    query = select(batches.c.id).order_by(batches.c.id).with_for_update()
    if order_id is not None:
        query = query.where(batches.c.order_id == order_id)
    else:
        ids = _ids(batch_ids)
        if not ids:
            return
        query = query.where(batches.c.id.in_(ids))
    conn.execute(query).all()
