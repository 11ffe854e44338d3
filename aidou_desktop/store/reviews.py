"""A lead's review verdicts and the review queue: functions over one connection.

A review is never edited: a changed mind is a new review, and the newest verdict on
a revision counts. Ours go through ``review_outbox`` like annotations go through
``outbox``; a review waits there until the revision it judges has left the annotation
outbox, so the server always knows the revision first (a lead's correction and its
accept travel in that order).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from aidou_desktop.model.domain import QUEUED, REJECTED, SENDING, SYNCED
from aidou_desktop.store.db import one, rows
from aidou_desktop.store.rows import now_iso
from sync_server.protocol import ACCEPTED, CONFLICT, DUPLICATE, PushResult, ReviewRecord, uuid7
from sync_server.protocol import REJECTED as PUSH_REJECTED

_STATE_FOR_ANSWER = {ACCEPTED: SYNCED, DUPLICATE: SYNCED, CONFLICT: SYNCED, PUSH_REJECTED: REJECTED}


def save(conn: sqlite3.Connection, annotation_id: str, verdict: str, comment: str | None,
         reviewer_id: int | None, device_id: str | None) -> dict[str, Any]:  # fmt: skip
    revision = one(conn, "SELECT item_id FROM annotations WHERE id = ?", (annotation_id,))
    if revision is None:
        raise KeyError(f"unknown annotation {annotation_id}")
    review_id, now = uuid7(), now_iso()
    conn.execute(
        "INSERT INTO reviews (id, annotation_id, item_id, reviewer_id, verdict, comment, origin, state,"
        " client_time, device_id, created_at) VALUES (?, ?, ?, ?, ?, ?, 'local', ?, ?, ?, ?)",
        (review_id, annotation_id, revision["item_id"], reviewer_id, verdict, comment, QUEUED, now, device_id, now),
    )
    conn.execute("INSERT INTO review_outbox (review_id) VALUES (?)", (review_id,))
    return one(conn, "SELECT * FROM reviews WHERE id = ?", (review_id,))


def take_outbox(conn: sqlite3.Connection, limit: int, reviewer_id: int | None) -> list[ReviewRecord]:
    """The reviewer's oldest waiting reviews whose revision has been sent, marked ``sending``."""
    found = rows(
        conn,
        "SELECT r.* FROM review_outbox o JOIN reviews r ON r.id = o.review_id"
        " WHERE r.reviewer_id IS ? AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.annotation_id = r.annotation_id)"
        " ORDER BY o.seq LIMIT ?",
        (reviewer_id, limit),
    )
    conn.executemany("UPDATE reviews SET state = ? WHERE id = ?", [(SENDING, r["id"]) for r in found])
    return [
        ReviewRecord(r["id"], r["annotation_id"], r["item_id"], r["verdict"], r["comment"], r["client_time"],
                     r["device_id"])  # fmt: skip
        for r in found
    ]


def store_results(conn: sqlite3.Connection, results: list[PushResult]) -> int:
    """Store the answers for reviews in the outbox (others are ignored); returns how many."""
    ids = [r.id for r in results]
    waiting = {
        r[0]
        for r in conn.execute(
            "SELECT review_id FROM review_outbox WHERE review_id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
        )
    }
    answered = 0
    for result in results:
        if result.id not in waiting:
            continue
        waiting.discard(result.id)
        state = _STATE_FOR_ANSWER.get(result.status, REJECTED)
        conn.execute("UPDATE reviews SET state = ?, reason = ? WHERE id = ?",
                     (state, result.reason if state == REJECTED else None, result.id))  # fmt: skip
        conn.execute("DELETE FROM review_outbox WHERE review_id = ?", (result.id,))
        answered += 1
    return answered


def apply_from_feed(conn: sqlite3.Connection, record: ReviewRecord, seq: int) -> None:
    if conn.execute("SELECT 1 FROM reviews WHERE id = ?", (record.id,)).fetchone():
        conn.execute("UPDATE reviews SET feed_seq = coalesce(feed_seq, ?), received_at = ? WHERE id = ?",
                     (seq, record.received_at, record.id))  # fmt: skip
        return
    conn.execute(
        "INSERT INTO reviews (id, annotation_id, item_id, reviewer_id, verdict, comment, origin, state,"
        " client_time, device_id, received_at, feed_seq, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'server', ?, ?, ?, ?, ?, ?)",
        (record.id, record.annotation_id, record.item_id, record.reviewer_id, record.verdict, record.comment,
         SYNCED, record.client_time, record.device_id, record.received_at, seq, now_iso()),
    )  # fmt: skip


def outbox_count(conn: sqlite3.Connection, reviewer_id: int | None) -> int:
    if reviewer_id is None:
        return conn.execute("SELECT count(*) FROM review_outbox").fetchone()[0]
    return conn.execute(
        # the outbox outermost (CROSS JOIN), not every review this PC holds (accounts.outbox_count)
        "SELECT count(*) FROM review_outbox o CROSS JOIN reviews r ON r.id = o.review_id WHERE r.reviewer_id = ?",
        (reviewer_id,),
    ).fetchone()[0]


def latest_for_revision(conn: sqlite3.Connection, annotation_id: str) -> dict[str, Any] | None:
    """The newest verdict on a revision (ours unsent count as newest: they were made last)."""
    return one(
        conn,
        "SELECT * FROM reviews WHERE annotation_id = ? AND state != 'rejected'"
        " ORDER BY (feed_seq IS NULL) DESC, feed_seq DESC, created_at DESC LIMIT 1",
        (annotation_id,),
    )


# One row per item that has work: its current revision (the newest one stored normally:
# our unsent ones first, then the feed's order), the newest verdict on that revision, and
# whether an open conflict waits on the item. One query: a queue of 10,000 items.
_JUDGED_SQL = """
WITH heads AS (
    SELECT i.id AS item_id, i.name AS item_name, i.batch_id, i.order_id,
        (SELECT a.id FROM annotations a
         WHERE a.item_id = i.id AND a.server_status IS NULL AND a.state NOT IN ('rejected', 'conflict')
         ORDER BY (a.feed_seq IS NULL) DESC, a.feed_seq DESC, a.rev DESC LIMIT 1) AS annotation_id
    FROM items i WHERE (:order_id IS NULL OR i.order_id = :order_id){reviewed}
), judged AS (
    SELECT h.*, a.annotator_id, a.flag,
        (SELECT r.verdict || ':' || coalesce(r.comment, '') FROM reviews r
         WHERE r.annotation_id = h.annotation_id AND r.state != 'rejected'
         ORDER BY (r.feed_seq IS NULL) DESC, r.feed_seq DESC, r.created_at DESC LIMIT 1) AS verdict,
        EXISTS (SELECT 1 FROM annotations c WHERE c.item_id = h.item_id
                AND ((c.origin = 'server' AND c.server_status = 'conflict')
                     OR (c.origin = 'local' AND c.state = 'conflict' AND c.server_status IS NOT 'resolved'))) AS conflicted
    FROM heads h JOIN annotations a ON a.id = h.annotation_id
    WHERE (:annotator_id IS NULL OR a.annotator_id = :annotator_id)
)
"""
_JUDGED = _JUDGED_SQL.format(reviewed="")
_QUEUE = _JUDGED + "SELECT * FROM judged ORDER BY item_id"
# for counting verdicts: only items someone reviewed can have one, so their current revision
# is looked for on those alone (an annotator's PC with 100,000 items and few verdicts: 0.4 s → 1 ms)
_JUDGED_REVIEWED = _JUDGED_SQL.format(
    reviewed=" AND i.id IN (SELECT a.item_id FROM reviews r JOIN annotations a ON a.id = r.annotation_id)"
)
# the judged items only: the conflict test then runs on them, not on every item
_WITH_VERDICT = " FROM judged j WHERE (j.verdict LIKE 'accept:%' OR j.verdict LIKE 'reject:%')"


def queue_rows(conn: sqlite3.Connection, order_id: int | None, annotator_id: int | None) -> list[dict[str, Any]]:
    return rows(conn, _QUEUE, {"order_id": order_id, "annotator_id": annotator_id})


def verdict_counts(conn: sqlite3.Connection, order_id: int | None, annotator_id: int | None) -> tuple[int, int]:
    """(accepted, judged) over the items whose current revision has a verdict, an open
    conflict counting as neither: the queue's statuses, counted by SQLite, not in Python."""
    accepted, judged = conn.execute(
        _JUDGED_REVIEWED + "SELECT coalesce(sum(j.verdict LIKE 'accept:%'), 0), count(*)" + _WITH_VERDICT + " AND NOT j.conflicted",
        {"order_id": order_id, "annotator_id": annotator_id},
    ).fetchone()
    return accepted, judged


def items_first_saved(conn: sqlite3.Connection, annotator_id: int, today_iso: str, week_iso: str) -> tuple[int, int]:
    """How many items this annotator first saved since today's and this week's start (UTC ISO text)."""
    # only items saved this week can have been first saved this week: those are found by
    # time (index annotations_local_saved), then each one's first save, by item
    today, week = conn.execute(
        "SELECT coalesce(sum(first >= :today), 0), count(*) FROM (SELECT min(b.client_time) AS first"
        " FROM annotations b WHERE b.origin = 'local' AND b.annotator_id = :me AND b.item_id IN ("
        "  SELECT a.item_id FROM annotations a"
        "  WHERE a.origin = 'local' AND a.annotator_id = :me AND a.client_time >= :week)"
        " GROUP BY b.item_id HAVING first >= :week)",
        {"today": today_iso, "me": annotator_id, "week": week_iso},
    ).fetchone()
    return today, week


def rate_and_pay(conn: sqlite3.Connection, annotator_id: int, since_iso: str) -> tuple[int, int, int]:
    """(accepted, judged, cents) for this annotator in one pass over the queue: the rate as
    ``verdict_counts`` counts it (an open conflict is neither), and the price of each item
    whose current revision is theirs and whose newest verdict on it is an accept made since
    ``since_iso`` (a conflict opened later does not take back that pay)."""
    accepted, judged, cents = conn.execute(
        _JUDGED_REVIEWED + "SELECT coalesce(sum(NOT j.conflicted AND j.verdict LIKE 'accept:%'), 0),"
        " coalesce(sum(NOT j.conflicted), 0),"
        " coalesce(sum(CASE WHEN j.verdict LIKE 'accept:%' AND EXISTS ("
        "  SELECT 1 FROM reviews r WHERE r.annotation_id = j.annotation_id AND r.verdict = 'accept'"
        "  AND coalesce(r.received_at, r.created_at) >= :since)"
        " THEN coalesce((SELECT json_extract(o.data, '$.price_cents') FROM orders o WHERE o.id = j.order_id), 0)"
        " END), 0)" + _WITH_VERDICT,
        {"order_id": None, "annotator_id": annotator_id, "since": since_iso},
    ).fetchone()
    return accepted, judged, cents


def candidates(conn: sqlite3.Connection, item_id: int) -> list[dict[str, Any]]:
    """The item's current revision (first) and its open conflicts, oldest first."""
    head = conn.execute(
        "SELECT a.id FROM annotations a WHERE a.item_id = ? AND a.server_status IS NULL"
        " AND a.state NOT IN ('rejected', 'conflict')"
        " ORDER BY (a.feed_seq IS NULL) DESC, a.feed_seq DESC, a.rev DESC LIMIT 1",
        (item_id,),
    ).fetchone()
    found = rows(
        conn,
        "SELECT id, annotator_id, device_id, shapes, 0 AS is_head FROM annotations WHERE item_id = ?"
        " AND ((origin = 'server' AND server_status = 'conflict')"
        "      OR (origin = 'local' AND state = 'conflict' AND server_status IS NOT 'resolved'))"
        " ORDER BY coalesce(feed_seq, 9e18), rev",
        (item_id,),
    )
    if head is not None:
        found.insert(0, {**one(conn, "SELECT id, annotator_id, device_id, shapes FROM annotations WHERE id = ?",
                               (head[0],)), "is_head": 1})  # fmt: skip
    return found
