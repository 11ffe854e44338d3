"""Conflicts a lead settles: listing the revisions kept as conflicts, and resolving an item.

Push keeps a revision that cannot simply apply (``annotations.conflict``); it never
becomes the item's head by itself. Here a lead or admin sees them all and settles an
item by choosing one of its stored revisions: a NEW revision, made by them with the
chosen shapes, becomes the head, and every open conflict of the item is marked
resolved. Both go out in the change feed, so every PC that holds the item learns of
it (the feed only ever appends: a revision is never edited in place on the wire).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from sync_server.db.clock import to_iso, utc_now
from sync_server.db.feed import log_encoded_changes
from sync_server.db.feed_entities import revision_entity
from sync_server.db.push import feed_json
from sync_server.db.tables import annotations, items, leases, orders, users
from sync_server.protocol import CHANGE_ANNOTATION, ConflictInfo, UserInfo, is_uuid, uuid7

LEAD_ROLES = ("lead", "admin")
_MAX_INT64 = 2**63 - 1  # ids past it cannot be ours; the database driver would refuse them outright


class ConflictError(ValueError):
    """A refused list or resolve; the message is for people."""


class NotAllowed(ConflictError):
    pass


class UnknownItem(ConflictError):
    pass


class UnknownOrder(ConflictError):
    pass


class UnknownRevision(ConflictError):
    pass


class NoOpenConflict(ConflictError):
    pass


def require_lead(user: UserInfo) -> None:
    if user.role not in LEAD_ROLES:
        raise NotAllowed(f"only a lead or admin may see and settle conflicts; {user.username} is an {user.role}")


_author = users.alias("author")
_head_author = users.alias("head_author")
_resolver = users.alias("resolver")


def list_conflicts(
    conn: Connection, office_id: int | None, order_id: int | None = None, include_resolved: bool = False
) -> list[ConflictInfo]:
    """Every revision kept as a conflict in the office (None: every office, for the server's own
    command line), oldest received first; only the open ones unless ``include_resolved``.
    ``UnknownOrder`` for an order that is not the office's."""
    if order_id is not None:
        if not 0 < order_id <= _MAX_INT64:
            raise UnknownOrder(f"unknown order {order_id}")
        order_office = conn.execute(select(orders.c.office_id).where(orders.c.id == order_id)).scalar()
        if order_office is None or (office_id is not None and order_office != office_id):
            raise UnknownOrder(f"unknown order {order_id}")
    a = annotations
    query = (
        select(
            a.c.id,
            a.c.item_id,
            items.c.name.label("item_name"),
            items.c.order_id,
            orders.c.name.label("order_name"),
            a.c.batch_id,
            a.c.annotator_id,
            _author.c.username.label("annotator_name"),
            a.c.conflict_code,
            a.c.conflict_reason,
            a.c.received_at,
            a.c.device_id,
            items.c.head_annotation_id,
            items.c.head_annotator_id,
            _head_author.c.username.label("head_annotator_name"),
            a.c.resolved_by,
            _resolver.c.username.label("resolved_by_name"),
            a.c.resolved_at,
        )
        .join(items, items.c.id == a.c.item_id)
        .join(orders, orders.c.id == items.c.order_id)
        .join(_author, _author.c.id == a.c.annotator_id)
        .outerjoin(_head_author, _head_author.c.id == items.c.head_annotator_id)
        .outerjoin(_resolver, _resolver.c.id == a.c.resolved_by)
        .where(a.c.conflict.is_(True))
        .order_by(a.c.received_at, a.c.id)
    )
    if office_id is not None:
        query = query.where(orders.c.office_id == office_id)
    if order_id is not None:
        query = query.where(items.c.order_id == order_id)
    if not include_resolved:
        query = query.where(a.c.resolved_at.is_(None))
    return [_info(row) for row in conn.execute(query).mappings()]


def _info(row) -> ConflictInfo:
    return ConflictInfo(
        id=row["id"],
        item_id=row["item_id"],
        item_name=row["item_name"],
        order_id=row["order_id"],
        order_name=row["order_name"],
        batch_id=row["batch_id"],
        annotator_id=row["annotator_id"],
        annotator_name=row["annotator_name"],
        code=row["conflict_code"],
        reason=row["conflict_reason"],
        received_at=to_iso(row["received_at"]),
        device_id=row["device_id"],
        head_id=row["head_annotation_id"],
        head_annotator_id=row["head_annotator_id"],
        head_annotator_name=row["head_annotator_name"],
        resolved_by=row["resolved_by"],
        resolved_by_name=row["resolved_by_name"],
        resolved_at=to_iso(row["resolved_at"]),
    )


def resolve_conflict(conn: Connection, resolver: UserInfo, item_id: int, chosen_id: str) -> str:
    """Settle ``item_id``'s open conflicts with the shapes of its revision ``chosen_id``
    (a conflicted one, the head, or any other stored revision of it), in the caller's
    write transaction. Returns the id of the new head revision, made by ``resolver``.

    Refuses (``ConflictError``): a resolver who is no lead or admin (``NotAllowed``), an
    item not in their office (``UnknownItem``), an item without an open conflict
    (``NoOpenConflict``: nothing is written, so a second click changes nothing), a
    revision that is not the item's (``UnknownRevision``)."""
    require_lead(resolver)
    if not 0 < item_id <= _MAX_INT64:
        raise UnknownItem(f"unknown item {item_id}")
    item = conn.execute(
        select(items.c.id, items.c.batch_id, items.c.head_annotation_id)
        .join(orders, orders.c.id == items.c.order_id)
        .where(items.c.id == item_id, orders.c.office_id == resolver.office_id)
        .with_for_update(of=items)  # PostgreSQL: a second resolver waits, then finds it settled
    ).first()
    if item is None:
        raise UnknownItem(f"unknown item {item_id}")
    open_conflicts = [
        dict(row)
        for row in conn.execute(
            select(annotations)
            .where(annotations.c.item_id == item_id, annotations.c.conflict.is_(True), annotations.c.resolved_at.is_(None))
            .order_by(annotations.c.received_at, annotations.c.id)
        ).mappings()
    ]
    if not open_conflicts:
        raise NoOpenConflict(f"item {item_id} has no open conflict to resolve")
    chosen = None
    if is_uuid(chosen_id):
        chosen = conn.execute(
            select(annotations).where(annotations.c.id == chosen_id, annotations.c.item_id == item_id)
        ).mappings().first()
    if chosen is None:
        raise UnknownRevision(f"item {item_id} has no revision {chosen_id!r}")

    now = utc_now()
    head = _new_head(chosen, item, resolver, now)
    conn.execute(annotations.insert().values(**head))
    conn.execute(
        items.update().where(items.c.id == item_id).values(head_annotation_id=head["id"], head_annotator_id=resolver.id)
    )
    conn.execute(
        annotations.update()
        .where(annotations.c.id.in_([row["id"] for row in open_conflicts]))
        .values(resolved_by=resolver.id, resolved_at=now)
    )
    for row in open_conflicts:
        row.update(resolved_by=resolver.id, resolved_at=now)
    # the settled conflicts first, the new head last: a PC takes the later feed entry as newer
    _log(conn, resolver.office_id, item.batch_id, [*open_conflicts, head])
    return head["id"]


def _new_head(chosen, item, resolver: UserInfo, now) -> dict[str, Any]:
    return {
        "id": uuid7(),
        "item_id": item.id,
        "batch_id": item.batch_id,
        "annotator_id": resolver.id,
        "base_id": item.head_annotation_id,  # None when only conflicts were ever stored
        "shapes": chosen["shapes"],
        "schema_version": chosen["schema_version"],
        "time_spent_ms": 0,
        "client_time": None,
        "received_at": now,
        "conflict": False,
        "conflict_code": None,
        "conflict_reason": None,
        "device_id": None,  # made on the server, not on a desktop install
        "resolved_by": None,
        "resolved_at": None,
        "flag": None,  # the lead's own revision: the annotator's question is answered by choosing
    }


def _log(conn: Connection, office_id: int, batch_id: int | None, rows: list[dict[str, Any]]) -> None:
    """Office-wide, and to everyone who ever held the batch (as push writes revisions)."""
    holders: list[int] = []
    if batch_id is not None:
        holders = sorted(
            conn.execute(select(leases.c.annotator_id).where(leases.c.batch_id == batch_id).distinct()).scalars()
        )
    entries = []
    for row in rows:
        data = feed_json(row)
        entity = revision_entity(row["id"], row["item_id"], row["annotator_id"], row["conflict"])
        entries.append((CHANGE_ANNOTATION, data, None, entity))
        entries.extend((CHANGE_ANNOTATION, data, holder, entity) for holder in holders)
    log_encoded_changes(conn, office_id, entries)
