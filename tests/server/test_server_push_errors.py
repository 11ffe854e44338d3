"""Bad pushes: each answers a clear 4xx with a message and writes nothing."""

import gzip
import json

import pytest

from server_helpers import auth, box, push, record, row_counts
from sync_server.protocol import VERSION_HEADER


@pytest.fixture
def before(engine, tokens):
    return row_counts(engine)


def _assert_nothing_written(engine, before):
    assert row_counts(engine) == before


@pytest.mark.parametrize(
    "make_record, reason, code",
    [
        (lambda w: record(9999), "unknown item 9999", "unknown_item"),
        (lambda w: record(w.far_item), f"unknown item {{far_item}}", "unknown_item"),
        (lambda w: record(w.batch1_items[0], [box(x2=121)]), "shape 1: box lies outside the 120×80 image", "box_outside"),
        (lambda w: record(w.batch1_items[0], [box(x1=-1)]), "shape 1: box lies outside the 120×80 image", "box_outside"),
        (lambda w: record(w.batch1_items[0], [box(x1=50, x2=10)]), "shape 1: box has zero or negative size", "box_empty"),
        (lambda w: record(w.batch1_items[0], [box(), box("unicorn")]), "shape 2: unknown label 'unicorn'", "unknown_label"),
        (lambda w: record(w.batch1_items[0], [{"kind": "box", "label": "car", "points": [[1, 2]]}]), "shape 1: a box needs two points [[x1, y1], [x2, y2]]", "box_invalid"),
        (lambda w: record(w.batch2_items[0]), "batch {batch2} is leased to another annotator", "leased_to_other"),
        (lambda w: record(w.batch1_items[0], batch_id=w.batch2), "item {item} is not in batch {batch2}", "not_in_batch"),
        (lambda w: record(w.batch1_items[0], id="not-a-uuid"), "id 'not-a-uuid' is not a UUID", "bad_id"),
        (lambda w: record(w.batch1_items[0], time_spent_ms=-5), "time_spent_ms is out of range", "out_of_range"),
        (lambda w: record(10**30), "unknown item 1000000000000000000000000000000", "unknown_item"),
        (lambda w: record(w.batch1_items[0], schema_version=10**30), "schema_version is out of range", "out_of_range"),
        (lambda w: record(w.batch1_items[0], [{"kind": "box", "label": "car", "points": [["a", 1], [2, 3]]}]), "shape 1: a box needs two points [[x1, y1], [x2, y2]]", "box_invalid"),
    ],
    ids=["unknown-item", "other-office-item", "box-past-right-edge", "box-past-left-edge", "negative-size",
         "unknown-label", "one-point-box", "another-annotators-batch", "wrong-batch", "bad-id", "negative-time",
         "huge-item-id", "huge-schema-version", "text-coordinates"],
)
def test_rejected_record(client, tokens, world, engine, before, make_record, reason, code):
    sent = make_record(world)
    reason = reason.format(far_item=world.far_item, batch2=world.batch2, item=world.batch1_items[0])
    answer = push(client, tokens["anno1"], sent)
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "rejected"
    assert body["message"] == f"{sent['id']}: {reason}"
    [result] = body["results"]
    assert {k: result[k] for k in ("id", "status", "reason")} == {"id": sent["id"], "status": "rejected", "reason": reason}
    assert result["code"] == code  # the client words it from this (tests/server/test_reject_codes.py)
    _assert_nothing_written(engine, before)


def test_malformed_json(client, tokens, engine, before):
    answer = client.post("/api/v1/push", content=b'{"annotations": [', headers={**auth(tokens["anno1"]), "Content-Type": "application/json"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_json"
    assert "not valid JSON" in answer.json()["message"]
    _assert_nothing_written(engine, before)


def test_empty_body(client, tokens, engine, before):
    answer = client.post("/api/v1/push", headers=auth(tokens["anno1"]))
    assert answer.status_code == 400
    assert "JSON body" in answer.json()["message"]


@pytest.mark.parametrize(
    "body, message",
    [
        ([], "PushRequest: expected an object, got list"),
        ({}, "PushRequest: missing field 'annotations'"),
        ({"annotations": [{"id": "x"}]}, "PushRequest.annotations[0]: missing field 'item_id'"),
        ({"annotations": [dict(record(1), item_id="1")]}, "PushRequest.annotations[0]: field 'item_id' has the wrong type (str)"),
        ({"annotations": record(1)}, "PushRequest: field 'annotations' should be a list, got dict"),
        ({"annotations": [dict(record(1), shapes=box())]}, "PushRequest.annotations[0]: field 'shapes' should be a list, got dict"),
    ],
)
def test_wrong_shape_of_request(client, tokens, engine, before, body, message):
    answer = client.post("/api/v1/push", json=body, headers=auth(tokens["anno1"]))
    assert answer.status_code == 422
    assert answer.json() == {"code": "invalid_request", "message": message}
    _assert_nothing_written(engine, before)


def test_wrong_token(client, tokens, world, engine, before):
    answer = push(client, "not-a-token", record(world.batch1_items[0]))
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_token"
    _assert_nothing_written(engine, before)


def test_too_many_records(client, tokens, world, engine, before):
    answer = push(client, tokens["anno1"], *[record(world.batch1_items[0]) for _ in range(501)])
    assert answer.status_code == 413
    assert answer.json()["code"] == "too_many_records"
    assert "at most 500" in answer.json()["message"]
    _assert_nothing_written(engine, before)


def test_old_protocol(client, tokens, world, engine, before):
    headers = {**auth(tokens["anno1"]), VERSION_HEADER: "0"}
    answer = client.post("/api/v1/push", json={"annotations": [record(world.batch1_items[0])]}, headers=headers)
    assert answer.status_code == 426
    assert answer.json()["code"] == "please_update"
    _assert_nothing_written(engine, before)


def test_gzip_push_works(client, tokens, world, engine, before):
    body = gzip.compress(json.dumps({"annotations": [record(world.batch1_items[0])]}).encode())
    headers = {**auth(tokens["anno1"]), "Content-Encoding": "gzip", "Content-Type": "application/json"}
    answer = client.post("/api/v1/push", content=body, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "accepted"
    assert row_counts(engine)["annotations"] == before["annotations"] + 1


def test_resent_id_with_garbage_points_is_rejected_not_a_crash(client, tokens, world, engine):
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    before = row_counts(engine)
    garbage = dict(sent, shapes=[{"kind": "box", "label": "car", "points": [["a", "b"], [1, 2]]}])
    answer = push(client, tokens["anno1"], garbage)
    assert answer.status_code == 422
    assert answer.json()["results"][0]["reason"] == "id reused for different content"
    assert row_counts(engine) == before
