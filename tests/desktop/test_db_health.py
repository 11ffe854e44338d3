"""Issue 10: a damaged local database is found at start, never replaced, and its unsent work salvaged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aidou_desktop.store import DamagedDatabase, Store
from aidou_desktop.store import health
from aidou_desktop.store.salvage import salvage
from sync_server.protocol import LoginResponse, PushResult, Shape
from tests.desktop.conftest import ANNOTATOR, demo_changes

ROOT = Path(__file__).resolve().parents[2]
BOX = [Shape("box", "car", [[10.0, 10.0], [50.0, 40.0]])]


def store_with_unsent_work(data_dir: Path) -> dict[str, object]:
    """Revisions on three items: one answered (synced), one handed to the network
    (``sending``), one still ``queued``; returns them by state. The store is closed."""
    store = Store(data_dir)
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(), "7")
    synced = store.save_shapes(100, BOX)
    sending = store.save_shapes(101, BOX, 1500)
    store.take_outbox(10)
    store.store_push_results([PushResult(synced.id, "accepted")])
    edited = store.save_shapes(100, BOX + BOX)  # based on the synced one: a new revision
    queued = store.save_shapes(102, BOX)
    store.close()
    return {"synced": synced, "sending": sending, "edited": edited, "queued": queued}


def damage_page(db: Path, page: int = 2, page_size: int = 4096) -> None:
    with db.open("r+b") as f:
        f.seek((page - 1) * page_size)
        f.write(os.urandom(page_size))


def test_a_fresh_dir_is_fine(tmp_path):
    assert health.check_database(tmp_path / "new" / "aidou.db").kind == health.NEW
    with Store(tmp_path / "new") as store:
        assert store.integrity_check() == "ok"
    assert health.check_database(tmp_path / "new" / "aidou.db").kind == health.OK


def test_an_empty_file_where_a_used_database_was_is_not_recreated(tmp_path):
    data = tmp_path / "data"
    (data / "blobs").mkdir(parents=True)
    db = data / "aidou.db"
    db.write_bytes(b"")
    with pytest.raises(DamagedDatabase) as caught:
        Store(data)
    assert caught.value.kind == health.EMPTY and caught.value.repairable
    assert "open the app to repair it" in caught.value.message
    assert db.stat().st_size == 0 and not (data / "aidou.db-wal").exists()  # untouched


def test_an_empty_file_in_an_unused_dir_is_just_new(tmp_path):
    (tmp_path / "aidou.db").write_bytes(b"")
    assert health.check_database(tmp_path / "aidou.db").kind == health.NEW


def test_garbage_is_not_a_database(tmp_path):
    (tmp_path / "aidou.db").write_bytes(b"this is not SQLite" * 500)
    with pytest.raises(DamagedDatabase) as caught:
        Store(tmp_path)
    assert caught.value.kind == health.CORRUPT
    assert (tmp_path / "aidou.db").read_bytes() == b"this is not SQLite" * 500


def test_corrupt_pages_are_found_and_the_unsent_work_salvaged(tmp_path):
    data = tmp_path / "data"
    work = store_with_unsent_work(data)
    db = data / "aidou.db"
    damage_page(db)
    damaged_bytes = db.read_bytes()
    with pytest.raises(DamagedDatabase) as caught:
        Store(data)
    assert caught.value.kind == health.CORRUPT
    assert db.read_bytes() == damaged_bytes  # never rewritten

    aside = health.set_aside(data)
    assert aside.parent == data and aside.name.startswith("damaged-")
    assert (aside / "aidou.db").read_bytes() == damaged_bytes and not db.exists()
    with Store(data) as fresh:
        found = salvage(aside / "aidou.db", fresh)
        assert found.revisions == 3 and found.lost == 0
        records = {r.id: r for r in fresh.take_outbox(10, ANNOTATOR.id)}
        assert set(records) == {work["sending"].id, work["edited"].id, work["queued"].id}
        edited = records[work["edited"].id]
        assert edited.base_id == work["synced"].id and len(edited.shapes) == 2
        assert records[work["sending"].id].time_spent_ms == 1500
        # the annotator can log in offline and see the batch again before any sync
        assert fresh.offline_login(ANNOTATOR.username, "anno123") is not None
        assert len(fresh.batch_summaries(ANNOTATOR.id)) == 1
        assert fresh.integrity_check() == "ok"


def test_salvage_reads_past_a_damaged_page_of_the_table(tmp_path):
    """When the damage hits the annotations table itself, the rows elsewhere still come back."""
    data = tmp_path / "data"
    work = store_with_unsent_work(data)
    db = data / "aidou.db"
    import sqlite3

    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'items'").fetchone()[0]
    conn.close()
    damage_page(db, root)
    aside = health.set_aside(data)
    with Store(data) as fresh:
        found = salvage(aside / "aidou.db", fresh)  # items are lost; the work is not
        assert found.revisions == 3
        assert {r.id for r in fresh.take_outbox(10, ANNOTATOR.id)} == {
            work["sending"].id, work["edited"].id, work["queued"].id
        }


def test_a_read_only_data_dir_is_told(tmp_path, monkeypatch):
    monkeypatch.setattr(health.os, "access", lambda *a, **k: False)  # tests may run as root
    with pytest.raises(DamagedDatabase) as caught:
        Store(tmp_path)
    assert caught.value.kind == health.READ_ONLY and not caught.value.repairable
    assert "ask your admin" in caught.value.message


def test_a_full_disk_is_told(tmp_path, monkeypatch):
    monkeypatch.setattr(health.shutil, "disk_usage", lambda p: type("U", (), {"free": 10})())
    with pytest.raises(DamagedDatabase) as caught:
        Store(tmp_path)
    assert caught.value.kind == health.DISK_FULL and "free some disk space" in caught.value.message


def test_aidou_sync_says_one_line_and_exits_5(tmp_path):
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "aidou.db").write_bytes(b"")
    done = subprocess.run(
        [sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data), "run"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 5
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is empty but was used before" in lines[0]
    assert "open the app to repair it; nothing was changed" in lines[0]
    assert (data / "aidou.db").stat().st_size == 0
