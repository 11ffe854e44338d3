"""A lead reviews text work: each item in its task kind's editor, looked at without
changing it, corrected with C and saved with Enter (Ctrl+Enter in a transcription's
text field, where Enter starts a new line), all through real keys and mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.store import Store
from sync_server.protocol import (
    AnnotationRecord, Batch, Change, Item, Label, LabelSchema, LoginResponse, Order, Shape, to_wire, uuid7,
)  # fmt: skip
from tests.gui.gui_helpers import ANNOTATOR, DEAD_SERVER, log_in, open_review_page, press
from tests.gui.test_review_page import LEAD, LEAD_PASSWORD, choose
from tests.gui.text_helpers import ENTITIES, INTENTS, click_char, drag_select

DIALOGUE = "客户：我叫张三，住在北京市朝阳区。"
CLASS_ITEM, NER_ITEM, TEXT_ITEM = 5000, 6000, 7000
CONFLICTED = 6001  # in the NER order: labelled on two PCs, kept for a person to settle
ORDERS = [
    (Order(2, "客服消息意图分类", "text_class", LabelSchema(1, INTENTS), "", 8), CLASS_ITEM,
     "你们的快递太慢了！", [Shape("class", "complaint", [])]),
    (Order(3, "客服对话实体标注", "ner", LabelSchema(1, ENTITIES), "", 8), NER_ITEM,
     DIALOGUE, [Shape("span", "PER", [[5, 7]])]),
    (Order(4, "小票文字转写", "transcription", LabelSchema(1, [Label("line", "文字行", "#4363d8")]), "", 8),
     TEXT_ITEM, "", [Shape("text", "line", [], "新华书店"), Shape("text", "line", [], "合计 11.20")]),
]  # fmt: skip


def seed(data_dir: Path) -> None:
    """A lead's PC: one annotator's revision of an item in each of three text orders.
    The transcription item's image never arrived: the text is still there to review. A
    second NER item was labelled on two PCs: a conflict."""
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, LEAD_PASSWORD, LoginResponse("token", LEAD, "2026-11-25T08:00:00Z"))
    changes: list[Change] = []

    def add(kind: str, record) -> None:
        changes.append(Change(len(changes) + 1, kind, to_wire(record)))

    for order, item_id, text, shapes in ORDERS:
        add("order", order)
        ids = [item_id, CONFLICTED] if item_id == NER_ITEM else [item_id]
        add("batch", Batch(order.id * 10, order.id, "批次 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", ids))
        if order.task_kind == "transcription":
            item = Item(item_id, order.id, order.id * 10, "小票_01.jpg", 800, 1200, "ab" * 32, 1000, 800, 1200)
        else:
            item = Item(item_id, order.id, order.id * 10, f"对话_{item_id}", 0, 0, "", 0, 0, 0, text)
        add("item", item)
        add("annotation", AnnotationRecord(uuid7(), item_id, order.id * 10, None, shapes, 20_000,
                                           annotator_id=ANNOTATOR.id, received_at="2026-11-25T09:00:00Z"))  # fmt: skip
    add("item", Item(CONFLICTED, 3, 30, "对话_6001", 0, 0, "", 0, 0, 0, DIALOGUE))
    for annotator_id, status in ((ANNOTATOR.id, None), (9, "conflict")):
        add("annotation", AnnotationRecord(uuid7(), CONFLICTED, 30, None, [Shape("span", "LOC", [[10, 13]])], 20_000,
                                           annotator_id=annotator_id, received_at="2026-11-25T09:00:00Z",
                                           status=status))  # fmt: skip
    store.apply_changes(changes, str(len(changes)))
    store.close()


@pytest.fixture
def page(qtbot, tmp_path, open_window):
    seed(tmp_path / "lead")
    window = open_window(tmp_path / "lead")
    log_in(qtbot, window, LEAD_PASSWORD, LEAD.username)
    return open_review_page(qtbot, window)


def open_row(qtbot, page, item_id: int):
    """Click the item's row in the queue, as the lead does; returns the editor it shows in."""
    row = next(r for r, e in enumerate(page.model.entries()) if e.item_id == item_id)
    index = page.model.index(row, 0)
    page.table.scrollTo(index)
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=page.table.visualRect(index).center())
    qtbot.waitUntil(lambda: page.current_entry().item_id == item_id)
    return page.editors.editor


def test_an_ner_item_shows_its_text_and_spans_and_enter_accepts_it(qtbot, page):
    editor = open_row(qtbot, page, NER_ITEM)
    assert editor is not None and page.editors.isVisible() and not page.canvas.isVisible()
    assert editor.view.toPlainText() == DIALOGUE
    assert [(s.label, s.points) for s in editor.shapes()] == [("PER", [[5, 7]])]
    assert "not on this PC" not in page.note_label.text() or page.note_label.isHidden()
    revision = page.store.annotation(NER_ITEM)
    press(page.editors, Qt.Key.Key_Return)
    assert page.store.latest_review(revision.id).verdict == "accept"


def test_looking_changes_nothing(qtbot, page):
    editor = open_row(qtbot, page, CLASS_ITEM)
    before = page.store.annotation(CLASS_ITEM)
    for key in (Qt.Key.Key_3, Qt.Key.Key_Delete):
        press(page.editors, key)
        press(editor.focus_widget(), key)
    assert [s.label for s in editor.shapes()] == ["complaint"]
    assert page.store.annotation(CLASS_ITEM).id == before.id and page.store.outbox_count() == 0


def test_c_a_number_key_and_enter_save_the_leads_class_and_accept_it(qtbot, page):
    editor = open_row(qtbot, page, CLASS_ITEM)
    before = page.store.annotation(CLASS_ITEM)
    press(page.editors, Qt.Key.Key_C)
    assert page.correcting and "1–9" in page.note_label.text()
    press(editor.focus_widget(), Qt.Key.Key_3)  # refund, in place of complaint (one class per item)
    assert [s.label for s in editor.shapes()] == ["refund"]
    assert page.store.annotation(CLASS_ITEM).id == before.id  # nothing saved before Enter
    press(editor.focus_widget(), Qt.Key.Key_Return)
    after = page.store.annotation(CLASS_ITEM)
    assert after.id != before.id and after.base_id == before.id and [s.label for s in after.shapes] == ["refund"]
    assert page.store.latest_review(after.id).verdict == "accept"
    assert not page.correcting


def test_a_span_is_added_in_correct_mode_and_esc_drops_it(qtbot, page):
    editor = open_row(qtbot, page, NER_ITEM)
    drag_select(editor.view, DIALOGUE, 0, 2)  # while only looking: a number key marks nothing
    press(editor.view, Qt.Key.Key_2)
    assert len(editor.shapes()) == 1
    press(page.editors, Qt.Key.Key_C)
    drag_select(editor.view, DIALOGUE, 10, 13)  # 北京市
    press(editor.view, Qt.Key.Key_2)  # LOC
    assert [(s.label, s.points) for s in editor.shapes()] == [("PER", [[5, 7]]), ("LOC", [[10, 13]])]
    press(editor.view, Qt.Key.Key_Escape)
    assert not page.correcting and page.isVisible()  # the first Esc only leaves correct mode
    assert [(s.label, s.points) for s in editor.shapes()] == [("PER", [[5, 7]])]
    assert page.store.outbox_count() == 0


def test_the_pages_keys_work_while_the_lead_only_looks_in_a_text(qtbot, page):
    editor = open_row(qtbot, page, NER_ITEM)
    click_char(editor.view, DIALOGUE, 3)  # the lead clicks into the text to read it
    assert editor.view.hasFocus()
    row = page.row
    press(editor.view, Qt.Key.Key_J if row < page.model.rowCount() - 1 else Qt.Key.Key_K)
    assert page.row != row
    editor = open_row(qtbot, page, TEXT_ITEM)
    QTest.mouseClick(editor.text.viewport(), Qt.MouseButton.LeftButton)
    assert editor.text.hasFocus() and editor.text.isReadOnly()
    revision = page.store.annotation(TEXT_ITEM)
    press(editor.text, Qt.Key.Key_Return)  # Enter accepts: nothing is typed while looking
    assert page.store.latest_review(revision.id).verdict == "accept"
    assert page.store.annotation(TEXT_ITEM).id == revision.id


def test_a_transcription_is_corrected_by_typing_and_ctrl_enter(qtbot, page):
    editor = open_row(qtbot, page, TEXT_ITEM)
    assert "not on this PC" in page.note_label.text()  # the image is missing, and said so ...
    assert editor.text.toPlainText() == "新华书店\n合计 11.20"  # ... the text is still there
    assert editor.text.isReadOnly()
    QTest.keyClicks(editor.text, "xyz")  # looking: nothing typed
    assert editor.text.toPlainText() == "新华书店\n合计 11.20"
    before = page.store.annotation(TEXT_ITEM)
    press(page.editors, Qt.Key.Key_C)
    assert not editor.text.isReadOnly() and editor.text.hasFocus()
    assert "Ctrl+Enter" in page.note_label.text()
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    press(editor.text, Qt.Key.Key_Return)  # Enter in the text starts a line: it saves nothing
    QTest.keyClicks(editor.text, "CASH 20.00 FJKR")  # C, F, J, K, R, Space and digits are text here
    assert page.correcting and page.store.annotation(TEXT_ITEM).id == before.id
    assert editor.text.toPlainText() == "新华书店\n合计 11.20\nCASH 20.00 FJKR"
    QTest.keyClick(editor.text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    after = page.store.annotation(TEXT_ITEM)
    assert after.id != before.id and after.base_id == before.id
    assert [s.text for s in after.shapes] == ["新华书店", "合计 11.20", "CASH 20.00 FJKR"]
    assert page.store.latest_review(after.id).verdict == "accept"
    assert not page.correcting and editor.text.isReadOnly()


def test_a_transcription_typed_then_esc_and_enter_is_saved(qtbot, page):
    editor = open_row(qtbot, page, TEXT_ITEM)
    before = page.store.annotation(TEXT_ITEM)
    press(page.editors, Qt.Key.Key_C)
    editor.text.moveCursor(editor.text.textCursor().MoveOperation.End)
    QTest.keyClicks(editor.text, "0")
    press(editor.text, Qt.Key.Key_Escape)  # leaves the text field, not correct mode
    assert page.correcting and not editor.text.hasFocus()
    press(editor.focusWidget(), Qt.Key.Key_Return)
    after = page.store.annotation(TEXT_ITEM)
    assert after.id != before.id and [s.text for s in after.shapes] == ["新华书店", "合计 11.200"]
    assert page.store.latest_review(after.id).verdict == "accept"


def test_a_text_conflict_shows_the_item_and_the_note_and_cannot_be_judged(qtbot, page):
    choose(qtbot, page.filters.status_combo, "Conflict")
    assert [e.item_id for e in page.model.entries()] == [CONFLICTED]
    editor = page.editors.editor
    assert page.editors.isVisible() and not page.canvas.isVisible() and not page.conflict_view.isVisible()
    assert editor.view.toPlainText() == DIALOGUE and [s.label for s in editor.shapes()] == ["LOC"]
    assert "Keep one" in page.note_label.text()
    click_char(editor.view, DIALOGUE, 3)
    for key in (Qt.Key.Key_Return, Qt.Key.Key_R, Qt.Key.Key_C, Qt.Key.Key_1, Qt.Key.Key_Delete):
        press(editor.view, key)
    assert page.store.latest_review(page.current_entry().annotation_id) is None
    assert not page.correcting and not page.reject_dialog.isVisible()
    assert [s.label for s in editor.shapes()] == ["LOC"] and page.store.outbox_count() == 0
