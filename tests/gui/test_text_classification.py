"""Text and image classification pages: number keys choose, Enter / D step on, each change
saved at once and undoable — real keys and clicks, read back from the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.ui.editors import TextClassEditor
from aidou_desktop.ui.editors.class_editors import ImageClassEditor
from sync_server.protocol import Shape
from tests.gui.gui_helpers import DISPLAY_SIZE, log_in, press, start_annotating
from tests.gui.text_helpers import DIALOGUES, seed_image_class_order, seed_text_order

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def open_page(qtbot, open_window, data_dir: Path):
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def classes(page, item_id: int) -> list[str] | None:
    annotation = page.store.annotation(item_id)
    return None if annotation is None else [s.label for s in annotation.shapes]


def ticked(page) -> list[str]:
    labels = page.side.labels
    return [labels.item(r).toolTip() for r in range(labels.count()) if labels.item(r).checkState() == Qt.CheckState.Checked]


def chips(editor) -> list[str]:
    layout = editor.chips.layout()
    return [layout.itemAt(i).widget().text() for i in range(layout.count()) if layout.itemAt(i).widget()]


@pytest.fixture
def single(qtbot, tmp_path, open_window):
    ids = seed_text_order(tmp_path / "data", "text_class", DIALOGUES)
    return open_page(qtbot, open_window, tmp_path / "data"), ids


@pytest.fixture
def multi(qtbot, tmp_path, open_window):
    ids = seed_text_order(tmp_path / "data", "text_class", DIALOGUES, multi_label=True)
    return open_page(qtbot, open_window, tmp_path / "data"), ids


def test_the_text_is_shown_whole_large_and_read_only(single):
    page, ids = single
    editor = page.editor
    assert isinstance(editor, TextClassEditor) and page.editor_stack.currentWidget() is editor
    view = editor.text_view
    assert view.toPlainText() == DIALOGUES[0] and view.isReadOnly()
    assert view.font().pointSize() >= 14
    assert view.hasFocus()
    QTest.keyClicks(view, "xyz")  # typing changes nothing
    assert view.toPlainText() == DIALOGUES[0]
    assert page.position_label.text() == "Item 1 / 3"


def test_single_label_a_key_sets_the_same_key_clears_and_another_replaces(single):
    page, ids = single
    view = page.editor.text_view
    press(view, Qt.Key.Key_2)
    assert classes(page, ids[0]) == ["consult"]
    assert ticked(page) == ["consult"] and chips(page.editor) == ["2 咨询"]
    press(view, Qt.Key.Key_3)
    assert classes(page, ids[0]) == ["refund"] and ticked(page) == ["refund"]
    press(view, Qt.Key.Key_3)  # the same again: cleared
    assert classes(page, ids[0]) == [] and ticked(page) == []
    assert "No class chosen" in chips(page.editor)[0]
    press(view, Qt.Key.Key_Z, CTRL)
    assert classes(page, ids[0]) == ["refund"]
    press(view, Qt.Key.Key_Z, CTRL)
    assert classes(page, ids[0]) == ["consult"] and ticked(page) == ["consult"]
    press(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert classes(page, ids[0]) == ["refund"]


def test_enter_and_d_step_on_and_a_steps_back(single):
    page, ids = single
    press(page.editor.text_view, Qt.Key.Key_1)
    press(page.editor.text_view, Qt.Key.Key_Return)
    assert page.current_item().id == ids[1]
    assert page.editor.text_view.toPlainText() == DIALOGUES[1]
    assert ticked(page) == []  # the next item's own (none yet)
    press(page.editor.text_view, Qt.Key.Key_4)
    press(page.editor.text_view, Qt.Key.Key_D)
    assert page.current_item().id == ids[2]
    press(page.editor.text_view, Qt.Key.Key_A)
    press(page.editor.text_view, Qt.Key.Key_A)
    assert page.current_item().id == ids[0] and ticked(page) == ["complaint"]
    assert classes(page, ids[0]) == ["complaint"] and classes(page, ids[1]) == ["praise"]
    assert classes(page, ids[2]) is None


def test_a_click_on_the_label_list_chooses_and_e_says_none_applies(single):
    page, ids = single
    labels = page.side.labels
    rect = labels.visualItemRect(labels.item(2))
    QTest.mouseClick(labels.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert classes(page, ids[0]) == ["refund"]
    press(page.editor.text_view, Qt.Key.Key_E)  # not while a class is chosen
    assert classes(page, ids[0]) == ["refund"]
    press(page.editor.text_view, Qt.Key.Key_Delete)
    assert classes(page, ids[0]) == []
    press(page.editor.text_view, Qt.Key.Key_D)
    press(page.editor.text_view, Qt.Key.Key_E)  # "none of these": done, with no class
    assert classes(page, ids[1]) == []
    with_store = page.store.batch_summaries(7)[0]
    assert with_store.done == 2


def test_multi_label_keys_toggle_in_schema_order(multi):
    page, ids = multi
    view = page.editor.text_view
    press(view, Qt.Key.Key_3)
    press(view, Qt.Key.Key_1)
    assert classes(page, ids[0]) == ["complaint", "refund"]  # schema order, whatever the key order
    assert ticked(page) == ["complaint", "refund"] and chips(page.editor) == ["1 投诉", "3 退款"]
    press(view, Qt.Key.Key_1)
    assert classes(page, ids[0]) == ["refund"]
    press(view, Qt.Key.Key_2)
    assert classes(page, ids[0]) == ["consult", "refund"]
    assert page.undo_stack.count() == 4
    page.undo_stack.undo()
    assert classes(page, ids[0]) == ["refund"]
    shapes = page.store.annotation(ids[0]).shapes
    assert shapes == [Shape("class", "refund", [])]


def test_a_class_the_order_dropped_must_go_before_others_are_added(qtbot, tmp_path, open_window):
    """The page never saves what the server would refuse: an item saved with a class the
    label list no longer has takes no more classes until that one is cleared."""
    from aidou_desktop.store import Store

    ids = seed_text_order(tmp_path / "data", "text_class", DIALOGUES, multi_label=True)
    with Store(tmp_path / "data") as store:
        store.save_shapes(ids[0], [Shape("class", "spam", [])])
    page = open_page(qtbot, open_window, tmp_path / "data")
    press(page.editor.text_view, Qt.Key.Key_A)
    assert page.current_item().id == ids[0] and chips(page.editor) == ["spam"]
    press(page.editor.text_view, Qt.Key.Key_2)
    assert "'spam' is not in this order's label list" in page.notice_label.text()
    assert classes(page, ids[0]) == ["spam"]
    press(page.editor.text_view, Qt.Key.Key_Delete)  # clearing is allowed, and ends the message
    press(page.editor.text_view, Qt.Key.Key_2)
    assert classes(page, ids[0]) == ["consult"] and not page.notice_label.isVisible()


@pytest.fixture
def image_page(qtbot, tmp_path, open_window):
    ids = seed_image_class_order(tmp_path / "data")
    return open_page(qtbot, open_window, tmp_path / "data"), ids


def test_image_classification_fits_the_image_and_keys_choose(image_page):
    page, ids = image_page
    editor = page.editor
    assert isinstance(editor, ImageClassEditor)
    view = editor.image_view
    assert view.pixmap.width() == DISPLAY_SIZE[0]
    shown = view.image_rect()
    assert shown.width() <= view.width() + 0.5 and shown.height() <= view.height() + 0.5
    assert abs(shown.width() / shown.height() - DISPLAY_SIZE[0] / DISPLAY_SIZE[1]) < 0.01
    assert min(view.width() - shown.width(), view.height() - shown.height()) < 1  # as large as fits
    press(view, Qt.Key.Key_2)
    assert classes(page, ids[0]) == ["indoor"]
    press(view, Qt.Key.Key_Enter)
    assert page.current_item().id == ids[1]
    press(view, Qt.Key.Key_3)
    press(view, Qt.Key.Key_1)
    assert classes(page, ids[1]) == ["road"]  # single-label: the last key wins
    page.undo_stack.undo()
    assert classes(page, ids[1]) == ["night"]
