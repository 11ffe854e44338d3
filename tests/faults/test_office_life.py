"""The sync contract in ordinary office life (integrity issue): a restored or reinstalled
server, one account on two PCs, a re-leased batch, a lost conflict answer, a shared PC,
exit codes that tell the state, a captive portal, and lease deadlines.

Real processes throughout: the server is ``aidou-server serve`` on loopback, ``aidou-sync``
runs as its own process, and the desktop store is the real one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import SyncClient, client_for, sync_once
from aidou_desktop.sync.errors import AuthError
from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import AnnotationRecord, from_wire
from tests.desktop.fake_server import FakeServer
from tests import db_engines
from tests.faults.conftest import start_world
from tests.faults.helpers import batch_item_ids, login, my_batch, save_boxes
from tests.faults.world import PASSWORD, build_world, server_rows
from tests.server.server_helpers import record

ROOT = Path(__file__).resolve().parents[2]


def sync_cli(data_dir: Path, *args: str, user_password: str = PASSWORD) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), AIDOU_PASSWORD=user_password)
    env.pop("AIDOU_DATA_DIR", None)
    cmd = [sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def server_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("AIDOU_DATA_DIR", None)
    cmd = [sys.executable, "-m", "sync_server.cli", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def world(tmp_path_factory):
    srv = start_world(tmp_path_factory, annotators=2, batch_size=4)
    yield srv
    srv.stop()


def desk(world, tmp_path: Path, name: str, user: str) -> Path:
    """A PC's data dir where ``user`` has logged in with aidou-sync and pulled once."""
    data = tmp_path / name
    assert sync_cli(data, "login", "--server", world.url, "--user", user).returncode == 0
    run = sync_cli(data, "run", "--quiet")
    assert run.returncode == 0, run.stderr
    return data


def in_store(data: Path, fn):
    with Store(data) as store:
        return fn(store)


def server_annotation(world, ann_id: str) -> dict | None:
    rows = server_rows(world.data_dir, "SELECT id, annotator_id, conflict, conflict_code, device_id FROM annotations"
                       " WHERE id = ?", (ann_id,))  # fmt: skip
    if not rows:
        return None
    keys = ("id", "annotator_id", "conflict", "conflict_code", "device_id")
    return dict(zip(keys, rows[0]))


def head_of(world, item_id: int) -> str | None:
    return server_rows(world.data_dir, "SELECT head_annotation_id FROM items WHERE id = ?", (item_id,))[0][0]


def server_write(world):
    engine = make_engine(default_db_url(world.data_dir))
    return engine, write_transaction(engine)


# ------------------------------------------------------------ 1. restored / reinstalled server


def _db_files(data_dir: Path) -> list[Path]:
    return [data_dir / f"server.db{suffix}" for suffix in ("", "-wal", "-shm")]


def _backup(world, to: Path) -> None:
    world.stop()
    to.mkdir()
    if db_engines.backup_database(world.data_dir, to) is None:  # PostgreSQL: a copy of the database
        for f in _db_files(world.data_dir):
            if f.exists():
                shutil.copy2(f, to / f.name)
    world.start()


def _restore(world, backup: Path) -> None:
    world.stop()
    if not db_engines.restore_database(world.data_dir, backup):  # PostgreSQL: the copy back in its place
        for f in _db_files(world.data_dir):
            f.unlink(missing_ok=True)
            if (backup / f.name).exists():
                shutil.copy2(backup / f.name, f)
    world.start()


def test_a_restored_server_gets_back_what_it_lost_and_the_pc_skips_nothing(world, tmp_path):
    pc = desk(world, tmp_path, "pc", "anno1")
    items = in_store(pc, lambda s: batch_item_ids(s, my_batch(s)))
    in_store(pc, lambda s: save_boxes(s, items[:1]))
    assert sync_cli(pc, "run", "--quiet").returncode == 0
    _backup(world, tmp_path / "nightly")

    lost = in_store(pc, lambda s: save_boxes(s, items[1:3], n=3))  # sent after the backup
    assert sync_cli(pc, "run", "--quiet").returncode == 0
    assert all(server_annotation(world, i) for i in lost)

    _restore(world, tmp_path / "nightly")
    assert not any(server_annotation(world, i) for i in lost)
    # the office moves on: the lead corrects anno1's items, and the restored feed reuses
    # seqs the PC's cursor has already passed
    lead = SyncClient(world.url)
    lead.login("lead", PASSWORD)
    corrections = []
    for n in range(3):  # a lead at work on an item anno1 has not touched, one edit after another
        base = corrections[-1]["id"] if corrections else None
        corrections.append(record(items[3], [{"kind": "box", "label": "bus", "points": [[5, 5], [60 + n, 50]]}],
                                  base_id=base))  # fmt: skip
    answers = lead.push([from_wire(AnnotationRecord, c) for c in corrections])
    assert {a.status for a in answers} == {"accepted"}
    high = server_rows(world.data_dir, "SELECT max(seq) FROM changes")[0][0]
    cursor_seq = int(in_store(pc, lambda s: s.cursor()).split(".")[0])
    assert high >= cursor_seq  # the PC would skip the lead's work with the old cursor

    run = sync_cli(pc, "run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "re-sent 2 revision(s) the server had lost" in run.stdout
    assert "restored or replaced" in run.stdout
    for ann_id in lost:  # back on the server, under anno1
        assert server_annotation(world, ann_id)["annotator_id"] == world.user_ids["anno1"]
    # the lead's corrections reached the PC, though they sit below its old cursor
    seen = in_store(pc, lambda s: {r[0] for r in s.db.execute("SELECT id FROM annotations WHERE origin = 'server'")})
    assert {c["id"] for c in corrections} <= seen
    # a second run has nothing to re-send and says all is well
    again = sync_cli(pc, "run")
    assert again.returncode == 0 and "re-sent" not in again.stdout


def test_a_reinstalled_server_at_the_same_address_gets_everything_again(world, tmp_path, tmp_path_factory):
    pc = desk(world, tmp_path, "pc", "anno1")
    items = in_store(pc, lambda s: batch_item_ids(s, my_batch(s)))
    made = in_store(pc, lambda s: save_boxes(s, items[:3]))
    assert sync_cli(pc, "run", "--quiet").returncode == 0
    world.stop()
    fresh = tmp_path_factory.mktemp("reinstalled") / "data"
    build_world(fresh, annotators=2, batch_size=4)  # same office, people and order; a new database
    world.data_dir = fresh
    world.start()

    assert sync_cli(pc, "run", "--quiet").returncode == 3  # its tokens are gone with the old database
    assert sync_cli(pc, "login", "--server", world.url, "--user", "anno1").returncode == 0
    run = sync_cli(pc, "run")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "re-sent 3 revision(s)" in run.stdout
    assert all(server_annotation(world, i) for i in made)


# ------------------------------------------------------------ 2. one account on two PCs


def test_one_account_on_two_pcs_conflicts_instead_of_overwriting_itself(world, tmp_path):
    first, second = desk(world, tmp_path, "desk-a", "anno1"), desk(world, tmp_path, "desk-b", "anno1")
    item = in_store(first, lambda s: batch_item_ids(s, my_batch(s))[0])
    [mine] = in_store(first, lambda s: save_boxes(s, [item], n=1))
    [theirs] = in_store(second, lambda s: save_boxes(s, [item], n=9))
    assert sync_cli(first, "run", "--quiet").returncode == 0
    assert sync_cli(second, "run", "--quiet").returncode == 4  # needs a lead: nothing overwritten
    assert head_of(world, item) == mine
    kept = server_annotation(world, theirs)
    assert kept["conflict"] and kept["conflict_code"] == "not_head"
    devices = {in_store(d, lambda s: s.device_id()) for d in (first, second)}
    assert len(devices) == 2  # each install its own id, stored with what it made
    assert {server_annotation(world, mine)["device_id"], kept["device_id"]} == devices


# ------------------------------------------------------------ 3. a re-leased batch


def test_late_work_of_the_first_holder_never_becomes_the_new_holders_base(world, tmp_path):
    first = desk(world, tmp_path, "desk-1", "anno1")
    batch = in_store(first, my_batch)
    item = in_store(first, lambda s: batch_item_ids(s, batch)[0])
    [late] = in_store(first, lambda s: save_boxes(s, [item], n=1))  # offline while the lease moves on
    engine, tx = server_write(world)
    with tx as conn:
        lease_batch(conn, batch, world.user_ids["anno2"], utc_now() + timedelta(days=1))
    engine.dispose()
    second = desk(world, tmp_path, "desk-2", "anno2")
    [own] = in_store(second, lambda s: save_boxes(s, [item], n=20))
    assert sync_cli(second, "run", "--quiet").returncode == 0
    assert sync_cli(first, "run", "--quiet").returncode == 4  # kept, flagged
    assert server_annotation(world, late)["conflict_code"] == "lease_moved"

    assert sync_cli(second, "run", "--quiet").returncode == 0  # the late work reaches desk 2
    with Store(second) as store:
        assert store.db.execute("SELECT server_status FROM annotations WHERE id = ?", [late]).fetchone() == ("conflict",)
        current = store.annotation(item)
        assert current.id == own and current.shapes[0].points[0][0] == 21  # still their own boxes
        edit = store.save_shapes(item, current.shapes + save_boxes_shape(25))
        assert edit.base_id == own
    assert sync_cli(second, "run", "--quiet").returncode == 0
    assert head_of(world, item) == edit.id  # accepted on top of their own work, not the late one


def save_boxes_shape(x: int) -> list:
    return [box_shape("car", x, 1, x + 30, 30)]


# ------------------------------------------------------------ 4. a conflict whose answer was lost


def test_a_replayed_conflict_is_answered_conflict_again(world, tmp_path):
    first, second = desk(world, tmp_path, "desk-a", "anno1"), desk(world, tmp_path, "desk-b", "anno1")
    item = in_store(first, lambda s: batch_item_ids(s, my_batch(s))[0])
    in_store(first, lambda s: save_boxes(s, [item], n=1))
    assert sync_cli(first, "run", "--quiet").returncode == 0
    [crossing] = in_store(second, lambda s: save_boxes(s, [item], n=9))
    with Store(second) as store:  # the push reaches the server, its answer is lost on the way
        client = client_for(store)
        records = store.take_outbox(10)
        assert [r.status for r in client.push(records)] == ["conflict"]
    run = sync_cli(second, "run", "--quiet")
    assert run.returncode == 4  # not "duplicate" and exit 0: the PC knows it waits for a lead
    with Store(second) as store:
        assert [a.id for a in store.conflicts()] == [crossing]
        assert "newer revision" in store.conflicts()[0].reason


# ------------------------------------------------------------ 6. a shared PC


def test_a_shared_pc_syncs_each_users_work_with_their_own_token(world, tmp_path):
    pc = tmp_path / "shared"
    login(pc, world.url, "anno2")[0].close()  # yesterday anno2 worked here
    login(pc, world.url, "anno1")[0].close()  # today anno1 logs in first
    assert sync_cli(pc, "run", "--quiet").returncode == 0  # both users' feeds, each with its own cursor
    with Store(pc) as store:
        anno1, anno2 = world.user_ids["anno1"], world.user_ids["anno2"]
        assert store.cursor(anno1) and store.cursor(anno2) and store.cursor(anno1) != store.cursor(anno2)
        [b1] = store.batch_summaries(anno1)
        [b2] = store.batch_summaries(anno2)
        [work1] = save_boxes(store, batch_item_ids(store, b1.id)[:1])  # anno1's shift
        assert store.offline_login("anno2", PASSWORD).id == anno2  # the next shift, link down
        [work2] = save_boxes(store, batch_item_ids(store, b2.id)[:1])
        # the app's automatic sync: only anno2's work, with anno2's own token
        report = sync_once(store, client_for(store))
        assert (report.pushed, report.accepted, report.waiting) == (1, 1, 0)
        assert store.outbox_count() == 1 and store.outbox_count(anno1) == 1
    assert server_annotation(world, work2)["annotator_id"] == anno2
    assert server_annotation(world, work1) is None  # never sent under anno2's name

    with Store(pc) as store:
        store.forget_token(anno1)  # anno1 logged out: their work waits for them
    waiting = sync_cli(pc, "run")
    assert waiting.returncode == 3
    assert "1 revision(s) by anno1 wait for them to log in on this PC" in waiting.stdout
    assert "anno1: 1 (waits for anno1 to log in on this PC)" in sync_cli(pc, "status").stdout
    assert sync_cli(pc, "login", "--server", world.url, "--user", "anno1").returncode == 0
    assert sync_cli(pc, "run", "--quiet").returncode == 0
    assert server_annotation(world, work1)["annotator_id"] == anno1


def test_a_user_who_only_logged_in_offline_never_borrows_a_token(world, tmp_path):
    pc = tmp_path / "shared"
    login(pc, world.url, "anno1")[0].close()
    with Store(pc) as store:
        store.forget_token()  # anno1's token is gone; only the password hash stays
        assert store.offline_login("anno1", PASSWORD) is not None
        with pytest.raises(AuthError):
            client_for(store)


# ------------------------------------------------------------ 7. exit codes tell the state


def test_exit_4_lasts_until_a_lead_resolves_the_conflict(world, tmp_path):
    first, second = desk(world, tmp_path, "desk-a", "anno1"), desk(world, tmp_path, "desk-b", "anno1")
    item = in_store(first, lambda s: batch_item_ids(s, my_batch(s))[0])
    in_store(first, lambda s: save_boxes(s, [item], n=1))
    [crossing] = in_store(second, lambda s: save_boxes(s, [item], n=9))
    assert sync_cli(first, "run", "--quiet").returncode == 0
    assert sync_cli(second, "run", "--quiet").returncode == 4
    assert sync_cli(second, "run", "--quiet").returncode == 4  # nothing new happened: still needs a lead
    listed = server_cli("conflicts", "--data-dir", str(world.data_dir))
    assert listed.returncode == 0 and crossing in listed.stdout
    settled = server_cli("conflicts", "resolve", str(item), "--choose", crossing, "--as", "lead",
                         "--data-dir", str(world.data_dir))  # fmt: skip
    assert settled.returncode == 0, settled.stderr
    assert sync_cli(second, "run", "--quiet").returncode == 0
    with Store(second) as store:
        assert store.conflicts() == []
        assert store.annotation(item).shapes[0].points[0][0] == 10  # the chosen boxes, now the head


# ------------------------------------------------------------ 9. captive portals


def _portal(_request):
    page = b"<html><body>Please log in to the hotel Wi-Fi</body></html>"
    return 200, {"Content-Type": "text/html", "X-Aidou-Server": None}, page


def test_a_captive_portal_is_offline_and_partial_downloads_are_kept(world, tmp_path):
    pc = tmp_path / "pc"
    assert sync_cli(pc, "login", "--server", world.url, "--user", "anno1").returncode == 0
    assert sync_cli(pc, "run", "--quiet", "--no-blobs").returncode == 0
    with Store(pc) as store:
        sha, size = store.missing_blobs(my_batch(store))[0]
        whole = SyncClient(world.url, store.session()[1])
        whole.fetch_blob(sha, tmp_path / "whole")
        part = store.partial_blob_path(sha)
        part.write_bytes((tmp_path / "whole").read_bytes()[: size // 2])  # a download cut half way
    with FakeServer(_portal) as portal:
        assert not SyncClient(portal.url).healthy()  # a 200 from a portal is no proof of a link
        with Store(pc) as store:
            store.db.execute("UPDATE accounts SET server_url = ?", (portal.url,))
        run = sync_cli(pc, "run")
        assert run.returncode == 2, run.stdout + run.stderr  # offline, not a local error
        assert "captive portal" in run.stderr
    assert part.read_bytes() == (tmp_path / "whole").read_bytes()[: size // 2]  # kept for the resume
    assert SyncClient(world.url).healthy()
    with Store(pc) as store:
        store.db.execute("UPDATE accounts SET server_url = ?", (world.url,))
    assert sync_cli(pc, "run", "--quiet").returncode == 0
    with Store(pc) as store:
        assert store.blob_path(sha).read_bytes() == (tmp_path / "whole").read_bytes()


# ------------------------------------------------------------ 10. lease deadlines


@pytest.mark.parametrize(("ended_ago", "code"), [(timedelta(hours=1), 0), (timedelta(days=3), 4)])
def test_work_after_the_lease_and_its_grace_period_is_kept_as_late(world, tmp_path, ended_ago, code):
    pc = desk(world, tmp_path, "pc", "anno1")
    batch = in_store(pc, my_batch)
    [work] = in_store(pc, lambda s: save_boxes(s, batch_item_ids(s, batch)[:1]))
    engine, tx = server_write(world)
    with tx as conn:
        conn.execute(tables.batches.update().where(tables.batches.c.id == batch)
                     .values(lease_until=utc_now() - ended_ago))  # fmt: skip
    engine.dispose()
    assert sync_cli(pc, "run", "--quiet").returncode == code
    stored = server_annotation(world, work)
    assert stored is not None  # kept either way
    assert (stored["conflict_code"], bool(stored["conflict"])) == ((None, False) if code == 0 else ("late", True))
