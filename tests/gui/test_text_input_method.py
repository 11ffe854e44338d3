"""An input method's composition is never cut by the page's single-key shortcuts: while a
pinyin preedit is under way, D, A, E, Q, Enter and the number keys belong to it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from tests.gui.gui_helpers import log_in, press, start_annotating
from tests.gui.text_helpers import DIALOGUES, drag_select, seed_text_order


def compose(widget, preedit: str) -> None:
    QApplication.sendEvent(widget, QInputMethodEvent(preedit, []))


def commit(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


@pytest.mark.parametrize("task_kind", ["ner", "text_class"])
def test_keys_wait_while_an_input_method_composes(qtbot, tmp_path, open_window, task_kind):
    ids = seed_text_order(tmp_path / "data", task_kind, DIALOGUES)
    window = open_window(tmp_path / "data")
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    page = window.annotate_page
    view = page.editor.focus_widget()
    if task_kind == "ner":
        drag_select(view, DIALOGUES[0], 0, 2)
    compose(view, "d")
    assert page.editor.wants_keys()
    for key in (Qt.Key.Key_D, Qt.Key.Key_1, Qt.Key.Key_E, Qt.Key.Key_Return, Qt.Key.Key_A, Qt.Key.Key_Q):
        press(view, key)
    assert page.current_item().id == ids[0]
    assert page.store.annotation(ids[0]) is None and not page.flag_dialog.isVisible()
    commit(view, "的")
    assert not page.editor.wants_keys()
    assert view.toPlainText() == DIALOGUES[0]  # a read-only text takes nothing from the input method
    press(view, Qt.Key.Key_1)
    assert page.store.annotation(ids[0]) is not None
    press(view, Qt.Key.Key_D)
    assert page.current_item().id == ids[1]
