"""Opening the local SQLite file and the one way to write to it.

Every write runs ``fn(conn)`` inside ``BEGIN IMMEDIATE … COMMIT`` (as datasette
does): the write lock is taken up front, so a save never fails half way on a
lock upgrade, and each call is one durable transaction (WAL + synchronous=FULL).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from aidou_desktop.store.errors import DiskFull, is_disk_full
from aidou_desktop.store.paths import private_database

T = TypeVar("T")

# How long a writer waits for another process (the app vs. aidou-sync) to commit.
BUSY_TIMEOUT_S = 10.0


def open_database(path: Path) -> sqlite3.Connection:
    # after the health check (a new empty file would look "used, then emptied"): the file
    # is made 0600 before SQLite writes to it, and -wal/-shm take its mode
    private_database(path)
    # isolation_level=None: the driver opens no implicit transactions, we say BEGIN ourselves.
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S
    )
    _switch_to_wal(conn)
    conn.execute("PRAGMA synchronous=FULL")  # a returned save survives power loss too
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _switch_to_wal(conn: sqlite3.Connection) -> None:
    """WAL, waiting as any write does: while another process (the app and a scheduled
    aidou-sync starting together) switches a new file, SQLite answers "locked" at once,
    without its busy wait. (The server's engine does the same; the layers share no code.)"""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


class Writer:
    """Serialises use of one connection across threads; writes are whole transactions."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.lock = threading.RLock()

    def write(self, fn: Callable[[sqlite3.Connection], T], doing: str = "save to the local database") -> T:
        """Run ``fn(conn)`` as one transaction; ``DiskFull`` (rolled back) when space runs out."""
        with self.lock:
            if self.conn.in_transaction:  # nested call from inside fn: same transaction
                return fn(self.conn)
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                try:
                    result = fn(self.conn)
                    self.conn.execute("COMMIT")
                except BaseException:
                    # SQLITE_FULL has already rolled the transaction back itself
                    if self.conn.in_transaction:
                        self.conn.execute("ROLLBACK")
                    raise
            except (sqlite3.Error, OSError) as exc:
                if is_disk_full(exc) and not isinstance(exc, DiskFull):
                    raise DiskFull(doing) from exc
                raise
            return result

    def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self.lock:
            return fn(self.conn)


def rows(conn: sqlite3.Connection, sql: str, params: Any = ()) -> list[dict[str, Any]]:
    cur = conn.execute(sql, params)
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, r)) for r in cur.fetchall()]


def one(conn: sqlite3.Connection, sql: str, params: Any = ()) -> dict[str, Any] | None:
    found = rows(conn, sql, params)
    return found[0] if found else None


def scalar(conn: sqlite3.Connection, sql: str, params: Any = ()) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None
