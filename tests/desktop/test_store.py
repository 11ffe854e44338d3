"""The local store: migrations, saving, the outbox, the feed, login, the blob cache."""

from __future__ import annotations

import logging

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store, default_data_dir, resolve_data_dir
from aidou_desktop.store.migrations import MIGRATIONS
from sync_server.protocol import Change, LoginResponse, PushResult, uuid7
from tests.desktop.conftest import ANNOTATOR, BATCH_ID, ORDER_ID, blob_bytes, blob_sha, demo_changes


def car(x: float = 10) -> list:
    return [box_shape("car", x, 10, x + 100, 110)]


def test_migrations_run_once(data_dir):
    first = Store(data_dir)
    assert first.applied_migrations == [name for name, _ in MIGRATIONS]
    first.close()
    again = Store(data_dir)
    assert again.applied_migrations == []
    names = [r["name"] for r in again.db.query("SELECT name FROM migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    assert again.db.query("PRAGMA journal_mode").__next__()["journal_mode"] == "wal"
    assert next(again.db.query("PRAGMA foreign_keys"))["foreign_keys"] == 1
    again.close()


def test_data_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("AIDOU_DATA_DIR", raising=False)
    assert resolve_data_dir() == default_data_dir()
    assert default_data_dir().name == ".aidou"
    monkeypatch.setenv("AIDOU_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir() == tmp_path / "env"
    assert resolve_data_dir(tmp_path / "flag") == tmp_path / "flag"


def test_settings_round_trip(store):
    assert store.get_setting("nope", 42) == 42
    store.set_setting("k", {"a": [1, "二"]})
    assert store.get_setting("k") == {"a": [1, "二"]}


def test_save_in_place_while_queued(seeded):
    first = seeded.save_shapes(100, car(10), time_spent_ms=1000)
    second = seeded.save_shapes(100, car(20), time_spent_ms=500)
    assert second.id == first.id
    assert second.state == "queued" and second.base_id is None
    assert second.shapes == car(20)
    assert second.time_spent_ms == 1500
    assert seeded.outbox_count() == 1
    [record] = seeded.take_outbox(10)
    assert record.id == first.id and record.shapes == car(20)
    assert record.schema_version == 3 and record.batch_id == BATCH_ID


def test_new_revision_after_take_outbox(seeded):
    first = seeded.save_shapes(100, car(10))
    [taken] = seeded.take_outbox(10)
    assert seeded.annotation(100).state == "sending"
    second = seeded.save_shapes(100, car(30))
    assert second.id != first.id and second.base_id == first.id and second.state == "queued"
    # the sent revision keeps its content: a retry resends exactly what was sent
    again = seeded.take_outbox(10)
    assert [r.id for r in again] == [first.id, second.id]
    assert again[0].shapes == car(10) and again[1].shapes == car(30)


def test_unknown_item_is_refused(seeded):
    with pytest.raises(KeyError):
        seeded.save_shapes(999, car())
    assert seeded.outbox_count() == 0


def test_push_results(seeded):
    ids = {i: seeded.save_shapes(i, car()).id for i in (100, 101, 102, 103, 104)}
    taken = seeded.take_outbox(10)
    assert len(taken) == 5
    answered = seeded.store_push_results(
        [
            PushResult(ids[100], "accepted"),
            PushResult(ids[101], "duplicate"),
            PushResult(ids[102], "conflict", "anno2 was first"),
            PushResult(ids[103], "rejected", "box lies outside the image"),
        ]
    )
    assert answered == 4
    assert [seeded.annotation(i).state for i in (100, 101, 102, 103, 104)] == [
        "synced", "synced", "conflict", "rejected", "sending",
    ]  # fmt: skip
    assert seeded.outbox_count() == 1  # no answer for 104: stays and is re-sent
    assert [r.id for r in seeded.take_outbox(10)] == [ids[104]]
    [bad] = seeded.rejected()
    assert bad.item_id == 103 and bad.reason == "box lies outside the image"
    assert [a.item_id for a in seeded.conflicts()] == [102]
    # an answer stored twice changes nothing
    assert seeded.store_push_results([PushResult(ids[100], "accepted")]) == 0
    # fixing the rejected one: a new revision based on what the server has (nothing)
    fixed = seeded.save_shapes(103, car(5))
    assert fixed.id != ids[103] and fixed.base_id is None and fixed.state == "queued"
    assert seeded.rejected() == []
    # editing a synced one bases the new revision on it
    edited = seeded.save_shapes(100, car(50))
    assert edited.base_id == ids[100]


def test_apply_changes_with_cursor_and_bad_record(store, caplog):
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    changes = demo_changes(3)
    bad = Change(50, "item", {"id": 555, "name": "no sizes"})
    echo_other = Change(
        51, "annotation",
        {"id": uuid7(), "item_id": 101, "batch_id": BATCH_ID, "base_id": None, "time_spent_ms": 3,
         "shapes": [{"kind": "box", "label": "car", "points": [[1, 1], [5, 5]]}],
         "annotator_id": 99, "received_at": "2026-01-01T00:00:00Z"},
    )  # fmt: skip
    with caplog.at_level(logging.WARNING):
        skipped = store.apply_changes(changes[:2] + [bad] + changes[2:] + [echo_other], "42")
    assert skipped == 1
    assert "555" in caplog.text or "missing field" in caplog.text
    assert store.cursor() == "42"
    assert store.order(ORDER_ID).schema.labels[0].title == "汽车"
    assert store.item(555) is None
    assert [i.id for i in store.ready_items(BATCH_ID)] == []
    assert store.missing_blobs(BATCH_ID) == [(blob_sha(i), len(blob_bytes(i))) for i in (100, 101, 102)]
    history = store.annotation(101)
    assert history.id == echo_other.data["id"] and history.state == "synced"
    [summary] = store.batch_summaries(ANNOTATOR.id)
    assert (summary.total, summary.downloaded, summary.order_name) == (3, 0, "车辆检测")
    # applying the same page again is harmless
    assert store.apply_changes(changes, "43") == 0
    assert store.cursor() == "43"


def test_echo_of_own_revision_is_ignored(seeded):
    mine = seeded.save_shapes(100, car(10))
    seeded.take_outbox(10)
    seeded.store_push_results([PushResult(mine.id, "accepted")])
    echo = {"id": mine.id, "item_id": 100, "batch_id": BATCH_ID, "base_id": None,
            "shapes": [], "annotator_id": ANNOTATOR.id, "received_at": "2026-01-01T00:00:01Z"}  # fmt: skip
    seeded.apply_changes([Change(60, "annotation", echo)], "60")
    current = seeded.annotation(100)
    assert current.id == mine.id and current.shapes == car(10)
    # a lead's correction arriving later becomes the base of the next edit
    lead = dict(echo, id=uuid7(), base_id=mine.id, annotator_id=2, shapes=[])
    seeded.apply_changes([Change(61, "annotation", lead)], "61")
    assert seeded.annotation(100).id == lead["id"]
    assert seeded.save_shapes(100, car(70)).base_id == lead["id"]



def test_a_flag_is_kept_by_box_edits_and_travels_with_the_revision(seeded):
    flagged = seeded.flag_item(100, "  拿不准 ")
    assert (flagged.flag, flagged.shapes, flagged.state) == ("拿不准", [], "queued")
    assert seeded.save_shapes(100, car(10)).flag == "拿不准"  # an edit of the boxes keeps it (in place)
    with pytest.raises(ValueError, match="200"):
        seeded.flag_item(100, "车" * 201)
    [record] = seeded.take_outbox(10)
    assert (record.id, record.flag, record.shapes) == (flagged.id, "拿不准", car(10))
    seeded.store_push_results([PushResult(record.id, "accepted")])
    # sent: the next edit is a new revision, still flagged; clearing is one more edit
    edited = seeded.save_shapes(100, car(20))
    assert edited.id != flagged.id and edited.base_id == flagged.id and edited.flag == "拿不准"
    cleared = seeded.flag_item(100, None)
    assert cleared.id == edited.id and cleared.flag is None and cleared.shapes == car(20)
    # a revision based on someone else's (a lead's, from the feed) starts without a flag
    theirs = {"id": uuid7(), "item_id": 101, "batch_id": BATCH_ID, "base_id": None, "shapes": [],
              "annotator_id": 2, "received_at": "2026-01-01T00:00:01Z", "flag": "图片不清楚"}  # fmt: skip
    seeded.apply_changes([Change(70, "annotation", theirs)], "70")
    assert seeded.annotation(101).flag == "图片不清楚"
    assert seeded.save_shapes(101, car(30)).flag is None


def test_batch_summary_counts(seeded):
    seeded.save_shapes(100, car())
    seeded.save_shapes(101, [])  # an explicit "nothing here" counts as done
    _put_blob(seeded, 102)
    [summary] = seeded.batch_summaries(ANNOTATOR.id)
    assert (summary.total, summary.done, summary.downloaded) == (5, 2, 1)
    assert seeded.batch_summaries(12345) == []


def test_offline_login(seeded):
    assert seeded.offline_login("anno1", "anno123") == ANNOTATOR
    assert seeded.offline_login("anno1", "wrong") is None
    assert seeded.offline_login("nobody", "anno123") is None
    assert seeded.session() == ("http://server.test", "tok", ANNOTATOR)
    seeded.forget_token()
    assert seeded.session() is None
    assert seeded.offline_login("anno1", "anno123") == ANNOTATOR  # still works without a token
    hashed = next(seeded.db.query("SELECT password_hash FROM credentials"))["password_hash"]
    assert "anno123" not in hashed and hashed.startswith("$argon2")


def _put_blob(store: Store, item_id: int) -> bool:
    store.partial_blob_path(blob_sha(item_id)).write_bytes(blob_bytes(item_id))
    return store.commit_blob(blob_sha(item_id))


def test_blob_commit_checks_hash(seeded):
    sha = blob_sha(100)
    part = seeded.partial_blob_path(sha)
    part.write_bytes(b"not the image")
    assert seeded.commit_blob(sha) is False
    assert not part.exists()
    assert seeded.blob_path(sha) is None
    assert seeded.ready_items(BATCH_ID) == []
    assert _put_blob(seeded, 100) is True
    assert seeded.blob_path(sha).read_bytes() == blob_bytes(100)
    assert not part.exists()
    with pytest.raises(ValueError):
        seeded.partial_blob_path("../../etc/passwd")


def test_ready_items_only_when_blob_committed(seeded):
    assert seeded.ready_items(BATCH_ID) == []
    seeded.partial_blob_path(blob_sha(101)).write_bytes(blob_bytes(101)[:100])  # half a download
    assert seeded.ready_items(BATCH_ID) == []
    _put_blob(seeded, 100)
    _put_blob(seeded, 103)
    assert [i.id for i in seeded.ready_items(BATCH_ID)] == [100, 103]
    assert [sha for sha, _ in seeded.missing_blobs(BATCH_ID)] == [blob_sha(i) for i in (101, 102, 104)]
    # an item update that keeps its blob stays ready
    seeded.apply_changes(demo_changes(), "8")
    assert [i.id for i in seeded.ready_items(BATCH_ID)] == [100, 103]


def test_take_outbox_only_takes_current_users_records(seeded):
    seeded.save_shapes(100, car())
    other = ANNOTATOR.__class__(**{**ANNOTATOR.__dict__, "id": 8, "username": "anno2"})
    seeded.set_setting("user", other.__dict__)
    seeded.save_shapes(101, car())
    assert [r.item_id for r in seeded.take_outbox(10)] == [101]
    assert seeded.outbox_count() == 2


def test_later_migration_keeps_unsynced_work(seeded):
    from aidou_desktop.store.migrations import migrate

    saved = seeded.save_shapes(100, car())

    def broken(conn):
        conn.execute("ALTER TABLE items ADD COLUMN half_done INTEGER")
        raise RuntimeError("crash mid-migration")

    conn = seeded.db.conn
    with pytest.raises(RuntimeError):
        migrate(conn, MIGRATIONS + [("0002_broken", broken)])
    assert "half_done" not in {c.name for c in seeded.db["items"].columns}  # rolled back whole
    added = migrate(conn, MIGRATIONS + [("0002_note", lambda c: c.execute("ALTER TABLE items ADD COLUMN note TEXT"))])
    assert added == ["0002_note"]
    assert seeded.outbox_count() == 1 and seeded.take_outbox(5)[0].id == saved.id
