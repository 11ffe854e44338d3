"""Take back what a damaged database still holds (issue 10), in the spirit of SQLite's ``.recover``.

The sqlite3 shell's ``.recover`` is not reachable from Python, so we read table by
table, row by row, and skip whatever raises: a corrupt page costs the rows on it,
not the rest. What matters most is work the server never got: annotation revisions
(and a lead's reviews) still in the outbox, or ``queued``/``sending``. They go back
into the fresh store's outbox with their own ids, content and base, as ``sending``:
the server stores them, or answers "duplicate" when it already has them.

Orders, batches, items, the image index and the saved logins come along too, when
readable, so the annotator can log in offline and carry on; the next sync
downloads everything again from the server (the fresh store's feed starts at 0).
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aidou_desktop.store.health import DB_FILE, set_aside

if TYPE_CHECKING:
    from aidou_desktop.store.store import Store

log = logging.getLogger(__name__)

# tables copied as they are (what the fresh store lacks until the next sync), in FK order
CONTEXT_TABLES = ("credentials", "orders", "batches", "items", "blobs")
UNSENT = ("queued", "sending")
# give up probing row by row after this many rowids in a row that could not be read
MAX_MISSES = 10_000


@dataclasses.dataclass
class Salvaged:
    """What ``salvage`` took back: revisions and reviews re-queued, rows per context table,
    and how many unsent records it found but could not store."""

    revisions: int = 0
    reviews: int = 0
    rows: dict[str, int] = dataclasses.field(default_factory=dict)
    lost: int = 0
    unreadable_tables: list[str] = dataclasses.field(default_factory=list)


def open_damaged(path: Path) -> sqlite3.Connection:
    """A read-only connection that checks as little as it can."""
    uri = Path(path).resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True)  # no locks, no WAL
    for pragma in ("PRAGMA ignore_check_constraints=ON", "PRAGMA cell_size_check=OFF", "PRAGMA query_only=ON"):
        try:
            conn.execute(pragma)
        except sqlite3.DatabaseError:
            pass
    return conn


def read_rows(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    """Every row of ``table`` that can be read; a bad page skips only its own rows."""
    try:
        cur = conn.execute(f'SELECT rowid AS "_rowid_", * FROM "{table}" ORDER BY rowid')
        keys = [d[0] for d in cur.description]
        found = [dict(zip(keys, r)) for r in cur.fetchall()]
    except sqlite3.DatabaseError as exc:
        log.warning("salvage: %s: reading row by row (%s)", table, exc)
    else:
        yield from found
        return
    yield from _probe(conn, table)


def _probe(conn: sqlite3.Connection, table: str) -> Iterator[dict[str, Any]]:
    rowid, misses = 0, 0
    try:
        top = conn.execute(f'SELECT max(rowid) FROM "{table}"').fetchone()[0]
    except sqlite3.DatabaseError:
        top = None
    while misses < MAX_MISSES and (top is None or rowid < top):
        rowid += 1
        try:
            cur = conn.execute(f'SELECT rowid AS "_rowid_", * FROM "{table}" WHERE rowid = ?', (rowid,))
            row = cur.fetchone()
        except sqlite3.DatabaseError:
            misses += 1
            continue
        if row is None:
            misses += 1
            continue
        misses = 0
        yield dict(zip([d[0] for d in cur.description], row))


def _tables(conn: sqlite3.Connection) -> set[str]:
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        log.warning("salvage: the schema cannot be read (%s): guessing the tables", exc)
        return {"outbox", "annotations", "review_outbox", "reviews", *CONTEXT_TABLES}


def salvage(damaged_db: Path | str, store: Store) -> Salvaged:
    """Copy what can be read of ``damaged_db`` into ``store`` (a fresh one); see the module doc."""
    result = Salvaged()
    try:
        source = open_damaged(Path(damaged_db))
    except sqlite3.Error as exc:
        log.error("salvage: %s cannot be opened at all: %s", damaged_db, exc)
        result.unreadable_tables.append("*")
        return result
    try:
        tables = _tables(source)
        data = {}
        for table in (*CONTEXT_TABLES, "outbox", "annotations", "review_outbox", "reviews"):
            try:
                data[table] = list(read_rows(source, table)) if table in tables else []
            except sqlite3.DatabaseError as exc:
                log.warning("salvage: %s cannot be read: %s", table, exc)
                result.unreadable_tables.append(table)
                data[table] = []
    finally:
        source.close()
    revisions = _unsent(data["annotations"], data["outbox"], "annotation_id")
    reviews = _unsent(data["reviews"], data["review_outbox"], "review_id")
    blobs_root = store.data_dir / "blobs"
    data["blobs"] = [b for b in data["blobs"] if (blobs_root / str(b.get("path", ""))).is_file()]
    conn = store.db.conn
    with store._w.lock:  # noqa: SLF001 — the store's own writer lock; FK off needs no open transaction
        conn.execute("PRAGMA foreign_keys=OFF")  # an item whose row was lost must not cost its work
        try:
            def fn(c: sqlite3.Connection) -> None:
                for table in CONTEXT_TABLES:
                    result.rows[table] = _copy(c, table, data[table])
                c.execute(
                    "UPDATE items SET ready = CASE WHEN blob = '' OR blob IN (SELECT sha FROM blobs) THEN 1 ELSE 0 END"
                )
                result.revisions, lost = _requeue(c, "annotations", "outbox", "annotation_id", revisions)
                result.lost += lost
                result.reviews, lost = _requeue(c, "reviews", "review_outbox", "review_id", reviews)
                result.lost += lost

            store._w.write(fn, "take back the work from the damaged database")  # noqa: SLF001
        finally:
            conn.execute("PRAGMA foreign_keys=ON")
    log.warning("salvaged from %s: %s", damaged_db, result)
    return result


def _unsent(records: list[dict], outbox: list[dict], key: str) -> list[dict]:
    """Local records never answered: in the outbox, or still queued/sending; in outbox order."""
    order = {r.get(key): n for n, r in enumerate(sorted(outbox, key=lambda r: r.get("seq") or 0))}
    found = [r for r in records if r.get("origin") == "local" and (r.get("id") in order or r.get("state") in UNSENT)]
    # outbox order first (bases before the revisions on them), then by item and revision
    return sorted(found, key=lambda r: (order.get(r["id"], len(order)), r.get("item_id") or 0, r.get("rev") or 0))


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]


def _copy(conn: sqlite3.Connection, table: str, found: list[dict]) -> int:
    wanted = _columns(conn, table)
    copied = 0
    for row in found:
        cols = [c for c in wanted if c in row]
        try:
            cur = conn.execute(
                f'INSERT OR IGNORE INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})',
                [row[c] for c in cols],
            )
        except sqlite3.Error as exc:  # a row the damage left inconsistent (NULL in NOT NULL, …)
            log.warning("salvage: %s row %s skipped: %s", table, row.get("_rowid_"), exc)
            continue
        copied += cur.rowcount
    return copied


def _requeue(conn: sqlite3.Connection, table: str, outbox: str, key: str, found: list[dict]) -> tuple[int, int]:
    """Store each record as ``sending`` and queue it; returns (queued, could not be stored)."""
    queued = lost = 0
    wanted = _columns(conn, table)
    for row in found:
        row = dict(row, state="sending", reason=None)
        if "confirmed" in wanted:
            row["confirmed"] = 0
        cols = [c for c in wanted if c in row]
        try:
            conn.execute("SAVEPOINT salvage_row")
            conn.execute(
                f'INSERT OR IGNORE INTO "{table}" ({", ".join(cols)}) VALUES ({", ".join("?" for _ in cols)})',
                [row[c] for c in cols],
            )
            conn.execute(f"INSERT OR IGNORE INTO {outbox} ({key}) VALUES (?)", (row["id"],))
            conn.execute("RELEASE salvage_row")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK TO salvage_row")
            conn.execute("RELEASE salvage_row")
            log.warning("salvage: %s %s could not be stored: %s", table, row.get("id"), exc)
            lost += 1
            continue
        queued += 1
    return queued, lost


def repair(data_dir: Path | str) -> tuple[Store, Path, Salvaged]:
    """Set the damaged database aside, start a fresh one and take back what can be read.

    Returns the fresh store (the caller owns it), the folder the damaged files went to,
    and what was salvaged. The next sync downloads the rest from the server."""
    from aidou_desktop.store.store import Store  # store.py needs health.py, not us: no cycle at import

    aside = set_aside(data_dir)
    store = Store(data_dir)
    try:
        found = salvage(aside / DB_FILE, store)
    except BaseException:
        store.close()
        raise
    return store, aside, found
