"""Bundles are signed both ways and bounded before they are unpacked (issue 10, ADR 0007).

A push bundle's manifest names its user, but only the signature under that user's
bundle key (issued at login, dropped when their tokens are revoked) proves it; a
pull bundle is checked on the PC with the same key. A refused bundle changes
nothing on either side. Bombs (deep JSON, swarms of tiny containers, sizes that
lie) are refused from the zip's directory or before ``json.loads``, with exit 2
on the server and 5 on the PC, never a traceback, and in bounded memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from bundle_helpers import annotate, first_contact, rewrite_zip, row_counts, stored_ids
from test_bundle_cli import ROOT, desk, server

from aidou_desktop.sync.bundle import LAST_BUNDLE, export_push_bundle, import_pull_bundle
from sync_server.bundles import BundleError, Manifest, container, new_bundle_key
from sync_server.bundles.container import BundleWriter
from sync_server.bundles.office import import_push_bundle, write_user_bundle
from sync_server.db.accounts import bundle_key, revoke_tokens
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.users_admin import disable_user
from sync_server.protocol import AnnotationRecord, Shape, to_wire, uuid7


def refused(fn, *args) -> str:
    with pytest.raises(BundleError) as caught:
        fn(*args)
    return str(caught.value)


def pc_state(store) -> dict:
    """Everything an imported pull bundle could change on the PC."""
    blobs = sorted(p.name for p in (store.data_dir / "blobs").rglob("*") if p.is_file())
    return {
        "cursor": store.cursor(),
        "last_bundle": store.get_setting(LAST_BUNDLE),
        "batches": [(b.id, b.total, b.downloaded) for b in store.batch_summaries(store.current_user().id)],
        "outbox": store.outbox_count(store.current_user().id),
        "blobs": blobs,
    }


def forged_push(path: Path, claimed_user, key_hex: str, item_id: int) -> Path:
    """A push bundle whose manifest claims ``claimed_user``, signed with ``key_hex``."""
    record = AnnotationRecord(uuid7(), item_id, None, None, [Shape("box", "car", [[1, 1], [9, 9]])])
    with BundleWriter(path) as writer:
        writer.add_json("push/000001.json", {"annotations": [to_wire(record)]})
        writer.finish(Manifest("push", claimed_user, "aidou-sync", "2026-12-01T00:00:00Z"), bytes.fromhex(key_hex))
    return path


# ---------------------------------------------------------------- forged push bundles


@pytest.mark.parametrize("victim", ["anno2", "lead"])
def test_an_annotator_cannot_push_as_someone_else(engine, world, tmp_path, victim):
    # anno1 holds only their own key: a bundle claiming anno2 or the lead, signed with it
    bundle = forged_push(tmp_path / "forged.aidou", world["users"][victim], world["keys"]["anno1"], world["batch1_items"][0])
    before = row_counts(engine)
    message = refused(import_push_bundle, engine, bundle)
    assert f"not {victim}'s current bundle key" in message
    assert row_counts(engine) == before


def test_a_made_up_key_or_no_signature_is_refused(push_bundle_of_anno1, engine, world, tmp_path):
    made_up = forged_push(tmp_path / "made-up.aidou", world["users"]["anno1"], new_bundle_key(), world["batch1_items"][0])
    assert "not anno1's current bundle key" in refused(import_push_bundle, engine, made_up)
    unsigned = tmp_path / "unsigned.aidou"
    with zipfile.ZipFile(push_bundle_of_anno1) as zin, zipfile.ZipFile(unsigned, "w") as zout:
        for info in zin.infolist():
            if info.filename != "signature.json":
                zout.writestr(info, zin.read(info.filename))
    assert "is not signed" in refused(import_push_bundle, engine, unsigned)
    # the key's name copied, the MAC guessed: the key id matches, the MAC does not
    def guess(raw: bytes) -> bytes:
        sig = json.loads(raw)
        sig["mac"] = "0" * 64
        return json.dumps(sig).encode()

    guessed = rewrite_zip(push_bundle_of_anno1, tmp_path / "guessed.aidou", change={"signature.json": guess})
    assert "altered or forged" in refused(import_push_bundle, engine, guessed)
    assert stored_ids(engine) == {}


def test_an_edited_manifest_breaks_the_signature(push_bundle_of_anno1, engine, tmp_path):
    def more_images(doc):
        doc["missing_blobs"] = ["a" * 64]  # asking the reply for images not theirs

    edited = rewrite_zip(push_bundle_of_anno1, tmp_path / "edited.aidou", manifest=more_images)
    assert "altered or forged" in refused(import_push_bundle, engine, edited)


def test_the_cli_refuses_a_forged_bundle_and_writes_no_reply(server_dir, engine, world, tmp_path):
    bundle = forged_push(tmp_path / "forged.aidou", world["users"]["lead"], world["keys"]["anno1"], world["batch1_items"][0])
    reply = tmp_path / "reply.aidou"
    done = server("import-bundle", str(bundle), "--reply", str(reply), "--data-dir", str(server_dir))
    assert done.returncode == 2, done.stderr
    assert "not lead's current bundle key" in done.stderr and "nothing was imported" in done.stderr
    assert "Traceback" not in done.stderr
    assert not reply.exists()  # the office's annotations and images stay home


def test_signing_out_everywhere_cuts_a_lost_pcs_bundles_off(push_bundle_of_anno1, engine, world):
    anno1 = world["users"]["anno1"]
    with write_transaction(engine) as conn:
        revoke_tokens(conn, anno1.id)  # "sign out everywhere": the lost PC's key goes too
    message = refused(import_push_bundle, engine, push_bundle_of_anno1)
    assert "has no bundle key" in message and "log in online" in message
    with write_transaction(engine) as conn:
        fresh = bundle_key(conn, anno1.id)  # their next login
    assert fresh != world["keys"]["anno1"]
    assert "not anno1's current bundle key" in refused(import_push_bundle, engine, push_bundle_of_anno1)
    assert stored_ids(engine) == {}


def test_a_disabled_users_bundle_is_refused_and_none_is_made_for_them(push_bundle_of_anno1, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    with write_transaction(engine) as conn:
        disable_user(conn, None, anno1.id)
    assert "has no bundle key" in refused(import_push_bundle, engine, push_bundle_of_anno1)
    assert "disabled" in refused(write_user_bundle, engine, blob_store, anno1, tmp_path / "pull.aidou")
    with read_connection(engine) as conn:
        assert bundle_key(conn, anno1.id, create=False) is None


def test_login_hands_out_one_key_until_it_is_revoked(engine, world):
    anno2 = world["users"]["anno2"]
    with write_transaction(engine) as conn:
        first, again = bundle_key(conn, anno2.id), bundle_key(conn, anno2.id)
        revoke_tokens(conn, anno2.id)
        after = bundle_key(conn, anno2.id)
    assert first == again == world["keys"]["anno2"]  # a second PC of the same person gets the same key
    assert after != first and len(bytes.fromhex(after)) == 32


# ---------------------------------------------------------------- forged pull bundles on the PC


def test_a_forged_future_pull_bundle_changes_nothing_and_locks_nothing_out(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    genuine = tmp_path / "genuine.aidou"
    write_user_bundle(engine, blob_store, anno1, genuine)

    def far_future(doc):
        doc["created_at"] = "2099-01-01T00:00:00.000Z"

    for key in (None, new_bundle_key()):  # as it was, and signed again with a key the forger made up
        forged = rewrite_zip(genuine, tmp_path / "forged.aidou", manifest=far_future, sign_with=key)
        before = pc_state(store)
        message = refused(import_pull_bundle, store, forged)
        assert "altered or forged" in message or "not anno1's current bundle key" in message
        assert pc_state(store) == before
    # the genuine bundle is still taken: the forgery left no "newest bundle" mark behind
    import_pull_bundle(store, genuine)
    assert store.batch_summaries(anno1.id) and store.get_setting(LAST_BUNDLE) < "2099"


def test_a_pull_bundle_signed_for_someone_else_is_refused(store, engine, blob_store, world, tmp_path):
    # the admin wrote anno2's bundle; relabelled as anno1's and signed with anno2's key
    path = tmp_path / "anno2.aidou"
    write_user_bundle(engine, blob_store, world["users"]["anno2"], path)

    def as_anno1(doc):
        doc["user"] = to_wire(world["users"]["anno1"])

    relabelled = rewrite_zip(path, tmp_path / "relabelled.aidou", manifest=as_anno1, sign_with=world["keys"]["anno2"])
    before = pc_state(store)
    assert "not anno1's current bundle key" in refused(import_pull_bundle, store, relabelled)
    assert pc_state(store) == before


def test_a_pc_without_a_bundle_key_is_told_to_log_in_online(store, engine, blob_store, world, tmp_path, desk_dir):
    import sqlite3

    from aidou_desktop.store.token_vault import BUNDLE_KEY, vault_for

    store.close()
    with sqlite3.connect(desk_dir / "aidou.db") as conn:  # as a login of an older version left it: no key
        vault_for(conn).delete(world["users"]["anno1"].id, BUNDLE_KEY)
    path = tmp_path / "pull.aidou"
    write_user_bundle(engine, blob_store, world["users"]["anno1"], path)
    done = desk(desk_dir, "bundle", "import", str(path))
    assert done.returncode == 3 and "log in online once" in done.stderr and "Traceback" not in done.stderr
    done = desk(desk_dir, "bundle", "export", str(tmp_path / "push.aidou"))
    assert done.returncode == 3 and "log in online once" in done.stderr
    assert not (tmp_path / "push.aidou").exists()


# ---------------------------------------------------------------- bombs


def signed_with_pages(path: Path, kind: str, user, key_hex: str, pages: dict[str, bytes], **fields) -> Path:
    with BundleWriter(path) as writer:
        for name, raw in pages.items():
            writer.add_page(name, raw)
        writer.finish(Manifest(kind, user, "test", "2026-12-01T00:00:00Z", **fields), bytes.fromhex(key_hex))
    return path


DEEP = b"[" * 100_000 + b"]" * 100_000  # 200 kB, deflates to a few hundred bytes
SWARM = b"[" + b",".join([b"{}"] * 2_700_000) + b"]"  # ~8 MB of empty objects: ~600 MB as Python objects
LONG_LIST = b'{"annotations":[' + b",".join([b"1.5"] * 2_000_000) + b"]}"  # within the caps, yet not a record


def test_deep_json_in_a_push_bundle_is_refused_by_the_cli_not_a_traceback(server_dir, world, tmp_path):
    bomb = signed_with_pages(tmp_path / "deep.aidou", "push", world["users"]["anno1"], world["keys"]["anno1"], {"push/000001.json": DEEP})
    assert bomb.stat().st_size < 64 * 1024
    done = server("import-bundle", str(bomb), "--data-dir", str(server_dir))
    assert done.returncode == 2, done.stderr
    assert "nests deeper than" in done.stderr and "Traceback" not in done.stderr


def test_a_swarm_of_tiny_containers_is_refused_before_decoding(engine, world, tmp_path):
    bomb = signed_with_pages(tmp_path / "swarm.aidou", "push", world["users"]["anno1"], world["keys"]["anno1"], {"push/000001.json": SWARM})
    assert "more than 500000 arrays and objects" in refused(import_push_bundle, engine, bomb)


def test_a_deep_pull_bundle_is_refused_on_the_pc_with_exit_5(store, world, tmp_path, desk_dir):
    bomb = signed_with_pages(tmp_path / "deep-pull.aidou", "pull", world["users"]["anno1"], world["keys"]["anno1"],
                             {"changes/000001.json": DEEP})  # fmt: skip
    before = pc_state(store)
    store.close()
    done = desk(desk_dir, "bundle", "import", str(bomb))
    assert done.returncode == 5 and "nests deeper than" in done.stderr and "Traceback" not in done.stderr
    from aidou_desktop.store import Store

    with Store(desk_dir) as again:
        assert pc_state(again) == before


def test_sizes_over_the_caps_are_refused_from_the_zip_directory(push_bundle_of_anno1, engine, monkeypatch):
    # the caps are checked against the sizes the zip declares, before a byte is unpacked
    monkeypatch.setattr(container, "MAX_JSON_TOTAL", 100)
    assert "over the caps" in refused(import_push_bundle, engine, push_bundle_of_anno1)
    monkeypatch.setattr(container, "MAX_JSON_TOTAL", 1 << 30)
    monkeypatch.setattr(container, "MAX_ENTRIES", 0)
    assert "more than a bundle ever has" in refused(import_push_bundle, engine, push_bundle_of_anno1)


def test_an_entry_whose_declared_size_is_over_the_page_cap_is_refused_unread(push_bundle_of_anno1, engine, tmp_path):
    big = tmp_path / "big.aidou"
    with zipfile.ZipFile(push_bundle_of_anno1) as zin, zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename))
        zout.writestr("changes/000001.json", b" " * (container.MAX_PAGE_BYTES + 1))
    assert "over the cap" in refused(import_push_bundle, engine, big)


def peak_rss_mib(*command: str) -> tuple[subprocess.CompletedProcess, float]:
    """Run a command in a child; its peak resident memory in MiB (Linux getrusage)."""
    wrapper = (
        "import resource, subprocess, sys;"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "sys.stderr.write(done.stderr); sys.stdout.write(done.stdout);"
        "print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);"
        "sys.exit(done.returncode)"
    )
    env = {k: v for k, v in os.environ.items() if k != "AIDOU_DATA_DIR"}
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    peak_kib = int(done.stdout.rsplit("PEAK", 1)[1].split()[0])
    return done, peak_kib / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="peak RSS from getrusage in KiB is Linux's")
def test_bombs_stay_in_bounded_memory_on_both_sides(server_dir, store, world, tmp_path, desk_dir):
    key, anno1 = world["keys"]["anno1"], world["users"]["anno1"]
    pages = {f"push/{n:06d}.json": LONG_LIST for n in range(1, 9)}  # 8 pages at the cap: 64 MB unpacked
    bomb = signed_with_pages(tmp_path / "long.aidou", "push", anno1, key, pages)
    assert bomb.stat().st_size < 1024 * 1024
    done, server_peak = peak_rss_mib(sys.executable, "-m", "sync_server.cli", "import-bundle", str(bomb), "--data-dir", str(server_dir))
    assert done.returncode == 2 and "does not hold a PushRequest" in done.stderr, done.stderr
    pull = signed_with_pages(tmp_path / "long-pull.aidou", "pull", anno1, key,
                             {f"changes/{n:06d}.json": LONG_LIST for n in range(1, 9)})  # fmt: skip
    store.close()
    done, desk_peak = peak_rss_mib(sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(desk_dir), "bundle", "import", str(pull))
    assert done.returncode == 5, done.stderr
    print(f"peak RSS: server import-bundle {server_peak:.0f} MiB, desktop bundle import {desk_peak:.0f} MiB")
    assert server_peak < 400 and desk_peak < 400


@pytest.fixture
def push_bundle_of_anno1(store, engine, blob_store, world, tmp_path) -> Path:
    first_contact(store, engine, blob_store, world["users"]["anno1"], tmp_path)
    annotate(store, world["users"]["anno1"].id)
    path = tmp_path / "push.aidou"
    export_push_bundle(store, path)
    return path
