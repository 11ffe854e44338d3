"""The wire codec: round trips, defaults left out, and peers that send full objects."""

import dataclasses
import json

import pytest

from sync_server.protocol import (
    PROTOCOL_VERSION,
    AnnotationRecord,
    Batch,
    Change,
    ChangesResponse,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    PushRequest,
    PushResponse,
    PushResult,
    Shape,
    UserInfo,
    WireError,
    from_wire,
    to_wire,
    uuid7,
)

USER = UserInfo(3, "anno1", "标注员一", "annotator", 1, "基地")
ORDER = Order(1, "订单", "bbox", LabelSchema(2, [Label("car", "轿车", "#e6194b")]), "规范", 12)
ITEM = Item(7, 1, 2, "a.jpg", 1920, 1080, "ab" * 32, 1234, 1280, 720)
BATCH = Batch(2, 1, "批次 1", 3, "2026-12-01T00:00:00Z", [7, 8])
RECORD = AnnotationRecord(uuid7(), 7, 2, None, [Shape("box", "car", [[1.5, 2.0], [30.0, 40.25]])], 1500)

EXAMPLES = [
    USER, ORDER, ITEM, BATCH, RECORD,
    PushRequest([RECORD, dataclasses.replace(RECORD, id=uuid7(), base_id=RECORD.id, client_time="2026-11-25T10:00:00Z")]),
    PushResponse([PushResult(RECORD.id, "accepted"), PushResult(uuid7(), "rejected", "shape 1: unknown label 'x'")]),
    LoginResponse("tok", USER, "2026-11-25T00:00:00Z"),
    ChangesResponse([Change(1, "item", to_wire(ITEM)), Change(2, "order", to_wire(ORDER))], "2", False),
]


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: type(o).__name__)
def test_round_trip_through_json(obj):
    text = json.dumps(to_wire(obj))
    assert from_wire(type(obj), json.loads(text)) == obj


@pytest.mark.parametrize("obj", EXAMPLES, ids=lambda o: type(o).__name__)
def test_full_objects_from_an_older_peer_are_still_read(obj):
    # an older client or server wrote every field, defaults included
    assert from_wire(type(obj), json.loads(json.dumps(dataclasses.asdict(obj)))) == obj


def test_fields_equal_to_their_default_are_left_out():
    wire = to_wire(RECORD)
    assert set(wire) == {"id", "item_id", "batch_id", "base_id", "shapes", "time_spent_ms"}
    assert wire["base_id"] is None  # no default: always sent, so an older reader finds it
    assert "reason" not in to_wire(PushResult(RECORD.id, "accepted"))
    assert "item_ids" not in to_wire(Batch(1, 1, "b", None, None))
    assert "text" not in to_wire(ITEM) and "due" not in to_wire(ORDER)
    assert to_wire(dataclasses.replace(RECORD, time_spent_ms=0)).get("time_spent_ms") is None


def test_protocol_version_is_always_sent():
    # the reader's default is its own version: leaving it out would hide a mismatch
    assert to_wire(PushRequest([]))["protocol_version"] == PROTOCOL_VERSION


def test_integral_floats_are_written_as_ints_and_others_kept():
    points = to_wire(RECORD)["shapes"][0]["points"]
    assert points == [[1.5, 2], [30, 40.25]]
    assert json.dumps(points) == "[[1.5, 2], [30, 40.25]]"
    assert type(to_wire(Shape("box", "car", [[1e300, 0.0]])).get("points")[0][0]) is float  # past 2**53: kept


def test_feed_entries_logged_as_full_dicts_are_compacted():
    full = dataclasses.asdict(dataclasses.replace(RECORD, annotator_id=3, received_at="2026-11-25T00:00:01Z"))
    data = to_wire(Change(5, "annotation", full))["data"]
    assert "client_time" not in data and "schema_version" not in data
    assert data["annotator_id"] == 3 and data["base_id"] is None
    unknown = {"whatever": None}
    assert to_wire(Change(6, "future_kind", unknown))["data"] == unknown  # kinds we do not know pass as they are


def test_wrong_types_and_missing_fields_are_still_refused():
    wire = to_wire(RECORD)
    with pytest.raises(WireError, match="missing field 'item_id'"):
        from_wire(AnnotationRecord, {k: v for k, v in wire.items() if k != "item_id"})
    with pytest.raises(WireError, match="'time_spent_ms' has the wrong type"):
        from_wire(AnnotationRecord, {**wire, "time_spent_ms": True})
    with pytest.raises(WireError, match=r"PushRequest.annotations\[0\]: missing field 'id'"):
        from_wire(PushRequest, {"annotations": [{}]})
