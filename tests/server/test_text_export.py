"""Results out for the new kinds: JSONL (labels, spans with surface text, transcriptions, who and
when), CoNLL BIO read back by seqeval with every span exact, classification CSV, and the
box formats refusing orders that hold no boxes (and the reverse)."""

from __future__ import annotations

import csv
import json
from datetime import timedelta

import pytest
from seqeval.metrics.sequence_labeling import get_entities
from sqlalchemy import select

from server_helpers import push, record, write_images
from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.export.conll import token
from sync_server.export.errors import ExportError
from sync_server.export.formats import export_order
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.orders.text_import import import_text_file
from text_helpers import cls, line, schema, span, text_order

# Chinese, spans at the very start and end, adjacent spans, a span holding a space, a line
# break between spans, a character outside the BMP, an ideographic space
NER_TEXTS = {
    "王建华在兰州买了iPhone 15": [(0, 3, "person"), (4, 6, "place"), (8, 17, "product")],
    "兰州马丽\n电话13800138000": [(0, 2, "place"), (2, 4, "person"), (7, 18, "phone")],
    "😀客服\u3000小王": [(4, 6, "person")],
    "没有实体的一句话。": [],
}


def _export(engine, data_dir, order_id, out, fmt, **options):
    with read_connection(engine) as conn:
        return export_order(conn, BlobStore(data_dir / "blobs"), order_id, fmt, out, **options)


def _jsonl(path) -> list[dict]:
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


def _conll_sequences(path) -> list[list[tuple[str, str]]]:
    """The file as a CoNLL reader sees it: sequences split at blank lines, ``token tag`` per line."""
    sequences, current = [], []
    for text in path.read_text(encoding="utf-8").split("\n"):
        if text:
            word, tag = text.split(" ")
            current.append((word, tag))
        elif current:
            sequences.append(current)
            current = []
    return sequences


@pytest.fixture
def ner_done(client, tokens, engine, world):
    order = text_order(engine, world, "ner", [*NER_TEXTS, "没人标的"])
    for item, spans in zip(order.items, NER_TEXTS.values()):
        shapes = [span(*s) for s in reversed(spans)]  # stored in any order, exported sorted
        assert push(client, tokens["anno1"], record(item, shapes)).json()["results"][0]["status"] == "accepted"
    return order


def test_conll_spans_round_trip_through_seqeval(engine, data_dir, tmp_path, ner_done):
    report = _export(engine, data_dir, ner_done.id, tmp_path / "out", "conll")
    sequences = _conll_sequences(tmp_path / "out" / "results.conll")
    assert len(sequences) == len(NER_TEXTS)  # the unannotated item is left out, and reported
    for (text, spans), sequence in zip(NER_TEXTS.items(), sequences):
        assert [word for word, _ in sequence] == [token(ch) for ch in text]  # one token per code point
        entities = get_entities([tag for _, tag in sequence])
        assert sorted((start, end + 1, label) for label, start, end in entities) == sorted(spans)
    assert sequences[0][14] == ("[U+0020]", "I-product") and sequences[1][4] == ("[U+000A]", "O")
    assert sequences[2][3] == ("[U+3000]", "O") and sequences[2][0] == ("😀", "O")
    document = json.loads(report.report_path.read_text(encoding="utf-8"))
    assert document["counts"]["exported"] == 4 and document["left_out"][0]["reason"] == "not annotated yet"
    assert "images" not in document and "notes" not in document


def test_jsonl_holds_text_spans_surface_who_and_when(client, tokens, engine, world, data_dir, tmp_path, ner_done):
    with write_transaction(engine) as conn:  # a lead accepts the first item
        first = conn.execute(select(tables.items).where(tables.items.c.id == ner_done.items[0])).mappings().one()
        conn.execute(tables.items.update().where(tables.items.c.id == first["id"]).values(
            review_verdict="accept", review_annotation_id=first["head_annotation_id"], reviewer_id=world.lead))  # fmt: skip
    _export(engine, data_dir, ner_done.id, tmp_path / "out", "jsonl")
    lines = _jsonl(tmp_path / "out" / "results.jsonl")
    assert [r["id"] for r in lines] == ner_done.items[:4]
    assert lines[0]["spans"] == [
        {"start": 0, "end": 3, "label": "person", "text": "王建华"},
        {"start": 4, "end": 6, "label": "place", "text": "兰州"},
        {"start": 8, "end": 17, "label": "product", "text": "iPhone 15"},
    ]
    assert (lines[0]["annotator"], lines[0]["reviewer"], lines[0]["status"]) == ("anno1", "lead", "accepted")
    assert (lines[1]["text"], lines[1]["status"], lines[1]["reviewer"]) == ("兰州马丽\n电话13800138000", "submitted", None)
    assert lines[2]["spans"] == [{"start": 4, "end": 6, "label": "person", "text": "小王"}]
    assert lines[3]["spans"] == [] and lines[3]["time"].endswith("Z")
    assert set(lines[0]) == {"id", "name", "text", "spans", "annotator", "reviewer", "status", "time"}
    _export(engine, data_dir, ner_done.id, tmp_path / "accepted", "jsonl", accepted_only=True)
    assert [r["id"] for r in _jsonl(tmp_path / "accepted" / "results.jsonl")] == [ner_done.items[0]]


def test_jsonl_out_comes_back_in_with_the_same_spans(engine, world, data_dir, tmp_path, ner_done):
    _export(engine, data_dir, ner_done.id, tmp_path / "out", "jsonl")
    exported = tmp_path / "out" / "results.jsonl"
    with write_transaction(engine) as conn:
        again = import_text_file(conn, world.office, exported, {"task_kind": "ner", "schema": schema()})
        rows = conn.execute(select(tables.items.c.id, tables.items.c.text, tables.annotations.c.shapes)
                            .join(tables.annotations, tables.annotations.c.item_id == tables.items.c.id)
                            .where(tables.items.c.order_id == again.order_id).order_by(tables.items.c.id)).all()  # fmt: skip
    assert [(text, sorted((s["points"][0][0], s["points"][0][1], s["label"]) for s in shapes)) for _, text, shapes in rows] \
        == [(text, sorted(spans)) for text, spans in NER_TEXTS.items() if spans]  # fmt: skip


def test_nested_spans_keep_the_outermost_in_conll_and_say_so(client, tokens, engine, world, data_dir, tmp_path):
    order = text_order(engine, world, "ner", ["甘肃省兰州市"], {"nested_spans": True})
    push(client, tokens["anno1"], record(order.items[0], [span(0, 6, "place"), span(0, 3, "place"), span(3, 6, "place")]))
    report = _export(engine, data_dir, order.id, tmp_path / "out", "conll")
    tags = [tag for _, tag in _conll_sequences(tmp_path / "out" / "results.conll")[0]]
    assert tags == ["B-place"] + ["I-place"] * 5
    notes = json.loads(report.report_path.read_text(encoding="utf-8"))["notes"]
    assert notes == ["2 spans inside other spans (in 1 items) are not in results.conll: BIO cannot nest; the jsonl export has them"]


def test_text_classes_as_jsonl_and_csv(client, tokens, engine, world, data_dir, tmp_path):
    order = text_order(engine, world, "text_class", ["要退款也要投诉", "问一下", "没人做"], {"multi_label": True})
    push(client, tokens["anno1"], record(order.items[0], [cls("place"), cls("person")]), record(order.items[1], []))
    _export(engine, data_dir, order.id, tmp_path / "j", "jsonl")
    assert [(r["text"], r["labels"]) for r in _jsonl(tmp_path / "j" / "results.jsonl")] == [
        ("要退款也要投诉", ["place", "person"]), ("问一下", [])]  # fmt: skip
    report = _export(engine, data_dir, order.id, tmp_path / "c", "csv")
    data = (tmp_path / "c" / "labels.csv").read_bytes()
    assert data.startswith("\ufeff".encode()) and report.counts["exported"] == 2
    rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
    assert rows == [
        ["id", "name", "label", "annotator", "status", "text"],
        [str(order.items[0]), "t0", "place", "anno1", "submitted", "要退款也要投诉"],
        [str(order.items[0]), "t0", "person", "anno1", "submitted", "要退款也要投诉"],
        [str(order.items[1]), "t1", "", "anno1", "submitted", "问一下"],
    ]


def _image_order(engine, world, data_dir, tmp_path, task_kind, labels):
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, task_kind, task_kind, schema(labels), "",
                             write_images(tmp_path / task_kind, 2), 10, 5)  # fmt: skip
        batch = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == order)).scalar_one()
        lease_batch(conn, batch, world.anno1, utc_now() + timedelta(days=1))
        items = conn.execute(select(tables.items.c.id).where(tables.items.c.order_id == order).order_by(tables.items.c.id))
        return order, list(items.scalars())


def test_image_classes_and_transcriptions_export_with_their_images(client, tokens, engine, world, data_dir, tmp_path):
    order, items = _image_order(engine, world, data_dir, tmp_path, "image_class", ("cat", "dog"))
    push(client, tokens["anno1"], record(items[0], [cls("dog")]), record(items[1], [cls("cat")]))
    report = _export(engine, data_dir, order, tmp_path / "cls", "csv")
    rows = list(csv.reader((tmp_path / "cls" / "labels.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert [r[1:3] for r in rows[1:]] == [["img_00.jpg", "dog"], ["img_01.jpg", "cat"]]
    assert sorted(p.name for p in (tmp_path / "cls" / "images").iterdir()) == ["img_00.jpg", "img_01.jpg"]
    assert report.images_written is True

    order, items = _image_order(engine, world, data_dir, tmp_path, "transcription", ("line",))
    shapes = [line("华联超市", [[1, 2], [50, 12]]), line("合计 12.00", label="line")]
    push(client, tokens["anno1"], record(items[0], shapes, ocr_cer=0.125), record(items[1], [], flag="看不清"))
    _export(engine, data_dir, order, tmp_path / "tr", "jsonl", annotations_only=True)
    first, second = _jsonl(tmp_path / "tr" / "results.jsonl")
    assert (first["image"], first["width"], first["height"]) == ("img_00.jpg", 120, 80)
    assert first["lines"] == [{"text": "华联超市", "label": "", "box": [[1, 2], [50, 12]]},
                              {"text": "合计 12.00", "label": "line", "box": None}]  # fmt: skip
    assert (first["transcription"], first["ocr_cer"]) == ("华联超市\n合计 12.00", 0.125)
    assert (second["lines"], second["transcription"], second["ocr_cer"]) == ([], "", None)
    assert not (tmp_path / "tr" / "images").exists()


def test_formats_refuse_orders_of_another_kind(engine, world, data_dir, tmp_path, ner_done):
    with pytest.raises(ExportError, match=r"format 'coco' takes bbox and polygon orders, and order \d+ \(ner 订单\) is a "
                                          "ner order: use --format jsonl or conll"):  # fmt: skip
        _export(engine, data_dir, ner_done.id, tmp_path / "x", "coco")
    for fmt in ("yolo", "voc", "labelme", "labelstudio", "csv"):
        with pytest.raises(ExportError, match=f"format '{fmt}' takes .* is a ner order"):
            _export(engine, data_dir, ner_done.id, tmp_path / "x", fmt)
    with pytest.raises(ExportError, match=r"format 'conll' takes ner orders, and order \d+ \(测试订单\) is a bbox order: "
                                          "use --format coco, yolo, voc, labelme, labelstudio or jsonl"):  # fmt: skip
        _export(engine, data_dir, world.order, tmp_path / "x", "conll")
    assert not (tmp_path / "x").exists()  # refused before anything was written


def test_a_box_order_exports_as_jsonl_too(client, tokens, engine, world, data_dir, tmp_path):
    push(client, tokens["anno1"], record(world.batch1_items[0]))
    _export(engine, data_dir, world.order, tmp_path / "b", "jsonl", annotations_only=True)
    (only,) = _jsonl(tmp_path / "b" / "results.jsonl")
    assert only["shapes"] == [{"kind": "box", "label": "car", "points": [[10, 10], [50, 40]]}]


def test_the_export_command_writes_conll(app, engine, data_dir, tmp_path, capsys, ner_done):
    out = tmp_path / "导出"
    assert main(["export", str(ner_done.id), "--format", "conll", "--out", str(out), "--data-dir", str(data_dir)]) == 0
    assert "exported 4 of 5 items" in capsys.readouterr().out
    assert (out / "results.conll").is_file() and not (out / "images").exists()
    assert main(["export", str(ner_done.id), "--format", "coco", "--out", str(out), "--data-dir", str(data_dir)]) == 2
    assert "is a ner order: use --format jsonl or conll" in capsys.readouterr().err
