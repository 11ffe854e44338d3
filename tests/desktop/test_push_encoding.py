"""The client's side of a push costs per request, not per shape or per revision.

A push takes up to 500 revisions from the outbox, marks them sending, encodes them and,
once the server answers, stores each answer. Each revision's shapes are kept as the JSON
text ``to_wire`` wrote when they were saved: decoding them into ``Shape`` objects only to
encode them straight back, and one UPDATE per revision, were most of the client's side of
a push. Counted here in objects built and statements run, not in milliseconds.
"""

from __future__ import annotations

import dataclasses
import gzip
import json

import pytest

from aidou_desktop.model.domain import CONFLICTED, REJECTED, SENDING, SYNCED
from aidou_desktop.sync.client import push_body
from sync_server.protocol import (
    ACCEPTED,
    CONFLICT,
    REJECT_UNKNOWN_LABEL,
    LoginResponse,
    Problem,
    PushRequest,
    PushResult,
    Shape,
    ShapesText,
    rejection,
    to_json,
    to_wire,
)
from tests.desktop.conftest import ANNOTATOR, demo_changes

ITEMS = 60


@pytest.fixture
def outbox(store):
    """A logged-in annotator with one saved revision per item of a 60-item batch, none sent."""
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(ITEMS), "7")
    for n, item_id in enumerate(range(100, 100 + ITEMS)):
        shapes = [Shape("box", "car", [[10.5 + n, 20.25], [300.125, 400]]), Shape("box", "car", [[1, 2], [3, 4]])]
        store.save_shapes(item_id, shapes, time_spent_ms=1000 + n)
    store.flag_item(100, "车牌看不清 🚗")  # a note with text outside ASCII travels as it was written
    return store


def _statements(store, fn):
    """(fn's result, the SQL statements SQLite ran for it: one per row an executemany binds)."""
    ran: list[str] = []
    store.db.conn.set_trace_callback(ran.append)
    try:
        return fn(), ran
    finally:
        store.db.conn.set_trace_callback(None)


def test_the_push_body_is_what_the_saved_shapes_say_without_decoding_them(outbox, monkeypatch):
    built = []
    original_init = Shape.__init__

    def counting_init(self, *args, **kwargs):
        built.append(1)
        original_init(self, *args, **kwargs)

    monkeypatch.setattr(Shape, "__init__", counting_init)
    records = outbox.take_outbox(500)
    body = push_body(records)
    assert len(records) == ITEMS
    assert built == []  # not one Shape object for 120 shapes taken and encoded

    sent = json.loads(gzip.decompress(body))
    monkeypatch.setattr(Shape, "__init__", original_init)
    # the same data as encoding every revision's decoded shapes
    decoded = [dataclasses.replace(r, shapes=list(r.shapes)) for r in records]
    assert sent == to_wire(PushRequest(decoded))
    first = sent["annotations"][0]
    assert first["flag"] == "车牌看不清 🚗"
    assert first["shapes"] == [{"kind": "box", "label": "car", "points": [[10.5, 20.25], [300.125, 400]]},
                               {"kind": "box", "label": "car", "points": [[1, 2], [3, 4]]}]  # fmt: skip
    # whoever reads a taken revision's shapes still gets Shapes
    assert records[1].shapes[0] == Shape("box", "car", [[11.5, 20.25], [300.125, 400]])
    assert len(records[1].shapes) == 2


def test_taking_and_answering_a_push_is_a_few_statements_whatever_its_size(outbox):
    records, ran = _statements(outbox, lambda: outbox.take_outbox(500))
    assert len(records) == ITEMS
    assert len(ran) <= 5, ran  # BEGIN, the rows, one UPDATE marking them all, COMMIT
    states = dict(outbox.db.conn.execute("SELECT id, state FROM annotations").fetchall())
    assert {states[r.id] for r in records} == {SENDING}

    bad = rejection(records[1].id, Problem(REJECT_UNKNOWN_LABEL, "unknown label 'bus'", label="bus"))
    conflict = PushResult(records[2].id, CONFLICT, "item 102 has a newer revision", "not_head")
    answers = [PushResult(r.id, ACCEPTED) for r in records]
    answers[1], answers[2] = bad, conflict
    settled, ran = _statements(outbox, lambda: outbox.store_push_results(answers))
    assert settled == ITEMS
    # BEGIN, the lookup, one UPDATE per distinct answer (3), the outbox's DELETE, the reviews' part, COMMIT
    assert len(ran) <= 12, ran
    assert outbox.outbox_count() == 0
    rows = {r[0]: r[1:] for r in outbox.db.conn.execute("SELECT id, state, reason_code, reason_params FROM annotations")}
    assert rows[records[0].id] == (SYNCED, None, None)
    assert rows[records[1].id] == (REJECTED, REJECT_UNKNOWN_LABEL, json.dumps({"label": "bus"}))
    assert rows[records[2].id][:2] == (CONFLICTED, "not_head")
    assert {rows[r.id][0] for r in records[3:]} == {SYNCED}


def test_shapes_kept_as_text_encode_as_their_data():
    text = json.dumps(
        [{"kind": "text", "label": "", "points": [], "text": "发票号码 No.0012"},
         {"kind": "polygon", "label": "road", "points": [[0, 0], [10.5, 0], [5, 7.25]]}],
        ensure_ascii=False, separators=(",", ":"), sort_keys=True,
    )  # fmt: skip
    kept = ShapesText(text)
    shapes = [Shape("text", "", [], "发票号码 No.0012"), Shape("polygon", "road", [[0, 0], [10.5, 0], [5, 7.25]])]
    assert kept == shapes and shapes == kept and list(kept) == shapes
    assert to_wire(kept) == to_wire(shapes)
    assert json.loads(to_json([kept])) == to_wire([shapes])
