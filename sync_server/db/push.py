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
from operator import itemgetter
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
    SHAPE_BOX,
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
_EXACT_INT = 2**53  # as check_shape: past this a number is not exact for every JSON reader


# the context's queries, built once: a 500-id IN list is one expanding bind, not 500 new clauses
_IDS = bindparam("ids", expanding=True)
_STORED_QUERY = select(annotations).where(annotations.c.id.in_(_IDS))
_ITEM_QUERY = select(
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
).where(items.c.id.in_(_IDS))
_ITEM_KEYS = ("id", "batch_id", "width", "height", "head_annotation_id", "head_annotator_id", "order_id", "text_length")
_ORDER_QUERY = select(orders.c.id, orders.c.schema, orders.c.task_kind).where(
    orders.c.id.in_(_IDS), orders.c.office_id == bindparam("office_id")
)
_BATCH_QUERY = select(batches.c.id, batches.c.annotator_id, batches.c.lease_until).where(batches.c.id.in_(_IDS))
_HOLDERS_QUERY = select(leases.c.batch_id, leases.c.annotator_id).where(leases.c.batch_id.in_(_IDS)).distinct()


class _PushContext:
    """Everything the rules look at, loaded once per request."""

    def __init__(self, conn: Connection, user: UserInfo, records: list[AnnotationRecord]) -> None:
        ids = [r.id for r in records if is_uuid(r.id)]  # no other id can be stored
        # ids past 64 bits cannot be ours; the database driver would refuse them outright
        item_ids = list({r.item_id for r in records if 0 < r.item_id <= _MAX_INT64})
        self.stored = {row["id"]: dict(row) for row in conn.execute(_STORED_QUERY, {"ids": ids}).mappings()}
        item_rows = conn.execute(_ITEM_QUERY, {"ids": item_ids}).all()  # tuples: .mappings() cost more
        # each order's schema is decoded once, not once per item: it was ~40% of a push; its
        # label names and the shape kinds its task takes are worked out once per order too
        order_ids = list({row[6] for row in item_rows})
        order_rows = {
            order_id: {"schema": schema, "task_kind": task_kind, "labels": {label["name"] for label in schema["labels"]},
                       "allowed": TASK_SHAPES.get(task_kind, ())}  # fmt: skip
            for order_id, schema, task_kind in conn.execute(_ORDER_QUERY, {"ids": order_ids, "office_id": user.office_id})
        }
        self.items = {}
        for row in item_rows:
            order = order_rows.get(row[6])
            if order is not None:
                item = self.items[row[0]] = dict(zip(_ITEM_KEYS, row))
                item.update(order)
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
        batch_ids = list({row["batch_id"] for row in self.items.values() if row["batch_id"] is not None})
        # (holder, lease end, end of its grace period): the time arithmetic done once per batch
        self.current_lease = {
            batch_id: (holder, until, None if until is None else as_utc(until) + LEASE_GRACE)
            for batch_id, holder, until in conn.execute(_BATCH_QUERY, {"ids": batch_ids})
        }
        # everyone who ever held each batch reads its annotations in their feed
        self.lease_holders: dict[int, set[int]] = defaultdict(set)
        for batch_id, annotator_id in conn.execute(_HOLDERS_QUERY, {"ids": batch_ids}):
            self.lease_holders[batch_id].add(annotator_id)


def _reject_reason(ctx: _PushContext, user: UserInfo, record: AnnotationRecord) -> Problem | None:
    # runs for every record of every push: each field is read once, into a local
    record_id, base_id, shapes = record.id, record.base_id, record.shapes
    if not is_uuid(record_id):
        return Problem(REJECT_BAD_ID, f"id {quoted(record_id)} is not a UUID")
    if base_id is not None and not is_uuid(base_id):
        return Problem(REJECT_BAD_BASE_ID, f"base_id {quoted(base_id)} is not a UUID")
    if len(shapes) > MAX_SHAPES_PER_RECORD:
        return Problem(REJECT_TOO_MANY_SHAPES,
                       f"too many shapes: {len(shapes)}; a revision may hold at most {MAX_SHAPES_PER_RECORD}",
                       count=len(shapes), max=MAX_SHAPES_PER_RECORD)  # fmt: skip
    if not 0 <= record.time_spent_ms <= _MAX_INT32:
        return Problem(REJECT_OUT_OF_RANGE, "time_spent_ms is out of range", field="time_spent_ms")
    schema_version = record.schema_version
    if schema_version is not None and not 0 < schema_version <= _MAX_INT32:
        return Problem(REJECT_OUT_OF_RANGE, "schema_version is out of range", field="schema_version")
    if record.client_time is not None and len(record.client_time) > 40:
        return Problem(REJECT_TOO_LONG, "client_time is longer than an ISO 8601 time", field="client_time", max=40)
    if record.device_id is not None and len(record.device_id) > 64:
        return Problem(REJECT_TOO_LONG, "device_id is longer than 64 characters", field="device_id", max=64)
    flag = record.flag
    if flag is not None and len(flag) > MAX_FLAG_LENGTH:
        return Problem(REJECT_TOO_LONG, f"flag is longer than {MAX_FLAG_LENGTH} characters", field="flag",
                       max=MAX_FLAG_LENGTH)  # fmt: skip
    item_id = record.item_id
    item = ctx.items.get(item_id)
    if item is None:
        return Problem(REJECT_UNKNOWN_ITEM, f"unknown item {quoted(item_id)}", item=item_id)
    batch_id = item["batch_id"]
    if record.batch_id is not None and record.batch_id != batch_id:
        return Problem(REJECT_NOT_IN_BATCH, f"item {item_id} is not in batch {quoted(record.batch_id)}",
                       item=item_id, batch=record.batch_id)  # fmt: skip
    if user.role == "annotator":
        if batch_id is None:
            return Problem(REJECT_NOT_LEASED, f"item {item_id} is in no batch leased to you", item=item_id)
        if user.id not in ctx.lease_holders[batch_id]:
            return Problem(REJECT_LEASED_TO_OTHER, f"batch {batch_id} is leased to another annotator", batch=batch_id)
    schema = item["schema"]
    if schema_version is None or schema_version == schema["version"]:
        labels = item["labels"]  # the current schema's, worked out once per order
    else:
        schema = ctx.old_schemas.get((item["order_id"], schema_version))
        if schema is None:
            current = item["schema"]["version"]
            return Problem(REJECT_UNKNOWN_SCHEMA,
                           f"label schema version {schema_version} is unknown for order {item['order_id']} "
                           f"(it is at version {current})",
                           version=schema_version, order=item["order_id"], current=current)  # fmt: skip
        labels = ctx.label_sets.get(id(schema))
        if labels is None:
            labels = ctx.label_sets[id(schema)] = {label["name"] for label in schema["labels"]}
    allowed, task_kind = item["allowed"], item["task_kind"]
    width, height = item["width"], item["height"]
    for index, shape in enumerate(shapes):
        kind = shape.kind
        if kind not in allowed:  # said first: a box's size means nothing in an order of texts
            return wrong_shape_kind(index, kind, task_kind)
        if kind == SHAPE_BOX and shape.label in labels:
            # check_shape's own first test, here without a call: a known label and two pairs
            # of plain numbers inside the image with a positive size. Anything else, NaN
            # included (it fails every comparison), goes to check_shape for its reason.
            pts = shape.points
            if len(pts) == 2:
                p, q = pts
                if type(p) is list and type(q) is list and len(p) == 2 and len(q) == 2:
                    (x1, y1), (x2, y2) = p, q
                    if (
                        (type(x1) is float or type(x1) is int)
                        and (type(y1) is float or type(y1) is int)
                        and (type(x2) is float or type(x2) is int)
                        and (type(y2) is float or type(y2) is int)
                        and 0 <= x1 < x2 <= width <= _EXACT_INT
                        and 0 <= y1 < y2 <= height <= _EXACT_INT
                    ):
                        continue
        problem = check_shape(shape, width, height, labels, item["text_length"])
        if problem is not None:
            return problem.at_shape(index)
    # type(): JSON's true is an int to isinstance, never a rate
    ocr_cer = record.ocr_cer
    if ocr_cer is not None and not (type(ocr_cer) in (int, float) and 0 <= ocr_cer <= _MAX_CER):
        return Problem(REJECT_OUT_OF_RANGE, "ocr_cer is out of range", field="ocr_cer")
    return check_payload(task_kind, shapes, schema, flag)


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
    record_id, base_id = record.id, record.base_id
    # the usual record (ids as clients write them) is returned at one test; islower() is
    # also False for a str without letters, which then takes the full check
    if type(record_id) is str and record_id.islower() and (base_id is None or (type(base_id) is str and base_id.islower())):
        return record
    lower_id = record_id.lower() if isinstance(record_id, str) else record_id
    lower_base = base_id.lower() if isinstance(base_id, str) else base_id
    if lower_id == record_id and lower_base == base_id:
        return record
    return dataclasses.replace(record, id=lower_id, base_id=lower_base)


def _apply_annotations(conn: Connection, user: UserInfo, records: list[AnnotationRecord]) -> list[PushResult]:
    records = [_canonical(record) for record in records]
    ctx = _PushContext(conn, user, records)
    now = utc_now()
    results: list[PushResult] = []
    new_rows: list[dict[str, Any]] = []
    head_updates: dict[int, tuple[str, int]] = {}
    answer, keep = results.append, new_rows.append  # this loop runs for every record of every push
    stored, items_of, heads = ctx.stored, ctx.items, ctx.heads
    user_id = user.id
    for record in records:
        record_id = record.id
        earlier = stored.get(record_id)
        if earlier is not None:
            try:
                same = earlier["annotator_id"] == user_id and _row_content(earlier) == _record_content(record)
            except (TypeError, ValueError, OverflowError):  # points that are not numbers cannot be the same content
                same = False
            if same and earlier["conflict"]:
                # a replay gets the answer the first push got: a lost "conflict" stays one
                answer(PushResult(record_id, CONFLICT, earlier["conflict_reason"], earlier["conflict_code"]))
            elif same:
                answer(PushResult(record_id, DUPLICATE))
            else:
                answer(rejection(record_id, Problem(REJECT_ID_REUSED, "id reused for different content")))
            continue
        problem = _reject_reason(ctx, user, record)
        if problem is not None:
            # an id that is no UUID goes back cut short: a 1 MB one must not come back whole
            answer(rejection(record_id if is_uuid(record_id) else record_id[:MAX_QUOTED], problem))
            continue
        why_conflict = _conflict(ctx, user, record, now)
        item_id = record.item_id
        item = items_of[item_id]
        ocr_cer = record.ocr_cer
        row = {
            "id": record_id,
            "item_id": item_id,
            "batch_id": item["batch_id"],
            "annotator_id": user_id,
            "base_id": record.base_id,
            "shapes": _shape_dicts(record),
            "schema_version": record.schema_version or item["schema"]["version"],
            "time_spent_ms": record.time_spent_ms,
            "client_time": record.client_time,
            "received_at": now,
            "conflict": why_conflict is not None,
            "conflict_code": None,
            "conflict_reason": None,
            "device_id": record.device_id,
            "resolved_by": None,
            "resolved_at": None,
            "flag": record.flag,
            "ocr_cer": None if ocr_cer is None else float(ocr_cer),
        }
        keep(row)
        stored[record_id] = row
        if why_conflict is None:
            heads[item_id] = record_id
            head_updates[item_id] = (record_id, user_id)
            answer(PushResult(record_id, ACCEPTED))
        else:
            code, reason = why_conflict
            row["conflict_code"], row["conflict_reason"] = code, reason
            answer(PushResult(record_id, CONFLICT, reason, code))
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
    # keys in the order the SQL binds them (SET …, WHERE id): the rows go to the driver as they are
    execute_many(conn, _UPDATE_HEAD, ("b_head", "b_by", "b_item"),
                 [(head, by, item) for item, (head, by) in head_updates.items()])  # fmt: skip


_ANNOTATION_VALUES = itemgetter(*_ANNOTATION_COLUMNS)  # a row dict's values in column order, at C speed


def _write(conn: Connection, user: UserInfo, ctx: _PushContext, new_rows, head_updates) -> None:
    # each annotation's shapes are JSON-encoded once (orjson), and its feed event once for
    # all its readers: encoding was the largest cost of a big push. Readers parse the text,
    # so its spacing and escaping need not be what the JSON column would write itself.
    shapes_texts = [orjson.dumps(row["shapes"]).decode() for row in new_rows]
    insert_many(
        conn,
        _INSERT_ANNOTATION,
        _ANNOTATION_KEYS,
        [(*_ANNOTATION_VALUES(row), text) for row, text in zip(new_rows, shapes_texts)],
        (*_ANNOTATION_COLUMNS, "shapes"),
    )
    _update_heads(conn, head_updates)
    entries = []
    append, extend = entries.append, entries.extend
    readers: dict[int | None, list[int]] = {}  # batch id → its lease holders, sorted once per batch
    for row, shapes_text in zip(new_rows, shapes_texts):
        data = feed_json(row, shapes_text)
        entity = revision_entity(row["id"], row["item_id"], row["annotator_id"], row["conflict"])
        append((CHANGE_ANNOTATION, data, None, entity))
        batch_id = row["batch_id"]
        holders = readers.get(batch_id)
        if holders is None:
            holders = readers[batch_id] = sorted(ctx.lease_holders[batch_id])
        extend((CHANGE_ANNOTATION, data, holder, entity) for holder in holders)
    log_encoded_changes(conn, user.office_id, entries)


@functools.lru_cache(maxsize=4)
def _iso(moment: datetime) -> str:
    return to_iso(moment)  # a push stamps one time on all its rows: formatted once


def feed_json(row: dict[str, Any], shapes_text: str | None = None) -> str:
    """The JSON text of the wire form of AnnotationRecord, with what the server filled in,
    keys in wire order, with the already-encoded shapes put in as they are (the costly part)."""
    data = {
        "id": row["id"],
        "item_id": row["item_id"],
        "batch_id": row["batch_id"],
        "base_id": row["base_id"],
        # orjson writes a Fragment's text as it is: the shapes are not encoded again
        "shapes": orjson.Fragment(shapes_text) if shapes_text is not None else row["shapes"],
        "time_spent_ms": row["time_spent_ms"],
        "client_time": row["client_time"],
        "annotator_id": row["annotator_id"],
        "received_at": _iso(row["received_at"]),
        "schema_version": row["schema_version"],
    }
    if row["device_id"] is not None:
        data["device_id"] = row["device_id"]
    if row["conflict"]:
        data["status"] = revision_status(row)
    if row["flag"] is not None:
        data["flag"] = row["flag"]
    cer = row.get("ocr_cer")  # rows a conflict's resolution makes have none
    if cer is not None:
        data["ocr_cer"] = int(cer) if cer.is_integer() else cer  # as to_wire writes a whole float
    return orjson.dumps(data).decode()


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
