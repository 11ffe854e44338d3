"""At 2 Mbit/s the annotator opens a batch on its first image while the rest download,
and steps on to the others as they arrive (issue 12). The real app against the demo
server, through the fault proxy's throttled link; real clicks."""

from __future__ import annotations

import time

import pytest

from tests.desktop.server_process import ServerProcess
from tests.faults.proxy import FaultProxy
from tests.gui.gui_helpers import start_annotating

RATE = 2_000_000 // 8  # bytes/s
LATENCY_S = 0.05  # one way


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    server = ServerProcess(tmp_path_factory.mktemp("server") / "data")  # --demo: 3 batches of 20 street scenes
    server.start()
    yield server
    server.stop()


def test_a_batch_opens_on_its_first_image_while_the_rest_download(qtbot, tmp_path, demo_server, open_window):
    with FaultProxy(demo_server.port) as proxy:
        window = open_window(tmp_path / "desktop", proxy.url)
        window.login_page.username_edit.setText("anno1")
        window.login_page.password_edit.setText("anno123")
        window.login_page.login_button.click()
        home = window.home_page
        qtbot.waitUntil(lambda: home.model.rowCount() > 0 and not window.controller.busy(), timeout=30_000)
        batch = home.selected_batch()
        assert batch.downloaded == 0 and not home.annotate_button.isEnabled()
        proxy.rate_up = proxy.rate_down = RATE
        proxy.latency_s = LATENCY_S

        started = time.monotonic()
        home.download_button.click()
        qtbot.waitUntil(home.annotate_button.isEnabled, timeout=5_000)
        start_annotating(qtbot, window)
        on_screen = time.monotonic() - started

        page = window.annotate_page
        assert window.controller.busy()  # the rest are still on their way
        assert not page.canvas.image_rect.isEmpty()
        first = page.current_item()
        assert first.batch_id == batch.id and len(page.items) < batch.total
        assert on_screen <= 2.0, on_screen

        qtbot.waitUntil(lambda: not window.controller.busy(), timeout=60_000)
        assert len(page.items) == batch.total  # the page took them in as they came
        assert page.current_item().id == first.id  # and left the annotator where they were
        page.next_item()
        assert page.current_item().id == min(i.id for i in page.items if i.id > first.id)
        assert not page.canvas.image_rect.isEmpty()
