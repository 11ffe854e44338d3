"""Pushing text, class and transcription work: each record checked against its order's kind and
schema options, one rejection with its reason per bad record; spans counted in code points on
both engines; ``ocr_cer`` stored, in the feed, part of a revision's content."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server_helpers import box, feed, push, record, write_images
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from text_helpers import cls, line, schema, span, text_order

# "😀" is one code point and two UTF-16 units: offsets count code points, as Python does
TEXT = "😀张三在兰州，电话13800138000"


def _results(answer) -> list[tuple[str, str | None]]:
    return [(r["status"], r.get("reason")) for r in answer.json()["results"]]


def _one(client, token, rec) -> tuple[str, str | None]:
    return _results(push(client, token, rec))[0]


@pytest.fixture
def ner(engine, world):
    return text_order(engine, world, "ner", [TEXT, "李四"])


def test_spans_count_code_points_and_stay_inside_the_text(client, tokens, ner):
    item = ner.items[0]
    assert len(TEXT) == 20
    good = record(item, [span(0, 1), span(1, 3), span(4, 6, "place"), span(9, 20, "phone")])
    assert _one(client, tokens["anno1"], good) == ("accepted", None)
    past_end = record(item, [span(9, 21, "phone")], base_id=good["id"])
    assert _one(client, tokens["anno1"], past_end) == (
        "rejected", "shape 1: span [9, 21) lies outside the text (20 characters)")  # fmt: skip
    for points, reason in [([[3, 3]], "lies outside"), ([[-1, 2]], "lies outside"), ([[1.0, 2]], "one pair of whole numbers"),
                           ([[1, 2], [3, 4]], "one pair of whole numbers"), ([], "one pair of whole numbers")]:  # fmt: skip
        status, why = _one(client, tokens["anno1"], record(item, [{"kind": "span", "label": "person", "points": points}]))
        assert status == "rejected" and reason in why, (points, why)


def test_a_box_or_a_class_has_no_place_in_a_ner_order(client, tokens, ner):
    assert _one(client, tokens["anno1"], record(ner.items[0], [box("person", 0, 0, 1, 1)])) == (
        "rejected", "shape 1: a 'box' has no place in a ner order")  # fmt: skip
    assert _one(client, tokens["anno1"], record(ner.items[0], [span(0, 1), cls("person")])) == (
        "rejected", "shape 2: a 'class' has no place in a ner order")  # fmt: skip


def test_overlapping_spans_unless_nested_and_crossing_never(client, tokens, engine, world, ner):
    flat = ner.items[0]
    for shapes, reason in [
        ([span(1, 6, "place"), span(1, 3)], "span [1, 3) overlaps another; this order does not allow nested spans"),
        ([span(1, 4), span(3, 6, "place")], "span [3, 6) overlaps another; this order does not allow nested spans"),
        ([span(1, 3), span(1, 3)], "span [1, 3) is marked twice as 'person'"),
        ([span(1, 3), span(5, 7, "nobody")], "shape 2: unknown label 'nobody'"),
    ]:
        assert _one(client, tokens["anno1"], record(flat, shapes)) == ("rejected", reason)
    # adjacent spans touch, they do not overlap
    assert _one(client, tokens["anno1"], record(flat, [span(1, 3), span(3, 4), span(4, 6, "place")]))[0] == "accepted"

    nested = text_order(engine, world, "ner", [TEXT], {"nested_spans": True}).items[0]
    first = record(nested, [span(1, 9, "place"), span(1, 3), span(4, 6, "place")])
    assert _one(client, tokens["anno1"], first) == ("accepted", None)
    crossing = record(nested, [span(1, 5, "place"), span(3, 7)], base_id=first["id"])
    assert _one(client, tokens["anno1"], crossing) == ("rejected", "span [3, 7) crosses another span's end (5)")


def test_single_label_orders_take_one_class_multi_label_several(client, tokens, engine, world):
    single = text_order(engine, world, "text_class", ["我要退款", "快递到哪了"]).items
    multi = text_order(engine, world, "text_class", ["又要退款又要投诉"], {"multi_label": True}).items
    assert _one(client, tokens["anno1"], record(single[0], [cls("person"), cls("place")])) == (
        "rejected", "only one class may be chosen in this order, not 2")  # fmt: skip
    assert _one(client, tokens["anno1"], record(single[0], [cls("nobody")])) == ("rejected", "shape 1: unknown label 'nobody'")
    assert _one(client, tokens["anno1"], record(single[0], [{**cls("place"), "points": [[1, 2]]}])) == (
        "rejected", "shape 1: a class takes no points")  # fmt: skip
    assert _one(client, tokens["anno1"], record(single[0], [span(0, 1)])) == (
        "rejected", "shape 1: a 'span' has no place in a text_class order")  # fmt: skip
    assert _one(client, tokens["anno1"], record(single[0], [cls("place")]))[0] == "accepted"
    assert _one(client, tokens["anno1"], record(single[1], []))[0] == "accepted"  # "none of these" is an answer
    assert _one(client, tokens["anno1"], record(multi[0], [cls("person"), cls("place")]))[0] == "accepted"
    assert _one(client, tokens["anno1"], record(multi[0], [cls("person"), cls("person")])) == (
        "rejected", "a class is chosen twice")  # fmt: skip


def _transcription_order(engine, world, data_dir, tmp_path, **options):
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, "小票", "transcription",
                             schema(("line",), **options), "", write_images(tmp_path / f"r{len(options)}", 1), 20, 5)  # fmt: skip
        batch = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == order)).scalar_one()
        lease_batch(conn, batch, world.anno1, utc_now() + timedelta(days=1))
        return conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch)).scalar_one()


def test_an_empty_transcription_needs_a_flag_unless_the_schema_says_otherwise(client, tokens, engine, world, data_dir, tmp_path):
    item = _transcription_order(engine, world, data_dir, tmp_path)
    reason = "the transcription is empty; type the text, or flag the item with a reason"
    assert _one(client, tokens["anno1"], record(item, [])) == ("rejected", reason)
    assert _one(client, tokens["anno1"], record(item, [line("  "), line("")])) == ("rejected", reason)
    assert _one(client, tokens["anno1"], record(item, [line("x", [[0, 0], [200, 10]])])) == (
        "rejected", "shape 1: box lies outside the 120×80 image")  # fmt: skip
    assert _one(client, tokens["anno1"], record(item, [line("合计 12.00", label="total")])) == (
        "rejected", "shape 1: unknown label 'total'")  # fmt: skip
    assert _one(client, tokens["anno1"], record(item, [], flag="图片不清楚"))[0] == "accepted"
    optional = _transcription_order(engine, world, data_dir, tmp_path, text_required=False)
    assert _one(client, tokens["anno1"], record(optional, []))[0] == "accepted"


def test_ocr_cer_is_stored_sent_in_the_feed_and_part_of_the_content(client, tokens, engine, world, data_dir, tmp_path):
    item = _transcription_order(engine, world, data_dir, tmp_path)
    rec = record(item, [line("华联超市", [[2, 3], [60, 20]]), line("合计 12.00", label="line")], ocr_cer=0.25)
    assert _one(client, tokens["anno1"], rec) == ("accepted", None)
    exact = record(item, [line("华联超市")], base_id=rec["id"], ocr_cer=0.0)
    assert _one(client, tokens["anno1"], exact) == ("accepted", None)
    with read_connection(engine) as conn:
        stored = dict(conn.execute(select(tables.annotations.c.id, tables.annotations.c.ocr_cer)
                                   .where(tables.annotations.c.item_id == item)).all())  # fmt: skip
    assert stored == {rec["id"]: 0.25, exact["id"]: 0.0}
    sent = {c["data"]["id"]: c["data"] for c in feed(client, tokens["anno1"])["changes"] if c["kind"] == "annotation"}
    assert sent[rec["id"]]["ocr_cer"] == 0.25 and sent[exact["id"]]["ocr_cer"] == 0  # a whole float as an int
    assert sent[rec["id"]]["shapes"][0] == line("华联超市", [[2, 3], [60, 20]])
    assert _one(client, tokens["anno1"], rec) == ("duplicate", None)
    assert _one(client, tokens["anno1"], {**rec, "ocr_cer": 0.5}) == ("rejected", "id reused for different content")
    for bad in (-0.1, True, 1e7):
        assert _one(client, tokens["anno1"], record(item, [line("x")], ocr_cer=bad)) == ("rejected", "ocr_cer is out of range")


def test_a_mixed_push_rejects_each_bad_record_with_its_reason(client, tokens, engine, world, ner):
    single = text_order(engine, world, "text_class", ["物流太慢"]).items[0]
    records = [
        record(ner.items[0], [box("person", 0, 0, 1, 1)]),
        record(ner.items[0], [span(0, 30)]),
        record(ner.items[0], [span(0, 3), span(2, 4)]),
        record(ner.items[1], [span(0, 2, "city")]),
        record(single, [cls("person"), cls("place")]),
        record(ner.items[1], [span(0, 2)]),
    ]
    assert _results(push(client, tokens["anno1"], *records)) == [
        ("rejected", "shape 1: a 'box' has no place in a ner order"),
        ("rejected", "shape 1: span [0, 30) lies outside the text (20 characters)"),
        ("rejected", "span [2, 4) overlaps another; this order does not allow nested spans"),
        ("rejected", "shape 1: unknown label 'city'"),
        ("rejected", "only one class may be chosen in this order, not 2"),
        ("accepted", None),
    ]
    answer = push(client, tokens["anno1"], *records[:2])
    assert answer.status_code == 422 and answer.json()["message"] == f"{records[0]['id']}: shape 1: a 'box' has no place in a ner order"


def test_the_feed_carries_text_items_and_the_order_options(client, tokens, engine, world):
    order = text_order(engine, world, "text_class", ["第一条", "第二条\n两行"], {"multi_label": True})
    changes = feed(client, tokens["anno1"])["changes"]
    orders = [c["data"] for c in changes if c["kind"] == "order" and c["data"]["id"] == order.id]
    assert orders[0]["task_kind"] == "text_class" and orders[0]["schema"]["multi_label"] is True
    sent = {c["data"]["id"]: c["data"] for c in changes if c["kind"] == "item" and c["data"]["id"] in order.items}
    assert [sent[i]["text"] for i in order.items] == ["第一条", "第二条\n两行"]
    assert {(d.get("blob", ""), d.get("width", 0), d.get("blob_size", 0)) for d in sent.values()} == {("", 0, 0)}
