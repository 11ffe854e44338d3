"""The annotator's batches: the home list and where a batch opens. Functions over one connection.

Each is one query whatever the batch's size or the PC's history (issue 12): a 10,000-item
batch on a PC holding 100,000 revisions once took one query per item to find where to
resume, and the home list three counting subqueries per batch. Migration 0006's covering
indexes let both answer from indexes alone.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from aidou_desktop.store.db import rows, scalar
from aidou_desktop.store.rows import ITEM_COLUMNS
from sync_server.protocol import PREANNOTATION_DEVICE, Item

# One row per batch leased to the annotator, its three counts made in one grouped pass
# over the items of those batches: ``done`` = items with a revision of ours (or the
# annotator's, from the feed), ``downloaded`` = items whose image is here.
_SUMMARIES = """
WITH counts AS (
    SELECT i.batch_id, count(*) AS total, sum(i.ready) AS downloaded,
        sum(EXISTS (SELECT 1 FROM annotations a WHERE a.item_id = i.id
                    AND (a.origin = 'local' OR a.annotator_id = :annotator))) AS done
    FROM items i
    WHERE i.batch_id IN (SELECT id FROM batches WHERE annotator_id = :annotator)
    GROUP BY i.batch_id
)
SELECT b.id, b.order_id, coalesce(o.name, '') AS order_name, b.name, b.lease_until,
    coalesce(c.total, 0) AS total, coalesce(c.done, 0) AS done, coalesce(c.downloaded, 0) AS downloaded
FROM batches b
LEFT JOIN orders o ON o.id = b.order_id
LEFT JOIN counts c ON c.batch_id = b.id
WHERE b.annotator_id = :annotator
ORDER BY b.id
"""

# The item a batch opens at: rework first — the first of its items the lead sent back to
# this annotator (the newest verdict on the item's current revision, theirs, is a reject:
# what the review queue calls REJECTED) — else the first item nobody has a revision of
# that the annotate page would show (``Store.annotation`` is None; a suggestion imported
# with the order is not work, so its item still counts as unlabelled); NULL when neither.
# Only items whose image is here count: they are the ones the page shows. (download_order
# derives the same rule over every item by dropping each " AND i.ready = 1" from this text.)
_RESUME = """
WITH reviewed AS (
    SELECT i.id AS item_id FROM items i
    WHERE i.batch_id = :batch AND i.ready = 1
    AND EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = i.id AND r.verdict = 'reject')
), heads AS (
    SELECT w.item_id,
        (SELECT a.id FROM annotations a
         WHERE a.item_id = w.item_id AND a.server_status IS NULL AND a.state NOT IN ('rejected', 'conflict')
         ORDER BY (a.feed_seq IS NULL) DESC, a.feed_seq DESC, a.rev DESC LIMIT 1) AS annotation_id
    FROM reviewed w
), sent_back AS (
    SELECT h.item_id FROM heads h JOIN annotations a ON a.id = h.annotation_id
    WHERE a.annotator_id = :annotator
    AND (SELECT r.verdict FROM reviews r WHERE r.annotation_id = h.annotation_id AND r.state != 'rejected'
         ORDER BY (r.feed_seq IS NULL) DESC, r.feed_seq DESC, r.created_at DESC LIMIT 1) = 'reject'
    AND NOT EXISTS (SELECT 1 FROM annotations c WHERE c.item_id = h.item_id
                    AND ((c.origin = 'server' AND c.server_status = 'conflict')
                         OR (c.origin = 'local' AND c.state = 'conflict' AND c.server_status IS NOT 'resolved')))
)
SELECT coalesce(
    (SELECT min(item_id) FROM sent_back),
    (SELECT i.id FROM items i
     WHERE i.batch_id = :batch AND i.ready = 1
     AND NOT EXISTS (SELECT 1 FROM annotations a WHERE a.item_id = i.id
                     AND (a.origin = 'local'
                          OR (a.server_status IS NULL AND a.device_id IS NOT :import_device)))
     ORDER BY i.id LIMIT 1))
"""


def summaries(conn: sqlite3.Connection, annotator_id: int) -> list[dict[str, Any]]:
    return rows(conn, _SUMMARIES, {"annotator": annotator_id})


def ready_items(conn: sqlite3.Connection, batch_id: int) -> list[Item]:
    """The batch's items whose image is here, in item order. Built from plain tuples (the
    columns in ``Item``'s field order): a dict per row was most of opening 10,000 items."""
    cur = conn.execute(
        f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE batch_id = ? AND ready = 1 ORDER BY id", (batch_id,)
    )
    return [Item(*row) for row in cur]


def ready_item_ids(conn: sqlite3.Connection, batch_id: int) -> list[int]:
    """The ids of the batch's items that can be shown (image here, or a text), in item order:
    from the (batch_id, ready, id) index alone, whatever the items hold."""
    cur = conn.execute("SELECT id FROM items WHERE batch_id = ? AND ready = 1 ORDER BY id", (batch_id,))
    return [row[0] for row in cur]


def items_with_ids(conn: sqlite3.Connection, ids: list[int]) -> list[Item]:
    """These items (a page of a batch), in item order. The ids go in as one JSON array."""
    cur = conn.execute(
        f"SELECT {', '.join(ITEM_COLUMNS)} FROM items WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        (json.dumps(ids),),
    )
    return [Item(*row) for row in cur]


def resume_item(conn: sqlite3.Connection, batch_id: int, annotator_id: int) -> int | None:
    """The id of the item the batch opens at (see ``_RESUME``), or None: all done."""
    return scalar(conn, _RESUME, resume_params(batch_id, annotator_id))


def resume_params(batch_id: int, annotator_id: int) -> dict[str, Any]:
    return {"batch": batch_id, "annotator": annotator_id, "import_device": PREANNOTATION_DEVICE}


def order_data(conn: sqlite3.Connection, batch_id: int, annotator_id: int) -> str | None:
    """The order (wire JSON) of a batch leased to this annotator; None for anyone else's."""
    return scalar(
        conn,
        "SELECT o.data FROM batches b JOIN orders o ON o.id = b.order_id WHERE b.id = ? AND b.annotator_id = ?",
        (batch_id, annotator_id),
    )
