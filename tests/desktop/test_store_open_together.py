"""The app and a scheduled aidou-sync starting together on a new data dir: both open the
store. SQLite refuses the switch to WAL at once, without its busy wait, while another
connection is switching or writing a new file in rollback mode; the store waits instead."""

from __future__ import annotations

from aidou_desktop.store import Store
from aidou_desktop.store.db import open_database
from tests.all_at_once import all_at_once
from tests.rollback_writer import start_rollback_writer


def test_opening_waits_while_another_process_writes_a_new_file(tmp_path):
    path = tmp_path / "aidou.db"
    done = start_rollback_writer(path)
    conn = open_database(path)
    try:
        assert done.is_set()
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


def test_two_stores_opening_a_new_data_dir_together_both_open(tmp_path):
    failures = []
    for attempt in range(12):  # one start in ten met "database is locked" before
        stores, errors = all_at_once(Store, [(tmp_path / f"pc{attempt}",)] * 2)
        failures += errors
        for store in stores:
            store.close()
    assert not failures, failures
