"""How far an order has come: item counts per order, per batch and per annotator.

An item is **done** when it has a head revision (``items.head_annotation_id``).
It is **accepted** / **rejected** when the lead's verdict (``review_verdict``) judged
the revision that is still its head (``review_annotation_id == head_annotation_id``):
a fix after a verdict makes the item **submitted** again. **Submitted** = done and
neither accepted nor rejected on the current head. **Conflicted** = the item has an
open conflict revision (``conflict`` and not ``resolved_at``), done or not.
A batch's lease is **expired** when ``lease_until`` lies before now.

Every count is one GROUP BY over the items (an order may hold 100,000 of them), never
a query per batch or per item. The callers check who may see which order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, case, distinct, false, func, not_, or_, select

from sync_server.db.clock import as_utc, to_iso, utc_now
from sync_server.db.tables import annotations, batches, items, orders, users
from sync_server.protocol import VERDICT_ACCEPT, VERDICT_REJECT, AnnotatorProgress, BatchProgress, OrderProgress

DONE = items.c.head_annotation_id.is_not(None)
ACCEPTED = and_(items.c.review_verdict == VERDICT_ACCEPT, items.c.review_annotation_id == items.c.head_annotation_id)
REJECTED = and_(items.c.review_verdict == VERDICT_REJECT, items.c.review_annotation_id == items.c.head_annotation_id)
OPEN_CONFLICT = and_(annotations.c.conflict.is_(True), annotations.c.resolved_at.is_(None))
UNFINISHED = items.c.head_annotation_id.is_(None)


@dataclass
class Counts:
    items: int = 0
    done: int = 0
    accepted: int = 0
    rejected: int = 0
    conflicted: int = 0

    @property
    def submitted(self) -> int:
        return self.done - self.accepted - self.rejected


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _conflicted_items():
    """The ids of items with an open conflict revision, once each."""
    return select(annotations.c.item_id).where(OPEN_CONFLICT).distinct().subquery("conflicted")


def _item_counts(conn: Connection, key, where) -> dict[object, Counts]:
    """Counts of the items matching ``where``, grouped by the column ``key``."""
    conflicted = _conflicted_items()
    query = (
        select(
            key,
            func.count(items.c.id),
            _count(DONE),
            _count(ACCEPTED),
            _count(REJECTED),
            _count(conflicted.c.item_id.is_not(None)),
        )
        .select_from(items.outerjoin(conflicted, conflicted.c.item_id == items.c.id))
        .where(where)
        .group_by(key)
    )
    return {row[0]: Counts(*row[1:]) for row in conn.execute(query)}


def order_progress(conn: Connection, office_id: int | None) -> list[OrderProgress]:
    """Every order of the office (None: of every office), by id, with its counts."""
    in_office = orders.c.office_id == office_id if office_id is not None else orders.c.id.is_not(None)
    rows = conn.execute(
        select(orders.c.id, orders.c.name, orders.c.task_kind, orders.c.price_cents).where(in_office).order_by(orders.c.id)
    ).all()
    order_ids = [row.id for row in rows]
    if not order_ids:
        return []
    counts = _item_counts(conn, items.c.order_id, items.c.order_id.in_(select(orders.c.id).where(in_office)))
    batch_counts = dict(
        conn.execute(
            select(batches.c.order_id, func.count(batches.c.id))
            .where(batches.c.order_id.in_(select(orders.c.id).where(in_office)))
            .group_by(batches.c.order_id)
        ).all()
    )
    out = []
    for row in rows:
        c = counts.get(row.id, Counts())
        out.append(
            OrderProgress(
                id=row.id, name=row.name, task_kind=row.task_kind, price_cents=row.price_cents,
                batches=batch_counts.get(row.id, 0), items=c.items, done=c.done, submitted=c.submitted,
                accepted=c.accepted, rejected=c.rejected, conflicted=c.conflicted,
            )  # fmt: skip
        )
    return out


def batch_progress(
    conn: Connection, order_id: int, batch_ids: Iterable[int] | None = None, now: datetime | None = None
) -> list[BatchProgress]:
    """The order's batches (only ``batch_ids`` when given), by id, with holder and counts."""
    now = now or utc_now()
    query = (
        select(batches.c.id, batches.c.name, batches.c.annotator_id, batches.c.lease_until, users.c.username)
        .select_from(batches.outerjoin(users, users.c.id == batches.c.annotator_id))
        .where(batches.c.order_id == order_id)
        .order_by(batches.c.id)
    )
    where = items.c.order_id == order_id
    if batch_ids is not None:
        batch_ids = list(batch_ids)
        query = query.where(batches.c.id.in_(batch_ids))
        where = and_(where, items.c.batch_id.in_(batch_ids))
    counts = _item_counts(conn, items.c.batch_id, where)
    out = []
    for row in conn.execute(query):
        c = counts.get(row.id, Counts())
        out.append(
            BatchProgress(
                id=row.id, name=row.name, expired=lease_expired(row.lease_until, now), items=c.items, done=c.done,
                submitted=c.submitted, accepted=c.accepted, rejected=c.rejected, conflicted=c.conflicted,
                annotator_id=row.annotator_id, annotator_name=row.username if row.annotator_id else None,
                lease_until=to_iso(row.lease_until),
            )  # fmt: skip
        )
    return out


def lease_expired(lease_until: datetime | None, now: datetime) -> bool:
    """True when a lease ran out; a batch without a lease has nothing to expire."""
    return lease_until is not None and as_utc(lease_until) < now


def annotator_progress(conn: Connection, order_id: int) -> list[AnnotatorProgress]:
    """Each person's part in the order, by user id: every active annotator of its office
    (zeros included, so the lead sees who is free) and anyone else who holds one of its
    batches or wrote a head or an open conflict in it (a lead who settled a conflict, a
    disabled annotator whose work stays)."""
    held: dict[int, tuple[int, int]] = {
        row[0]: (row[1], row[2])
        for row in conn.execute(
            select(batches.c.annotator_id, func.count(distinct(batches.c.id)), func.count(items.c.id))
            .select_from(batches.outerjoin(items, items.c.batch_id == batches.c.id))
            .where(batches.c.order_id == order_id, batches.c.annotator_id.is_not(None))
            .group_by(batches.c.annotator_id)
        )
    }
    heads = _item_counts(conn, items.c.head_annotator_id, and_(items.c.order_id == order_id, DONE))
    conflicts = dict(
        conn.execute(
            select(annotations.c.annotator_id, func.count(distinct(annotations.c.item_id)))
            .join(items, items.c.id == annotations.c.item_id)
            .where(items.c.order_id == order_id, OPEN_CONFLICT)
            .group_by(annotations.c.annotator_id)
        ).all()
    )
    involved = (set(held) | set(heads) | set(conflicts)) - {None}
    office = select(orders.c.office_id).where(orders.c.id == order_id).scalar_subquery()
    active_annotator = and_(users.c.role == "annotator", users.c.disabled_at.is_(None))
    people = conn.execute(
        select(users.c.id, users.c.username, users.c.display_name)
        .where(
            users.c.office_id == office,
            or_(active_annotator, users.c.id.in_(involved) if involved else false()),
        )
        .order_by(users.c.id)
    )
    out = []
    for person in people:
        batch_count, item_count = held.get(person.id, (0, 0))
        c = heads.get(person.id, Counts())
        out.append(
            AnnotatorProgress(
                annotator_id=person.id, username=person.username, display_name=person.display_name,
                batches=batch_count, items=item_count, done=c.items, submitted=c.items - c.accepted - c.rejected,
                accepted=c.accepted, rejected=c.rejected, conflicted=conflicts.get(person.id, 0),
            )  # fmt: skip
        )
    return out


def busy_annotators(conn: Connection, office_id: int, now: datetime) -> set[int]:
    """Annotators of the office holding an unexpired batch (of any order) with unfinished items."""
    query = (
        select(batches.c.annotator_id)
        .join(orders, orders.c.id == batches.c.order_id)
        .join(items, items.c.batch_id == batches.c.id)
        .where(
            orders.c.office_id == office_id,
            batches.c.annotator_id.is_not(None),
            not_(batches.c.lease_until < now),
            UNFINISHED,
        )
        .distinct()
    )
    return set(conn.execute(query).scalars())


def free_batches(conn: Connection, order_id: int, now: datetime) -> list[int]:
    """The order's batches, lowest id first, with unfinished items and no holder or an expired lease."""
    query = (
        select(batches.c.id)
        .join(items, items.c.batch_id == batches.c.id)
        .where(
            batches.c.order_id == order_id,
            or_(batches.c.annotator_id.is_(None), batches.c.lease_until < now),
            UNFINISHED,
        )
        .distinct()
        .order_by(batches.c.id)
    )
    return list(conn.execute(query).scalars())
