"""A download asked for while a sync runs (a timer's, or the one the link coming back
starts) waits for it and then runs: the click is never dropped."""

from __future__ import annotations

import threading

from aidou_desktop.store import Store
from aidou_desktop.ui import sync_controller as module
from aidou_desktop.ui.sync_controller import SyncController


def test_a_download_asked_for_during_a_sync_runs_after_it(qtbot, tmp_path, monkeypatch):
    release = threading.Event()
    ran: list[str] = []

    def slow_sync(self, progress):
        release.wait(10)
        ran.append("sync")

    def fake_download(store, client, batch_id, progress, on_ready=None):
        ran.append(f"download {batch_id}")

    monkeypatch.setattr(SyncController, "_sync_job", slow_sync)
    monkeypatch.setattr(SyncController, "_client", lambda self: type("C", (), {"close": lambda s: None})())
    monkeypatch.setattr(module, "download_batch", fake_download)
    with Store(tmp_path) as store:
        controller = SyncController(store)
        downloads = []
        controller.download_finished.connect(lambda batch_id, report: downloads.append(batch_id))
        assert controller.sync_now()
        assert not controller.download(7)  # waits its turn
        assert not controller.download(7)  # asked twice: runs once
        assert not controller.download(8)
        release.set()
        qtbot.waitUntil(lambda: downloads == [7, 8] and not controller.busy(), timeout=10_000)
        assert ran == ["sync", "download 7", "download 8"]
        controller.wait()


def test_a_sync_asked_for_during_a_download_still_runs_once(qtbot, tmp_path, monkeypatch):
    release = threading.Event()
    ran: list[str] = []

    def slow_download(store, client, batch_id, progress, on_ready=None):
        release.wait(10)
        ran.append(f"download {batch_id}")

    monkeypatch.setattr(SyncController, "_sync_job", lambda self, progress: ran.append("sync"))
    monkeypatch.setattr(SyncController, "_client", lambda self: type("C", (), {"close": lambda s: None})())
    monkeypatch.setattr(module, "download_batch", slow_download)
    with Store(tmp_path) as store:
        controller = SyncController(store)
        assert controller.download(3)
        assert not controller.sync_now()
        assert not controller.sync_now()
        release.set()
        qtbot.waitUntil(lambda: ran == ["download 3", "sync"] and not controller.busy(), timeout=10_000)
        qtbot.wait(200)
        assert ran == ["download 3", "sync"]
        controller.wait()
