"""SQLite: the write-ahead log is copied back into the database by a thread of the
server, not by the push whose commit happened to cross SQLite's checkpoint mark (ADR 0028).

SQLite's automatic checkpoint runs inside the ``COMMIT`` of whichever transaction takes
the WAL past 1,000 pages: about every fourth 500-record push copied every page the
others wrote into the database file and synced it before that push could answer. Here
a thread runs a PASSIVE checkpoint every second (it waits for no reader and no writer;
the GIL is released while SQLite works), and the connections' own automatic checkpoint
stays as a backstop at ``BACKSTOP_PAGES``, so the WAL stays bounded if the thread falls
behind. When the server stops, a last checkpoint empties the WAL.

Durability is unchanged: with ``synchronous=NORMAL`` a commit never waited on a sync in
WAL mode; the checkpoint is where the database file is synced, wherever it runs.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

INTERVAL_S = 1.0
DEFAULT_PAGES = 1000  # SQLite's own mark, kept where no checkpointer runs (the CLI, tests)
BACKSTOP_PAGES = 16_384  # 64 MiB of 4 KiB pages: only reached if the thread falls far behind

_log = logging.getLogger(__name__)


def uses_wal_file(engine: Engine) -> bool:
    """A SQLite database in a file (the only kind with a WAL to checkpoint)."""
    database = engine.url.database or ""
    return engine.dialect.name == "sqlite" and database not in ("", ":memory:") and not database.startswith("file:")


def autocheckpoint_pages(engine: Engine) -> int:
    """What a new connection of ``engine`` sets ``wal_autocheckpoint`` to."""
    return BACKSTOP_PAGES if getattr(engine, "aidou_checkpointer", None) is not None else DEFAULT_PAGES


class WalCheckpointer:
    """Checkpoints ``engine``'s WAL every ``interval`` seconds on a daemon thread.

    The thread holds the engine weakly and ends when it is gone, or when its database file
    is: an app that was started and then dropped without stopping (a test's, a tool's)
    must not leave a thread failing every second behind it."""

    def __init__(self, engine: Engine, interval: float | None = None) -> None:
        self._engine = weakref.ref(engine)
        self.interval = INTERVAL_S if interval is None else interval
        self.database = Path(engine.url.database or "")
        self.checkpoints = 0  # checkpoints that ran: a test's window onto the thread
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aidou-wal-checkpoint", daemon=True)

    def start(self) -> WalCheckpointer:
        engine = self._engine()
        # connections made from now on leave checkpoints to this thread; the pooled ones
        # (made before, with SQLite's mark) are dropped so none keeps checkpointing in a commit
        engine.aidou_checkpointer = self
        engine.dispose()
        self._thread.start()
        return self

    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        engine = self._engine()
        if engine is None:
            return
        engine.aidou_checkpointer = None
        if not self.database.exists():
            return  # removed under a dropped app (a tool's temporary one): nothing to keep
        try:
            self.checkpoint(engine, "TRUNCATE")  # the server stops: the database file whole, the WAL empty
        except (DBAPIError, sqlite3.Error) as error:  # stopping goes on; SQLite reads the WAL next time
            _log.warning("last WAL checkpoint of %s failed (%s)", self.database, error)

    def checkpoint(self, engine: Engine, mode: str = "PASSIVE") -> None:
        raw = engine.raw_connection()  # autocommit: a checkpoint cannot run in a transaction
        try:
            raw.driver_connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()  # mode: ours, never input
            self.checkpoints += 1
        finally:
            raw.close()

    def _run(self) -> None:
        said = None
        while not self._stop.wait(self.interval):
            engine = self._engine()
            if engine is None or not self.database.exists():
                return  # the app was dropped, or its database removed: nothing left to copy
            try:
                self.checkpoint(engine)
            except (DBAPIError, sqlite3.Error) as error:  # tried again; the connections' backstop bounds the WAL meanwhile
                if str(error) != said:  # one line, no traceback: this runs beside the requests
                    said = str(error)
                    _log.warning("WAL checkpoint of %s failed (%s); trying again every %.0f s", self.database, error,
                                 self.interval)  # fmt: skip
            finally:
                del engine  # held only while checkpointing


def start_wal_checkpointer(engine: Engine, interval: float | None = None) -> WalCheckpointer | None:
    """A running checkpointer for a SQLite file; None for PostgreSQL or an in-memory database."""
    return WalCheckpointer(engine, interval).start() if uses_wal_file(engine) else None
