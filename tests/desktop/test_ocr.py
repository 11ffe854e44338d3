"""On-PC OCR (issue 8): the error rate, the engine offline on a receipt the test draws,
reading order, and what the store keeps and sends of it. No Qt."""

from __future__ import annotations

import gzip
import json
import socket

import pytest

from aidou_desktop.ocr import character_error_rate, engine, recognize, suggestion_text
from sync_server.quality.cer import edit_distance
from aidou_desktop.ocr.demo_receipts import draw_receipt, plain_text, receipt_lines
from aidou_desktop.ocr.lines import OcrLine, Piece, in_reading_order
from aidou_desktop.ocr.suggest import suggest
from aidou_desktop.sync import cli as sync_cli
from aidou_desktop.sync.client import push_body
from sync_server.protocol import SHAPE_TEXT, Batch, Change, Shape, to_wire
from tests.transcription_data import ANNOTATOR, BATCH_ID, SCALE, receipt_text, seed_transcription

# measured on the drawn receipts (seeds 0-5, 810×1080 and 1080×1920): CER 0.00-0.045, mean
# ≈ 0.02 — the misses are spaces around "x2" and "×" read for "x". Twice the worst, for slack
RECEIPT_CER = 0.10


# ------------------------------------------------------------ character error rate


@pytest.mark.parametrize(
    "suggestion, final, distance",
    [
        ("kitten", "sitting", 3),  # k→s, e→i, +g
        ("flaw", "lawn", 2),  # -f, +n
        ("", "abc", 3),
        ("abc", "", 3),
        ("你好世界", "你好啊世界", 1),  # one inserted hanzi is one edit, not three UTF-8 bytes
        ("合计 161.30", "合计 161.30", 0),
        ("口罩x2 19.80", "口罩 x2 19.80", 1),
        ("电话0555", "电话 0558", 2),
        ("😀a", "a", 1),  # a character outside the BMP is one code point (UTF-16 would say two)
    ],
)
def test_edit_distance_by_hand(suggestion, final, distance):
    assert edit_distance(suggestion, final) == distance
    assert edit_distance(final, suggestion) == distance


def test_character_error_rate_rules():
    assert character_error_rate("合计 161.30", "合计 161.30") == 0.0
    assert character_error_rate("kitten", "sitting") == pytest.approx(3 / 7)
    assert character_error_rate("谢谢惠顾欢迎再次光临", "谢谢惠顾 欢迎再次光临") == pytest.approx(1 / 11)
    assert character_error_rate("abcdef", "ab") == pytest.approx(2.0)  # longer than the final text: over 1
    # the protocol's rule for an empty final text
    assert character_error_rate("", "") == 0.0
    assert character_error_rate("something", "") == 1.0


# ------------------------------------------------------------ reading order


def _piece(x, y, w, h, text, tilt=0.0) -> Piece:
    return Piece([[x, y], [x + w, y + tilt * w], [x + w, y + h + tilt * w], [x, y + h]], text, 0.9)


def test_pieces_on_one_row_join_left_to_right_rows_top_to_bottom():
    pieces = [
        _piece(400, 100, 80, 30, "19.80"),
        _piece(20, 160, 120, 30, "合计"),
        _piece(20, 102, 100, 30, "口罩 x2"),
        _piece(20, 20, 200, 40, "幸福里小卖部"),
        _piece(400, 158, 90, 30, "161.30"),
    ]
    lines = in_reading_order(pieces)
    assert [line.text for line in lines] == ["幸福里小卖部", "口罩 x2 19.80", "合计 161.30"]
    assert lines[1].box == [[20.0, 100.0], [480.0, 132.0]]


def test_a_tilted_photo_still_reads_row_by_row():
    # 4° of tilt: the price on the right sits ~28 px lower than its item, nearly a line's height
    tilt = 0.07
    pieces = [_piece(20, 100 + 40 * row, 100, 30, f"item{row}", tilt) for row in range(4)]
    pieces += [_piece(420, 100 + 40 * row + 420 * tilt, 60, 30, f"{row}.00", tilt) for row in range(4)]
    assert [line.text for line in in_reading_order(pieces)] == [f"item{row} {row}.00" for row in range(4)]


# ------------------------------------------------------------ the engine


def test_ocr_of_a_drawn_receipt_works_offline(monkeypatch):
    """The models ship in the wheel: loading and running them never opens a connection."""

    def no_network(*args, **kwargs):
        raise OSError("the network is cut in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(engine, "_engine", None)  # load it here, under the cut
    lines = receipt_lines(3)
    found = recognize(draw_receipt(lines, 3))
    assert engine._engine is not None
    got = suggestion_text(found)
    assert character_error_rate(got, plain_text(lines)) < RECEIPT_CER, got
    # one line per receipt line, each with a box in the image
    assert len(found) == len(lines)
    for line in found:
        (x1, y1), (x2, y2) = line.box
        assert 0 <= x1 < x2 <= 810 and 0 <= y1 < y2 <= 1080
        assert 0.5 <= line.score <= 1.0


def test_a_blank_image_has_no_lines():
    import numpy as np

    assert recognize(np.full((400, 300, 3), 255, np.uint8)) == []


def test_an_unreadable_file_is_an_ocr_error(tmp_path):
    bad = tmp_path / "not-an-image.png"
    bad.write_bytes(b"not an image")
    with pytest.raises(engine.OcrError):
        recognize(bad)


# ------------------------------------------------------------ the store


def test_suggestions_are_kept_in_original_pixels(store):
    items = seed_transcription(store, [0, 1], downloaded=1)
    assert [i.id for i in store.items_waiting_for_ocr(items[0].batch_id)] == [items[0].id]  # only the one here
    assert store.ocr_suggestion(items[0].id) is None
    lines = suggest(store, items[0])
    assert store.ocr_suggestion(items[0].id) == lines
    assert character_error_rate(suggestion_text(lines), receipt_text(0)) < RECEIPT_CER
    # the display copy is half the original: every box lands in the original's pixels
    biggest = max(line.box[1][1] for line in lines)
    assert 1080 < biggest <= 1080 * SCALE
    assert store.items_waiting_for_ocr() == []
    assert suggest(store, items[0]) is None  # made already: not read again


def test_only_the_items_of_people_working_on_this_pc_wait_for_ocr(store):
    """A lead's PC downloads other people's images to review them: those are not read."""
    items = seed_transcription(store, [0, 1])
    assert [i.id for i in store.items_waiting_for_ocr(annotator_id=ANNOTATOR.id)] == [i.id for i in items]
    assert store.items_waiting_for_ocr(annotator_id=ANNOTATOR.id + 1) == []
    someone_else = Batch(BATCH_ID, items[0].order_id, "小票 1", 99, "2030-01-01T00:00:00Z", [i.id for i in items])
    store.apply_changes([Change(50, "batch", to_wire(someone_else))], "50")
    assert store.items_waiting_for_ocr() == []


def _text_shapes(lines: list[OcrLine], texts: list[str]) -> list[Shape]:
    return [Shape(SHAPE_TEXT, "", line.box, text) for line, text in zip(lines, texts)]


def test_saved_revisions_carry_the_error_rate_into_the_push(store):
    first, second, third = seed_transcription(store, [0, 1, 2])
    lines = suggest(store, first)
    taken = store.save_shapes(first.id, _text_shapes(lines, [line.text for line in lines]))
    suggest(store, second)
    suggested = store.ocr_suggestion(second.id)
    edited_texts = [line.text for line in suggested]
    edited_texts[0] = edited_texts[0] + "（总店）"
    store.save_shapes(second.id, _text_shapes(suggested, edited_texts))
    # typed without any suggestion (OCR had not run): no rate at all
    store.save_shapes(third.id, [Shape(SHAPE_TEXT, "", [], "手写的一行")])

    records = {r.item_id: r for r in store.take_outbox(10)}
    assert records[first.id].ocr_cer == 0.0
    expected = character_error_rate(suggestion_text(suggested), "\n".join(edited_texts))
    assert records[second.id].ocr_cer == pytest.approx(expected) and expected > 0
    assert records[third.id].ocr_cer is None
    body = json.loads(gzip.decompress(push_body(list(records.values()))))
    sent = {a["item_id"]: a for a in body["annotations"]}
    assert sent[first.id]["ocr_cer"] == 0.0
    assert sent[second.id]["ocr_cer"] == pytest.approx(expected)
    assert "ocr_cer" not in sent[third.id]  # None is the wire default: left out
    # the lines travel with their text and boxes
    assert [s["text"] for s in sent[second.id]["shapes"]] == edited_texts
    assert sent[second.id]["shapes"][0]["points"] == suggested[0].box
    assert taken.shapes[0].text == lines[0].text


def test_flagging_keeps_the_text_and_its_rate(store):
    (item,) = seed_transcription(store, [4])
    lines = suggest(store, item)
    store.save_shapes(item.id, _text_shapes(lines, ["看不清"] + [line.text for line in lines[1:]]))
    store.flag_item(item.id, "第一行看不清")
    (record,) = store.take_outbox(10)
    assert record.flag == "第一行看不清"
    assert record.shapes[0].text == "看不清"
    assert record.ocr_cer == pytest.approx(
        character_error_rate(suggestion_text(lines), "\n".join(["看不清"] + [line.text for line in lines[1:]]))
    )


def test_the_scheduled_run_reads_downloaded_transcriptions(store, capsys):
    items = seed_transcription(store, [5])
    sync_cli._read_transcriptions(store, quiet=False)
    assert store.ocr_suggestion(items[0].id)
    assert "OCR: read 1 of 1 transcription item(s)" in capsys.readouterr().out
    sync_cli._read_transcriptions(store, quiet=False)  # nothing left: says nothing
    assert capsys.readouterr().out == ""
