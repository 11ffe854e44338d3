"""The desktop's store + sync against the REAL server on a loopback port.

One server per module (seeding the demo takes a few seconds); tests that stop
it start it again over the same data dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

pytest.importorskip("sync_server.cli")
pytest.importorskip("sync_server.api.app")

from aidou_desktop.model import box_shape  # noqa: E402
from aidou_desktop.store import Store  # noqa: E402
from aidou_desktop.sync import NO_RETRY, Offline, SyncClient, client_for, download_batch, sync_once  # noqa: E402
from tests.desktop.server_process import ROOT, ServerProcess  # noqa: E402
from tests.faults.world import server_annotation_ids  # noqa: E402
from tests.robustness.helpers import box_batch  # noqa: E402

# the real server on each database engine, a database of its own per module (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("module_database", "engine_database")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ServerProcess(tmp_path_factory.mktemp("server") / "data")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def live(server):
    server.start()  # a test before may have stopped it
    return server


def login(store: Store, url: str, user: str, password: str) -> SyncClient:
    client = SyncClient(url)
    store.remember_login(url, password, client.login(user, password))
    return client


def feed_ids(url: str, user: str, password: str) -> Counter:
    """How many times each annotation id appears in a fresh login's whole feed."""
    client = SyncClient(url)
    client.login(user, password)
    seen: Counter = Counter()
    cursor = ""
    while True:
        page = client.changes(cursor, 500)
        seen.update(c.data["id"] for c in page.changes if c.kind == "annotation")
        cursor = page.cursor
        if not page.has_more:
            return seen


def a_box(store: Store, item_id: int, n: int) -> list:
    item = store.item(item_id)
    label = store.order(item.order_id).schema.labels[0].name
    return [box_shape(label, 10 + n, 20, 200 + n, 220)]  # original-image coordinates


def test_offline_round_trip(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno1", "anno123")
    user = store.current_user()

    report = sync_once(store, client)
    assert report.pulled > 0
    batch = box_batch(store)
    assert batch.total == 20 and batch.downloaded == 0

    got = download_batch(store, client, batch.id)
    assert got.fetched == 20 and not got.failed and got.bytes > 0
    items = store.ready_items(batch.id)
    assert len(items) == 20
    assert all(store.blob_path(i.blob) for i in items)

    for n, item in enumerate(items[:5]):
        store.save_shapes(item.id, a_box(store, item.id, n), time_spent_ms=1000)
    report = sync_once(store, client)
    assert report.accepted == 5 and report.waiting == 0

    # edit one that the server has, and add more, then lose the link
    edited = store.save_shapes(items[0].id, a_box(store, items[0].id, 50))
    assert edited.base_id is not None
    for n, item in enumerate(items[5:8]):
        store.save_shapes(item.id, a_box(store, item.id, n))
    live.stop()
    for n, item in enumerate(items[8:12]):
        store.save_shapes(item.id, a_box(store, item.id, n))
    with pytest.raises(Offline):
        sync_once(store, client)  # default (UI) retries, bounded
    assert store.outbox_count() == 8  # nothing lost
    assert all(store.annotation(i.id) is not None for i in items[:12])

    live.start()
    # an answer that never arrived: the server stored these, we did not hear back
    client.push(store.take_outbox(3))
    first = sync_once(store, client)
    assert first.pushed == 8 and first.duplicates == 3 and first.accepted == 5
    assert first.conflicts == first.rejected == 0
    second = sync_once(store, client)
    assert second.pushed == 0 and store.outbox_count() == 0

    local_ids = [r["id"] for r in store.db.query("SELECT id FROM annotations WHERE origin = 'local'")]
    assert len(local_ids) == 13  # 12 items + one edit
    assert all(store.annotation(i.id).state == "synced" for i in items[:12])

    # the server holds each revision exactly once: its own table, and the feed of a fresh login
    stored = server_annotation_ids(live.data_dir)  # SQLite's file or PostgreSQL's database
    assert all(stored[i] == 1 for i in local_ids)
    for user_name, password in (("anno1", "anno123"), ("lead", "lead123")):
        seen = feed_ids(live.url, user_name, password)
        assert {i: seen[i] for i in local_ids} == {i: 1 for i in local_ids}, user_name
    store.close()


def test_rejected_record_is_kept_to_fix(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno3", "anno123")
    sync_once(store, client)
    batch = box_batch(store)
    item = store.item(store.db.execute("SELECT min(id) FROM items WHERE batch_id = ?", [batch.id]).fetchone()[0])
    bad = store.save_shapes(item.id, [box_shape("no-such-label", 1, 1, 5, 5)])
    report = sync_once(store, client)  # the server answers 422 with results: a normal answer
    assert report.rejected == 1
    [rejected] = store.rejected()
    assert rejected.id == bad.id and "no-such-label" in rejected.reason
    fixed = store.save_shapes(item.id, a_box(store, item.id, 1))
    assert fixed.id != bad.id
    assert sync_once(store, client).accepted == 1
    assert store.rejected() == [] and store.outbox_count() == 0
    store.close()


def test_download_resumes_a_partial_blob(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno3", "anno123")
    sync_once(store, client)
    batch = box_batch(store)
    missing = store.missing_blobs(batch.id)
    sha, size = missing[0]
    whole = tmp_path / "whole"
    client.fetch_blob(sha, whole)
    store.partial_blob_path(sha).write_bytes(whole.read_bytes()[: size // 2])  # an interrupted download
    report = download_batch(store, client, batch.id)
    assert report.fetched == len(missing) and not report.failed
    assert report.bytes == sum(s for _, s in missing) - size // 2  # no byte sent twice
    assert store.blob_path(sha).read_bytes() == whole.read_bytes()
    store.close()


def cli(data_dir, *args, env_extra=None):
    env = dict(os.environ, PYTHONPATH=str(ROOT), AIDOU_PASSWORD="anno123")
    env.pop("AIDOU_DATA_DIR", None)
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "aidou_desktop.sync.cli"]
    if data_dir is not None:
        cmd += ["--data-dir", str(data_dir)]
    return subprocess.run(cmd + list(args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def test_cli_login_run_status(live, tmp_path):
    data = tmp_path / "cli"
    assert cli(data, "run").returncode == 3  # never logged in
    bad = cli(data, "login", "--server", live.url, "--user", "anno2", env_extra={"AIDOU_PASSWORD": "wrong"})
    assert bad.returncode == 3
    ok = cli(data, "login", "--server", live.url, "--user", "anno2")
    assert ok.returncode == 0, ok.stderr
    run = cli(data, "run", "--quiet")
    assert run.returncode == 0, run.stderr
    assert run.stdout == ""
    assert (data / "logs" / "sync.log").exists()

    # status through $AIDOU_DATA_DIR instead of --data-dir
    status = cli(None, "status", env_extra={"AIDOU_DATA_DIR": str(data)})
    assert status.returncode == 0 and "anno2" in status.stdout and "waiting:    0" in status.stdout

    with Store(data) as store:
        batch = box_batch(store)
        assert batch.downloaded == batch.total == 20  # run fetched the images too
        item = store.ready_items(batch.id)[0]
        store.save_shapes(item.id, a_box(store, item.id, 3))

    live.stop()
    down = cli(data, "run", "--retries", "1")
    assert down.returncode == 2, down.stderr
    assert "waiting:    1" in cli(data, "status").stdout
    live.start()
    assert cli(data, "run").returncode == 0
    assert "waiting:    0" in cli(data, "status").stdout


def test_cli_lock(live, tmp_path):
    from aidou_desktop.sync import SyncLock

    data = tmp_path / "cli"
    assert cli(data, "login", "--server", live.url, "--user", "anno2").returncode == 0
    (data / "sync.lock").write_text("999999\n")  # a PID file alone holds nothing: the OS lock counts
    assert cli(data, "run", "--quiet").returncode == 0
    with SyncLock(data):  # a live holder (the app syncing)
        busy = cli(data, "run")
        assert busy.returncode == 6
        assert "already syncing" in busy.stderr and str(os.getpid()) in busy.stderr
    assert cli(data, "run", "--quiet").returncode == 0  # released: the next run goes ahead


def test_cli_help_documents_exit_codes():
    out = cli(None, "--help")
    assert out.returncode == 0
    for code in ("0 in sync", "2 offline", "3 auth", "4 conflicts", "5 local error", "6 another sync", "7 please update"):
        assert code in " ".join(out.stdout.split())
    for sub in ("login", "run", "status"):
        assert cli(None, sub, "--help").returncode == 0
