"""The lead's review page and the annotator's rework, driven by real keys and mouse.

The lead's PC holds what its feed brought: an order, two annotators' batches and
their revisions (one item in conflict). Every verdict must reach the store at once.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from aidou_desktop.model.review import ACCEPTED, CONFLICT, REJECTED, SUBMITTED, QueueEntry
from aidou_desktop.store import Store
from aidou_desktop.ui.review_queue_model import COMMENT, STATUS, ReviewQueueModel
from sync_server.protocol import (
    AnnotationRecord,
    Batch,
    Change,
    Item,
    LoginResponse,
    Order,
    ReviewRecord,
    Shape,
    UserInfo,
    to_wire,
    uuid7,
)
from tests.gui.gui_helpers import (
    ANNOTATOR,
    DEAD_SERVER,
    DISPLAY_SIZE,
    ITEM_IDS,
    ORIGINAL_SIZE,
    SCHEMA,
    draw_box,
    jpeg_bytes,
    log_in,
    press,
    start_annotating,
)

LEAD = UserInfo(3, "lead", "王组长", "lead", 1, "积石山 AI豆 基地")
LEAD_PASSWORD = "lead123"
OTHER_ANNOTATOR = 8
ORDER = Order(1, "道路场景车辆标注", "bbox", SCHEMA, "# 标注规范", 12)
FIRST = [200 + n for n in range(20)]  # ANNOTATOR's batch
SECOND = [220 + n for n in range(20)]  # the other annotator's batch; its last item is in conflict
CONFLICTED = SECOND[-1]


def box(x: float) -> Shape:
    return Shape("box", "car", [[x, 100.0], [x + 300.0, 400.0]])


def revision(item_id: int, batch_id: int, annotator_id: int, status: str | None = None,
             shapes: list[Shape] | None = None) -> AnnotationRecord:  # fmt: skip
    return AnnotationRecord(uuid7(), item_id, batch_id, None, shapes or [box(100)], 30_000, annotator_id=annotator_id,
                            received_at="2026-11-25T09:00:00Z", status=status)  # fmt: skip


def seed_lead_store(data_dir: Path, order: Order = ORDER, shapes: list[Shape] | None = None) -> None:
    """A lead who logged in once; their feed brought two batches of work, images downloaded."""
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, LEAD_PASSWORD, LoginResponse("token", LEAD, "2026-11-25T08:00:00Z"))
    blobs = [jpeg_bytes(n) for n in range(4)]  # items share a few images: the queue is what matters
    changes = [Change(1, "order", to_wire(order))]
    for batch_id, annotator, ids in ((10, ANNOTATOR.id, FIRST), (11, OTHER_ANNOTATOR, SECOND)):
        changes.append(Change(len(changes) + 1, "batch", to_wire(Batch(batch_id, 1, f"批次 {batch_id}", annotator,
                                                                          "2030-01-01T00:00:00Z", ids))))  # fmt: skip
        for item_id in ids:
            data = blobs[item_id % len(blobs)]
            sha = hashlib.sha256(data).hexdigest()
            item = Item(item_id, 1, batch_id, f"street_{item_id}.jpg", *ORIGINAL_SIZE, sha, len(data), *DISPLAY_SIZE)
            changes.append(Change(len(changes) + 1, "item", to_wire(item)))
            changes.append(Change(len(changes) + 1, "annotation",
                                  to_wire(revision(item_id, batch_id, annotator, shapes=shapes))))  # fmt: skip
    # the same item labelled on a second PC after a re-lease: kept as a conflict for a person
    changes.append(Change(len(changes) + 1, "annotation", to_wire(revision(CONFLICTED, 11, 9, "conflict"))))
    for data in blobs:
        store.partial_blob_path(hashlib.sha256(data).hexdigest()).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(hashlib.sha256(data).hexdigest()).write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    for data in blobs:
        assert store.commit_blob(hashlib.sha256(data).hexdigest())
    store.close()


@pytest.fixture
def lead_dir(tmp_path: Path) -> Path:
    path = tmp_path / "lead"
    seed_lead_store(path)
    return path


@pytest.fixture
def window(qtbot, lead_dir, open_window):
    window = open_window(lead_dir)
    log_in(qtbot, window, LEAD_PASSWORD, LEAD.username)
    return window


@pytest.fixture
def page(qtbot, window):
    QTest.mouseClick(window.home_page.review_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.review_page)
    return window.review_page


def status_texts(page) -> list[str]:
    return [page.model.index(r, STATUS).data() for r in range(page.model.rowCount())]


def type_chinese(widget, text: str) -> None:
    """Chinese arrives from the input method as a committed string, not as key presses."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def choose(qtbot, combo, text: str) -> None:
    """Open the drop-down with the mouse and click the entry, as a person does."""
    QTest.mouseClick(combo, Qt.MouseButton.LeftButton)
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    qtbot.wait(QApplication.doubleClickInterval() + 50)  # the popup ignores a release that comes too soon
    index = view.model().index(combo.findText(text), 0)
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: combo.currentText() == text)


def test_a_lead_sees_the_review_queue_on_home(window, page):
    home = window.home_page
    assert home.review_count_label.text() == f"{len(FIRST) + len(SECOND) - 1} item(s) waiting for review"
    assert not home.empty_label.isVisible() and not home.table.isVisible()  # no annotator's batch hint
    assert page.model.rowCount() == len(FIRST) + len(SECOND) - 1  # waiting for review: not the conflict
    assert page.current_entry().item_id == FIRST[0]
    assert page.canvas.read_only and len(page.canvas.shapes()) == 1
    assert page.rate_label.text() == "No verdicts yet"
    press(page.canvas, Qt.Key.Key_Escape)
    assert window.pages.currentWidget() is home


def test_enter_and_space_accept_and_move_on(window, page):
    store = page.store
    first, second = (store.annotation(i).id for i in FIRST[:2])
    press(page.canvas, Qt.Key.Key_Return)
    assert store.latest_review(first).verdict == "accept"
    assert page.current_entry().item_id == FIRST[1]
    press(page.canvas, Qt.Key.Key_Space)
    assert store.latest_review(second).verdict == "accept"
    assert status_texts(page)[:3] == ["Accepted", "Accepted", "Waiting for review"]  # at once, offline
    assert page.rate_label.text() == "Accept rate 100% (2 item(s) checked)"
    assert "2 item(s) waiting to upload" in window.home_page.sync_bar.waiting_label.text()
    press(page.canvas, Qt.Key.Key_K)
    press(page.canvas, Qt.Key.Key_Up)
    assert page.current_entry().item_id == FIRST[0]
    press(page.canvas, Qt.Key.Key_J)
    press(page.canvas, Qt.Key.Key_Down)
    assert page.current_entry().item_id == FIRST[2]


def test_r_with_a_reason_sends_back_with_that_comment(qtbot, page):
    annotation_id = page.store.annotation(FIRST[0]).id
    press(page.canvas, Qt.Key.Key_R)
    dialog = page.reject_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.mouseClick(dialog.reason_boxes[1], Qt.MouseButton.LeftButton)  # boxes not tight
    type_chinese(dialog.text_edit, "车尾没框全")
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    review = page.store.latest_review(annotation_id)
    assert (review.verdict, review.comment) == ("reject", "Boxes not tight; 车尾没框全")
    assert not dialog.isVisible()
    assert status_texts(page)[0] == "Sent back" and page.current_entry().item_id == FIRST[1]
    assert page.rate_label.text() == "Accept rate 0% (1 item(s) checked)"


def test_r_with_nothing_chosen_refuses_and_saves_nothing(qtbot, page):
    press(page.canvas, Qt.Key.Key_R)
    dialog = page.reject_dialog
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.error_label.isVisible()
    assert "Tick a reason" in dialog.error_label.text()
    assert page.store.latest_review(page.store.annotation(FIRST[0]).id) is None
    assert page.store.outbox_count() == 0
    press(dialog, Qt.Key.Key_3)  # a number key ticks a reason: wrong class
    press(dialog.ok_button, Qt.Key.Key_Return)
    assert page.store.latest_review(page.store.annotation(FIRST[0]).id).comment == "Wrong class"


def test_c_then_a_drag_and_enter_saves_the_leads_revision_and_accepts_it(page):
    store = page.store
    before = store.annotation(FIRST[0])
    press(page.canvas, Qt.Key.Key_C)
    assert not page.canvas.read_only and page.note_label.isVisible()
    draw_box(page.canvas, 900, 500, 1300, 800)
    press(page.canvas, Qt.Key.Key_2)  # the same class keys as the annotate page: truck
    press(page.canvas, Qt.Key.Key_Return)
    after = store.annotation(FIRST[0])
    assert after.id != before.id and after.base_id == before.id  # the lead's correction of that revision
    assert [s.label for s in after.shapes] == ["car", "truck"]
    assert store.latest_review(after.id).verdict == "accept"
    assert store.latest_review(before.id) is None
    assert page.canvas.read_only and page.current_entry().item_id == FIRST[1]
    assert status_texts(page)[0] == "Accepted"
    assert store.outbox_count() == 2  # the revision, then its accept
    assert store.accept_rate() == (1, 1) and page.rate_label.text() == "Accept rate 100% (1 item(s) checked)"


def test_esc_leaves_correct_mode_without_saving(window, page):
    before = page.store.annotation(FIRST[0])
    press(page.canvas, Qt.Key.Key_C)
    draw_box(page.canvas, 900, 500, 1300, 800)
    press(page.canvas, Qt.Key.Key_Escape)
    assert page.canvas.read_only and len(page.canvas.shapes()) == 1
    assert page.store.annotation(FIRST[0]).id == before.id and page.store.outbox_count() == 0
    assert window.pages.currentWidget() is page  # the first Esc only left correct mode


def test_a_conflict_is_shown_side_by_side_and_cannot_be_judged(qtbot, page):
    choose(qtbot, page.filters.status_combo, "Conflict")
    assert [e.item_id for e in page.model.entries()] == [CONFLICTED]
    assert "Keep one" in page.note_label.text()
    press(page.table, Qt.Key.Key_Return)
    press(page.table, Qt.Key.Key_R)
    press(page.table, Qt.Key.Key_C)
    assert page.store.latest_review(page.current_entry().annotation_id) is None
    assert not page.reject_dialog.isVisible() and page.canvas.read_only
    # the current revision and the one in conflict, each with its own boxes
    view = page.conflict_view
    assert view.isVisible() and not page.canvas.isVisible()
    head, rival = page.store.conflict_candidates(CONFLICTED)
    assert [len(c.shapes()) for c, _ in view.panels] == [len(head.shapes), len(rival.shapes)]
    with qtbot.waitSignal(page.conflict_chosen) as chosen:
        QTest.mouseClick(view.panels[1][1], Qt.MouseButton.LeftButton)
    assert chosen.args == [CONFLICTED, rival.annotation_id]
    with qtbot.waitSignal(page.conflict_chosen) as keyed:
        press(page.table, Qt.Key.Key_1)  # or by its number
    assert keyed.args == [CONFLICTED, head.annotation_id]


def test_the_status_filter_shows_only_that_status(qtbot, page):
    press(page.canvas, Qt.Key.Key_Return)
    choose(qtbot, page.filters.status_combo, "Accepted")
    assert [(e.item_id, e.status) for e in page.model.entries()] == [(FIRST[0], ACCEPTED)]
    choose(qtbot, page.filters.status_combo, "Waiting for review")
    assert FIRST[0] not in {e.item_id for e in page.model.entries()}
    assert {e.status for e in page.model.entries()} == {SUBMITTED}
    choose(qtbot, page.filters.status_combo, "All")
    assert page.model.rowCount() == len(FIRST) + len(SECOND)
    choose(qtbot, page.filters.annotator_combo, "Annotator #8")
    assert {e.item_id for e in page.model.entries()} == set(SECOND)



def test_the_flagged_filter_shows_the_annotators_flags_with_their_note(qtbot, page):
    store = page.store
    # the feed brings two flagged revisions: one waiting, one the lead has sent back since
    unsure = AnnotationRecord(uuid7(), FIRST[3], 10, store.annotation(FIRST[3]).id, [box(150)], 40_000,
                              annotator_id=ANNOTATOR.id, received_at="2026-11-25T11:00:00Z", flag="拿不准")  # fmt: skip
    unclear = AnnotationRecord(uuid7(), SECOND[2], 11, store.annotation(SECOND[2]).id, [box(150)], 40_000,
                               annotator_id=OTHER_ANNOTATOR, received_at="2026-11-25T11:00:00Z", flag="图片不清楚")  # fmt: skip
    verdict = ReviewRecord(uuid7(), unclear.id, SECOND[2], "reject", "框不准", reviewer_id=LEAD.id,
                           received_at="2026-11-25T12:00:00Z")  # fmt: skip
    store.apply_changes([Change(901, "annotation", to_wire(unsure)), Change(902, "annotation", to_wire(unclear)),
                         Change(903, "review", to_wire(verdict))], "903")  # fmt: skip
    choose(qtbot, page.filters.status_combo, "Flagged by the annotator")
    assert [(e.item_id, e.flag) for e in page.model.entries()] == [(FIRST[3], "拿不准"), (SECOND[2], "图片不清楚")]
    assert status_texts(page) == ["Waiting for review", "Sent back"]  # whatever their status
    assert page.model.index(0, COMMENT).data() == "Flagged by the annotator: 拿不准"
    assert page.model.index(1, COMMENT).data() == "框不准"  # the lead's own comment comes first
    assert page.note_label.isVisible() and page.note_label.text() == "Flagged by the annotator: 拿不准"
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualRect(page.model.index(1, 0)).center())  # fmt: skip
    assert page.current_entry().item_id == SECOND[2]
    assert page.note_label.text() == "Flagged by the annotator: 图片不清楚"
    press(page.table, Qt.Key.Key_Return)  # judged as from any other list
    assert store.latest_review(unclear.id).verdict == "accept" and status_texts(page)[1] == "Accepted"


def test_sampling_half_shows_about_half_and_the_same_half_again(qtbot, page):
    spin = page.filters.sample_spin
    QTest.mouseDClick(spin.lineEdit(), Qt.MouseButton.LeftButton)
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), "50")
    press(spin.lineEdit(), Qt.Key.Key_Return)  # commits the share; accepts nothing
    sampled = [e.item_id for e in page.model.entries()]
    total = len(FIRST) + len(SECOND) - 1
    assert 8 <= len(sampled) <= total - 8
    assert page.store.outbox_count() == 0
    # stable: the same items when asked again (per lead and day)
    choose(qtbot, page.filters.status_combo, "All")
    choose(qtbot, page.filters.status_combo, "Waiting for review")
    assert [e.item_id for e in page.model.entries()] == sampled
    # each annotator gets the share: both batches are in the sample
    assert set(sampled) & set(FIRST) and set(sampled) & set(SECOND)


def test_the_queue_model_passes_the_model_tester(qtmodeltester):
    model = ReviewQueueModel()
    model.set_entries([
        QueueEntry(1, "a.jpg", 10, 1, "r1", 7, SUBMITTED),
        QueueEntry(2, "b.jpg", 10, 1, "r2", 7, REJECTED, "框不准"),
        QueueEntry(3, "c.jpg", 11, 1, "r3", 8, CONFLICT),
        QueueEntry(4, "d.jpg", 10, 1, "r4", 7, SUBMITTED, flag="拿不准"),
    ], {7: "马小燕"})  # fmt: skip
    qtmodeltester.check(model)
    flagged = model.index(3, COMMENT)
    assert flagged.data() == "Flagged by the annotator: 拿不准" == flagged.data(Qt.ItemDataRole.ToolTipRole)
    model.replace_entry(0, QueueEntry(1, "a.jpg", 10, 1, "r1", 7, ACCEPTED))
    assert model.index(0, STATUS).data() == "Accepted"
    assert model.index(2, 1).data() == "Annotator #8"
    qtmodeltester.check(model)


# ------------------------------------------------------------ the annotator's rework


def test_an_annotator_opens_at_the_item_sent_back_and_sees_why(qtbot, data_dir, open_window):
    store = Store(data_dir)
    mine = AnnotationRecord(uuid7(), ITEM_IDS[1], 10, None, [box(100)], annotator_id=ANNOTATOR.id,
                            received_at="2026-11-25T09:00:00Z")  # fmt: skip
    verdict = ReviewRecord(uuid7(), mine.id, ITEM_IDS[1], "reject", "框不准", reviewer_id=LEAD.id,
                           received_at="2026-11-25T10:00:00Z")  # fmt: skip
    store.apply_changes([Change(50, "annotation", to_wire(mine)), Change(51, "review", to_wire(verdict))], "51")
    store.close()

    window = open_window(data_dir)
    log_in(qtbot, window)
    assert not window.home_page.review_row.isVisible()  # an annotator's home stays as it was
    start_annotating(qtbot, window)
    page = window.annotate_page
    assert page.current_item().id == ITEM_IDS[1]  # before the unlabelled first item
    assert page.review_banner.isVisible()
    assert page.review_banner.text() == "Sent back by the lead: 框不准"

    draw_box(page.canvas, 900, 500, 1300, 800)  # the fix, saved at once
    assert not page.review_banner.isVisible()
    [entry] = page.store.review_queue(annotator_id=ANNOTATOR.id)
    assert (entry.item_id, entry.status) == (ITEM_IDS[1], SUBMITTED)
    press(page.canvas, Qt.Key.Key_A)
    assert not page.review_banner.isVisible()
