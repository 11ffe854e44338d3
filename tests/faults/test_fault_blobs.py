"""A 1,000-image batch over a link cut every ~150 kB, and a pull cut mid-page
(issue 3, items 5 and 6).

Images resume with HTTP Range and no byte range is delivered twice (the proxy
logs every range it relayed); each blob is checked against its sha256, and a
corrupted one (a byte flipped on the wire, or a tampered partial file) is
fetched again and never marked ready. A download SIGKILLed half way leaves only
complete items visible. The feed, cut mid-page, is applied exactly once.
"""

from __future__ import annotations

import hashlib
import signal
import sqlite3
from itertools import pairwise

import pytest

from aidou_desktop.sync import RetryPolicy, download_batch, sync_once
from tests.faults.conftest import start_world
from tests.faults.helpers import driver, login, my_batch, wait_for
from tests.faults.proxy import FaultProxy
from tests.faults.world import server_rows

N_IMAGES = 1000
QUICK = RetryPolicy(attempts=6, base_s=0.05, cap_s=0.5, budget_s=30)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    srv = start_world(tmp_path_factory, annotators=1, batch_size=N_IMAGES)
    yield srv
    srv.stop()


def ready_count(db) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM items WHERE ready = 1").fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def sha_of(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_batch_download_survives_kill_cuts_and_corruption(tmp_path, big):
    data = tmp_path / "desk"
    with FaultProxy(big.port) as proxy:
        store, client = login(data, proxy.url, "anno1")
        sync_once(store, client)
        batch = my_batch(store)
        sizes = dict(store.missing_blobs(batch))
        assert len(sizes) == N_IMAGES

        # 1. `aidou-sync run` downloads over a cut link and is SIGKILLed half way
        proxy.cut_every = 150_000
        child = driver("run", str(data), "--blobs")
        wait_for(lambda: ready_count(data / "aidou.db") >= N_IMAGES // 4, 60, "a quarter downloaded", step=0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)

        # no half-visible item: what is ready is whole and correct; what is not is not listed
        ready = store.ready_items(batch)
        assert N_IMAGES // 4 <= len(ready) < N_IMAGES
        for item in ready:
            assert sha_of(store.blob_path(item.blob)) == item.blob
        missing = dict(store.missing_blobs(batch))
        assert len(missing) + len(ready) == N_IMAGES
        assert all(store.blob_path(sha) is None for sha in missing)

        # 2. spoil two of the rest: a tampered partial file, and a byte flipped on the wire
        tampered, flipped = sorted(missing)[:2]
        store.partial_blob_path(tampered).write_bytes(b"\0" * (sizes[tampered] // 2))
        proxy.corrupt[flipped] = sizes[flipped] // 3
        parts = {sha: store.partial_blob_path(sha) for sha in missing}
        start_at = {sha: p.stat().st_size if p.exists() else 0 for sha, p in parts.items()}

        # 3. resume in-process over the same cut link; watch every commit
        proxy.reset_counters()
        proxy.cut_every = 150_000
        verdicts: list[tuple[str, bool]] = []
        real_commit = store.commit_blob

        def watched_commit(sha):
            ok = real_commit(sha)
            verdicts.append((sha, ok))
            if not ok:  # a bad blob is never shown
                assert sha not in {i.blob for i in store.ready_items(batch)}
            return ok

        store.commit_blob = watched_commit
        report = download_batch(store, client, batch, policy=QUICK)
        assert not report.failed and report.fetched == len(missing)
        assert proxy.cuts >= 3
        assert sorted(sha for sha, ok in verdicts if not ok) == sorted([tampered, flipped])

        # every image whole and checked
        assert len(store.ready_items(batch)) == N_IMAGES
        for sha, size in sizes.items():
            path = store.blob_path(sha)
            assert path.stat().st_size == size and sha_of(path) == sha

        # the wire: each blob's ranges follow on from where its partial file stopped,
        # without a gap or an overlap; only the two spoiled ones came again from byte 0
        ranges = proxy.blob_ranges()
        whole = {sha for sha in missing if start_at[sha] == sizes[sha]}  # killed before its commit
        assert set(ranges) == set(missing) - whole  # those needed no byte (416), only a check
        resumed = 0
        for sha, got in ranges.items():
            if sha in (tampered, flipped):
                assert got[-1] == (0, sizes[sha]) and len(got) >= 2
                continue
            got.sort()
            assert got[0][0] == start_at[sha], sha
            assert all(a[1] == b[0] for a, b in pairwise(got)), (sha, got)  # no byte twice
            assert got[-1][1] == sizes[sha]
            resumed += len(got) > 1 or start_at[sha] > 0
        assert resumed >= 3  # some were resumed with Range, mid-file
        wasted = sum(sizes[s] for s in (tampered, flipped)) + sizes[tampered] - sizes[tampered] // 2
        assert sum(b - a for got in ranges.values() for a, b in got) <= sum(
            sizes[s] - start_at[s] for s in missing) + wasted  # fmt: skip
        store.close()


def test_pull_cut_mid_page_applies_each_change_once(tmp_path, big):
    with FaultProxy(big.port) as proxy:
        store, client = login(tmp_path / "feed", proxy.url, "anno1")
        applied: list[int] = []
        real_apply = store.apply_changes

        def recording(changes, cursor, user_id=None):
            skipped = real_apply(changes, cursor, user_id)
            applied.extend(c.seq for c in changes)
            return skipped

        store.apply_changes = recording
        proxy.cut_every = 10_000  # many pages are cut part way (and pages shrink to fit)
        sync_once(store, client, policy=QUICK)
        assert proxy.cuts >= 3
        user_id = big.user_ids["anno1"]
        feed = [r[0] for r in server_rows(big.data_dir, "SELECT seq FROM changes WHERE audience_user_id = ? ORDER BY seq",
                                          (user_id,))]  # fmt: skip
        assert applied == feed  # each change once, in order, none skipped
        assert store.cursor().split(".")[0] == str(feed[-1])
        assert len(store.ready_items(my_batch(store))) == 0  # data without images stays hidden
        store.close()
