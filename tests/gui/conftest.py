"""GUI tests: offscreen Qt, and per test a fresh data dir (database, images and
the window's settings file all live there, so no test sees another's state)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before any Qt import

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from aidou_desktop.app import create_main_window  # noqa: E402
from tests.gui.gui_helpers import DEAD_SERVER, seed_store  # noqa: E402


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    seed_store(path)
    return path


@pytest.fixture
def open_window(qtbot):
    """Builds windows over a data dir; each is closed (and its store) at the end."""
    windows = []

    def make(data_dir: Path, server: str = DEAD_SERVER):
        window = create_main_window(data_dir, server)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()
