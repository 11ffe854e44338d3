"""A 10,000-item text batch: ready without any download, and opened without reading its
texts (a few hundred characters each) — the page reads a page of items at a time."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from aidou_desktop.store.item_pages import PAGE_SIZE, PAGES_KEPT
from tests.gui.gui_helpers import log_in, press, start_annotating
from tests.gui.text_helpers import DIALOGUES, seed_text_order

COUNT = 10_000


def long_text(n: int) -> str:
    return f"第{n}条：" + "".join(DIALOGUES) * 2


def test_a_10000_item_text_batch_is_ready_and_opens_at_once(qtbot, tmp_path, open_window):
    ids = seed_text_order(tmp_path / "data", "text_class", [long_text(n) for n in range(COUNT)])
    window = open_window(tmp_path / "data")
    log_in(qtbot, window)
    summary = window.home_page.selected_batch()
    assert (summary.total, summary.downloaded) == (COUNT, COUNT)  # no image to wait for
    t0 = time.perf_counter()
    start_annotating(qtbot, window)
    opened_s = time.perf_counter() - t0
    page = window.annotate_page
    assert page.position_label.text() == f"Item 1 / {COUNT}"
    assert page.editor.text_view.toPlainText() == long_text(0)
    assert len(page.items._pages) == 1  # one page of texts read, not 10,000
    assert opened_s < 2.0, opened_s  # generous for a loaded CI machine; bench_text has the figure
    press(page.editor.text_view, Qt.Key.Key_1)
    for _ in range(PAGE_SIZE + 1):
        press(page.editor.text_view, Qt.Key.Key_Return)
    assert page.current_item().id == ids[PAGE_SIZE + 1]
    assert page.editor.text_view.toPlainText() == long_text(PAGE_SIZE + 1)
    page.go_to(COUNT - 1)
    assert page.editor.text_view.toPlainText() == long_text(COUNT - 1)
    assert len(page.items._pages) <= PAGES_KEPT
    press(page.editor.text_view, Qt.Key.Key_2)
    assert page.store.annotation(ids[-1]).shapes[0].label == "consult"
    assert page.store.annotation(ids[0]).shapes[0].label == "complaint"
