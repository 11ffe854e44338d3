"""The NER page: select text with the mouse or Shift+arrows, a number key marks it; click an
entity to select it, re-label or delete it; overlaps refused unless the order nests —
real mouse and keys, what is stored read back from the store."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtTest import QTest

from aidou_desktop.app import TRANSLATIONS
from aidou_desktop.ui.editors.ner_editor import NerEditor
from sync_server.protocol import Shape
from tests.gui.gui_helpers import log_in, press, start_annotating
from tests.gui.text_helpers import DIALOGUES, click_char, drag_select, seed_text_order, shift_select

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
TEXT = DIALOGUES[0]
NAME = TEXT.index("张三")
CITY = TEXT.index("北京市")
DISTRICT = TEXT.index("朝阳区")
PHONE = TEXT.index("13800138000")


def open_ner(qtbot, open_window, tmp_path, texts=DIALOGUES, **options):
    data_dir = tmp_path / "data"
    ids = seed_text_order(data_dir, "ner", texts, **options)
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    page = window.annotate_page
    assert isinstance(page.editor, NerEditor)
    return page, ids


def spans(page, item_id: int) -> list[tuple[str, int, int]] | None:
    annotation = page.store.annotation(item_id)
    return None if annotation is None else [(s.label, *s.points[0]) for s in annotation.shapes]


@pytest.fixture
def ner(qtbot, tmp_path, open_window):
    return open_ner(qtbot, open_window, tmp_path)


def test_a_mouse_drag_and_a_number_key_mark_an_entity(ner):
    page, ids = ner
    view = page.editor.view
    assert view.toPlainText() == TEXT and view.isReadOnly() and view.hasFocus()
    drag_select(view, TEXT, NAME, NAME + 2)
    assert view.textCursor().selectedText() == "张三"
    press(view, Qt.Key.Key_1)
    assert spans(page, ids[0]) == [("PER", NAME, NAME + 2)]
    stored = page.store.annotation(ids[0]).shapes[0]
    assert stored == Shape("span", "PER", [[NAME, NAME + 2]])
    assert TEXT[slice(*stored.points[0])] == "张三"
    # shown: tinted in the label's colour, in the list with its text, and selected
    assert [mark.title for mark in view.marks] == ["人名"]
    assert page.editor.span_list.model().data(page.editor.span_list.model().index(0, 0)) == "人名  张三"
    assert page.editor.selected == 0 and not view.textCursor().hasSelection()
    assert page.side.count_label.text() == "1 entity(ies) in this text"


def test_shift_arrows_select_and_plain_arrows_do_not_leave_the_item(ner):
    page, ids = ner
    view = page.editor.view
    shift_select(view, TEXT, PHONE, 11)
    assert view.textCursor().selectedText() == "13800138000"
    press(view, Qt.Key.Key_3)
    press(view, Qt.Key.Key_Right)  # moves in the text; D / A step between items
    press(view, Qt.Key.Key_Left)
    assert page.current_item().id == ids[0]
    assert spans(page, ids[0]) == [("PHONE", PHONE, PHONE + 11)]


def test_click_an_entity_then_relabel_it_or_delete_it(ner):
    page, ids = ner
    view = page.editor.view
    drag_select(view, TEXT, CITY, CITY + 3)
    press(view, Qt.Key.Key_1)  # a wrong label first
    drag_select(view, TEXT, NAME, NAME + 2)
    press(view, Qt.Key.Key_1)
    press(view, Qt.Key.Key_Escape)
    assert page.editor.selected == -1
    click_char(view, TEXT, CITY + 1)
    assert page.editor.selected == 1  # in text order: 张三 first, 北京市 second
    assert page.side.labels.currentRow() == 0  # its label is highlighted
    press(view, Qt.Key.Key_4)
    press(view, Qt.Key.Key_2)  # two re-labels of one entity: one undo step
    assert spans(page, ids[0]) == [("PER", NAME, NAME + 2), ("LOC", CITY, CITY + 3)]
    assert page.side.labels.currentRow() == 1
    click_char(view, TEXT, NAME)
    assert page.editor.selected == 0
    press(view, Qt.Key.Key_Backspace)
    assert spans(page, ids[0]) == [("LOC", CITY, CITY + 3)]
    press(view, Qt.Key.Key_Z, CTRL)
    assert spans(page, ids[0]) == [("PER", NAME, NAME + 2), ("LOC", CITY, CITY + 3)]
    press(view, Qt.Key.Key_Z, CTRL)  # both re-labels at once
    assert spans(page, ids[0]) == [("PER", NAME, NAME + 2), ("PER", CITY, CITY + 3)]
    press(view, Qt.Key.Key_Z, CTRL | SHIFT)
    press(view, Qt.Key.Key_Z, CTRL | SHIFT)
    assert spans(page, ids[0]) == [("LOC", CITY, CITY + 3)]
    click_char(view, TEXT, CITY)
    press(view, Qt.Key.Key_Delete)
    assert spans(page, ids[0]) == []


def test_a_click_on_the_list_selects_the_entity(ner):
    page, ids = ner
    view = page.editor.view
    for start, end, key in ((NAME, NAME + 2, Qt.Key.Key_1), (PHONE, PHONE + 11, Qt.Key.Key_3)):
        drag_select(view, TEXT, start, end)
        press(view, key)
    listing = page.editor.span_list
    rect = listing.visualRect(listing.model().index(0, 0))
    QTest.mouseClick(listing.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert page.editor.selected == 0 and view.hasFocus()
    press(view, Qt.Key.Key_Delete)
    assert spans(page, ids[0]) == [("PHONE", PHONE, PHONE + 11)]


def test_a_key_without_a_selection_says_what_to_do(ner):
    page, ids = ner
    press(page.editor.view, Qt.Key.Key_1)
    assert page.notice_label.isVisible() and "Select some text first" in page.notice_label.text()
    assert spans(page, ids[0]) is None


def test_overlaps_are_refused_with_a_message_when_the_order_does_not_nest(ner):
    page, ids = ner
    view = page.editor.view
    drag_select(view, TEXT, CITY, DISTRICT + 3)  # 北京市朝阳区
    press(view, Qt.Key.Key_2)
    drag_select(view, TEXT, DISTRICT, DISTRICT + 3)  # 朝阳区, inside it
    press(view, Qt.Key.Key_2)
    assert page.notice_label.isVisible() and "does not allow" in page.notice_label.text()
    assert spans(page, ids[0]) == [("LOC", CITY, DISTRICT + 3)]
    assert view.textCursor().selectedText() == "朝阳区"  # kept, to choose again
    drag_select(view, TEXT, NAME, NAME + 2)
    press(view, Qt.Key.Key_1)  # the next good mark clears the message
    assert not page.notice_label.isVisible()
    assert page.undo_stack.count() == 2


@pytest.fixture
def chinese(qapp):
    translator = QTranslator()
    assert translator.load(str(TRANSLATIONS / "aidou_zh_CN.qm"))
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_the_overlap_message_is_chinese(chinese, ner):
    page, ids = ner
    view = page.editor.view
    drag_select(view, TEXT, CITY, CITY + 3)
    press(view, Qt.Key.Key_2)
    drag_select(view, TEXT, CITY + 1, CITY + 5)  # crosses its end
    press(view, Qt.Key.Key_2)
    text = page.notice_label.text()
    assert re.search(r"[\u4e00-\u9fff]{6}", text) and not re.search(r"[A-Za-z]{3}", text), text


def test_nested_entities_are_kept_when_the_order_allows_them_but_never_crossing(qtbot, tmp_path, open_window):
    page, ids = open_ner(qtbot, open_window, tmp_path, nested_spans=True)
    view = page.editor.view
    drag_select(view, TEXT, CITY, DISTRICT + 3)
    press(view, Qt.Key.Key_2)
    drag_select(view, TEXT, DISTRICT, DISTRICT + 3)
    press(view, Qt.Key.Key_2)
    assert spans(page, ids[0]) == [("LOC", CITY, DISTRICT + 3), ("LOC", DISTRICT, DISTRICT + 3)]
    drag_select(view, TEXT, DISTRICT + 1, DISTRICT + 5)  # across the outer one's end
    press(view, Qt.Key.Key_4)
    assert "crosses the edge" in page.notice_label.text()
    assert len(spans(page, ids[0])) == 2
    click_char(view, TEXT, DISTRICT + 1)
    assert page.editor.selected == 1  # the innermost entity under the click


def test_e_marks_a_text_without_entities_and_enter_steps_on(ner):
    page, ids = ner
    view = page.editor.view
    press(view, Qt.Key.Key_E)
    assert spans(page, ids[0]) == []
    press(view, Qt.Key.Key_Return)
    assert page.current_item().id == ids[1] and page.editor.view.toPlainText() == DIALOGUES[1]
    press(page.editor.view, Qt.Key.Key_A)
    assert page.current_item().id == ids[0]


def test_undo_of_a_mark_on_an_item_left_behind_goes_back_to_it(ner):
    page, ids = ner
    view = page.editor.view
    drag_select(view, TEXT, NAME, NAME + 2)
    press(view, Qt.Key.Key_1)
    press(view, Qt.Key.Key_D)
    press(page.editor.view, Qt.Key.Key_Z, CTRL)
    assert page.current_item().id == ids[0]
    assert spans(page, ids[0]) is None and page.editor.view.marks == []  # unlabelled again


def test_a_suggestion_imported_with_the_order_is_taken_with_enter(qtbot, tmp_path, open_window):
    from aidou_desktop.store import Store
    from sync_server.protocol import PREANNOTATION_DEVICE, AnnotationRecord, Change, to_wire, uuid7

    data_dir = tmp_path / "data"
    ids = seed_text_order(data_dir, "ner", DIALOGUES)
    suggested = [Shape("span", "PER", [[NAME, NAME + 2]]), Shape("span", "PHONE", [[PHONE, PHONE + 11]])]
    with Store(data_dir) as store:
        for n, item_id in enumerate(ids[:2]):
            record = AnnotationRecord(uuid7(), item_id, 20, None, suggested if n == 0 else [],
                                      received_at="2026-11-25T09:00:00Z", device_id=PREANNOTATION_DEVICE)  # fmt: skip
            store.apply_changes([Change(100 + n, "annotation", to_wire(record))], str(100 + n))
    window = open_window(data_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    page = window.annotate_page
    press(page.editor.view, Qt.Key.Key_A)  # (a suggestion counts as labelled when the batch opens)
    press(page.editor.view, Qt.Key.Key_A)
    assert page.current_item().id == ids[0]
    assert [m.title for m in page.editor.view.marks] == ["人名", "电话"]
    assert "Suggested" in page.state_label.text()
    assert page.store.annotation(ids[0]).is_suggestion
    press(page.editor.view, Qt.Key.Key_D)  # D steps on: the suggestion stays a suggestion
    assert page.store.annotation(ids[1]).is_suggestion and page.store.annotation(ids[0]).is_suggestion
    press(page.editor.view, Qt.Key.Key_A)
    press(page.editor.view, Qt.Key.Key_Return)  # Enter: the annotator's own, as it stands
    assert page.current_item().id == ids[1]
    mine = page.store.annotation(ids[0])
    assert not mine.is_suggestion and mine.state == "queued" and mine.shapes == suggested
