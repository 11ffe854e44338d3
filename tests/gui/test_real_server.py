"""The app against a real sync server on loopback: online login, sync, download, upload."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from aidou_desktop.store import Store
from tests.gui.gui_helpers import ROOT, draw_box, start_annotating


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """One demo server for this module: seeding draws 60 images, too slow to repeat per test."""
    tmp_path = tmp_path_factory.mktemp("server")
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sync_server.cli",
            "serve",
            "--demo",
            "--data-dir",
            str(tmp_path / "server"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as resp:
                if resp.status == 200:
                    break
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"sync server did not start: {proc.stderr.read().decode(errors='replace')[-500:]}")
        time.sleep(0.2)
    yield url
    proc.terminate()
    proc.wait(10)


def test_online_login_sync_download_and_upload(qtbot, tmp_path, server, open_window):
    window = open_window(tmp_path / "desktop", server)
    page = window.login_page
    page.username_edit.setText("anno1")
    page.password_edit.setText("anno123")
    page.login_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page, timeout=15_000)
    home = window.home_page
    assert not home.offline_note.isVisible()
    qtbot.waitUntil(lambda: home.model.rowCount() > 0 and not window.controller.busy(), timeout=30_000)
    assert window.controller.online
    batch = home.selected_batch()
    assert batch.downloaded == 0 and not home.annotate_button.isEnabled()

    home.download_button.click()
    qtbot.waitUntil(
        lambda: not window.controller.busy() and home.selected_batch().downloaded == batch.total, timeout=60_000
    )
    start_annotating(qtbot, window)
    annotate = window.annotate_page
    item = annotate.current_item()
    assert item.width == 1920 and item.display_width < item.width  # a display copy, shapes in original pixels
    draw_box(annotate.canvas, 200, 500, 700, 900)

    annotate.back_button.click()
    home.sync_bar.sync_button.click()
    qtbot.waitUntil(lambda: not window.controller.busy() and window.store.outbox_count() == 0, timeout=30_000)
    assert window.store.annotation(item.id).state == "synced"
    assert home.message_label.isHidden()
    with Store(tmp_path / "desktop") as store:
        assert store.last_sync()


def test_wrong_password_online(qtbot, tmp_path, server, open_window):
    window = open_window(tmp_path / "desktop", server)
    window.login_page.username_edit.setText("anno1")
    window.login_page.password_edit.setText("nope")
    window.login_page.login_button.click()
    qtbot.waitUntil(lambda: window.login_page.error_label.isVisible(), timeout=15_000)
    assert "Wrong username or password" in window.login_page.error_label.text()
