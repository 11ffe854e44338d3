"""The change feed: an append-only log that clients pull ``since`` a cursor.

Each event is written once office-wide (``audience_user_id`` NULL: what leads and
admins read) and once per annotator who should see it. An annotator's feed is
then a plain index range scan, with no joins to work out what they may see.

No change is ever skipped: seqs are handed out inside write transactions that
hold SQLite's single write lock (BEGIN IMMEDIATE) until they commit, so they
become visible in seq order. PostgreSQL will need the same guarantee by other
means (a lock on the log table, or reading only below the oldest open writer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Text, bindparam, select

from sync_server.db.bulk import execute_many
from sync_server.db.tables import changes
from sync_server.protocol import Change, ChangesResponse, UserInfo


class BadCursor(ValueError):
    pass


def log_changes(
    conn: Connection, office_id: int, entries: Iterable[tuple[str, dict[str, Any], int | None]]
) -> None:
    """Append ``(kind, data, audience_user_id)`` entries in the order given."""
    rows = [
        {"kind": kind, "office_id": office_id, "audience_user_id": audience, "data": data}
        for kind, data, audience in entries
    ]
    if rows:
        conn.execute(changes.insert(), rows)


# ``data`` bound as text already encoded: one push event goes to several readers, and
# JSON-encoding the same dict once per row was the largest cost of a big push
_INSERT_ENCODED = changes.insert().values(data=bindparam("data_json", type_=Text))


def log_encoded_changes(conn: Connection, office_id: int, entries: Iterable[tuple[str, str, int | None]]) -> None:
    """``log_changes`` for ``(kind, json_text, audience_user_id)``: the text must be what
    the ``data`` column's JSON type would write (``json.dumps`` with its defaults)."""
    rows = [(kind, office_id, audience, text) for kind, text, audience in entries]
    execute_many(conn, _INSERT_ENCODED, ("kind", "office_id", "audience_user_id", "data_json"), rows)


def parse_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise BadCursor(f"cursor {cursor!r} was not issued by this server; start again with an empty one")
    return int(cursor)


def changes_since(conn: Connection, user: UserInfo, cursor: str | None, limit: int) -> ChangesResponse:
    since = parse_cursor(cursor)
    query = select(changes.c.seq, changes.c.kind, changes.c.data).where(changes.c.seq > since)
    if user.role == "annotator":
        query = query.where(changes.c.audience_user_id == user.id)
    else:
        query = query.where(changes.c.office_id == user.office_id, changes.c.audience_user_id.is_(None))
    rows = conn.execute(query.order_by(changes.c.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if rows else since
    return ChangesResponse(
        changes=[Change(seq=row.seq, kind=row.kind, data=row.data) for row in rows],
        cursor=str(last),
        has_more=has_more,
    )
