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
    assert home.download_button.isEnabled()  # idle means the page was told so

    home.download_button.click()
    try:
        qtbot.waitUntil(
            lambda: not window.controller.busy() and home.selected_batch().downloaded == batch.total, timeout=60_000
        )
    except Exception:  # noqa: BLE001 - say what the person would have seen
        pytest.fail(f"not downloaded: {home.selected_batch()} message={home.message_label.text()!r}")
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


def test_a_lead_reviews_the_demo_and_keeps_one_side_of_a_conflict(qtbot, tmp_path, server, open_window):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from aidou_desktop.sync import SyncClient
    from sync_server.protocol import AnnotationRecord, Shape, uuid7

    # anno2 (whose demo batch is finished) edits one item again on a second PC, from no base: a conflict
    anno2 = SyncClient(server)
    anno2.login("anno2", "anno123")
    page = anno2.changes("", 500)
    item = next(c.data for c in page.changes if c.kind == "annotation")
    rival = AnnotationRecord(uuid7(), item["item_id"], None, None, [Shape("box", "bus", [[10, 10], [300, 200]])])
    assert [r.status for r in anno2.push([rival])] == ["conflict"]

    window = open_window(tmp_path / "lead-pc", server)
    login = window.login_page
    login.username_edit.setText("lead")
    login.password_edit.setText("lead123")
    QTest.mouseClick(login.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page, timeout=15_000)
    home = window.home_page
    waiting = lambda: len(window.store.review_queue(status="submitted"))  # noqa: E731 — anno2's 19, maybe anno1's too
    qtbot.waitUntil(lambda: not window.controller.busy() and waiting() >= 19, timeout=120_000)
    assert str(waiting()) in home.review_count_label.text()
    assert window.store.missing_review_blobs() == []  # the images to review came with the sync
    QTest.mouseClick(home.review_button, Qt.MouseButton.LeftButton)
    review = window.review_page
    assert window.pages.currentWidget() is review and review.model.rowCount() == waiting()  # not the conflict
    names = {review.model.annotator_text(e.annotator_id) for e in review.model.entries()}
    assert "韩志强" in names and names <= {"马小燕", "韩志强"}  # names, not "annotator #N"

    combo = review.filters.status_combo
    combo.setCurrentIndex(combo.findData("conflict"))
    assert [e.item_id for e in review.model.entries()] == [rival.item_id]
    QTest.mouseClick(review.conflict_view.panels[1][1], Qt.MouseButton.LeftButton)  # keep anno2's second try
    qtbot.waitUntil(lambda: not window.controller.busy() and len(window.store.conflict_candidates(rival.item_id)) == 1,
                    timeout=30_000)  # fmt: skip
    assert window.store.annotation(rival.item_id).shapes[0].label == "bus"


def test_the_offline_note_goes_and_the_annotate_page_says_online_when_the_link_returns(qtbot, tmp_path, server,
                                                                                         open_window):  # fmt: skip
    data = tmp_path / "desktop"
    first = open_window(data, server)  # an online login once: the account is cached on this PC
    first.login_page.username_edit.setText("anno3")
    first.login_page.password_edit.setText("anno123")
    first.login_page.login_button.click()
    qtbot.waitUntil(lambda: first.pages.currentWidget() is first.home_page and not first.controller.busy(),
                    timeout=30_000)  # fmt: skip
    first.close()

    window = open_window(data, f"http://127.0.0.1:{free_port()}")  # next morning the link is down at login
    window.login_page.server_edit.setText(f"http://127.0.0.1:{free_port()}")
    window.login_page.username_edit.setText("anno3")
    window.login_page.password_edit.setText("anno123")
    window.login_page.login_button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page, timeout=15_000)
    # the PC's own server address answers again: the probe finds it
    qtbot.waitUntil(lambda: window.controller.online, timeout=30_000)
    home = window.home_page
    assert not home.offline_note.isVisible()
    assert "Online" in home.sync_bar.online_label.text()
    assert "Online" in window.annotate_page.header.link_label.text()
