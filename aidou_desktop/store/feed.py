"""Applying the server's change feed to the local database (one connection, caller's transaction).

Each change runs under its own savepoint: a record that does not parse or
does not fit never blocks the ones after it. It is not dropped either (ADR 9):
it goes to the ``quarantine`` table as received, with the reason, and is tried
again after every page — so an annotation that came before its item, or a kind
only a newer app understands, is applied once it can be. A later change to the
same entity supersedes a quarantined one (an older state must never win).
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3

from aidou_desktop.model.domain import SYNCED
from aidou_desktop.store import copies, reviews
from aidou_desktop.store.rows import dumps, now_iso, shapes_json
from sync_server.protocol import (
    CHANGE_ANNOTATION,
    CHANGE_BATCH,
    CHANGE_ITEM,
    CHANGE_ORDER,
    CHANGE_REVIEW,
    AnnotationRecord,
    Batch,
    Change,
    Item,
    Order,
    ReviewRecord,
    WireError,
    from_wire,
    is_uuid,
    to_wire,
)

log = logging.getLogger(__name__)

SHA_RE = re.compile(r"^[0-9a-f]{64}$")

# What a bad record can raise; anything else (disk full, I/O) aborts the whole page.
_BAD_RECORD = (WireError, ValueError, TypeError, KeyError, AttributeError, sqlite3.IntegrityError)


def apply_changes(conn: sqlite3.Connection, changes: list[Change]) -> int:
    """Apply what can be applied, quarantine the rest; returns how many were quarantined."""
    quarantined = 0
    for change in changes:
        reason = _try_apply(conn, change)
        if reason is None:
            _supersede(conn, change)
        else:
            quarantined += 1
            _quarantine(conn, change, reason)
            log.warning("quarantined change seq=%s kind=%s: %s", change.seq, change.kind, reason)
    retry_quarantine(conn)
    return quarantined


def retry_quarantine(conn: sqlite3.Connection) -> int:
    """Try every quarantined change again, oldest first; returns how many now applied."""
    applied = 0
    found = conn.execute("SELECT seq, kind, data FROM quarantine ORDER BY seq").fetchall()
    for seq, kind, data in found:
        change = Change(seq, kind, json.loads(data))
        reason = _try_apply(conn, change)
        if reason is None:
            _supersede(conn, change)
            applied += 1
            log.info("applied quarantined change seq=%s kind=%s", seq, kind)
        else:
            conn.execute(
                "UPDATE quarantine SET reason = ?, attempts = attempts + 1, last_tried = ? WHERE seq = ?",
                (reason, now_iso(), seq),
            )
    return applied


def _try_apply(conn: sqlite3.Connection, change: Change) -> str | None:
    """Apply one change under a savepoint; the reason it could not be applied, or None."""
    conn.execute("SAVEPOINT change")
    try:
        _apply_one(conn, change)
    except _BAD_RECORD as exc:
        conn.execute("ROLLBACK TO change")
        conn.execute("RELEASE change")
        return f"{type(exc).__name__}: {exc}"
    # anything else (disk full, I/O) propagates: the caller's transaction is rolled back whole
    conn.execute("RELEASE change")
    return None


def _entity_id(change: Change) -> str | None:
    data = change.data if isinstance(change.data, dict) else {}
    value = data.get("id")
    return None if value is None else str(value)


def _quarantine(conn: sqlite3.Connection, change: Change, reason: str) -> None:
    now = now_iso()
    conn.execute(
        "INSERT INTO quarantine (seq, kind, entity_id, data, reason, first_seen, last_tried)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (seq) DO UPDATE SET reason = excluded.reason,"
        " data = excluded.data, attempts = quarantine.attempts + 1, last_tried = excluded.last_tried",
        (change.seq, change.kind, _entity_id(change), json.dumps(change.data, ensure_ascii=False),
         reason, now, now),
    )  # fmt: skip


def _supersede(conn: sqlite3.Connection, change: Change) -> None:
    # this change, and older quarantined states of the same entity, are settled now
    conn.execute("DELETE FROM quarantine WHERE seq = ?", (change.seq,))
    entity = _entity_id(change)
    if entity is not None:
        conn.execute(
            "DELETE FROM quarantine WHERE kind = ? AND entity_id = ? AND seq < ?", (change.kind, entity, change.seq)
        )


def _apply_one(conn: sqlite3.Connection, change: Change) -> None:
    handler = _HANDLERS.get(change.kind)
    if handler is None:
        # a newer server may send kinds we do not know yet: skip, keep going
        raise ValueError(f"unknown change kind {change.kind!r}")
    handler(conn, change)


def _order(conn: sqlite3.Connection, change: Change) -> None:
    order = from_wire(Order, change.data)
    conn.execute(
        "INSERT INTO orders (id, name, task_kind, data) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
        " task_kind = excluded.task_kind, data = excluded.data",
        (order.id, order.name, order.task_kind, dumps(to_wire(order))),
    )


def _batch(conn: sqlite3.Connection, change: Change) -> None:
    batch = from_wire(Batch, change.data)
    if any(not isinstance(i, int) or isinstance(i, bool) for i in batch.item_ids):
        raise WireError("Batch: item_ids must be integers")
    conn.execute(
        "INSERT INTO batches (id, order_id, name, annotator_id, lease_until, data)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
        " order_id = excluded.order_id, name = excluded.name, annotator_id = excluded.annotator_id,"
        " lease_until = excluded.lease_until, data = excluded.data",
        (batch.id, batch.order_id, batch.name, batch.annotator_id, batch.lease_until,
         dumps(to_wire(batch))),
    )  # fmt: skip
    # items that arrived before their batch learn it here
    conn.executemany("UPDATE items SET batch_id = ? WHERE id = ?", [(batch.id, i) for i in batch.item_ids])


def _item(conn: sqlite3.Connection, change: Change) -> None:
    item = from_wire(Item, change.data)
    if item.blob and not SHA_RE.match(item.blob):
        raise WireError(f"Item {item.id}: blob is not a sha256")
    # ready stays true when the blob is unchanged and already here; a text item needs none.
    # An item never leaves its overlap group: a row without one (an older server's, or one
    # written before the group was made) keeps what this PC knows
    conn.execute(
        "INSERT INTO items (id, order_id, batch_id, name, width, height, blob, blob_size,"
        " display_width, display_height, text, overlap_group, ready)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        "  CASE WHEN ? = '' OR EXISTS (SELECT 1 FROM blobs WHERE sha = ?) THEN 1 ELSE 0 END)"
        " ON CONFLICT (id) DO UPDATE SET order_id = excluded.order_id,"
        " batch_id = coalesce(excluded.batch_id, items.batch_id), name = excluded.name,"
        " width = excluded.width, height = excluded.height, blob = excluded.blob,"
        " blob_size = excluded.blob_size, display_width = excluded.display_width,"
        " display_height = excluded.display_height, text = excluded.text,"
        " overlap_group = coalesce(excluded.overlap_group, items.overlap_group), ready = excluded.ready",
        (item.id, item.order_id, item.batch_id, item.name, item.width, item.height, item.blob,
         item.blob_size, item.display_width, item.display_height, item.text, item.overlap_group,
         item.blob, item.blob),
    )  # fmt: skip
    copies.join_group(conn, item.id, item.overlap_group)


def _annotation(conn: sqlite3.Connection, change: Change) -> None:
    record = from_wire(AnnotationRecord, change.data)
    if not is_uuid(record.id):
        raise WireError(f"annotation id {record.id!r} is not a UUID")
    known = conn.execute("SELECT origin FROM annotations WHERE id = ?", (record.id,)).fetchone()
    if known is not None:
        # our own revision (or one seen before): content never changes under an id; note
        # where it sits in the feed (so a later revision by someone else wins), that the
        # server holds it (ADR 0013), and its standing: a conflict may since be resolved
        conn.execute(
            "UPDATE annotations SET feed_seq = coalesce(feed_seq, ?), received_at = ?, confirmed = 1,"
            " server_status = ? WHERE id = ?",
            (change.seq, record.received_at, record.status, record.id),
        )
        return
    if not conn.execute("SELECT 1 FROM items WHERE id = ?", (record.item_id,)).fetchone():
        raise KeyError(f"annotation {record.id} is on unknown item {record.item_id}")
    conn.execute(
        "INSERT INTO annotations (id, item_id, batch_id, base_id, origin, annotator_id, shapes,"
        " time_spent_ms, state, client_time, schema_version, received_at, feed_seq, updated_at,"
        " device_id, server_status, confirmed, flag)"
        " VALUES (?, ?, ?, ?, 'server', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (record.id, record.item_id, record.batch_id, record.base_id, record.annotator_id,
         shapes_json(record.shapes), record.time_spent_ms, SYNCED, record.client_time,
         record.schema_version, record.received_at, change.seq, now_iso(), record.device_id,
         record.status, record.flag),
    )  # fmt: skip


def _review(conn: sqlite3.Connection, change: Change) -> None:
    record = from_wire(ReviewRecord, change.data)
    if not is_uuid(record.id) or not is_uuid(record.annotation_id):
        raise WireError(f"review {record.id!r}: ids must be UUIDs")
    reviews.apply_from_feed(conn, record, change.seq)


_HANDLERS = {
    CHANGE_ORDER: _order,
    CHANGE_BATCH: _batch,
    CHANGE_ITEM: _item,
    CHANGE_ANNOTATION: _annotation,
    CHANGE_REVIEW: _review,
}
