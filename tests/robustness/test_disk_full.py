"""Issue 3, point 11: the disk fills up during a save, a pull or an image download.

SQLite's SQLITE_FULL is made with ``PRAGMA max_page_count`` on the store's own
connection; ENOSPC for image bytes by a fault hook on the download's file writes.
Each time: a clear ``DiskFull`` error, saved work intact, nothing half-written,
and the sync completes once there is space again.
"""

from __future__ import annotations

import builtins
import errno

import pytest
from sqlalchemy import func, select

from aidou_desktop.store import Store
from aidou_desktop.store.errors import DiskFull
from aidou_desktop.sync import cli as sync_cli
from aidou_desktop.sync import client as client_module
from aidou_desktop.sync import download_batch, sync_once
from sync_server.db import tables
from tests.robustness.helpers import box, box_batch, first_batch_items, login, server_db, stored_annotations


def _fill_the_disk(store: Store) -> None:
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")


def _space_is_back(store: Store) -> None:
    store.db.execute("PRAGMA max_page_count = 1073741823")


def test_disk_full_during_a_save_keeps_saved_work(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno1")
    sync_once(store, client)
    items = first_batch_items(store)
    kept = store.save_shapes(items[0], box(store, items[0], 1))
    _fill_the_disk(store)
    big = box(store, items[1], 2) * 400  # many boxes: more than the last free page holds
    with pytest.raises(DiskFull) as caught:
        for item in items[1:]:
            store.save_shapes(item, big)
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC
    assert "The disk is full" in str(caught.value) and "save the annotation" in str(caught.value)

    assert store.annotation(items[0]).shapes == kept.shapes  # saved work intact
    failed_item = next(i for i in items[1:] if store.annotation(i) is None)  # nothing half-written
    assert store.integrity_check() == "ok"
    waiting = store.outbox_count()

    _space_is_back(store)
    store.save_shapes(failed_item, box(store, failed_item, 3))
    report = sync_once(store, client)
    assert report.accepted == waiting + 1 and report.waiting == 0
    assert kept.id in stored_annotations(live, [kept.id])
    store.close()


def test_disk_full_during_a_pull_moves_no_cursor(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "lead")  # the office-wide feed: the demo's 174 items, more than a free page
    _fill_the_disk(store)
    with pytest.raises(DiskFull, match="store the changes pulled"):
        sync_once(store, client)
    # pages stored before the disk filled are whole, with their cursor; the failed page left nothing
    upto = int(store.cursor().split(".")[0] or 0)
    with server_db(live) as conn:
        office_feed = tables.changes.c.audience_user_id.is_(None)
        expected = conn.execute(
            select(func.count()).where(office_feed, tables.changes.c.kind == "item", tables.changes.c.seq <= upto)
        ).scalar()
        total = conn.execute(select(func.count()).select_from(tables.items)).scalar()
    local = store.db.execute("SELECT count(*) FROM items").fetchone()[0]
    assert local == expected < total
    assert store.integrity_check() == "ok"

    _space_is_back(store)
    report = sync_once(store, client)
    assert report.pulled > 0 and store.db.execute("SELECT count(*) FROM items").fetchone() == (total,)
    store.close()


class _FullDisk:
    """A fault hook for ``open`` in the download code: writes stop with ENOSPC after ``room`` bytes."""

    def __init__(self, room: int):
        self.room = room

    def __call__(self, path, mode="r", *args, **kwargs):
        f = builtins.open(path, mode, *args, **kwargs)
        if "a" not in mode and "w" not in mode:
            return f
        hook = self
        real_write = f.write

        class Limited:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                f.close()

            def write(self, data):
                if len(data) > hook.room:
                    real_write(data[: hook.room])
                    hook.room = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                hook.room -= len(data)
                return real_write(data)

            def __getattr__(self, name):
                return getattr(f, name)

        return Limited()


def test_disk_full_during_an_image_download(live, tmp_path, monkeypatch):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno3")
    sync_once(store, client)
    batch = box_batch(store)
    monkeypatch.setattr(client_module, "open", _FullDisk(room=150_000), raising=False)
    with pytest.raises(DiskFull, match="download an image"):
        download_batch(store, client, batch.id)
    ready = len(store.ready_items(batch.id))
    assert ready < batch.total  # the image being written is not shown half-done
    assert all(store.blob_path(i.blob) for i in store.ready_items(batch.id))

    monkeypatch.setattr(client_module, "open", builtins.open, raising=False)
    report = download_batch(store, client, batch.id)
    assert not report.failed and len(store.ready_items(batch.id)) == batch.total
    total = sum(size for _sha, size in [(i.blob, i.blob_size) for i in store.ready_items(batch.id)])
    assert report.bytes < total  # the interrupted image resumed, the done ones were not fetched again
    store.close()


def test_aidou_sync_reports_a_full_disk(live, tmp_path, monkeypatch, capsys):
    data = tmp_path / "desk"
    store = Store(data)
    login(store, live.url, "anno1")
    store.close()
    monkeypatch.setattr(client_module, "open", _FullDisk(room=10_000), raising=False)
    assert sync_cli.main(["--data-dir", str(data), "run", "--quiet"]) == sync_cli.EXIT_ERROR
    assert "The disk is full" in capsys.readouterr().err
    with Store(data) as store:
        run = store.last_sync_run("cli")
        assert (run.outcome, run.exit_code) == ("disk_full", 5)
    monkeypatch.setattr(client_module, "open", builtins.open, raising=False)
    assert sync_cli.main(["--data-dir", str(data), "run", "--quiet"]) == sync_cli.EXIT_OK
