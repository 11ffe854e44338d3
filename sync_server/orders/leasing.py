"""Leasing a batch to an annotator, and telling their change feed about it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from sync_server.db.clock import utc_now
from sync_server.db.entities import load_batch, load_batch_items, load_item_annotations, load_order
from sync_server.db.feed import log_changes
from sync_server.db.tables import batches, certificates, items, leases, orders, users
from sync_server.protocol import (
    CHANGE_ANNOTATION,
    CHANGE_BATCH,
    CHANGE_ITEM,
    CHANGE_ORDER,
    AnnotationRecord,
    to_wire,
)


# ADR 0016: work an annotator syncs after their lease ran out still counts as theirs for
# this long (the link may have been down); after it, it is kept as late work for the lead
LEASE_GRACE = timedelta(hours=48)


class LeaseError(ValueError):
    pass


class OverlapSameAnnotator(LeaseError):
    """The batch holds a copy of an item the annotator has (or had) another copy of: the
    k answers of an overlap item must come from k people (ADR 0026)."""

    code = "overlap_same_annotator"

    def __init__(self, batch_id: int, annotator_id: int, other_batch_id: int) -> None:
        super().__init__(
            f"batch {batch_id} holds copies of items that user {annotator_id} already has in batch "
            f"{other_batch_id} (this order asks several annotators per item, and each copy must go to "
            "a different person): give it to someone else"
        )
        self.batch_id, self.annotator_id, self.other_batch_id = batch_id, annotator_id, other_batch_id


class NotCertified(LeaseError):
    """The order leases only to annotators certified for its task kind (ADR 0027)."""

    code = "certification_required"

    def __init__(self, annotator_id: int, task_kind: str) -> None:
        super().__init__(
            f"user {annotator_id} is not certified for {task_kind} work, which this order requires: "
            "they pass a training course of that kind first"
        )
        self.annotator_id, self.task_kind = annotator_id, task_kind


def uncertified(conn: Connection, order_id: int, annotator_id: int) -> str | None:
    """The order's task kind when it requires a certificate ``annotator_id`` lacks, else None."""
    order = conn.execute(
        select(orders.c.task_kind, orders.c.requires_certification).where(orders.c.id == order_id)
    ).first()
    if order is None or not order.requires_certification:
        return None
    held = conn.execute(
        select(certificates.c.user_id).where(certificates.c.user_id == annotator_id,
                                             certificates.c.task_kind == order.task_kind)  # fmt: skip
    ).first()
    return None if held else order.task_kind


def overlap_clash(conn: Connection, batch_id: int, annotator_id: int) -> int | None:
    """Another batch holding a copy of one of ``batch_id``'s items that ``annotator_id``
    holds or ever held (the ``leases`` history), or None. One index probe per copy."""
    own = items.alias("own")
    other = items.alias("other")
    groups = select(own.c.overlap_group).where(own.c.batch_id == batch_id, own.c.overlap_group.is_not(None))
    return conn.execute(
        select(other.c.batch_id)
        .join(leases, leases.c.batch_id == other.c.batch_id)
        .where(
            other.c.overlap_group.in_(groups.scalar_subquery()),
            other.c.batch_id != batch_id,
            leases.c.annotator_id == annotator_id,
        )
        .limit(1)
    ).scalar()


def lease_batch(conn: Connection, batch_id: int, annotator_id: int, until: datetime) -> None:
    """Lease ``batch_id`` to ``annotator_id`` until ``until`` (UTC), in the caller's transaction.

    Refused (``NotCertified``) when the order requires a certificate the annotator lacks,
    and (``OverlapSameAnnotator``) when they hold or ever held another batch with a copy
    of one of this batch's items.

    The annotator's feed gets the order (the first time they see it), the batch, its
    items and any revisions already made on them; whoever held the batch before gets
    the batch again, now showing its new holder.
    """
    found = conn.execute(
        select(batches.c.order_id, orders.c.office_id)
        .join(orders, orders.c.id == batches.c.order_id)
        .where(batches.c.id == batch_id)
    ).first()
    if found is None:
        raise LeaseError(f"unknown batch {batch_id}")
    order_id, office_id = found
    annotator = conn.execute(select(users.c.office_id, users.c.role).where(users.c.id == annotator_id)).first()
    if annotator is None or annotator.office_id != office_id:
        raise LeaseError(f"user {annotator_id} is not in the office of batch {batch_id}")
    kind = uncertified(conn, order_id, annotator_id)
    if kind is not None:
        raise NotCertified(annotator_id, kind)
    clash = overlap_clash(conn, batch_id, annotator_id)
    if clash is not None:
        raise OverlapSameAnnotator(batch_id, annotator_id, clash)

    order_seen_before = conn.execute(
        select(leases.c.id)
        .join(batches, batches.c.id == leases.c.batch_id)
        .where(batches.c.order_id == order_id, leases.c.annotator_id == annotator_id)
        .limit(1)
    ).first()
    earlier_holders = set(
        conn.execute(select(leases.c.annotator_id).where(leases.c.batch_id == batch_id).distinct()).scalars()
    )
    conn.execute(
        leases.insert().values(batch_id=batch_id, annotator_id=annotator_id, leased_at=utc_now(), until=until)
    )
    conn.execute(batches.update().where(batches.c.id == batch_id).values(annotator_id=annotator_id, lease_until=until))

    batch_data = to_wire(load_batch(conn, batch_id))
    entries = [(CHANGE_BATCH, batch_data, None)]
    entries.extend((CHANGE_BATCH, batch_data, holder) for holder in sorted(earlier_holders - {annotator_id}))
    if order_seen_before is None:
        entries.append((CHANGE_ORDER, to_wire(load_order(conn, order_id)), annotator_id))
    entries.append((CHANGE_BATCH, batch_data, annotator_id))
    batch_items = load_batch_items(conn, batch_id)
    entries.extend((CHANGE_ITEM, to_wire(item), annotator_id) for item in batch_items)
    for record in _bases_first(load_item_annotations(conn, [item.id for item in batch_items])):
        entries.append((CHANGE_ANNOTATION, to_wire(record), annotator_id))
    log_changes(conn, office_id, entries)


def release_batch(conn: Connection, batch_id: int) -> int | None:
    """Take ``batch_id`` from its holder, in the caller's transaction; returns who held it.

    The batch keeps its items and the work made on them; nobody holds it until it is
    leased again. The office feed and everyone who ever held it get the batch once more,
    now without a holder (as ``lease_batch`` tells earlier holders of a new one). The
    ``leases`` history stays as it was: a release is not a lease."""
    found = conn.execute(
        select(batches.c.annotator_id, orders.c.office_id)
        .join(orders, orders.c.id == batches.c.order_id)
        .where(batches.c.id == batch_id)
    ).first()
    if found is None:
        raise LeaseError(f"unknown batch {batch_id}")
    holder, office_id = found
    conn.execute(batches.update().where(batches.c.id == batch_id).values(annotator_id=None, lease_until=None))
    earlier_holders = set(
        conn.execute(select(leases.c.annotator_id).where(leases.c.batch_id == batch_id).distinct()).scalars()
    )
    if holder is not None:
        earlier_holders.add(holder)
    batch_data = to_wire(load_batch(conn, batch_id))
    entries = [(CHANGE_BATCH, batch_data, None)]
    entries.extend((CHANGE_BATCH, batch_data, earlier) for earlier in sorted(earlier_holders))
    log_changes(conn, office_id, entries)
    return holder


def _bases_first(records: list[AnnotationRecord]) -> list[AnnotationRecord]:
    """Revisions in the order the server received them, each after the one it is based on.

    Revisions stored by one push share a ``received_at``; the tie would fall to their
    ids, which carry the client's clock. A client reads the later feed position as the
    newer revision, so a revision must never come before its base (a clock set back
    between two edits would do that)."""
    ids = {r.id for r in records}
    placed: set[str] = set()
    waiting: dict[str, list[AnnotationRecord]] = {}
    out: list[AnnotationRecord] = []

    def place(record: AnnotationRecord) -> None:
        out.append(record)
        placed.add(record.id)
        for follower in waiting.pop(record.id, []):
            place(follower)

    for record in records:
        base = record.base_id
        if base is not None and base in ids and base not in placed and base != record.id:
            waiting.setdefault(base, []).append(record)
        else:
            place(record)
    for followers in waiting.values():  # a base that never came (a cycle cannot be made by uuids)
        out.extend(f for f in followers if f.id not in placed)
    return out
