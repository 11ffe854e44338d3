"""A 128 kbit/s link with 500 ms latency each way still completes a pull and a push
(issue 3, item 12): the client times its requests and sizes the next one to the
link, so none carries more than the link moves well inside the read timeout."""

from __future__ import annotations

import random

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.sync import RetryPolicy, sync_once
from aidou_desktop.sync.sizing import RequestSizer
from sync_server.protocol import MAX_PUSH_RECORDS
from tests.faults.conftest import start_world
from tests.faults.helpers import batch_item_ids, login, my_batch
from tests.faults.proxy import FaultProxy
from tests.faults.world import server_annotation_ids

RATE = 128_000 // 8  # bytes/s
LATENCY_S = 0.5
TIMEOUT = (5, 8)  # a short read timeout, so the test needs only a little data to show the sizing
N_ITEMS = 120


@pytest.fixture(scope="module")
def slow_world(tmp_path_factory):
    srv = start_world(tmp_path_factory, annotators=1, batch_size=N_ITEMS)
    yield srv
    srv.stop()


def dense_scene(rng: random.Random, n: int) -> list:
    """A street scene with ``n`` boxes: what makes an annotation big on the wire."""
    boxes = []
    for _ in range(n):
        x, y = rng.uniform(0, 250), rng.uniform(0, 180)
        boxes.append(box_shape(rng.choice(["car", "bus"]), round(x, 1), round(y, 1),
                               round(x + rng.uniform(5, 60), 1), round(y + rng.uniform(5, 50), 1)))  # fmt: skip
    return boxes


def test_sizer_converges_to_the_target():
    sizer = RequestSizer(maximum=500, target_s=2.0)
    for _ in range(12):  # a link where each record costs 50 ms and a request 1 s more
        sizer.observe(sizer.size, 1.0 + 0.05 * sizer.size)
    assert 15 <= sizer.size <= 25  # 1 s + 20 × 50 ms = 2 s
    fast = RequestSizer(maximum=500, target_s=2.0)
    for _ in range(4):  # loopback
        fast.observe(fast.size, 0.01)
    assert fast.size == 500
    fast.failed()
    assert fast.size == 250


def test_pull_and_push_complete_over_a_slow_link(tmp_path, slow_world):
    with FaultProxy(slow_world.port) as proxy:
        proxy.rate_up = proxy.rate_down = RATE
        proxy.latency_s = LATENCY_S
        store, client = login(tmp_path / "desk", proxy.url, "anno1", timeout=TIMEOUT)
        policy = RetryPolicy(attempts=4, base_s=0.5, cap_s=2, budget_s=60)
        first = sync_once(store, client, policy=policy)
        assert first.pulled == N_ITEMS + 2  # order, batch, items
        rng = random.Random(3)
        items = batch_item_ids(store, my_batch(store))
        ids = [store.save_shapes(i, dense_scene(rng, 40), 1000).id for i in items]
        report = sync_once(store, client, policy=policy)
        assert report.accepted == N_ITEMS and report.waiting == 0
        stored = server_annotation_ids(slow_world.data_dir)
        assert {i: stored[i] for i in ids} == {i: 1 for i in ids}

        pushes = proxy.finished("/api/v1/push")
        pulls = proxy.finished("/api/v1/changes")
        per_record = sum(e.up_bytes for e in pushes) / N_ITEMS
        # a fixed push of the protocol's 500 records would not fit in the timeout on this link
        assert per_record * MAX_PUSH_RECORDS / RATE > TIMEOUT[1]
        assert len(pushes) >= 3
        for ex in pushes + pulls:
            took = ex.t_end - ex.t_start
            assert took < TIMEOUT[1], (ex.path, ex.up_bytes, took)
            assert ex.up_bytes < RATE * TIMEOUT[1]
        sizes = [n for n, _s in client.sizer(500, "push").history]
        assert max(sizes) < N_ITEMS  # smaller than everything at once
        store.close()
