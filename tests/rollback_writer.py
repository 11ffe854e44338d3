"""Another process writing a new SQLite file still in rollback mode, for a moment: while it
does, SQLite refuses a switch to WAL at once, without its busy wait (server and desktop)."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path


def start_rollback_writer(path: Path, hold_s: float = 0.3) -> threading.Event:
    """Returns once the write lock is held; the event is set when it was committed."""
    writing, done = threading.Event(), threading.Event()

    def other_process():
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("CREATE TABLE early (x)")
        writing.set()
        time.sleep(hold_s)
        conn.execute("COMMIT")
        conn.close()
        done.set()

    threading.Thread(target=other_process, daemon=True).start()
    assert writing.wait(10), "the other writer never took the lock"
    return done
