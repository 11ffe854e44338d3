"""Storing a lead's review verdicts, pushed like annotations (the review loop, issue 7).

``apply_reviews`` runs in the push's write transaction, after the push's annotations,
so a lead's correction (a new revision) and its accept can travel in one request.
Each review answers once: stored → accepted; the same id and content again →
duplicate; anything that cannot be a lead's verdict on a stored revision → rejected.
A verdict on the item's current head sets the item's review columns; one on an older
revision is kept as history (the annotator has since sent a fix, which waits for review).
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from sync_server.db.clock import to_iso, utc_now
from sync_server.db.feed import log_encoded_changes
from sync_server.db.feed_entities import review_entity
from sync_server.db.tables import annotations, items, leases, orders, reviews
from sync_server.protocol import (
    ACCEPTED,
    CHANGE_REVIEW,
    DUPLICATE,
    MAX_QUOTED,
    MAX_REVIEW_COMMENT,
    REJECT_BAD_ID,
    REJECT_COMMENT_MISSING,
    REJECT_ID_REUSED,
    REJECT_NOT_ON_ITEM,
    REJECT_NOT_REVIEWER,
    REJECT_OPEN_CONFLICT,
    REJECT_TOO_LONG,
    REJECT_UNKNOWN_ANNOTATION,
    REJECT_UNKNOWN_VERDICT,
    VERDICTS,
    Problem,
    PushResult,
    ReviewRecord,
    UserInfo,
    is_uuid,
    quoted,
    rejection,
)

_REVIEWERS = ("lead", "admin")


def _same(row: dict[str, Any], record: ReviewRecord, user: UserInfo) -> bool:
    return (row["reviewer_id"], row["annotation_id"], row["item_id"], row["verdict"], row["comment"]) == (
        user.id, record.annotation_id, record.item_id, record.verdict, record.comment,
    )  # fmt: skip


def _reject_reason(record: ReviewRecord, user: UserInfo, revision: dict[str, Any] | None) -> Problem | None:
    if user.role not in _REVIEWERS:
        return Problem(REJECT_NOT_REVIEWER, "only a lead or an admin can review")
    if not is_uuid(record.id):
        return Problem(REJECT_BAD_ID, f"id {quoted(record.id)} is not a UUID")
    if record.verdict not in VERDICTS:
        return Problem(REJECT_UNKNOWN_VERDICT,
                       f"unknown verdict {quoted(record.verdict)}; one of {', '.join(VERDICTS)}",
                       verdict=record.verdict)  # fmt: skip
    if record.comment is not None and len(record.comment) > MAX_REVIEW_COMMENT:
        return Problem(REJECT_TOO_LONG, f"the comment is longer than {MAX_REVIEW_COMMENT} characters",
                       field="comment", max=MAX_REVIEW_COMMENT)  # fmt: skip
    if record.verdict == "reject" and not (record.comment or "").strip():
        return Problem(REJECT_COMMENT_MISSING, "a rejection needs a comment that tells the annotator what to fix")
    if record.client_time is not None and len(record.client_time) > 40:
        return Problem(REJECT_TOO_LONG, "client_time is longer than an ISO 8601 time", field="client_time", max=40)
    if record.device_id is not None and len(record.device_id) > 64:
        return Problem(REJECT_TOO_LONG, "device_id is longer than 64 characters", field="device_id", max=64)
    if revision is None or revision["office_id"] != user.office_id:
        return Problem(REJECT_UNKNOWN_ANNOTATION, f"unknown annotation {quoted(record.annotation_id)}")
    if revision["item_id"] != record.item_id:
        return Problem(REJECT_NOT_ON_ITEM, f"annotation {record.annotation_id} is not on item {quoted(record.item_id)}",
                       item=record.item_id)  # fmt: skip
    if revision["conflict"] and revision["resolved_at"] is None:
        return Problem(REJECT_OPEN_CONFLICT, "this revision is an open conflict: resolve the conflict first")
    return None


def _canonical(record: ReviewRecord) -> ReviewRecord:
    """Ids in lower case, before any lookup: the same UUID in upper case is not another review."""
    lower_id = record.id.lower() if isinstance(record.id, str) else record.id
    lower_annotation = record.annotation_id.lower() if isinstance(record.annotation_id, str) else record.annotation_id
    if lower_id == record.id and lower_annotation == record.annotation_id:
        return record
    return dataclasses.replace(record, id=lower_id, annotation_id=lower_annotation)


def apply_reviews(conn: Connection, user: UserInfo, records: list[ReviewRecord]) -> list[PushResult]:
    """Store what may be stored; one answer per review, in order (caller's transaction,
    which has locked the reviewed items: ``apply_push`` does)."""
    if not records:
        return []
    records = [_canonical(record) for record in records]
    ids = [r.id for r in records if is_uuid(r.id)]  # no other id can be stored
    stored = {row["id"]: dict(row) for row in conn.execute(select(reviews).where(reviews.c.id.in_(ids))).mappings()}
    wanted = {r.annotation_id for r in records if is_uuid(r.annotation_id)}
    revisions = {
        row["id"]: dict(row)
        for row in conn.execute(
            select(annotations.c.id, annotations.c.item_id, annotations.c.conflict, annotations.c.resolved_at,
                   items.c.batch_id, items.c.head_annotation_id, orders.c.office_id)  # fmt: skip
            .join(items, items.c.id == annotations.c.item_id)
            .join(orders, orders.c.id == items.c.order_id)
            .where(annotations.c.id.in_(wanted))
        ).mappings()
    }
    now = utc_now()
    results, new_rows = [], []
    for record in records:
        earlier = stored.get(record.id)
        if earlier is not None:
            same = _same(earlier, record, user)
            reused = Problem(REJECT_ID_REUSED, "id reused for different content")
            results.append(PushResult(record.id, DUPLICATE) if same else rejection(record.id, reused))
            continue
        revision = revisions.get(record.annotation_id)
        problem = _reject_reason(record, user, revision)
        if problem is not None:
            # an id that is no UUID goes back cut short: a 1 MB one must not come back whole
            answer_id = record.id if is_uuid(record.id) else str(record.id)[:MAX_QUOTED]
            results.append(rejection(answer_id, problem))
            continue
        row = {
            "id": record.id, "annotation_id": record.annotation_id, "item_id": record.item_id,
            "reviewer_id": user.id, "verdict": record.verdict, "comment": record.comment,
            "client_time": record.client_time, "device_id": record.device_id, "received_at": now,
        }  # fmt: skip
        new_rows.append((row, revision))
        stored[record.id] = row
        results.append(PushResult(record.id, ACCEPTED))
    if new_rows:
        _write(conn, user, new_rows)
    return results


def _write(conn: Connection, user: UserInfo, new_rows: list[tuple[dict[str, Any], dict[str, Any]]]) -> None:
    conn.execute(reviews.insert(), [row for row, _ in new_rows])
    for row, revision in new_rows:
        if revision["head_annotation_id"] == row["annotation_id"]:  # a verdict on what the item holds now
            conn.execute(
                items.update()
                .where(items.c.id == row["item_id"])
                .values(review_verdict=row["verdict"], review_annotation_id=row["annotation_id"],
                        reviewer_id=user.id, reviewed_at=row["received_at"])  # fmt: skip
            )
    batch_ids = {revision["batch_id"] for _, revision in new_rows if revision["batch_id"] is not None}
    holders: dict[int, set[int]] = defaultdict(set)
    query = select(leases.c.batch_id, leases.c.annotator_id).where(leases.c.batch_id.in_(batch_ids)).distinct()
    for batch_id, annotator_id in conn.execute(query):
        holders[batch_id].add(annotator_id)
    entries = []
    for row, revision in new_rows:
        data = json.dumps(review_wire(row))
        entity = review_entity(row["item_id"], revision["head_annotation_id"] == row["annotation_id"])
        entries.append((CHANGE_REVIEW, data, None, entity))  # the office: every lead's PC
        # the annotators of the batch: a rejection comes back to its author with the comment
        entries.extend((CHANGE_REVIEW, data, holder, entity) for holder in sorted(holders[revision["batch_id"]]))
    log_encoded_changes(conn, user.office_id, entries)


def review_wire(row: dict[str, Any]) -> dict[str, Any]:
    """The feed's form of a stored review (``to_wire(ReviewRecord)`` with what the server filled in)."""
    wire = {"id": row["id"], "annotation_id": row["annotation_id"], "item_id": row["item_id"],
            "verdict": row["verdict"], "reviewer_id": row["reviewer_id"],
            "received_at": to_iso(row["received_at"])}  # fmt: skip
    for key in ("comment", "client_time", "device_id"):
        if row[key] is not None:
            wire[key] = row[key]
    return wire
