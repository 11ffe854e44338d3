"""The lead's queue by disagreement, and an overlap item's copies side by side (issue 11,
ADR 0026), offline on the lead's PC and driven by real mouse and keys.

The lead's feed brought an order whose items three annotators each did (copies tied by
``Item.overlap_group``), their answers, and two items without copies. The page works out
each group's agreement itself, with the server's measure.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.model.review import SUBMITTED, QueueEntry
from aidou_desktop.store import Store
from aidou_desktop.store.copies import GroupAgreement
from aidou_desktop.ui.review_queue_model import AGREEMENT, ReviewQueueModel
from sync_server.protocol import (
    AnnotationRecord,
    Batch,
    Change,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    Shape,
    UserInfo,
    to_wire,
    uuid7,
)
from tests.gui.gui_helpers import (
    log_in,
    open_review_page,
    DEAD_SERVER,
    DISPLAY_SIZE,
    ORIGINAL_SIZE,
    SCHEMA,
    draw_box,
    jpeg_bytes,
    press,
)
from tests.gui.test_review_page import LEAD, LEAD_PASSWORD, choose

NAMES = {7: "马小燕", 8: "李娜", 9: "张伟"}
# lane 0 (batch 10, 马小燕) holds the first copies and two items without copies; lanes 1 and 2
# (batches 11 and 12) the second and third copies, each copy's group the first copy's id
LANES = {10: (7, [200, 201, 202, 203, 204]), 11: (8, [210, 211, 212]), 12: (9, [220, 221, 222])}
PLAIN = [203, 204]
RECEIVED = "2026-12-08T09:00:00Z"


def car(x: float, label: str = "car") -> Shape:
    return Shape("box", label, [[x, 100.0], [x + 200.0, 300.0]])


ANSWERS = {
    200: [car(100)], 210: [car(100)], 220: [car(100)],  # all three agree: 100%
    201: [car(100)], 211: [car(100)], 221: [car(900, "bus")],  # one answer agrees with nobody: 33%
    202: [car(100)], 212: [car(100)], 222: [car(100), car(900)],  # one marked one more: 78%
    203: [car(500)], 204: [car(500)],
}  # fmt: skip


def group_of(item_id: int, batch_id: int) -> int | None:
    if item_id in PLAIN:
        return None
    return item_id - 10 * (batch_id - 10)


def seed_overlap_store(data_dir: Path, order: Order, answers: dict[int, list[Shape]], text: str | None = None) -> None:
    """A lead who logged in once; the feed brought the order's three lanes and their answers,
    the first copies before their copies (as an import writes them, without their group)."""
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, LEAD_PASSWORD, LoginResponse("token", LEAD, "2026-12-08T08:00:00Z"))
    store.set_people(NAMES)
    data = jpeg_bytes(1)
    sha = hashlib.sha256(data).hexdigest() if text is None else ""
    changes = [Change(1, "order", to_wire(order))]

    def add(kind: str, obj) -> None:
        changes.append(Change(len(changes) + 1, kind, to_wire(obj)))

    for batch_id, (annotator, ids) in LANES.items():
        add("batch", Batch(batch_id, order.id, f"批次 {batch_id}", annotator, "2030-01-01T00:00:00Z", ids))
        for item_id in ids:
            size = (*ORIGINAL_SIZE, sha, len(data), *DISPLAY_SIZE) if text is None else (0, 0, "", 0, 0, 0)
            first_copy_row = batch_id == 10  # written before the group was made: the PC works it out
            add("item", Item(item_id, order.id, batch_id, f"item_{item_id}", *size, text,
                             overlap_group=None if first_copy_row else group_of(item_id, batch_id)))  # fmt: skip
    for batch_id, (annotator, ids) in LANES.items():
        for item_id in ids:
            if item_id in answers:
                add("annotation", AnnotationRecord(uuid7(), item_id, batch_id, None, answers[item_id], 20_000,
                                                   annotator_id=annotator, received_at=RECEIVED))  # fmt: skip
    if text is None:
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    if text is None:
        assert store.commit_blob(sha)
    store.close()


def open_review(qtbot, open_window, data_dir: Path):
    window = open_window(data_dir)
    log_in(qtbot, window, LEAD_PASSWORD, LEAD.username)
    return open_review_page(qtbot, window)


@pytest.fixture
def page(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "lead"
    seed_overlap_store(data_dir, Order(1, "道路场景车辆标注", "bbox", SCHEMA, "# 标注规范", 12), ANSWERS)
    return open_review(qtbot, open_window, data_dir)


def queue(page) -> list[int]:
    return [e.item_id for e in page.model.entries()]


def agreement_texts(page) -> list[str]:
    return [page.model.index(row, AGREEMENT).data() for row in range(page.model.rowCount())]


def copy_panels(page) -> list[tuple[str, list[str]]]:
    """Each other copy beside the item: its caption, and the labels drawn on its canvas."""
    return [(caption.text(), [s.label for s in canvas.shapes()]) for caption, canvas in page.copies_view.panels]


def test_most_disagreement_first_puts_the_least_agreeing_copies_first_side_by_side(qtbot, page):
    assert queue(page)[:3] == [200, 201, 202]  # the store's order until the lead asks for another
    assert agreement_texts(page)[:4] == ["100%", "33%", "78%", ""]  # an item without copies shows none

    choose(qtbot, page.filters.sort_combo, "Most disagreement first")
    assert queue(page) == [201, 211, 221, 202, 212, 222, 200, 210, 220, *PLAIN]
    assert agreement_texts(page) == ["33%"] * 3 + ["78%"] * 3 + ["100%"] * 3 + ["", ""]
    assert page.current_entry().item_id == 201
    view = page.copies_view
    assert view.isVisible() and page.canvas.isVisible()  # the copy in hand, and beside it the others
    assert "agreement 33%" in view.heading.text()
    assert copy_panels(page) == [("李娜 · 1 mark(s)", ["car"]), ("张伟 · 1 mark(s)", ["bus"])]

    press(page.table, Qt.Key.Key_J)  # the next copy of the same item: the other two beside it
    assert page.current_entry().item_id == 211
    assert copy_panels(page) == [("马小燕 · 1 mark(s)", ["car"]), ("张伟 · 1 mark(s)", ["bus"])]
    annotation = page.store.annotation(211).id
    press(page.canvas, Qt.Key.Key_Return)  # judged as any item: the copy in hand
    assert page.store.latest_review(annotation).verdict == "accept"
    assert page.current_entry().item_id == 221

    row = queue(page).index(PLAIN[0])
    QTest.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualRect(page.model.index(row, 0)).center())  # fmt: skip
    assert page.current_entry().item_id == PLAIN[0]
    assert not page.copies_view.isVisible() and page.canvas.isVisible()  # no copies: the page as before

    choose(qtbot, page.filters.sort_combo, "Item order")
    assert queue(page)[:3] == [200, 201, 202]


def test_a_leads_correction_of_a_copy_moves_its_groups_agreement(qtbot, page):
    choose(qtbot, page.filters.sort_combo, "Most disagreement first")
    press(page.table, Qt.Key.Key_J)
    press(page.table, Qt.Key.Key_J)
    assert page.current_entry().item_id == 221  # the odd one out: a bus where the others saw a car
    press(page.canvas, Qt.Key.Key_C)
    draw_box(page.canvas, 100, 100, 300, 300)  # the car the others marked
    press(page.canvas, Qt.Key.Key_Return)  # saves the lead's revision and accepts it
    assert [s.label for s in page.store.annotation(221).shapes] == ["bus", "car"]
    assert agreement_texts(page)[:3] == ["78%"] * 3  # at once, on every copy's row; the rows stay put
    assert queue(page)[:3] == [201, 211, 221]


def test_a_text_orders_copies_are_listed_as_their_answers(qtbot, tmp_path, open_window):
    schema = LabelSchema(1, [Label("refund", "退款", "#e6194b"), Label("complaint", "投诉", "#3cb44b")])
    answers = {200: [Shape("class", "refund", [])], 210: [Shape("class", "complaint", [])],
               220: [Shape("class", "refund", [])]}  # fmt: skip
    data_dir = tmp_path / "lead"
    order = Order(1, "客服消息意图分类", "text_class", schema, "", 5)
    seed_overlap_store(data_dir, order, answers, text="我要退货退款")
    page = open_review(qtbot, open_window, data_dir)
    assert queue(page) == [200, 210, 220]
    assert agreement_texts(page) == ["33%"] * 3
    assert page.current_entry().item_id == 200 and page.editors.isVisible()
    assert [(caption.text(), body.text()) for caption, body in page.copies_view.panels] == [
        ("李娜", "投诉"), ("张伟", "退款")
    ]


def test_the_queue_model_with_agreements_passes_the_model_tester(qtmodeltester):
    model = ReviewQueueModel()
    both = GroupAgreement(1, 0.25, 2, 2)
    entries = [QueueEntry(item_id, "a.jpg", 10, 1, f"r{item_id}", 7, SUBMITTED) for item_id in (1, 2, 3)]
    model.set_entries(entries, {7: "马小燕"}, {1: both, 2: both})
    qtmodeltester.check(model)
    assert [model.index(row, AGREEMENT).data() for row in range(3)] == ["25%", "25%", ""]
    assert model.index(0, AGREEMENT).data(Qt.ItemDataRole.ToolTipRole) == (
        "Copies of one item: how far the 2 answers of 2 copies agree")
    model.update_agreements({1: GroupAgreement(1, None, 1, 2), 2: GroupAgreement(1, None, 1, 2)})
    assert model.index(1, AGREEMENT).data() == "—"
    qtmodeltester.check(model)


def open_review_as(qtbot, open_window, data_dir: Path, username: str, password: str):
    window = open_window(data_dir)
    log_in(qtbot, window, password, username)
    return open_review_page(qtbot, window)


def test_the_leads_sort_and_share_are_kept_across_a_restart_for_that_lead(qtbot, tmp_path, open_window):
    data_dir = tmp_path / "lead"
    seed_overlap_store(data_dir, Order(1, "道路场景车辆标注", "bbox", SCHEMA, "# 标注规范", 12), ANSWERS)
    store = Store(data_dir)  # the evening shift's lead logged in on this PC once too
    evening = UserInfo(4, "lead2", "马组长", "lead", 1, "积石山 AI豆 基地")
    store.remember_login(DEAD_SERVER, "lead456", LoginResponse("token2", evening, "2026-12-08T16:00:00Z"))
    store.close()
    page = open_review(qtbot, open_window, data_dir)
    choose(qtbot, page.filters.sort_combo, "Most disagreement first")
    spin = page.filters.sample_spin
    QTest.mouseDClick(spin.lineEdit(), Qt.MouseButton.LeftButton)  # the number selected, as a person does
    spin.lineEdit().selectAll()
    QTest.keyClicks(spin.lineEdit(), "50")
    press(spin.lineEdit(), Qt.Key.Key_Return)
    assert spin.value() == 50
    page.window().close()  # the day shift ends

    page = open_review_as(qtbot, open_window, data_dir, "lead2", "lead456")
    assert page.filters.sort_combo.currentIndex() == 0  # the evening lead's own: item order, all of it
    assert page.filters.sample_spin.value() == 100
    page.window().close()  # the PC is started again the next morning

    page = open_review(qtbot, open_window, data_dir)
    assert page.filters.sort_combo.currentText() == "Most disagreement first"
    assert page.filters.sample_spin.value() == 50
    shown = [float(t.rstrip("%")) for t in agreement_texts(page) if t]
    assert shown and shown == sorted(shown)  # the queue came sorted, before any click
