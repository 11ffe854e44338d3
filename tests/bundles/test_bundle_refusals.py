"""Bad bundles are refused whole, with a message naming the entry and the fault, and
nothing is applied: truncated, tampered, the wrong kind, path tricks, the wrong user."""

from __future__ import annotations

import zipfile

import pytest
from sync_server.db.feed import cursor_at
from bundle_helpers import annotate, first_contact, flip_byte, rewrite_zip, row_counts

from aidou_desktop.sync.bundle import export_push_bundle, import_pull_bundle
from sync_server.bundles import BundleError, Manifest, write_push_bundle
from sync_server.bundles.office import import_push_bundle, write_user_bundle
from sync_server.protocol import AnnotationRecord, Shape, uuid7


@pytest.fixture
def push_bundle(store, engine, blob_store, world, tmp_path):
    """anno1's PC has its batch and two new boxes, exported to push.aidou."""
    first_contact(store, engine, blob_store, world["users"]["anno1"], tmp_path)
    annotate(store, world["users"]["anno1"].id)
    path = tmp_path / "push.aidou"
    export_push_bundle(store, path)
    return path


@pytest.fixture
def pull_bundle(engine, blob_store, world, tmp_path):
    path = tmp_path / "pull.aidou"
    write_user_bundle(engine, blob_store, world["users"]["anno1"], path)
    return path


def refused(fn, *args) -> str:
    with pytest.raises(BundleError) as caught:
        fn(*args)
    return str(caught.value)


def test_truncated_push_bundle_is_refused_and_nothing_stored(push_bundle, engine, tmp_path):
    cut = tmp_path / "cut.aidou"
    cut.write_bytes(push_bundle.read_bytes()[: push_bundle.stat().st_size * 2 // 3])
    before = row_counts(engine)
    message = refused(import_push_bundle, engine, cut)
    assert "truncated" in message and "cut.aidou" in message
    assert row_counts(engine) == before


def test_truncated_pull_bundle_is_refused_and_the_pc_unchanged(pull_bundle, store, world, tmp_path):
    cut = tmp_path / "cut.aidou"
    cut.write_bytes(pull_bundle.read_bytes()[:-200])
    assert "truncated" in refused(import_pull_bundle, store, cut)
    assert store.cursor() == "" and store.batch_summaries(world["users"]["anno1"].id) == []


def test_an_entry_missing_from_the_file_is_named(push_bundle, engine, tmp_path):
    bad = tmp_path / "bad.aidou"
    with zipfile.ZipFile(push_bundle) as zin, zipfile.ZipFile(bad, "w") as zout:
        for name in ("manifest.json", "signature.json"):  # the page itself is gone
            zout.writestr(name, zin.read(name))
    assert "push/000001.json is in the manifest but missing" in refused(import_push_bundle, engine, bad)


def test_a_changed_byte_in_a_page_is_refused(push_bundle, engine, tmp_path):
    bad = rewrite_zip(push_bundle, tmp_path / "bad.aidou", change={"push/000001.json": lambda b: b.replace(b"50", b"51", 1)})
    before = row_counts(engine)
    message = refused(import_push_bundle, engine, bad)
    assert "push/000001.json" in message and "sha256 does not match" in message
    assert row_counts(engine) == before


def test_a_flipped_byte_in_an_image_is_refused_and_nothing_applied(pull_bundle, store, world, tmp_path):
    with zipfile.ZipFile(pull_bundle) as z:
        blob = next(i for i in z.infolist() if i.filename.startswith("blobs/"))
    raw = bytearray(pull_bundle.read_bytes())
    start = blob.header_offset + 30 + len(blob.filename.encode()) + len(blob.extra)  # stored data begins here
    raw[start + blob.file_size // 2] ^= 0x01
    bad = tmp_path / "bad.aidou"
    bad.write_bytes(bytes(raw))
    message = refused(import_pull_bundle, store, bad)
    assert blob.filename in message and "damaged" in message
    assert store.cursor() == "" and store.batch_summaries(world["users"]["anno1"].id) == []
    assert store.blob_path(blob.filename.split("/")[1]) is None


def test_a_bad_second_page_stops_the_first_from_being_applied(engine, world, tmp_path):
    anno1 = world["users"]["anno1"]
    item = world["batch1_items"][0]
    records = [AnnotationRecord(uuid7(), item, None, None, [Shape("box", "car", [[1, 1], [9, 9]])]) for _ in range(501)]
    path = tmp_path / "big.aidou"
    write_push_bundle(path, Manifest("push", anno1, "test", "2026-11-25T00:00:00Z"), records, bytes.fromhex(world["keys"]["anno1"]))
    bad = rewrite_zip(path, tmp_path / "bad.aidou", change={"push/000002.json": flip_byte})
    before = row_counts(engine)
    assert "push/000002.json" in refused(import_push_bundle, engine, bad)
    assert row_counts(engine) == before
    assert len(import_push_bundle(engine, path).results) == 501  # the intact file goes in whole


def test_wrong_kind_is_refused_both_ways(push_bundle, pull_bundle, store, engine):
    message = refused(import_push_bundle, engine, pull_bundle)
    assert "is a pull bundle" in message and "reads push bundles" in message
    assert "is a push bundle" in refused(import_pull_bundle, store, push_bundle)


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "blobs/../../evil", "push/../../x.json", "C:\\evil", "push/1.json"])
def test_path_tricks_are_refused(push_bundle, engine, tmp_path, name):
    def listed(doc):
        doc["entries"].append({"name": name, "size": 4, "sha256": "0" * 64})

    for variant, manifest in (("unlisted", None), ("listed", listed)):
        bad = rewrite_zip(push_bundle, tmp_path / f"bad-{variant}.aidou", extra={name: b"evil"}, manifest=manifest)
        assert "refused" in refused(import_push_bundle, engine, bad)
    assert not (tmp_path.parent / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()


def test_an_entry_bigger_than_its_manifest_entry_is_refused(push_bundle, engine, world, tmp_path):
    bomb = b"\0" * (8 << 20)  # deflates to a few kB: the size check, not the disk, stops it

    def small(doc):
        doc["entries"][0]["size"] = 10

    # signed by anno1's own key: the sizes are checked even when the signature holds
    bad = rewrite_zip(push_bundle, tmp_path / "bad.aidou", change={"push/000001.json": lambda _b: bomb}, manifest=small,
                      sign_with=world["keys"]["anno1"])  # fmt: skip
    assert "push/000001.json is 8388608 bytes, the manifest says 10" in refused(import_push_bundle, engine, bad)


def test_a_user_of_another_office_or_server_is_refused(push_bundle, engine, tmp_path):
    def elsewhere(doc):
        doc["user"]["office_name"] = "别的基地"

    def ghost(doc):
        doc["user"]["username"] = "ghost"

    before = row_counts(engine)
    assert "belongs to another server" in refused(import_push_bundle, engine, rewrite_zip(push_bundle, tmp_path / "a.aidou", manifest=elsewhere))
    assert "no account on this server" in refused(import_push_bundle, engine, rewrite_zip(push_bundle, tmp_path / "b.aidou", manifest=ghost))
    assert row_counts(engine) == before


def test_the_pc_refuses_another_users_bundle(store, engine, blob_store, world, tmp_path):
    path = tmp_path / "anno2.aidou"
    write_user_bundle(engine, blob_store, world["users"]["anno2"], path)
    assert "this PC's user is anno1" in refused(import_pull_bundle, store, path)
    assert store.cursor() == ""


def test_the_pc_refuses_a_bundle_that_would_leave_a_gap(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    later = tmp_path / "later.aidou"
    with engine.connect() as conn:
        since = cursor_at(conn, 3)
    write_user_bundle(engine, blob_store, anno1, later, since=since)  # starts past what this PC has seen
    message = refused(import_pull_bundle, store, later)
    assert f"starts at cursor '{since}'" in message and "--since" in message
    assert store.batch_summaries(anno1.id) == []


def test_the_pc_refuses_an_older_bundle_than_the_last_it_read(pull_bundle, store, world, tmp_path):
    def last_week(doc):
        doc["created_at"] = "2026-11-18T09:00:00.000Z"

    # as the server would have signed a bundle made last week
    old = rewrite_zip(pull_bundle, tmp_path / "old.aidou", manifest=last_week, sign_with=world["keys"]["anno1"])
    import_pull_bundle(store, pull_bundle)
    cursor = store.cursor()
    assert "out of date" in refused(import_pull_bundle, store, old)  # it would step the PC back
    assert store.cursor() == cursor
    import_pull_bundle(store, pull_bundle)  # the same one again: harmless, idempotent
    assert store.cursor() == cursor
