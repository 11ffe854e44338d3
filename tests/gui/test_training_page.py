"""Training with real input against the real demo server (ADR 0027): the course arrives
with a sync, the server goes away, the trainee answers by mouse and keys and sees at once
what was expected, passes offline, and the attempt and its certificate reach the server
exactly once when it is back."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import create_engine, func, select

from sync_server.db import tables
from sync_server.orders.demo import DEMO_COURSE, DEMO_COURSE_ITEMS
from tests.gui.gui_helpers import ROOT, draw_box, log_in
from tests.gui.test_real_server import free_port


class DemoServer:
    def __init__(self, data_dir):
        self.data_dir, self.port, self.proc = data_dir, free_port(), None
        self.url = f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "sync_server.cli", "serve", "--demo", "--data-dir", str(self.data_dir),
             "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 180  # seeding draws the demo images: slow on a busy PC
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail(f"sync server did not start: {self.proc.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)

    def count(self, table) -> int:
        engine = create_engine(f"sqlite:///{self.data_dir / 'server.db'}")
        try:
            with engine.connect() as conn:
                return conn.execute(select(func.count()).select_from(table)).scalar()
        finally:
            engine.dispose()


@pytest.fixture
def server(tmp_path):
    found = DemoServer(tmp_path / "server")
    found.start()
    yield found
    if found.proc.poll() is None:
        found.stop()


def _answer(qtbot, page, lesson) -> None:
    """Draw each expected box and give it its label by number key, as a person would."""
    canvas = page.editor.canvas
    names = [label.name for label in page.course.order.schema.labels]
    for shape in lesson.expected:
        (x1, y1), (x2, y2) = shape.points
        draw_box(canvas, x1, y1, x2, y2)
        QTest.keyClick(canvas, Qt.Key(Qt.Key.Key_1 + names.index(shape.label)))
        QTest.keyClick(canvas, Qt.Key.Key_Escape)  # let go of it: the next drag near it draws anew


def test_a_course_taken_offline_certifies_once_the_server_is_back(qtbot, tmp_path, server, open_window):
    window = open_window(tmp_path / "desktop", server.url)
    log_in(qtbot, window, "anno123", "anno1", timeout=15_000)
    store = window.store
    qtbot.waitUntil(lambda: not window.controller.busy() and store.courses() and not store.missing_lesson_blobs(),
                    timeout=60_000)  # fmt: skip
    server.stop()  # the link drops: everything below happens offline

    QTest.mouseClick(window.home_page.training_button, Qt.MouseButton.LeftButton)
    page = window.training_page
    assert window.pages.currentWidget() is page
    assert page.table.item(0, 0).text() == DEMO_COURSE and page.table.item(0, 2).text() == str(DEMO_COURSE_ITEMS)
    QTest.mouseClick(page.start_button, Qt.MouseButton.LeftButton)
    assert page.stack.currentIndex() == 1 and page.position == 0
    canvas = page.editor.canvas
    assert page.editor.shapes() == [] and not canvas.image_rect.isEmpty()  # the lesson's image came with the sync

    # lesson 1: one object missed on purpose
    first = page.course.items[0]
    _answer(qtbot, page, type(first)(first.item, first.expected[1:]))
    QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.checked is not None and not page.checked.right
    assert canvas.expected == first.expected  # drawn over the trainee's own boxes
    assert "✘" in page.feedback.text() and len(page.checked.missed) == 1
    before = page.editor.shapes()
    draw_box(canvas, 5, 5, 300, 300)  # the answer is given: no more changes to it
    assert page.editor.shapes() == before
    QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert page.position == 1 and canvas.expected == []

    for position in range(1, DEMO_COURSE_ITEMS):
        _answer(qtbot, page, page.course.items[position])
        QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        assert page.checked.right, (position, page.feedback.text())
        QTest.keyClick(canvas, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert page.stack.currentIndex() == 0
    assert page.result_label.isVisible() and "Passed" in page.result_label.text()
    user = store.current_user()
    (attempt,) = store.waiting_attempts(user.id)
    assert len(attempt.answers) == DEMO_COURSE_ITEMS
    cert = store.certificates(user.id)["bbox"]
    assert cert.certified_at == ""  # passed here; the server has not confirmed it yet
    assert page.table.item(0, 4).text() != ""

    server.start()  # the link is back
    QTest.mouseClick(page.back_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.home_page.sync_bar.sync_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.controller.busy() and bool(store.certificates(user.id)["bbox"].certified_at),
                    timeout=30_000)  # fmt: skip
    assert store.waiting_attempts(user.id) == []
    QTest.mouseClick(window.home_page.sync_bar.sync_button, Qt.MouseButton.LeftButton)  # again: nothing re-sent
    qtbot.waitUntil(lambda: not window.controller.busy(), timeout=30_000)
    assert server.count(tables.training_attempts) == 1 and server.count(tables.certificates) == 1
