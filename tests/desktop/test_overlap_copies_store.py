"""Overlap copies on a lead's PC (ADR 0026, issue 11): the store keeps each item's group as
the feed sends it, works out how far the copies' answers agree with the server's own
measure, and hands the queue back with the least agreeing copies first, side by side."""

from __future__ import annotations

import pytest

from aidou_desktop.store import Store
from aidou_desktop.store.copies import IOU_THRESHOLD, disagreement_first
from sync_server.protocol import (
    PREANNOTATION_DEVICE,
    AnnotationRecord,
    Batch,
    Change,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    Shape,
    from_wire,
    UserInfo,
    to_wire,
    uuid7,
)
from sync_server.quality.metrics import item_agreement

LEAD = UserInfo(3, "lead", "王组长", "lead", 1, "基地")
SCHEMA = LabelSchema(1, [Label("car", "汽车", "#ff0000"), Label("bus", "公交车", "#00ff00")])
ORDER = Order(1, "车辆检测", "bbox", SCHEMA, "框出汽车", 12)
# three items that three annotators (7, 8, 9) each do, and one item without copies; the
# first copies (lane 0, batch 10) are 100-103, their copies 110-112 (batch 11) and 120-122 (batch 12)
GROUPS = {100: [100, 110, 120], 101: [101, 111, 121], 102: [102, 112, 122]}
PLAIN = 103
LANES = {10: (7, [100, 101, 102, 103]), 11: (8, [110, 111, 112]), 12: (9, [120, 121, 122])}
SHA = "ab" * 32


def car(x: float, label: str = "car") -> Shape:
    return Shape("box", label, [[x, 100.0], [x + 200.0, 300.0]])


def item(item_id: int, batch_id: int, group: int | None) -> Item:
    return Item(item_id, 1, batch_id, f"street_{item_id}.jpg", 1920, 1080, SHA, 1000, 960, 540, overlap_group=group)


def revision(item_id: int, batch_id: int, annotator_id: int | None, shapes: list[Shape], **extra) -> AnnotationRecord:
    return AnnotationRecord(uuid7(), item_id, batch_id, None, shapes, 20_000, annotator_id=annotator_id,
                            received_at="2026-12-08T09:00:00Z", **extra)  # fmt: skip


def feed_as_the_server_writes_it() -> list[Change]:
    """The import logs the first copies before they have a group; the copies come after, each naming it."""
    entities: list[tuple[str, object]] = [("order", ORDER)]
    for batch_id, (annotator, ids) in LANES.items():
        entities.append(("batch", Batch(batch_id, 1, f"批次 {batch_id}", annotator, "2030-01-01T00:00:00Z", ids)))
        entities += [("item", item(i, batch_id, None if batch_id == 10 else i - 10 * (batch_id - 10))) for i in ids]
    return [Change(n, kind, to_wire(obj)) for n, (kind, obj) in enumerate(entities, 1)]


ANSWERS = {
    # group 100: all three mark the same car
    100: [car(100)], 110: [car(100)], 120: [car(100)],
    # group 101: one of three agrees with nobody (another place, another class)
    101: [car(100)], 111: [car(100)], 121: [car(900, "bus")],
    # group 102: only one copy answered so far (and one copy has only the import's suggestion)
    102: [car(300)],
    PLAIN: [car(500)],
}  # fmt: skip


@pytest.fixture
def lead_store(store: Store) -> Store:
    store.remember_login("http://server.test", "lead123", LoginResponse("tok", LEAD, "2026-12-08T08:00:00Z"))
    changes = feed_as_the_server_writes_it()
    seq = len(changes)
    for batch_id, (annotator, ids) in LANES.items():
        for item_id in ids:
            if item_id in ANSWERS:
                seq += 1
                answer = revision(item_id, batch_id, annotator, ANSWERS[item_id])
                changes.append(Change(seq, "annotation", to_wire(answer)))
    seq += 1  # a suggestion made at import is nobody's answer
    suggestion = revision(112, 11, None, [car(300)], device_id=PREANNOTATION_DEVICE)
    changes.append(Change(seq, "annotation", to_wire(suggestion)))
    store.apply_changes(changes, str(seq))
    return store


def group_column(store: Store) -> dict[int, int | None]:
    return {r["id"]: r["overlap_group"] for r in store.db.query("SELECT id, overlap_group FROM items")}


def test_items_keep_their_group_and_the_first_copy_learns_its_own(lead_store):
    groups = group_column(lead_store)
    for group, copies in GROUPS.items():
        assert [groups[i] for i in copies] == [group] * 3  # the first copy too, though its row named none
    assert groups[PLAIN] is None
    # the item row again, from a server that sends no group: the group stays
    lead_store.apply_changes([Change(900, "item", to_wire(item(110, 11, None)))], "900")
    assert group_column(lead_store)[110] == 100


def test_a_first_copy_that_arrives_after_its_copies_finds_them(store):
    store.remember_login("http://server.test", "lead123", LoginResponse("tok", LEAD, "2026-12-08T08:00:00Z"))
    rows = [("order", ORDER), ("item", item(110, 11, 100)), ("item", item(100, 10, None)),
            ("item", item(103, 10, None))]  # fmt: skip
    store.apply_changes([Change(n, kind, to_wire(obj)) for n, (kind, obj) in enumerate(rows, 1)], "4")
    assert group_column(store) == {110: 100, 100: 100, 103: None}


def test_agreement_is_the_servers_measure_over_the_answered_copies(lead_store):
    found = lead_store.copy_agreements([100, 101, 102, PLAIN])
    assert set(found) == {i for copies in GROUPS.values() for i in copies}  # every copy; no plain item
    assert found[110].agreement == 1.0 and (found[110].answered, found[110].copies) == (3, 3)
    expected = item_agreement("bbox", [ANSWERS[101], ANSWERS[111], ANSWERS[121]], IOU_THRESHOLD)
    assert found[121].agreement == pytest.approx(expected) == pytest.approx(1 / 3)
    assert found[122].agreement is None and found[122].answered == 1  # the suggestion does not count
    assert found[101].group_id == 101


def test_the_queue_by_disagreement_puts_the_least_agreeing_copies_first_together(lead_store):
    queue = lead_store.review_queue()
    by_disagreement = disagreement_first(queue, lead_store.copy_agreements([e.item_id for e in queue]))
    # 112 is listed for its suggestion (the queue's own rule), and sits with its group
    assert [e.item_id for e in by_disagreement] == [101, 111, 121, 100, 110, 120, 102, 112, PLAIN]
    assert sorted(e.item_id for e in by_disagreement) == sorted(e.item_id for e in queue)  # nothing lost


def test_the_other_copies_come_with_their_answers(lead_store):
    others = lead_store.other_copies(111)
    assert [(c.item_id, c.annotator_id) for c in others] == [(101, 7), (121, 9)]
    assert others[1].shapes == [car(900, "bus")]
    unanswered = lead_store.other_copies(102)
    # nobody answered them: who holds each copy's batch is still known
    assert [(c.item_id, c.annotator_id, c.shapes, c.holder_id) for c in unanswered] == [
        (112, None, None, 8), (122, None, None, 9)
    ]
    assert lead_store.other_copies(PLAIN) == []


def test_a_leads_correction_is_the_copys_answer(lead_store):
    lead_store.save_shapes(121, [car(100)])  # the lead fixes the odd one out
    assert lead_store.copy_agreements([121])[101].agreement == 1.0


def test_boxes_match_at_the_orders_own_iou_threshold(lead_store):
    """Two copies whose cars overlap at IoU 0.6 agree at the default 0.5 but not under an
    order that asks for 0.8: the queue sorts by the figure the server's 质量 tab shows."""
    shifted = [car(100)], [Shape("box", "car", [[150.0, 100.0], [350.0, 300.0]])]  # IoU 150/250 = 0.6
    changes = [Change(1000, "annotation", to_wire(revision(100, 10, 7, shifted[0]))),
               Change(1001, "annotation", to_wire(revision(110, 11, 8, shifted[1]))),
               Change(1002, "annotation", to_wire(revision(120, 12, 9, shifted[1])))]  # fmt: skip
    lead_store.apply_changes(changes, "1002")
    at_default = lead_store.copy_agreements([100])[100].agreement
    assert at_default == pytest.approx(item_agreement("bbox", [shifted[0], shifted[1], shifted[1]])) == 1.0

    strict = Order(1, ORDER.name, "bbox", SCHEMA, ORDER.guidelines, 12, iou_threshold=0.8)
    lead_store.apply_changes([Change(1003, "order", to_wire(strict))], "1003")
    at_order = lead_store.copy_agreements([100])[100].agreement
    assert at_order == pytest.approx(item_agreement("bbox", [shifted[0], shifted[1], shifted[1]], 0.8)) == pytest.approx(1 / 3)


def test_an_order_carries_its_iou_threshold_on_the_wire_only_when_it_has_one():
    assert "iou_threshold" not in to_wire(ORDER)  # old PCs and old servers see what they always did
    strict = Order(1, ORDER.name, "bbox", SCHEMA, "", 12, iou_threshold=0.8)
    assert to_wire(strict)["iou_threshold"] == 0.8
    assert from_wire(Order, to_wire(strict)) == strict
