"""A lead or admin hands batches out: assign one, release one, give every idle annotator the next.

All of it runs in the caller's write transaction and goes through ``lease_batch`` /
``release_batch``, so each holder's change feed hears of it. ``office_id`` scopes
every lookup (None: any office, for the server's own command line); a batch or order
of another office is "unknown", never "forbidden", so ids do not leak across offices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Connection, select

from sync_server.db.clock import as_utc, to_iso, utc_now
from sync_server.db.locks import lock_batches
from sync_server.db.progress import busy_annotators, free_batches, lease_expired
from sync_server.db.tables import batches, orders, users
from sync_server.orders.leasing import lease_batch, overlap_clash, release_batch, uncertified
from sync_server.protocol import UserInfo

LEAD_ROLES = ("lead", "admin")
_MAX_INT64 = 2**63 - 1  # ids past it cannot be ours; the database driver would refuse them outright


class AssignmentError(ValueError):
    """A refused look or hand-out; the message is for people."""


class NotAllowed(AssignmentError):
    pass


class UnknownOrder(AssignmentError):
    pass


class UnknownBatch(AssignmentError):
    pass


class BatchLeased(AssignmentError):
    pass


class NotAnAnnotator(AssignmentError):
    pass


class BadUntil(AssignmentError):
    pass


@dataclass(frozen=True)
class FoundBatch:
    id: int
    order_id: int
    office_id: int
    annotator_id: int | None
    lease_until: datetime | None


def require_lead(user: UserInfo) -> None:
    if user.role not in LEAD_ROLES:
        raise NotAllowed(f"only a lead or admin may see and hand out batches; {user.username} is an {user.role}")


def parse_until(text: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 time with a zone (``…Z`` or ``+08:00``), in UTC; it must lie ahead."""
    try:
        moment = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadUntil(f"until {text!r} is not an ISO 8601 time like 2026-12-01T18:00:00Z") from None
    if moment.tzinfo is None:
        raise BadUntil(f"until {text!r} has no time zone: add Z for UTC (or an offset such as +08:00)")
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # 9999-12-31T23:59-23:59 in UTC is past the last moment Python holds
        raise BadUntil(f"until {text!r} lies outside the years 1–9999 in UTC") from None
    if moment <= (now or utc_now()):
        raise BadUntil(f"until {text!r} has already passed; a lease must end in the future")
    return moment


def find_order(conn: Connection, office_id: int | None, order_id: int) -> int:
    """The order's office; ``UnknownOrder`` when there is no such order in ``office_id``."""
    found = None
    if 0 < order_id <= _MAX_INT64:
        found = conn.execute(select(orders.c.office_id).where(orders.c.id == order_id)).scalar()
    if found is None or (office_id is not None and found != office_id):
        raise UnknownOrder(f"unknown order {order_id}")
    return found


def find_batch(conn: Connection, office_id: int | None, batch_id: int, for_update: bool = False) -> FoundBatch:
    """The batch and its lease; ``for_update`` locks its row to the end of the transaction
    (PostgreSQL: a second lease of the same batch waits, then sees this one's holder)."""
    row = None
    if 0 < batch_id <= _MAX_INT64:
        query = (
            select(batches.c.id, batches.c.order_id, orders.c.office_id, batches.c.annotator_id, batches.c.lease_until)
            .join(orders, orders.c.id == batches.c.order_id)
            .where(batches.c.id == batch_id)
        )
        row = conn.execute(query.with_for_update(of=batches) if for_update else query).first()
    if row is None or (office_id is not None and row.office_id != office_id):
        raise UnknownBatch(f"unknown batch {batch_id}")
    return FoundBatch(*row)


def _check_annotator(conn: Connection, office_id: int, annotator_id: int) -> None:
    row = None
    if 0 < annotator_id <= _MAX_INT64:
        row = conn.execute(
            select(users.c.office_id, users.c.role, users.c.disabled_at).where(users.c.id == annotator_id)
        ).first()
    if row is None or row.office_id != office_id or row.role != "annotator" or row.disabled_at is not None:
        raise NotAnAnnotator(f"user {annotator_id} is not an active annotator of this batch's office")


def assign_batch(
    conn: Connection, office_id: int | None, batch_id: int, annotator_id: int, until: datetime,
    force: bool = False, now: datetime | None = None,
) -> FoundBatch:  # fmt: skip
    """Lease ``batch_id`` to ``annotator_id`` until ``until`` (aware, in the future).

    Refused while another annotator holds an unexpired lease on it (``BatchLeased``)
    unless ``force``; a batch whose lease ran out is simply assigned again, and the
    holder's own batch is renewed. The assignee must be an active annotator of the
    batch's office (``NotAnAnnotator``)."""
    now = now or utc_now()
    batch = find_batch(conn, office_id, batch_id, for_update=True)  # leased exactly once, however many ask at once
    if as_utc(until) <= now:
        raise BadUntil("a lease must end in the future")
    _check_annotator(conn, batch.office_id, annotator_id)
    held_by_other = batch.annotator_id is not None and batch.annotator_id != annotator_id
    if held_by_other and not lease_expired(batch.lease_until, now) and not force:
        holder = conn.execute(select(users.c.username).where(users.c.id == batch.annotator_id)).scalar()
        raise BatchLeased(
            f"batch {batch_id} is leased to {holder} until {to_iso(batch.lease_until)}; "
            "release it first, or force the assignment"
        )
    lease_batch(conn, batch_id, annotator_id, as_utc(until).astimezone(timezone.utc))
    return batch


def unassign_batch(conn: Connection, office_id: int | None, batch_id: int) -> int | None:
    """Take the batch from its holder (nobody holds it after); returns who held it."""
    find_batch(conn, office_id, batch_id, for_update=True)
    return release_batch(conn, batch_id)


def assign_idle(
    conn: Connection, office_id: int | None, order_id: int, until: datetime, now: datetime | None = None
) -> list[tuple[int, int]]:
    """Every active annotator of the order's office who holds no unexpired batch with
    unfinished items (of any order) gets the next batch of this order: the lowest id with
    unfinished items and no holder or an expired lease, skipping a batch with a copy of an
    item they hold or held another copy of (ADR 0026), and skipping annotators without the
    certificate an order may require (ADR 0027). Annotators go by id; returns
    ``(batch_id, annotator_id)`` pairs, fewer when the batches run out."""
    now = now or utc_now()
    office = find_order(conn, office_id, order_id)
    if as_utc(until) <= now:
        raise BadUntil("a lease must end in the future")
    # PostgreSQL: the order's batches locked before the free ones are picked, so a lease
    # made meanwhile (another lead, another server process) is seen, not overwritten
    lock_batches(conn, order_id=order_id)
    annotators = conn.execute(
        select(users.c.id)
        .where(users.c.office_id == office, users.c.role == "annotator", users.c.disabled_at.is_(None))
        .order_by(users.c.id)
    ).scalars()
    busy = busy_annotators(conn, office, now)
    idle = [annotator for annotator in annotators if annotator not in busy]
    free = free_batches(conn, order_id, now)
    has_copies = conn.execute(select(orders.c.overlap).where(orders.c.id == order_id)).scalar() is not None
    assigned = []
    for annotator_id in idle:
        if uncertified(conn, order_id, annotator_id) is not None:
            continue  # the order wants certified people (ADR 0027)
        batch_id = next((b for b in free if not has_copies or overlap_clash(conn, b, annotator_id) is None), None)
        if batch_id is None:
            continue  # the batches left all hold copies of their items: someone else's
        free.remove(batch_id)
        lease_batch(conn, batch_id, annotator_id, as_utc(until).astimezone(timezone.utc))
        assigned.append((batch_id, annotator_id))
    return assigned
