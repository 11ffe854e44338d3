"""Where each item of a batch stands for its annotator: the annotate page's item list.

One query per batch, whatever its size (a 10,000-item batch answers in a few ms from the
indexes of migration 0006), judged as ``batches._RESUME`` and ``Store.annotation`` judge:

- ``unlabelled``: nobody's revision the page would show as work: no revision of ours, and
  from the feed only a suggestion imported with the order (``PREANNOTATION_DEVICE``) or a
  revision the server marked as a conflict;
- ``rejected``: our newest revision was refused by the server, or the lead sent our work
  back (the newest verdict on the item's current revision, ours, is a reject — rework);
- ``conflict``: our newest revision, or someone's on the item, is a conflict no lead has
  resolved yet (the lead decides; never rework meanwhile);
- ``empty``: done, the revision the page shows has no shapes ("nothing to mark"), whether
  uploaded yet or not (E is what the annotator wants to see; the header says the upload);
- ``waiting``: done, our newest revision is saved here, not uploaded yet (queued / sending);
- ``done``: done, with shapes, uploaded (or someone's from the feed).

The first that applies, in this order.
"""

from __future__ import annotations

import sqlite3

from sync_server.protocol import PREANNOTATION_DEVICE

UNLABELLED = "unlabelled"
DONE = "done"
EMPTY = "empty"
REJECTED = "rejected"
CONFLICT = "conflict"
WAITING = "waiting"
STATES = (UNLABELLED, DONE, EMPTY, REJECTED, CONFLICT, WAITING)

# {targets}: the batch's items the page shows (image here, or a text), or one item of it.
# ``mine``: our newest revision (what the page shows while it is queued/sending/rejected);
# ``theirs``: the newest revision from the feed that is nobody's conflict. The revision the
# page shows (``annotations.current_row``) is ours unless the feed brought a newer one.
_STATES = """
WITH heads AS (
    SELECT t.id AS item_id,
        (SELECT a.id FROM annotations a WHERE a.item_id = t.id AND a.origin = 'local'
         ORDER BY a.rev DESC LIMIT 1) AS mine,
        (SELECT a.id FROM annotations a WHERE a.item_id = t.id AND a.origin = 'server' AND a.server_status IS NULL
         ORDER BY a.feed_seq DESC LIMIT 1) AS theirs
    FROM ({targets}) t
)
SELECT h.item_id, CASE
    WHEN l.id IS NULL AND (s.id IS NULL OR NOT EXISTS (
            SELECT 1 FROM annotations a WHERE a.item_id = h.item_id AND a.origin = 'server'
            AND a.server_status IS NULL AND a.device_id IS NOT :import_device)) THEN 'unlabelled'
    WHEN l.state = 'rejected' THEN 'rejected'
    WHEN (l.state = 'conflict' AND l.server_status IS NOT 'resolved')
        OR EXISTS (SELECT 1 FROM annotations c WHERE c.item_id = h.item_id
                   AND c.origin = 'server' AND c.server_status = 'conflict') THEN 'conflict'
    WHEN EXISTS (SELECT 1 FROM reviews r WHERE r.item_id = h.item_id AND r.verdict = 'reject')
        AND (SELECT a.annotator_id = :annotator
                AND (SELECT r.verdict FROM reviews r WHERE r.annotation_id = a.id AND r.state != 'rejected'
                     ORDER BY (r.feed_seq IS NULL) DESC, r.feed_seq DESC, r.created_at DESC LIMIT 1) = 'reject'
             FROM annotations a
             WHERE a.item_id = h.item_id AND a.server_status IS NULL AND a.state NOT IN ('rejected', 'conflict')
             ORDER BY (a.feed_seq IS NULL) DESC, a.feed_seq DESC, a.rev DESC LIMIT 1) THEN 'rejected'
    WHEN (CASE WHEN l.id IS NULL OR (s.id IS NOT NULL AND l.feed_seq IS NOT NULL AND s.feed_seq > l.feed_seq)
               THEN s.shapes ELSE l.shapes END) = '[]' THEN 'empty'
    WHEN l.state IN ('queued', 'sending') THEN 'waiting'
    ELSE 'done'
END
FROM heads h
LEFT JOIN annotations l ON l.id = h.mine
LEFT JOIN annotations s ON s.id = h.theirs
"""

_BATCH = _STATES.format(targets="SELECT id FROM items WHERE batch_id = :batch AND ready = 1")
_ONE = _STATES.format(targets="SELECT id FROM items WHERE id = :item AND batch_id = :batch")


def item_states(conn: sqlite3.Connection, batch_id: int, annotator_id: int | None,
                item_id: int | None = None) -> dict[int, str]:  # fmt: skip
    """{item id: state} of the batch's items the page shows (or of just ``item_id``): one query."""
    params = {"batch": batch_id, "annotator": annotator_id, "import_device": PREANNOTATION_DEVICE, "item": item_id}
    return dict(conn.execute(_BATCH if item_id is None else _ONE, params).fetchall())
