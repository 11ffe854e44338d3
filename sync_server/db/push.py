"""Storing pushed annotation revisions: the push rules of docs/interfaces.md.

``apply_push`` runs inside the caller's write transaction and answers every
record. It reads everything it needs in a few set-based queries, decides each
record in memory (in request order, so a later record sees an earlier one), and
writes with ``executemany``: a 500-record push is a handful of statements.
"""

from __future__ import annotations

import dataclasses
import functools
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, func, select, text

from sync_server.db.bulk import JSON_TEXT, execute_many, insert_many
from sync_server.db.clock import as_utc, to_iso, utc_now
from sync_server.db.entities import revision_status
from sync_server.db.feed import log_encoded_changes
from sync_server.db.feed_entities import revision_entity
from sync_server.db.locks import lock_items
from sync_server.db.reviews import apply_reviews
from sync_server.db.schemas import older_schemas
from sync_server.db.tables import annotations, batches, items, leases, orders
from sync_server.orders.leasing import LEASE_GRACE
from sync_server.protocol import (
    ACCEPTED,
    CHANGE_ANNOTATION,
    CONFLICT,
    CONFLICT_LATE,
    CONFLICT_LEASE_MOVED,
    CONFLICT_NOT_HEAD,
    CONFLICT_SCHEMA,
    DUPLICATE,
    MAX_FLAG_LENGTH,
    MAX_PUSH_RECORDS,
    MAX_QUOTED,
    MAX_SHAPES_PER_RECORD,
    REJECT_BAD_BASE_ID,
    REJECT_BAD_ID,
    REJECT_ID_REUSED,
    REJECT_LEASED_TO_OTHER,
    REJECT_NOT_IN_BATCH,
    REJECT_NOT_LEASED,
    REJECT_OUT_OF_RANGE,
    REJECT_TOO_LONG,
    REJECT_TOO_MANY_SHAPES,
    REJECT_UNKNOWN_ITEM,
    REJECT_UNKNOWN_SCHEMA,
    TASK_SHAPES,
    AnnotationRecord,
    Problem,
    PushResult,
    ReviewRecord,
    UserInfo,
    check_payload,
    check_shape,
    is_uuid,
    quoted,
    rejection,
    wrong_shape_kind,
)


def _content(item_id: int, base_id: str | None, shapes: list[dict], time_spent_ms: int, client_time: str | None,
             flag: str | None, ocr_cer: float | None):  # fmt: skip
    """What must match for a resent id to count as the same revision (floats normalised: 10 == 10.0)."""
    normal_shapes = [
        (s["kind"], s["label"], tuple(tuple(float(v) for v in p) for p in s["points"]), s.get("text")) for s in shapes
    ]
    return (item_id, base_id, normal_shapes, time_spent_ms, client_time, flag, None if ocr_cer is None else float(ocr_cer))


def _shape_dicts(record: AnnotationRecord) -> list[dict[str, Any]]:
    # by hand: dataclasses.asdict deep-copies, and is the slowest step of a big push
    return [
        {"kind": s.kind, "label": s.label, "points": s.points}
        if s.text is None
        else {"kind": s.kind, "label": s.label, "points": s.points, "text": s.text}
        for s in record.shapes
    ]


def _record_content(record: AnnotationRecord):
    return _content(record.item_id, record.base_id, _shape_dicts(record), record.time_spent_ms, record.client_time,
                    record.flag, record.ocr_cer)  # fmt: skip


def _row_content(row: dict[str, Any]):
    return _content(row["item_id"], row["base_id"], row["shapes"], row["time_spent_ms"], row["client_time"],
                    row["flag"], row["ocr_cer"])  # fmt: skip


_MAX_INT32 = 2**31 - 1
_MAX_CER = 1e6  # a suggestion far longer than the text: edits / characters, unbounded above; NaN fails
_MAX_INT64 = 2**63 - 1


class _PushContext:
    """Everything the rules look at, loaded once per request."""

    def __init__(self, conn: Connection, user: UserInfo, records: list[AnnotationRecord]) -> None:
        ids = [r.id for r in records if is_uuid(r.id)]  # no other id can be stored
        # ids past 64 bits cannot be ours; the database driver would refuse them outright
        item_ids = {r.item_id for r in records if 0 < r.item_id <= _MAX_INT64}
        self.stored = {
            row["id"]: dict(row)
            for row in conn.execute(select(annotations).where(annotations.c.id.in_(ids))).mappings()
        }
        item_query = select(
            items.c.id,
            items.c.batch_id,
            items.c.width,
            items.c.height,
            items.c.head_annotation_id,
            items.c.head_annotator_id,
            items.c.order_id,
            # code points on both engines (SQLite's length() of TEXT, PostgreSQL's of a UTF8 database);
            # texts never hold NUL, where SQLite's would stop (the import refuses it)
            func.coalesce(func.length(items.c.text), 0),
        ).where(items.c.id.in_(item_ids))
        keys = ("id", "batch_id", "width", "height", "head_annotation_id", "head_annotator_id", "order_id", "text_length")
        item_rows = [dict(zip(keys, row)) for row in conn.execute(item_query).all()]  # tuples: .mappings() cost more
        # each order's schema is decoded once, not once per item: it was ~40% of a push
        order_query = select(orders.c.id, orders.c.schema, orders.c.task_kind).where(
            orders.c.id.in_({row["order_id"] for row in item_rows}), orders.c.office_id == user.office_id
        )
        order_rows = {order_id: (schema, task_kind) for order_id, schema, task_kind in conn.execute(order_query)}
        self.items = {
            row["id"]: {**row, "schema": order_rows[row["order_id"]][0], "task_kind": order_rows[row["order_id"]][1]}
            for row in item_rows
            if row["order_id"] in order_rows
        }
        self.heads = {i: row["head_annotation_id"] for i, row in self.items.items()}
        self.label_sets: dict[int, set[str]] = {}  # id(schema) → its label names: built once, not per record
        # work made offline against an older label schema is checked against that version
        self.old_schemas = older_schemas(
            conn,
            (
                (item["order_id"], r.schema_version)
                for r in records
                if (item := self.items.get(r.item_id)) is not None
                and isinstance(r.schema_version, int)
                and 0 < r.schema_version <= _MAX_INT32  # the driver refuses wider ints; rejected later
                and r.schema_version != item["schema"]["version"]
            ),
        )
        batch_ids = {row["batch_id"] for row in self.items.values() if row["batch_id"] is not None}
        # (holder, lease end, end of its grace period): the time arithmetic done once per batch
        self.current_lease = {
            batch_id: (holder, until, None if until is None else as_utc(until) + LEASE_GRACE)
            for batch_id, holder, until in conn.execute(
                select(batches.c.id, batches.c.annotator_id, batches.c.lease_until).where(batches.c.id.in_(batch_ids))
            )
        }
        # everyone who ever held each batch reads its annotations in their feed
        self.lease_holders: dict[int, set[int]] = defaultdict(set)
        history = select(leases.c.batch_id, leases.c.annotator_id).where(leases.c.batch_id.in_(batch_ids)).distinct()
        for batch_id, annotator_id in conn.execute(history):
            self.lease_holders[batch_id].add(annotator_id)


def _reject_reason(ctx: _PushContext, user: UserInfo, record: AnnotationRecord) -> Problem | None:
    if not is_uuid(record.id):
        return Problem(REJECT_BAD_ID, f"id {quoted(record.id)} is not a UUID")
    if record.base_id is not None and not is_uuid(record.base_id):
        return Problem(REJECT_BAD_BASE_ID, f"base_id {quoted(record.base_id)} is not a UUID")
    if len(record.shapes) > MAX_SHAPES_PER_RECORD:
        return Problem(REJECT_TOO_MANY_SHAPES,
                       f"too many shapes: {len(record.shapes)}; a revision may hold at most {MAX_SHAPES_PER_RECORD}",
                       count=len(record.shapes), max=MAX_SHAPES_PER_RECORD)  # fmt: skip
    if not 0 <= record.time_spent_ms <= _MAX_INT32:
        return Problem(REJECT_OUT_OF_RANGE, "time_spent_ms is out of range", field="time_spent_ms")
    if record.schema_version is not None and not 0 < record.schema_version <= _MAX_INT32:
        return Problem(REJECT_OUT_OF_RANGE, "schema_version is out of range", field="schema_version")
    if record.client_time is not None and len(record.client_time) > 40:
        return Problem(REJECT_TOO_LONG, "client_time is longer than an ISO 8601 time", field="client_time", max=40)
    if record.device_id is not None and len(record.device_id) > 64:
        return Problem(REJECT_TOO_LONG, "device_id is longer than 64 characters", field="device_id", max=64)
    if record.flag is not None and len(record.flag) > MAX_FLAG_LENGTH:
        return Problem(REJECT_TOO_LONG, f"flag is longer than {MAX_FLAG_LENGTH} characters", field="flag",
                       max=MAX_FLAG_LENGTH)  # fmt: skip
    item = ctx.items.get(record.item_id)
    if item is None:
        return Problem(REJECT_UNKNOWN_ITEM, f"unknown item {quoted(record.item_id)}", item=record.item_id)
    batch_id = item["batch_id"]
    if record.batch_id is not None and record.batch_id != batch_id:
        return Problem(REJECT_NOT_IN_BATCH, f"item {record.item_id} is not in batch {quoted(record.batch_id)}",
                       item=record.item_id, batch=record.batch_id)  # fmt: skip
    if user.role == "annotator" and batch_id is None:
        return Problem(REJECT_NOT_LEASED, f"item {record.item_id} is in no batch leased to you", item=record.item_id)
    if user.role == "annotator" and user.id not in ctx.lease_holders[batch_id]:
        return Problem(REJECT_LEASED_TO_OTHER, f"batch {batch_id} is leased to another annotator", batch=batch_id)
    schema = _schema_of(ctx, item, record)
    if schema is None:
        current = item["schema"]["version"]
        return Problem(REJECT_UNKNOWN_SCHEMA,
                       f"label schema version {record.schema_version} is unknown for order {item['order_id']} "
                       f"(it is at version {current})",
                       version=record.schema_version, order=item["order_id"], current=current)  # fmt: skip
    labels = ctx.label_sets.get(id(schema))
    if labels is None:
        labels = ctx.label_sets[id(schema)] = {label["name"] for label in schema["labels"]}
    allowed = TASK_SHAPES.get(item["task_kind"], ())
    for index, shape in enumerate(record.shapes):
        if shape.kind not in allowed:  # said first: a box's size means nothing in an order of texts
            return wrong_shape_kind(index, shape.kind, item["task_kind"])
        problem = check_shape(shape, item["width"], item["height"], labels, item["text_length"])
        if problem is not None:
            return problem.at_shape(index)
    # type(): JSON's true is an int to isinstance, never a rate
    if record.ocr_cer is not None and not (type(record.ocr_cer) in (int, float) and 0 <= record.ocr_cer <= _MAX_CER):
        return Problem(REJECT_OUT_OF_RANGE, "ocr_cer is out of range", field="ocr_cer")
    return check_payload(item["task_kind"], record.shapes, schema, record.flag)


def _schema_of(ctx: _PushContext, item, record: AnnotationRecord) -> dict[str, Any] | None:
    """The label schema the record was made against (None: a version the server never had)."""
    current = item["schema"]
    if record.schema_version is None or record.schema_version == current["version"]:
        return current
    return ctx.old_schemas.get((item["order_id"], record.schema_version))


def _conflict(ctx: _PushContext, user: UserInfo, record: AnnotationRecord, now) -> tuple[str, str] | None:
    """(code, reason) when the record is kept but waits for a person, or None when it simply applies."""
    item = ctx.items[record.item_id]
    batch_id = item["batch_id"]
    if user.role == "annotator":
        holder, until, grace_end = ctx.current_lease.get(batch_id, (None, None, None))
        # a lease that ran out and went to someone else: late work is kept, but the lead decides
        if holder != user.id:
            moved = "was released by a lead" if holder is None else "went to another annotator"
            return CONFLICT_LEASE_MOVED, f"batch {batch_id} {moved} after your lease: kept, the lead decides"
        if grace_end is not None and now > grace_end:
            return CONFLICT_LATE, (f"batch {batch_id}'s lease ended {to_iso(until)} and its grace period has passed: "
                                   "kept as late work, the lead decides")  # fmt: skip
    head_id = ctx.heads[record.item_id]
    # whoever wrote either: one account on two PCs must not overwrite itself unseen (ADR 0014)
    if head_id is not None and head_id != record.base_id:
        return CONFLICT_NOT_HEAD, (f"item {record.item_id} has a newer revision ({head_id}) than the one this "
                                   "edit started from: both kept, the lead decides")  # fmt: skip
    current = item["schema"]
    if record.schema_version is not None and record.schema_version != current["version"]:
        names = {label["name"] for label in current["labels"]}
        gone = sorted({shape.label for shape in record.shapes} - names)
        if gone:
            # valid against its own version, but not against today's: a person maps it
            return CONFLICT_SCHEMA, (f"made against label schema v{record.schema_version}; the order is now at "
                                     f"v{current['version']}, without {', '.join(repr(g) for g in gone)}: "
                                     "kept, the lead decides")  # fmt: skip
    return None


def apply_push(
    conn: Connection, user: UserInfo, records: list[AnnotationRecord], review_records: Sequence[ReviewRecord] = ()
) -> list[PushResult]:
    """Store what may be stored; one answer per record, in order: the annotations, then
    the reviews (so a lead's correction and its accept can travel together)."""
    if len(records) + len(review_records) > MAX_PUSH_RECORDS:
        raise ValueError(f"at most {MAX_PUSH_RECORDS} records per push")
    # PostgreSQL: the items this push may write are locked before anything is read, so a
    # push racing this one on the same item waits and then sees its head (sync_server.db.locks)
    lock_items(conn, [r.item_id for r in records] + [r.item_id for r in review_records])
    results = _apply_annotations(conn, user, records) if records else []
    return results + apply_reviews(conn, user, list(review_records))


def _canonical(record: AnnotationRecord) -> AnnotationRecord:
    """Ids in lower case, before any lookup: the same UUID in upper case is not another revision."""
    lower_id = record.id.lower() if isinstance(record.id, str) else record.id
    lower_base = record.base_id.lower() if isinstance(record.base_id, str) else record.base_id
    if lower_id == record.id and lower_base == record.base_id:
        return record
    return dataclasses.replace(record, id=lower_id, base_id=lower_base)


def _apply_annotations(conn: Connection, user: UserInfo, records: list[AnnotationRecord]) -> list[PushResult]:
    records = [_canonical(record) for record in records]
    ctx = _PushContext(conn, user, records)
    now = utc_now()
    results: list[PushResult] = []
    new_rows: list[dict[str, Any]] = []
    head_updates: dict[int, tuple[str, int]] = {}
    for record in records:
        earlier = ctx.stored.get(record.id)
        if earlier is not None:
            try:
                same = earlier["annotator_id"] == user.id and _row_content(earlier) == _record_content(record)
            except (TypeError, ValueError, OverflowError):  # points that are not numbers cannot be the same content
                same = False
            if same and earlier["conflict"]:
                # a replay gets the answer the first push got: a lost "conflict" stays one
                results.append(PushResult(record.id, CONFLICT, earlier["conflict_reason"], earlier["conflict_code"]))
            elif same:
                results.append(PushResult(record.id, DUPLICATE))
            else:
                results.append(rejection(record.id, Problem(REJECT_ID_REUSED, "id reused for different content")))
            continue
        problem = _reject_reason(ctx, user, record)
        if problem is not None:
            # an id that is no UUID goes back cut short: a 1 MB one must not come back whole
            results.append(rejection(record.id if is_uuid(record.id) else record.id[:MAX_QUOTED], problem))
            continue
        why_conflict = _conflict(ctx, user, record, now)
        conflict = why_conflict is not None
        code, reason = why_conflict or (None, None)
        item = ctx.items[record.item_id]
        row = {
            "id": record.id,
            "item_id": record.item_id,
            "batch_id": item["batch_id"],
            "annotator_id": user.id,
            "base_id": record.base_id,
            "shapes": _shape_dicts(record),
            "schema_version": record.schema_version or item["schema"]["version"],
            "time_spent_ms": record.time_spent_ms,
            "client_time": record.client_time,
            "received_at": now,
            "conflict": conflict,
            "conflict_code": code,
            "conflict_reason": reason,
            "device_id": record.device_id,
            "resolved_by": None,
            "resolved_at": None,
            "flag": record.flag,
            "ocr_cer": None if record.ocr_cer is None else float(record.ocr_cer),
        }
        new_rows.append(row)
        ctx.stored[record.id] = row
        if not conflict:
            ctx.heads[record.item_id] = record.id
            head_updates[record.item_id] = (record.id, user.id)
        results.append(PushResult(record.id, CONFLICT, reason, code) if conflict else PushResult(record.id, ACCEPTED))
    if new_rows:
        _write(conn, user, ctx, new_rows, head_updates)
    return results


# ``shapes`` bound as text we encoded: the same text is spliced into the feed rows
_INSERT_ANNOTATION = annotations.insert().values(shapes=bindparam("shapes_json", type_=JSON_TEXT))
_ANNOTATION_COLUMNS = tuple(c.name for c in annotations.columns if c.name != "shapes")
_ANNOTATION_KEYS = (*_ANNOTATION_COLUMNS, "shapes_json")
_UPDATE_HEAD = (
    items.update()
    .where(items.c.id == bindparam("b_item"))
    .values(head_annotation_id=bindparam("b_head"), head_annotator_id=bindparam("b_by"))
)


# PostgreSQL: one statement for all of a push's heads (one UPDATE per item was a round
# trip each); the arrays are bound parameters, never spliced text
_UPDATE_HEADS_PG = text(
    "UPDATE items SET head_annotation_id = v.head, head_annotator_id = v.by "
    "FROM unnest(CAST(:item_ids AS BIGINT[]), CAST(:heads AS VARCHAR[]), CAST(:bys AS BIGINT[])) AS v(item, head, by) "
    "WHERE items.id = v.item"
)


def _update_heads(conn: Connection, head_updates: dict[int, tuple[str, int]]) -> None:
    if not head_updates:
        return
    if conn.dialect.name == "postgresql":
        heads = list(head_updates.values())
        conn.execute(_UPDATE_HEADS_PG, {"item_ids": list(head_updates), "heads": [h for h, _ in heads],
                                        "bys": [b for _, b in heads]})  # fmt: skip
        return
    execute_many(conn, _UPDATE_HEAD, ("b_item", "b_head", "b_by"),
                 [(item, head, by) for item, (head, by) in head_updates.items()])  # fmt: skip


def _write(conn: Connection, user: UserInfo, ctx: _PushContext, new_rows, head_updates) -> None:
    # each annotation's shapes are JSON-encoded once (orjson), and its feed event once for
    # all its readers: encoding was the largest cost of a big push. Readers parse the text,
    # so its spacing and escaping need not be what the JSON column would write itself.
    shapes_texts = [_dumps(row["shapes"]) for row in new_rows]
    insert_many(
        conn,
        _INSERT_ANNOTATION,
        _ANNOTATION_KEYS,
        [(*[row[name] for name in _ANNOTATION_COLUMNS], text) for row, text in zip(new_rows, shapes_texts)],
        (*_ANNOTATION_COLUMNS, "shapes"),
    )
    _update_heads(conn, head_updates)
    entries = []
    for row, shapes_text in zip(new_rows, shapes_texts):
        data = feed_json(row, shapes_text)
        entity = revision_entity(row["id"], row["item_id"], row["annotator_id"], row["conflict"])
        entries.append((CHANGE_ANNOTATION, data, None, entity))
        entries.extend(
            (CHANGE_ANNOTATION, data, holder, entity) for holder in sorted(ctx.lease_holders[row["batch_id"]])
        )
    log_encoded_changes(conn, user.office_id, entries)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


@functools.lru_cache(maxsize=4)
def _iso(moment: datetime) -> str:
    return to_iso(moment)  # a push stamps one time on all its rows: formatted once


def feed_json(row: dict[str, Any], shapes_text: str | None = None) -> str:
    """The JSON text of the wire form of AnnotationRecord, with what the server filled in,
    keys in wire order, with the already-encoded shapes spliced in (the costly part)."""
    if shapes_text is None:
        shapes_text = _dumps(row["shapes"])
    head = _dumps({"id": row["id"], "item_id": row["item_id"], "batch_id": row["batch_id"], "base_id": row["base_id"]})
    tail = {
        "time_spent_ms": row["time_spent_ms"],
        "client_time": row["client_time"],
        "annotator_id": row["annotator_id"],
        "received_at": _iso(row["received_at"]),
        "schema_version": row["schema_version"],
    }
    if row["device_id"] is not None:
        tail["device_id"] = row["device_id"]
    if row["conflict"]:
        tail["status"] = revision_status(row)
    if row["flag"] is not None:
        tail["flag"] = row["flag"]
    if row.get("ocr_cer") is not None:  # rows a conflict's resolution makes have none
        cer = row["ocr_cer"]
        tail["ocr_cer"] = int(cer) if cer.is_integer() else cer  # as to_wire writes a whole float
    return f'{head[:-1]},"shapes":{shapes_text},{_dumps(tail)[1:]}'


def missing_revisions(conn: Connection, user: UserInfo, ids: list[str]) -> list[str]:
    """The ids (of well-formed ones, in the order given) this server holds no revision for,
    among those this user may know of: their office's. Reconciliation after a restore."""
    wanted = [i for i in dict.fromkeys(i.lower() for i in ids if isinstance(i, str)) if is_uuid(i)]
    if not wanted:
        return []
    have = set(
        conn.execute(
            select(annotations.c.id)
            .join(items, items.c.id == annotations.c.item_id)
            .join(orders, orders.c.id == items.c.order_id)
            .where(annotations.c.id.in_(wanted), orders.c.office_id == user.office_id)
        ).scalars()
    )
    return [i for i in wanted if i not in have]
