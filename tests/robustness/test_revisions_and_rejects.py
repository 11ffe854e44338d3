"""Issue 3, points 2 and 4: edits while a push is unanswered; bad records pushed and pulled."""

from __future__ import annotations

import json

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.store import feed as feed_module
from aidou_desktop.sync import sync_once
from sync_server.protocol import Change, LoginResponse
from tests.desktop.conftest import ANNOTATOR
from tests.robustness.helpers import (
    box,
    first_batch_items,
    login,
    stored_annotations,
)


def test_edit_while_push_unanswered_makes_a_new_revision(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno1")
    sync_once(store, client)
    item = first_batch_items(store)[0]
    first = store.save_shapes(item, box(store, item, 1))

    in_flight = store.take_outbox(10)  # the request is on its way; no answer stored yet
    assert [r.id for r in in_flight] == [first.id]
    edited = store.save_shapes(item, box(store, item, 2))
    assert edited.id != first.id and edited.base_id == first.id  # never new content under the old id
    assert store.annotation(item).id == edited.id

    # the retry resends the first revision exactly as it was, then the edit
    resent = store.take_outbox(10)
    assert [r.id for r in resent] == [first.id, edited.id]
    assert resent[0].shapes == in_flight[0].shapes == box(store, item, 1)
    client.push(in_flight)  # the server got the first request after all; its answer was lost
    report = sync_once(store, client)
    assert (report.duplicates, report.accepted, report.waiting) == (1, 1, 0)

    stored = stored_annotations(live, [first.id, edited.id])
    assert stored[first.id]["shapes"][0]["points"] == [[11, 20], [201, 220]]
    assert stored[edited.id]["base_id"] == first.id
    assert not stored[first.id]["conflict"] and not stored[edited.id]["conflict"]
    store.close()


def test_one_bad_record_in_a_push_is_rejected_the_rest_stored(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno2")
    sync_once(store, client)
    items = first_batch_items(store)[:4]
    saved = [store.save_shapes(i, box(store, i, n)) for n, i in enumerate(items)]
    bad = store.save_shapes(items[2], [box_shape("dragon", 1, 1, 5, 5)])  # in place: still queued
    assert bad.id == saved[2].id

    report = sync_once(store, client)
    assert (report.accepted, report.rejected) == (3, 1)
    [rejected] = store.rejected()
    assert rejected.id == bad.id and rejected.reason == "shape 1: unknown label 'dragon'"
    assert store.annotation(items[2]).state == "rejected"  # the annotator sees it, with why
    stored = stored_annotations(live, [a.id for a in saved])
    assert set(stored) == {saved[0].id, saved[1].id, saved[3].id}

    fixed = store.save_shapes(items[2], box(store, items[2], 9))
    assert sync_once(store, client).accepted == 1
    assert store.rejected() == [] and fixed.id in stored_annotations(live, [fixed.id])
    store.close()


def _annotations(store: Store) -> list[dict]:
    item = store.db.execute("SELECT id, batch_id FROM items ORDER BY id LIMIT 1").fetchone()
    base = {"item_id": item[0], "batch_id": item[1], "base_id": None, "annotator_id": 99,
            "shapes": [{"kind": "box", "label": "car", "points": [[1, 1], [5, 5]]}],
            "received_at": "2026-11-25T10:00:00Z"}  # fmt: skip
    return [dict(base, id=f"0190c0de-0000-7000-8000-00000000000{n}") for n in range(3)]


def test_a_bad_pulled_record_is_quarantined_not_lost(live, tmp_path, monkeypatch):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno3")
    sync_once(store, client)
    cursor = store.cursor()
    good = _annotations(store)
    page = [
        Change(901, "annotation", good[0]),
        Change(902, "review", {"id": 5, "verdict": "accept"}),  # a kind only a newer app knows
        Change(903, "annotation", dict(good[1], item_id=987654)),  # its item has not arrived
        Change(904, "annotation", good[2]),
    ]
    assert store.apply_changes(page, "904") == 2
    assert store.cursor() == "904"  # the rest is not blocked
    assert {q.seq for q in store.quarantined()} == {902, 903}
    assert store.annotation(good[2]["item_id"]) is not None
    raw = store.db.execute("SELECT data FROM quarantine WHERE seq = 902").fetchone()[0]
    assert json.loads(raw) == {"id": 5, "verdict": "accept"}  # kept exactly as received

    # the item arrives later in the feed: the waiting annotation is applied then
    item_row = store.db.execute("SELECT * FROM items ORDER BY id LIMIT 1").fetchone()
    item_wire = {"id": 987654, "order_id": item_row[1], "batch_id": None, "name": "late.jpg", "width": 100,
                 "height": 100, "blob": "", "blob_size": 0, "display_width": 100, "display_height": 100}  # fmt: skip
    assert store.apply_changes([Change(905, "item", item_wire)], "905") == 0
    assert [q.seq for q in store.quarantined()] == [902]

    # after an upgrade that knows "review", the next pull applies it
    seen = []
    monkeypatch.setitem(feed_module._HANDLERS, "review", lambda conn, change: seen.append(change.data))
    report = sync_once(store, client)
    assert seen == [{"id": 5, "verdict": "accept"}] and store.quarantined() == []
    # "904" was never the server's: refused, so the feed was read again from the start
    assert report.restarted_feed and store.cursor() == cursor
    store.close()


def test_a_later_change_supersedes_a_quarantined_one(tmp_path):
    # an older state of an entity, quarantined, must never win over a newer one applied later
    store = Store(tmp_path / "desk")
    store.remember_login("http://server.test", "pw", LoginResponse("tok", ANNOTATOR, "2026-11-25T00:00:00Z"))
    bad_batch = {"id": 3, "order_id": 1, "name": "old", "annotator_id": 7, "lease_until": None, "item_ids": ["x"]}
    assert store.apply_changes([Change(10, "batch", bad_batch)], "10") == 1
    newer = dict(bad_batch, name="new", item_ids=[])
    assert store.apply_changes([Change(11, "batch", newer)], "11") == 0
    assert store.quarantined() == []
    assert store.retry_quarantine() == 0
    assert store.db.execute("SELECT name FROM batches WHERE id = 3").fetchone()[0] == "new"
    store.close()
