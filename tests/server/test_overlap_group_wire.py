"""``Item.overlap_group`` on the wire (ADR 0026, issue 11): a lead's PC learns which items
are copies of one item, to set them side by side; an annotator's pull carries the group id
of their own copy and still nothing of any other copy (blind by construction)."""

from __future__ import annotations

import json

import pytest
from sync_server.protocol import CHANGE_ANNOTATION, CHANGE_ITEM, Item, WireError, from_wire, to_wire

from quality_helpers import answer, lease_lanes, make_overlap_order
from server_helpers import box, feed


def _read_all(client, token: str) -> list[dict]:
    seen, cursor = [], ""
    while True:
        page = feed(client, token, since=cursor)
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return seen


def _items(changes: list[dict]) -> dict[int, dict]:
    """The newest item row of each item in a pull."""
    return {c["data"]["id"]: c["data"] for c in changes if c["kind"] == CHANGE_ITEM}


def test_the_item_wire_type_carries_the_group_only_when_there_is_one():
    plain = Item(7, 1, 2, "a.jpg", 1920, 1080, "ab" * 32, 1234, 1280, 720)
    assert "overlap_group" not in to_wire(plain)  # an old PC, or an old server, sees what it always did
    copy = Item(9, 1, 3, "a.jpg", 1920, 1080, "ab" * 32, 1234, 1280, 720, overlap_group=7)
    assert to_wire(copy)["overlap_group"] == 7
    assert from_wire(Item, to_wire(copy)) == copy
    assert from_wire(Item, to_wire(plain)).overlap_group is None
    for wrong in ("7", True, 7.0):  # the compiled decoder checks it as every optional id
        with pytest.raises(WireError, match="overlap_group"):
            from_wire(Item, {**to_wire(plain), "overlap_group": wrong})


def test_a_leads_pull_carries_the_group_of_every_copy(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, images=3, copies=3, batch_size=2)
    items = _items(_read_all(client, tokens["lead"]))
    for group, copies in made.groups.items():
        # the first copy too: the import logged it before it had a group, and logs it again
        for copy in copies:
            assert items[copy]["overlap_group"] == group
    # an item of an order without overlap says nothing of groups
    assert all("overlap_group" not in items[i] for i in world.batch1_items)


def test_an_annotators_pull_carries_their_copys_group_and_nothing_of_the_other_copy(engine, data_dir, world, client,
                                                                                       tokens):  # fmt: skip
    made = make_overlap_order(engine, data_dir, world.office, images=2, copies=2, batch_size=2)
    lease_lanes(engine, made, [world.anno1, world.anno2])
    group, (first, second) = next(iter(made.groups.items()))
    theirs = box(x1=13.25, y1=14.25, x2=43.25, y2=34.25)
    answer(client, tokens["anno1"], first, [theirs])

    pulled = _read_all(client, tokens["anno2"])
    items = _items(pulled)
    assert items[second]["overlap_group"] == group  # the group id travels with their own copy
    assert first not in items  # the other copy is no item of theirs
    assert all(c["data"]["item_id"] != first for c in pulled if c["kind"] == CHANGE_ANNOTATION)
    assert "13.25" not in json.dumps(pulled)  # nor does anno1's answer, in any row
    # every copy anno2 holds carries its group; the other annotator's copies never arrive
    assert {i for i, data in items.items() if data.get("overlap_group") is not None} == {
        copies[1] for copies in made.groups.values()
    }

    own = _read_all(client, tokens["anno1"])
    own_items = _items(own)
    assert own_items[first]["overlap_group"] == group  # the first copy too: its group is its own id
    assert second not in own_items


def test_a_leads_pull_carries_the_orders_iou_threshold(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, images=2, copies=2, batch_size=2, iou=0.8)
    orders = {c["data"]["id"]: c["data"] for c in _read_all(client, tokens["lead"]) if c["kind"] == "order"}
    assert orders[made.order]["iou_threshold"] == 0.8  # the PC sorts its queue at the order's threshold
    assert "iou_threshold" not in orders[world.order]  # an order without one says nothing
