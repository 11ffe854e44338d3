"""A job's end reaches the UI in one piece: once ``busy()`` says False, ``busy_changed(False)``
has been heard (a test, or a person, that saw 'not busy' clicked a button still disabled)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication

from aidou_desktop.store import Store
from aidou_desktop.ui.sync_controller import SyncController


def test_not_busy_is_never_seen_before_it_is_told(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(SyncController, "_sync_job", lambda self, progress: None)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over often: the worker stops between its signals
    told: list[bool] = []
    seen_early = 0
    try:
        with Store(tmp_path) as store:
            controller = SyncController(store)
            controller.busy_changed.connect(told.append)
            for _ in range(300):
                assert controller.sync_now()
                while controller.busy():
                    QCoreApplication.processEvents()
                if told[-1]:  # idle, yet the page still thinks work is running
                    seen_early += 1
                    QCoreApplication.processEvents()
            controller.wait()
    finally:
        sys.setswitchinterval(old)
    assert seen_early == 0
