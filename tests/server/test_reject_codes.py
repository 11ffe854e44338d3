"""Every rejection the push can give carries a stable code (``REJECT_*``) and its params,
besides the English ``reason``: the PC words it in Chinese from the code, never from the
text. One crafted bad record per code, pushed through the real app."""

from __future__ import annotations

import pytest
from sqlalchemy import update

import sync_server.protocol as protocol
from server_helpers import IMAGE_HEIGHT, IMAGE_WIDTH, auth, box, push, record
from sync_server.db import tables
from sync_server.db.engine import write_transaction
from sync_server.protocol import MAX_POLYGON_POINTS, MAX_SHAPES_PER_RECORD, uuid7
from text_helpers import cls, line, span, text_order

ALL_CODES = {value for name, value in vars(protocol).items() if name.startswith("REJECT_")}
# wrong_shape_kind is said first for any kind the order does not take, so a kind nobody
# knows never reaches check_shape on the server (tests/test_polygon.py checks it there)
NOT_FROM_A_PUSH = {protocol.REJECT_UNKNOWN_SHAPE_KIND}
# the codes the tests after ITEM_CASES check, each against a crafted record or review
TESTED_BELOW = {
    "unknown_item", "not_in_batch", "leased_to_other", "not_leased", "id_reused",
    "span_invalid", "span_outside", "span_overlap", "span_twice", "span_crosses",
    "not_reviewer", "bad_id", "unknown_verdict", "too_long", "comment_missing", "unknown_annotation",
    "not_on_item", "open_conflict",
}  # fmt: skip


def polygon(points, label="car"):
    return {"kind": "polygon", "label": label, "points": points}


def _task(engine, world, task_kind: str) -> None:
    """The template's order (images 120×80, labels car and pedestrian) as another task kind."""
    with write_transaction(engine) as conn:
        conn.execute(update(tables.orders).where(tables.orders.c.id == world.order).values(task_kind=task_kind))


def _first(answer) -> dict:
    return answer.json()["results"][0]


def _annotation(client, tokens, world, engine, shapes, task="bbox", **extra) -> dict:
    if task != "bbox":
        _task(engine, world, task)
    return _first(push(client, tokens["anno1"], record(world.batch1_items[0], shapes, **extra)))


ITEM_CASES = {
    # name: (task kind, shapes, record fields) → (code, params expected among the answer's)
    "bad_id": ("bbox", None, {"id": "not-a-uuid"}, "bad_id", {}),
    "bad_base_id": ("bbox", None, {"base_id": "nope"}, "bad_base_id", {}),
    "too_many_shapes": ("bbox", [box()] * (MAX_SHAPES_PER_RECORD + 1), {}, "too_many_shapes",
                        {"count": MAX_SHAPES_PER_RECORD + 1, "max": MAX_SHAPES_PER_RECORD}),
    "time_out_of_range": ("bbox", None, {"time_spent_ms": -1}, "out_of_range", {"field": "time_spent_ms"}),
    "schema_out_of_range": ("bbox", None, {"schema_version": 0}, "out_of_range", {"field": "schema_version"}),
    "cer_out_of_range": ("bbox", None, {"ocr_cer": -0.5}, "out_of_range", {"field": "ocr_cer"}),
    "client_time_too_long": ("bbox", None, {"client_time": "x" * 41}, "too_long", {"field": "client_time", "max": 40}),
    "device_too_long": ("bbox", None, {"device_id": "d" * 65}, "too_long", {"field": "device_id", "max": 64}),
    "flag_too_long": ("bbox", None, {"flag": "f" * 201}, "too_long", {"field": "flag", "max": 200}),
    "unknown_schema": ("bbox", None, {"schema_version": 99}, "unknown_schema", {"version": 99, "current": 1}),
    "wrong_shape_kind": ("bbox", [box(), span(0, 1)], {}, "wrong_shape_kind", {"shape": 2, "kind": "span", "task": "bbox"}),
    "unknown_label": ("bbox", [box(), box("unicorn")], {}, "unknown_label", {"shape": 2, "label": "unicorn"}),
    "box_invalid": ("bbox", [{"kind": "box", "label": "car", "points": [[1, 2]]}], {}, "box_invalid", {"shape": 1}),
    "box_empty": ("bbox", [box(x1=50, x2=10)], {}, "box_empty", {"shape": 1}),
    "box_outside": ("bbox", [box(x2=121)], {}, "box_outside", {"shape": 1, "width": 120, "height": 80}),
    "polygon_invalid": ("polygon", [polygon([[1, 1], [5, "a"], [9, 9]])], {}, "polygon_invalid", {"shape": 1, "vertex": 2}),
    "polygon_too_few": ("polygon", [polygon([[1, 1], [5, 5]])], {}, "polygon_too_few_points", {"shape": 1, "count": 2}),
    "polygon_too_many": ("polygon", [polygon([[i % 100, i // 100] for i in range(MAX_POLYGON_POINTS + 1)])], {},
                         "polygon_too_many_points", {"count": MAX_POLYGON_POINTS + 1, "max": MAX_POLYGON_POINTS}),
    "polygon_outside": ("polygon", [box(), polygon([[1, 1], [121, 5], [9, 9]])], {}, "polygon_outside",
                        {"shape": 2, "vertex": 2, "width": IMAGE_WIDTH, "height": IMAGE_HEIGHT}),
    "polygon_duplicate": ("polygon", [polygon([[1, 1], [9, 1], [9, 1], [9, 9]])], {}, "polygon_duplicate_point",
                          {"vertex": 2}),
    "polygon_zero_area": ("polygon", [polygon([[1, 1], [5, 5], [9, 9]])], {}, "polygon_zero_area", {"shape": 1}),
    "polygon_bow_tie": ("polygon", [polygon([[10, 10], [50, 10], [10, 50], [50, 50]])], {}, "polygon_self_intersects",
                        {"shape": 1, "edge": 2, "other": 4}),
    "class_points": ("image_class", [{"kind": "class", "label": "car", "points": [[1, 2]]}], {}, "class_points", {}),
    "class_twice": ("image_class", [cls("car"), cls("car")], {}, "class_twice", {}),
    "one_class_only": ("image_class", [cls("car"), cls("pedestrian")], {}, "one_class_only", {"count": 2}),
    "text_missing": ("transcription", [{"kind": "text", "label": "", "points": []}], {}, "text_missing", {}),
    "text_too_long": ("transcription", [line("字" * 100_001)], {}, "text_too_long", {"max": 100_000}),
    "transcription_empty": ("transcription", [line("  ")], {}, "transcription_empty", {}),
}


@pytest.mark.parametrize("case", list(ITEM_CASES))
def test_each_bad_record_is_rejected_with_its_code(client, tokens, world, engine, case):
    task, shapes, extra, code, params = ITEM_CASES[case]
    result = _annotation(client, tokens, world, engine, shapes, task, **extra)
    assert result["status"] == "rejected" and result["reason"], result
    assert result["code"] == code, result
    assert params.items() <= (result.get("params") or {}).items(), result


def test_a_valid_polygon_is_accepted(client, tokens, world, engine):
    concave = [[10, 10], [60, 10], [60, 60], [35, 30], [10, 60]]
    assert _annotation(client, tokens, world, engine, [polygon(concave), box()], "polygon")["status"] == "accepted"


def test_the_item_and_batch_rules(client, tokens, world, engine):
    result = _first(push(client, tokens["anno1"], record(9999)))
    assert (result["code"], result["params"]) == ("unknown_item", {"item": 9999})
    result = _first(push(client, tokens["anno1"], record(world.batch1_items[0], batch_id=world.batch2)))
    assert (result["code"], result["params"]) == ("not_in_batch", {"item": world.batch1_items[0], "batch": world.batch2})
    result = _first(push(client, tokens["anno1"], record(world.batch2_items[0])))
    assert (result["code"], result["params"]) == ("leased_to_other", {"batch": world.batch2})
    with write_transaction(engine) as conn:
        conn.execute(update(tables.items).where(tables.items.c.id == world.batch1_items[1]).values(batch_id=None))
    result = _first(push(client, tokens["anno1"], record(world.batch1_items[1])))
    assert (result["code"], result["params"]) == ("not_leased", {"item": world.batch1_items[1]})
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    result = _first(push(client, tokens["anno1"], dict(sent, shapes=[box(x2=55)])))
    assert result["code"] == "id_reused" and "params" not in result  # nothing to name: left out


def test_the_span_rules(client, tokens, world, engine):
    ner = text_order(engine, world, "ner", ["张三在北京工作。"])
    item = ner.items[0]
    cases = [
        ([{"kind": "span", "label": "person", "points": [[0.5, 2]]}], "span_invalid", {"shape": 1}),
        ([span(5, 12)], "span_outside", {"shape": 1, "start": 5, "end": 12, "length": 8}),
        ([span(0, 4), span(1, 2, "place")], "span_overlap", {"start": 1, "end": 2}),
        ([span(0, 2), span(0, 2)], "span_twice", {"start": 0, "end": 2, "label": "person"}),
    ]
    for shapes, code, params in cases:
        result = _first(push(client, tokens["anno1"], record(item, shapes)))
        assert result["code"] == code and params.items() <= result["params"].items(), result
    nested = text_order(engine, world, "ner", ["张三在北京工作。"], {"nested_spans": True})
    result = _first(push(client, tokens["anno1"], record(nested.items[0], [span(0, 4), span(2, 6, "place")])))
    assert (result["code"], result["params"]) == ("span_crosses", {"start": 2, "end": 6, "other_end": 4})


def _review(client, token, **fields):
    review = {"id": uuid7(), "verdict": "accept", **fields}
    answer = client.post("/api/v1/push", json={"annotations": [], "reviews": [review]}, headers=auth(token))
    return _first(answer)


def test_the_review_rules(client, tokens, world):
    item = world.batch1_items[0]
    sent = record(item)
    assert _first(push(client, tokens["anno1"], sent))["status"] == "accepted"
    late = record(item)  # based on nothing while the item has a head: a conflict
    assert _first(push(client, tokens["anno1"], late))["status"] == "conflict"
    on = {"annotation_id": sent["id"], "item_id": item}
    cases = [
        ("anno1", on, "not_reviewer", {}),
        ("lead", {**on, "id": "nope"}, "bad_id", {}),
        ("lead", {**on, "verdict": "maybe"}, "unknown_verdict", {"verdict": "maybe"}),
        ("lead", {**on, "verdict": "reject", "comment": "x" * 2001}, "too_long", {"field": "comment", "max": 2000}),
        ("lead", {**on, "verdict": "reject", "comment": "  "}, "comment_missing", {}),
        ("lead", {**on, "annotation_id": uuid7()}, "unknown_annotation", {}),
        ("lead", {**on, "item_id": world.batch1_items[1]}, "not_on_item", {"item": world.batch1_items[1]}),
        ("lead", {"annotation_id": late["id"], "item_id": item}, "open_conflict", {}),
    ]
    for who, fields, code, params in cases:
        result = _review(client, tokens[who], **fields)
        assert result["status"] == "rejected" and result["code"] == code, (code, result)
        assert params.items() <= (result.get("params") or {}).items(), result
    review = {"id": uuid7(), "verdict": "accept", **on}
    client.post("/api/v1/push", json={"annotations": [], "reviews": [review]}, headers=auth(tokens["lead"]))
    again = client.post("/api/v1/push", json={"annotations": [], "reviews": [{**review, "verdict": "reject",
                                                                                "comment": "redo"}]},
                        headers=auth(tokens["lead"]))  # fmt: skip
    assert _first(again)["code"] == "id_reused"


def test_every_code_is_given_by_some_push():
    tested = {case[3] for case in ITEM_CASES.values()} | TESTED_BELOW
    assert ALL_CODES - NOT_FROM_A_PUSH <= tested, sorted(ALL_CODES - NOT_FROM_A_PUSH - tested)
