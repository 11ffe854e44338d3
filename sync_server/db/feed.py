"""The change feed: an append-only log that clients pull ``since`` a cursor.

Each event is written once office-wide (``audience_user_id`` NULL: what leads and
admins read) and once per annotator who should see it. An annotator's feed is
then a plain index range scan, with no joins to work out what they may see.

No change is ever skipped: a seq must become visible only after every smaller one
(ADR 0012). On SQLite, seqs are handed out inside write transactions that hold the
single write lock (BEGIN IMMEDIATE) until they commit. On PostgreSQL, where writers
run in parallel and an identity value is taken at INSERT time, every transaction
takes a transaction-level advisory lock (``FEED_LOCK_KEY``) just before its first
change row and holds it to its commit, so seqs are allocated in commit order. Every
change row goes through ``_append``, the one place that takes that lock. A writer
locks the rows it will change *before* it logs: after the feed lock a transaction
only inserts, so no two writers wait on each other in a circle.

Every row names the entity it is about (``feed_entities``). A compact read (ADR 0021: a
PC's first sync) leaves out each row that a later row of the same entity, for the same
reader, replaces: what it returns is the office's current state, not its history.
Paging stays on seq, so a row replaced after one page was read comes again, newer, in a
later page: nothing is lost, whatever commits between two pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import hashlib
import json

from sqlalchemy import Connection, Select, Text, bindparam, cast, func, select

from sync_server.db.bulk import JSON_TEXT, insert_many
from sync_server.db.feed_entities import entity_of
from sync_server.db.identity import server_id as load_server_id
from sync_server.db.tables import changes
from sync_server.protocol import Change, ChangesResponse, UserInfo


# a page stops adding rows once its data passes this (it always carries one row): a
# page of big revisions must not become one huge answer on a slow link
MAX_PAGE_DATA_BYTES = 1024 * 1024


class BadCursor(ValueError):
    pass


# "AIDUFEED": the pg_advisory_xact_lock a transaction holds from its first change row to its end
FEED_LOCK_KEY = 0x4149_4455_4645_4544
_LOCKED = "aidou_feed_locked"  # conn.info: the transaction that holds the feed lock


def lock_feed(conn: Connection) -> None:
    """PostgreSQL: wait for the feed lock and hold it to the end of this transaction, so no
    later writer's seq can commit before ours. Taken once per transaction. SQLite: nothing
    to do (the transaction holds the database's write lock already)."""
    if conn.dialect.name != "postgresql":
        return
    transaction = conn.get_nested_transaction() or conn.get_transaction()
    if transaction is None:
        raise RuntimeError("the change feed is written inside a transaction only")
    if conn.info.get(_LOCKED) is transaction:
        return
    conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({FEED_LOCK_KEY})")
    conn.info[_LOCKED] = transaction


def _append(conn: Connection, rows: list[dict[str, Any]] | None = None, encoded: list[tuple] | None = None) -> None:
    """The one place change rows are inserted: the feed lock first, then the rows."""
    if not rows and not encoded:
        return
    lock_feed(conn)
    if rows:
        conn.execute(changes.insert(), rows)
    if encoded:
        insert_many(conn, _INSERT_ENCODED, _ENCODED_KEYS, encoded, _ENCODED_COLUMNS)


def log_changes(
    conn: Connection, office_id: int, entries: Iterable[tuple[str, dict[str, Any], int | None]]
) -> None:
    """Append ``(kind, data, audience_user_id)`` entries in the order given; each row's
    entity comes from its kind and data (``feed_entities.entity_of``)."""
    rows = [
        {"kind": kind, "office_id": office_id, "audience_user_id": audience, "data": data,
         "entity_id": entity_of(kind, data)}
        for kind, data, audience in entries
    ]  # fmt: skip
    _append(conn, rows=rows)


# ``data`` bound as text already encoded: one push event goes to several readers, and
# JSON-encoding the same dict once per row was the largest cost of a big push
_INSERT_ENCODED = changes.insert().values(data=bindparam("data_json", type_=JSON_TEXT))
_ENCODED_KEYS = ("kind", "office_id", "audience_user_id", "data_json", "entity_id")
_ENCODED_COLUMNS = ("kind", "office_id", "audience_user_id", "data", "entity_id")


def log_encoded_changes(
    conn: Connection, office_id: int, entries: Iterable[tuple[str, str, int | None, str | None]]
) -> None:
    """``log_changes`` for ``(kind, json_text, audience_user_id, entity_id)``: the writer
    names the entity (``feed_entities``), and the text must be JSON the ``data`` column
    reads back as the wire form."""
    _append(conn, encoded=[(kind, office_id, audience, text, entity) for kind, text, audience, entity in entries])


def high_water(conn: Connection) -> int:
    """The newest seq in the feed (0 when empty)."""
    return conn.execute(select(func.max(changes.c.seq))).scalar() or 0


def _fingerprint(server_id: str, seq: int, kind: str, data: Any) -> str:
    """A short hash of one feed row and the database it lives in. A cursor carries the
    fingerprint of the row it points at, so a cursor from another database, or into a
    feed that was restored from a backup and has since reused that seq for another
    change, is refused instead of silently skipping changes (ADR 0013)."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{server_id}|{seq}|{kind}|{text}".encode()).hexdigest()[:16]


def make_cursor(server_id: str, seq: int, kind: str, data: Any) -> str:
    return f"{seq}.{_fingerprint(server_id, seq, kind, data)}"


def cursor_at(conn: Connection, seq: int) -> str:
    """The cursor that stands for feed row ``seq`` ("" for 0: the start)."""
    if seq == 0:
        return ""
    row = conn.execute(select(changes.c.kind, changes.c.data).where(changes.c.seq == seq)).one()
    return make_cursor(load_server_id(conn) or "", seq, row.kind, row.data)


def parse_cursor(conn: Connection, server_id: str, cursor: str | None) -> int:
    """The seq a cursor stands for; ``BadCursor`` unless this database issued it and the
    row it points at is still the one it was (a restore from a backup changes that)."""
    if not cursor:
        return 0
    seq_text, dot, fingerprint = cursor.partition(".")
    # isascii: str.isdigit takes '²' and other digits int() then refuses
    if not dot or not (seq_text.isascii() and seq_text.isdigit()) or len(seq_text) > 18 or len(fingerprint) != 16:
        raise BadCursor(f"cursor {cursor[:60]!r} was not issued by this server; start again with an empty one")
    seq = int(seq_text)
    row = conn.execute(select(changes.c.kind, changes.c.data).where(changes.c.seq == seq)).first()
    if row is None:
        raise BadCursor(f"cursor {cursor[:60]!r} points past the end of this server's feed "
                        "(a restored or replaced server?); start again with an empty one")  # fmt: skip
    if _fingerprint(server_id, seq, row.kind, row.data) != fingerprint:
        raise BadCursor(f"cursor {cursor[:60]!r} belongs to another database or to a feed since restored "
                        "from a backup; start again with an empty one")  # fmt: skip
    return seq


def changes_since(
    conn: Connection, user: UserInfo, cursor: str | None, limit: int, compact: bool = False
) -> ChangesResponse:
    """A page of the user's feed after ``cursor``. ``compact``: without the rows a later row
    of the same entity replaces for this reader (ADR 0021); the cursor and paging are the same."""
    server_id = load_server_id(conn) or ""
    since = parse_cursor(conn, server_id, cursor)
    rows, has_more = _fit_page(conn.execute(page_query(user, since, limit + 1, compact)).all(), limit)
    if rows:
        last = rows[-1]
        next_cursor = make_cursor(server_id, last.seq, last.kind, last.data)
    else:
        next_cursor = cursor or ""
    return ChangesResponse(
        changes=[Change(seq=row.seq, kind=row.kind, data=row.data) for row in rows],
        cursor=next_cursor,
        has_more=has_more,
        server_id=server_id,
        high_water=high_water(conn),
    )


def page_query(user: UserInfo, since: int, limit: int, compact: bool = False) -> Select:
    """The user's feed rows after seq ``since``, ``limit`` at most (annotators: their own rows;
    leads and admins: their office's), each with the size of its data."""
    size = func.length(cast(changes.c.data, Text)).label("size")  # characters of the stored text: near enough
    query = select(changes.c.seq, changes.c.kind, changes.c.data, size).where(changes.c.seq > since)
    audience = user.id if user.role == "annotator" else None
    if audience is not None:
        query = query.where(changes.c.audience_user_id == audience)
    else:
        query = query.where(changes.c.office_id == user.office_id, changes.c.audience_user_id.is_(None))
    if compact:
        query = query.where(~_replaced_later(audience))
    return query.order_by(changes.c.seq).limit(limit)


def _replaced_later(audience: int | None):
    """A later row of the row's entity for the same reader exists: one probe of
    ``ix_changes_entity`` per row read (entity ids are global: the office needs no check)."""
    later = changes.alias("later")
    same_reader = later.c.audience_user_id.is_(None) if audience is None else later.c.audience_user_id == audience
    return (
        select(later.c.seq)
        .where(later.c.entity_id == changes.c.entity_id, same_reader, later.c.seq > changes.c.seq)
        .exists()
    )


def _fit_page(rows: list, limit: int) -> tuple[list, bool]:
    """The rows that fit one page (``limit`` rows, ~``MAX_PAGE_DATA_BYTES``), and whether more wait."""
    has_more = len(rows) > limit
    rows = rows[:limit]
    total = 0
    for count, row in enumerate(rows):
        total += row.size or 0
        if total > MAX_PAGE_DATA_BYTES and count > 0:
            return rows[:count], True
    return rows, has_more
