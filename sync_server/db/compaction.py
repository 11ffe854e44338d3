"""The compacted feed: what a reader starting from the beginning needs, without the history.

A lead's (or a new PC's) first sync used to replay every change ever logged: 65 s and a
283 MB database at 130,000 annotations, growing with the office's history forever.
Reading from the start, a client needs only the rows no later row supersedes (ADR 0012):

- an order, batch, item or review row is superseded by a later row of the same
  ``entity_id`` for the same reader (a review's entity is its item: the latest verdict);
- an annotation row is superseded by a later row of the same revision, or when the
  revision is no longer anything a PC shows: not its item's head, not the revision the
  item's verdict judged, and not a conflict still waiting for a person.

This is safe at every page boundary, whatever is written meanwhile: a row is only left
out once a row with a higher seq exists that carries the newer state, and the cursor only
moves forward, so that row is served later in the same read. The client's end state is
the one a full replay gives. Rows without an ``entity_id`` (logged before it existed) are
never left out.
"""

from __future__ import annotations

from sqlalchemy import Connection, Select, Text, and_, cast, exists, func, or_, select, true

from sync_server.db.tables import annotations, changes, items
from sync_server.protocol import CHANGE_ANNOTATION, UserInfo


def _audience(table, user: UserInfo):
    if user.role == "annotator":
        return table.c.audience_user_id == user.id
    return and_(table.c.office_id == user.office_id, table.c.audience_user_id.is_(None))


def compacted_query(user: UserInfo, since: int, limit: int) -> Select:
    """``limit`` rows after seq ``since`` that nothing later supersedes, in seq order."""
    row = changes.alias("row")
    later = changes.alias("later")
    superseded = exists().where(
        later.c.entity_id == row.c.entity_id,
        later.c.kind == row.c.kind,
        later.c.seq > row.c.seq,
        _audience(later, user),
    )
    revision_shown = exists().where(
        annotations.c.id == row.c.entity_id,
        items.c.id == annotations.c.item_id,
        or_(
            items.c.head_annotation_id == annotations.c.id,
            items.c.review_annotation_id == annotations.c.id,
            and_(annotations.c.conflict == true(), annotations.c.resolved_at.is_(None)),
        ),
    )
    size = func.length(cast(row.c.data, Text)).label("size")
    return (
        select(row.c.seq, row.c.kind, row.c.data, size)
        .where(
            row.c.seq > since,
            _audience(row, user),
            or_(row.c.entity_id.is_(None), ~superseded),
            or_(row.c.kind != CHANGE_ANNOTATION, row.c.entity_id.is_(None), revision_shown),
        )
        .order_by(row.c.seq)
        .limit(limit)
    )


def compacted_rows(conn: Connection, user: UserInfo, since: int, limit: int) -> list:
    return conn.execute(compacted_query(user, since, limit)).all()


def entity_of(kind: str, data: dict) -> str | None:
    """What a feed row is about, for compaction: the item of a review, else the row's id."""
    key = data.get("item_id") if kind == "review" else data.get("id")
    return None if key is None else str(key)
