"""USB sneakernet end to end with the real Store and the real server functions:
pull bundle → PC, PC's push bundle → server (once, however often it is imported),
the reply → PC (outbox empty)."""

from __future__ import annotations

from bundle_helpers import annotate, first_contact, stored_ids
from fastapi.testclient import TestClient

from aidou_desktop.model.domain import SENDING, SYNCED
from aidou_desktop.sync.bundle import export_push_bundle, import_pull_bundle
from sync_server.api.app import create_app
from sync_server.bundles import KIND_PUSH, VerifiedBundle, key_bytes, push_pages
from sync_server.bundles.office import import_push_bundle, write_user_bundle
from sync_server.db.accounts import issue_token
from sync_server.db.engine import write_transaction
from sync_server.protocol import (
    ACCEPTED,
    DUPLICATE,
    PROTOCOL_VERSION,
    REJECTED,
    VERSION_HEADER,
    Shape,
    to_wire,
)


def test_pull_bundle_brings_the_batch_ready_with_images(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    path = tmp_path / "pull.aidou"
    report = write_user_bundle(engine, blob_store, anno1, path)
    assert report.changes > 0 and report.blobs == 2  # batch 1 only: anno2's images stay on the server

    got = import_pull_bundle(store, path)

    assert got.pulled == report.changes and got.skipped == 0 and got.blobs == 2
    [batch] = store.batch_summaries(anno1.id)
    assert batch.id == world["batch1"] and batch.total == 2 and batch.downloaded == 2
    items = store.ready_items(batch.id)
    assert len(items) == 2 and all(store.blob_path(i.blob) for i in items)
    assert store.cursor() == report.cursor
    assert store.missing_blobs(batch.id) == []


def test_push_bundle_round_trip_empties_the_outbox(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first_contact(store, engine, blob_store, anno1, tmp_path)
    ids = annotate(store, anno1.id)
    push = tmp_path / "push.aidou"

    done = export_push_bundle(store, push)

    assert done.records == 2 and done.cursor == store.cursor()
    assert {store.annotation(i.id).state for i in store.ready_items(world["batch1"])} == {SENDING}
    imported = import_push_bundle(engine, push)
    assert [r.status for r in imported.results] == [ACCEPTED, ACCEPTED]
    assert stored_ids(engine) == {i: 1 for i in ids}

    reply = tmp_path / "reply.aidou"
    write_user_bundle(engine, blob_store, imported.user, reply, imported.manifest.cursor, imported.results)
    got = import_pull_bundle(store, reply)

    assert got.answered == 2 and store.outbox_count() == 0
    assert {store.annotation(i.id).state for i in store.ready_items(world["batch1"])} == {SYNCED}
    assert got.pulled == 2  # the echoes of our own revisions, after the cursor we exported at


def test_importing_twice_keeps_one_copy(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first_contact(store, engine, blob_store, anno1, tmp_path)
    ids = annotate(store, anno1.id)
    push = tmp_path / "push.aidou"
    export_push_bundle(store, push)

    import_push_bundle(engine, push)
    again = import_push_bundle(engine, push)

    assert [r.status for r in again.results] == [DUPLICATE, DUPLICATE]
    assert stored_ids(engine) == {i: 1 for i in ids}


def test_import_then_online_push_is_duplicate(store, engine, blob_store, world, tmp_path, server_dir):
    anno1 = world["users"]["anno1"]
    first_contact(store, engine, blob_store, anno1, tmp_path)
    ids = annotate(store, anno1.id)
    push = tmp_path / "push.aidou"
    export_push_bundle(store, push)
    import_push_bundle(engine, push)

    # the PC comes back online before the reply reached it: it pushes the same rows again
    records = store.take_outbox(500)
    app = create_app(server_dir)
    try:
        with write_transaction(app.state.database.engine) as conn:
            token = issue_token(conn, anno1.id)
        with TestClient(app) as client:
            answer = client.post("/api/v1/push", json={"annotations": to_wire(records)},
                                 headers={"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)})  # fmt: skip
    finally:
        app.state.database.engine.dispose()
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == [DUPLICATE, DUPLICATE]
    assert stored_ids(engine) == {i: 1 for i in ids}


def test_a_second_export_resends_the_unanswered_and_edits_make_new_revisions(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first_contact(store, engine, blob_store, anno1, tmp_path)
    first_ids = annotate(store, anno1.id)
    export_push_bundle(store, tmp_path / "one.aidou")
    edited = annotate(store, anno1.id, shift=5)  # an edit after the export: a new revision each

    export_push_bundle(store, tmp_path / "two.aidou")

    one, two = (records_in(tmp_path / name, world["keys"]["anno1"]) for name in ("one.aidou", "two.aidou"))
    assert [r.id for r in one] == first_ids
    assert [r.id for r in two] == first_ids + edited  # the unanswered ones again, same content
    assert to_wire(two[:2]) == to_wire(one)
    assert {r.base_id for r in two[2:]} == set(first_ids)
    import_push_bundle(engine, tmp_path / "one.aidou")
    assert [r.status for r in import_push_bundle(engine, tmp_path / "two.aidou").results] == [
        DUPLICATE, DUPLICATE, ACCEPTED, ACCEPTED,
    ]  # fmt: skip


def test_a_rejected_record_comes_back_with_its_reason(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first_contact(store, engine, blob_store, anno1, tmp_path)
    item = store.ready_items(world["batch1"])[0]
    store.save_shapes(item.id, [Shape("box", "truck", [[1, 1], [5, 5]])])  # not a label of the order
    push = tmp_path / "push.aidou"
    export_push_bundle(store, push)
    imported = import_push_bundle(engine, push)
    assert imported.results[0].status == REJECTED and "truck" in imported.results[0].reason

    reply = tmp_path / "reply.aidou"
    write_user_bundle(engine, blob_store, anno1, reply, imported.manifest.cursor, imported.results)
    import_pull_bundle(store, reply)

    [bad] = store.rejected()
    assert bad.item_id == item.id and "truck" in bad.reason
    assert store.outbox_count() == 0


def test_an_empty_export_still_asks_for_news_and_missing_images(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first = tmp_path / "first.aidou"
    write_user_bundle(engine, blob_store, anno1, first, blobs=False)  # the batch, not yet its images
    import_pull_bundle(store, first)
    push = tmp_path / "push.aidou"

    assert export_push_bundle(store, push).records == 0  # nothing to send, but two images to ask for
    imported = import_push_bundle(engine, push)
    assert imported.results == [] and len(imported.manifest.missing_blobs) == 2
    reply = tmp_path / "reply.aidou"
    report = write_user_bundle(engine, blob_store, anno1, reply, imported.manifest.cursor, imported.results,
                               imported.manifest.missing_blobs)  # fmt: skip
    assert report.changes == 0 and report.blobs == 2
    import_pull_bundle(store, reply)

    [batch] = store.batch_summaries(anno1.id)
    assert batch.downloaded == batch.total == 2


def records_in(path, key_hex: str) -> list:
    with VerifiedBundle(path, KIND_PUSH, lambda _manifest: key_bytes(key_hex)) as bundle:
        return [record for page in push_pages(bundle) for record in page]
