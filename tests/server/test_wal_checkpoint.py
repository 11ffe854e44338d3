"""A push answers without copying SQLite's WAL into the database file: a thread of the
server does that (ADR 0028, issue 12). SQLite's automatic checkpoint used to run inside
the commit of whichever push took the WAL past 1,000 pages, so that push waited for every
page the others wrote. PostgreSQL has no WAL of ours to copy: no thread runs there."""

from __future__ import annotations

import gc
import shutil
import time
from pathlib import Path

from fastapi.testclient import TestClient

from sync_server.api.app import create_app
from sync_server.db import wal_checkpoint
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.db.accounts import issue_token

from server_helpers import auth, box, record

# a revision of 400 boxes is about 25 KB of JSON, stored with the annotation and in two
# feed rows: 120 of them take the WAL far past SQLite's own mark of 1,000 pages (4 MiB)
BOXES = [box(x1=1 + i % 40, y1=1 + i // 40, x2=60 + i % 40, y2=50 + i // 40) for i in range(400)]


def _push_a_lot(client: TestClient, token: str, item_id: int, pushes: int = 8) -> None:
    for _ in range(pushes):
        answer = client.post("/api/v1/push", json={"annotations": [record(item_id, BOXES) for _ in range(15)]},
                             headers=auth(token))  # fmt: skip
        assert answer.status_code == 200, answer.text


def _sizes(data_dir: Path) -> tuple[int, int]:
    """The database file's size and the WAL's."""
    db = data_dir / "server.db"
    wal = data_dir / "server.db-wal"
    return db.stat().st_size, wal.stat().st_size if wal.exists() else 0


def test_a_push_never_waits_for_the_wal_to_be_copied_and_a_stopping_server_empties_it(db_engine, data_dir, world,
                                                                                        monkeypatch):  # fmt: skip
    monkeypatch.setattr(wal_checkpoint, "INTERVAL_S", 3600)  # the thread waits: what a commit does shows
    app = create_app(data_dir)
    engine = app.state.database.engine
    try:
        with write_transaction(engine) as conn:
            token = issue_token(conn, world.lead)
        with TestClient(app) as client:
            checkpointer = getattr(engine, "aidou_checkpointer", None)
            if db_engine == "postgresql":
                assert checkpointer is None  # PostgreSQL keeps its own WAL
                _push_a_lot(client, token, world.batch1_items[0], pushes=1)
                return
            assert checkpointer is not None
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == wal_checkpoint.BACKSTOP_PAGES
            db_before, _ = _sizes(data_dir)
            _push_a_lot(client, token, world.batch1_items[0])
            db_after, wal_after = _sizes(data_dir)
            assert wal_after > 2 * wal_checkpoint.DEFAULT_PAGES * 4096  # twice SQLite's own mark …
            assert db_after == db_before  # … and no commit copied it into the database file
        # the server stopped: its last checkpoint put everything in the database file
        db_stopped, wal_stopped = _sizes(data_dir)
        assert db_stopped > db_before + 1_000_000
        assert wal_stopped == 0
        assert engine.aidou_checkpointer is None
    finally:
        engine.dispose()


def test_the_thread_copies_the_wal_while_no_request_runs(db_engine, data_dir, world, monkeypatch):
    monkeypatch.setattr(wal_checkpoint, "INTERVAL_S", 0.2)
    app = create_app(data_dir)
    engine = app.state.database.engine
    try:
        with write_transaction(engine) as conn:
            token = issue_token(conn, world.lead)
        with TestClient(app) as client:
            db_before, _ = _sizes(data_dir) if db_engine == "sqlite" else (0, 0)
            _push_a_lot(client, token, world.batch1_items[0], pushes=2)
            if db_engine == "postgresql":
                assert getattr(engine, "aidou_checkpointer", None) is None
                return
            deadline = time.monotonic() + 30
            while _sizes(data_dir)[0] <= db_before + 1_000_000:  # nobody asks anything: the thread works
                assert time.monotonic() < deadline, "the WAL was not copied into the database file"
                time.sleep(0.1)
            assert engine.aidou_checkpointer.checkpoints >= 1
            answer = client.get("/api/v1/changes", params={"since": "", "limit": 1}, headers=auth(token))
            assert answer.status_code == 200  # reads go on as before
    finally:
        engine.dispose()


def test_an_app_dropped_without_stopping_leaves_no_thread_behind(db_engine, data_dir, world, monkeypatch, caplog):
    """A tool or a test that starts the app and never stops it (schemathesis reads the
    document so): when its database is removed, or the app is dropped, the thread ends
    quietly instead of failing every second beside everyone else's work."""
    if db_engine == "postgresql":
        assert wal_checkpoint.start_wal_checkpointer(create_app(data_dir).state.database.engine) is None
        return
    monkeypatch.setattr(wal_checkpoint, "INTERVAL_S", 0.05)
    removed = create_app(data_dir)
    TestClient(removed).__enter__()  # started, never stopped
    removed_thread = removed.state.database.engine.aidou_checkpointer
    dropped_dir = data_dir.parent / "dropped"
    shutil.copytree(data_dir, dropped_dir)
    dropped = make_engine(default_db_url(dropped_dir))
    dropped_thread = wal_checkpoint.start_wal_checkpointer(dropped)
    assert removed_thread.running() and dropped_thread.running()

    removed.state.database.engine.dispose()
    shutil.rmtree(data_dir)
    del dropped
    gc.collect()
    deadline = time.monotonic() + 10
    while removed_thread.running() or dropped_thread.running():
        assert time.monotonic() < deadline, "a checkpoint thread outlived its app"
        time.sleep(0.05)
    assert "Traceback" not in caplog.text
    removed_thread.stop()  # a late shutdown of the removed one stops without a word, as schemathesis's does
    assert "Traceback" not in caplog.text
