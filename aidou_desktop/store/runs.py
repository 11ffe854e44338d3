"""The ``sync_runs`` table: each sync run's outcome, so the app can show the last one."""

from __future__ import annotations

import os
import sqlite3

from aidou_desktop.model import SyncRun
from aidou_desktop.store.db import one
from aidou_desktop.store.rows import now_iso

KEEP_RUNS = 1000  # a run every 15 minutes: about ten days of history


def start(conn: sqlite3.Connection, source: str) -> int:
    run_id = conn.execute(
        "INSERT INTO sync_runs (source, pid, started_at) VALUES (?, ?, ?)", (source, os.getpid(), now_iso())
    ).lastrowid
    conn.execute("DELETE FROM sync_runs WHERE id <= ?", (run_id - KEEP_RUNS,))
    return run_id


def finish(conn: sqlite3.Connection, run_id: int, outcome: str, exit_code: int | None,
           pushed: int, pulled: int, waiting: int, message: str | None) -> None:  # fmt: skip
    conn.execute(
        "UPDATE sync_runs SET finished_at = ?, outcome = ?, exit_code = ?, pushed = ?, pulled = ?,"
        " waiting = ?, message = ? WHERE id = ?",
        (now_iso(), outcome, exit_code, pushed, pulled, waiting, message, run_id),
    )


def last(conn: sqlite3.Connection, source: str | None) -> SyncRun | None:
    row = one(
        conn,
        "SELECT id, source, started_at, finished_at, outcome, exit_code, pushed, pulled, waiting, message"
        " FROM sync_runs WHERE ? IS NULL OR source = ? ORDER BY id DESC LIMIT 1",
        (source, source),
    )
    return SyncRun(**row) if row else None
