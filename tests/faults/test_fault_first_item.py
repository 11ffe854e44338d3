"""A whole office on one thin link (issue 12): at 2 Mbit/s the first item of a batch is on
screen within 2 s while the rest download behind it, in the order the annotator will open
them — where the batch resumes first, then on from there.

The order is a real one: ten 1920×1080 photo-like originals (``bench.bench_display_copies``)
imported by the server, so the display copies are the size the office's link carries.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.sync import RetryPolicy, download_batch, sync_once
from bench.bench_display_copies import make_scenes
from sync_server.db.accounts import create_office, create_user
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.db.tables import batches
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import TASK_BBOX
from tests.desktop.server_process import ServerProcess
from tests.faults.helpers import batch_item_ids, login, my_batch
from tests.faults.proxy import BLOB_PREFIX, FaultProxy
from tests.faults.world import LEAD, PASSWORD, SCHEMA

RATE = 2_000_000 // 8  # 2 Mbit/s, both ways, shared by every connection
LATENCY_S = 0.03  # one way
FIRST_ITEM_S = 2.0
POLICY = RetryPolicy(attempts=2, base_s=0.2, cap_s=1, budget_s=10)


@pytest.fixture(scope="module")
def photo_server(tmp_path_factory):
    """An office whose one order is ten 1080p photos in one batch, leased to anno1 and anno2."""
    root = tmp_path_factory.mktemp("photos")
    paths = []
    for n, scene in enumerate(make_scenes()):
        path = root / f"photo_{n + 1:02}.jpg"
        path.write_bytes(scene.original)
        paths.append(path)
    data = root / "data"
    data.mkdir()
    engine = make_engine(default_db_url(data))
    try:
        with write_transaction(engine) as conn:
            office = create_office(conn, "细链基地")
            create_user(conn, office, LEAD, "组长", "lead", PASSWORD)
            annotators = [create_user(conn, office, f"anno{n}", f"标注员{n}", "annotator", PASSWORD) for n in (1, 2)]
            blobs = BlobStore(data / "blobs")
            until = utc_now() + timedelta(days=30)
            for annotator in annotators:  # the same photos, one order (and batch) each
                order = import_order(conn, blobs, office, f"街景 {annotator}", TASK_BBOX, SCHEMA, "框出车辆", paths,
                                     batch_size=len(paths))  # fmt: skip
                batch = conn.execute(batches.select().where(batches.c.order_id == order)).first()
                lease_batch(conn, batch.id, annotator, until)
    finally:
        engine.dispose()
    server = ServerProcess(data)
    server.start()
    yield server
    server.stop()


def download_watched(store, client, batch: int) -> tuple[float, dict[str, float], list, object]:
    """Download the batch; returns (start, {sha: seconds after start when stored}, what the
    annotate page could open when the first image was stored, the report)."""
    stored: dict[str, float] = {}
    opened_at_first: list = []
    user_id = store.current_user().id

    def on_ready(sha: str) -> None:
        stored[sha] = time.monotonic() - t0
        if len(stored) == 1:
            opened_at_first.append(store.open_batch(batch, user_id))

    t0 = time.monotonic()
    report = download_batch(store, client, batch, policy=POLICY, on_ready=on_ready)
    return t0, stored, opened_at_first[0], report


def blob_requests(proxy: FaultProxy) -> list[str]:
    """The blobs the desktop asked for, in the order it asked."""
    found = [ex for ex in proxy.finished(BLOB_PREFIX) if ex.method == "GET" and ex.status in (200, 206)]
    return [ex.path[len(BLOB_PREFIX):].split("?")[0] for ex in sorted(found, key=lambda ex: ex.t_start)]


def on_a_thin_link(proxy: FaultProxy) -> None:
    proxy.rate_up = proxy.rate_down = RATE
    proxy.latency_s = LATENCY_S


def item_blobs(store, batch: int) -> list[str]:
    return [store.item(i).blob for i in batch_item_ids(store, batch)]


def test_a_new_batch_shows_its_first_item_within_2_s(tmp_path, photo_server):
    with FaultProxy(photo_server.port) as proxy:
        store, client = login(tmp_path / "desk", proxy.url, "anno1")
        sync_once(store, client, policy=POLICY)
        batch = my_batch(store)
        blobs = item_blobs(store, batch)
        sizes = dict(store.missing_blobs(batch))
        on_a_thin_link(proxy)
        proxy.reset_counters()

        _t0, stored, (_order, items, start), report = download_watched(store, client, batch)

        assert report.fetched == len(blobs) and not report.failed
        first = blobs[0]  # nothing labelled: the batch opens at its first item
        assert stored[first] <= FIRST_ITEM_S, (stored[first], sizes[first])
        assert [item.blob for item in items] == [first] and start == 0  # on screen, the rest still coming
        assert list(stored) == blobs == blob_requests(proxy)
        assert max(stored.values()) > 3 * stored[first]  # the whole batch took far longer
        print(f"\nfirst item stored after {stored[first]:.2f} s ({sizes[first] / 1000:.1f} KB); "
              f"all {len(blobs)} after {max(stored.values()):.2f} s ({sum(sizes.values()) / 1000:.0f} KB)")  # fmt: skip
        store.close()


def test_a_resumed_batch_downloads_from_where_it_opens(tmp_path, photo_server):
    with FaultProxy(photo_server.port) as proxy:
        store, client = login(tmp_path / "desk", proxy.url, "anno2")
        sync_once(store, client, policy=POLICY)
        batch = my_batch(store)
        ids = batch_item_ids(store, batch)
        for item_id in ids[:4]:  # done before: on another PC, or before its images were cleared away
            store.save_shapes(item_id, [box_shape("car", 100, 100, 400, 300)], 30_000)
        blobs = item_blobs(store, batch)
        expected = blobs[4:] + blobs[3::-1]  # item 5 first, then on; the done ones last, nearest first
        on_a_thin_link(proxy)
        proxy.reset_counters()

        _t0, stored, (_order, items, start), report = download_watched(store, client, batch)

        assert report.fetched == len(blobs) and not report.failed
        assert stored[blobs[4]] <= FIRST_ITEM_S
        assert items[start].id == ids[4] and len(items) == 1
        assert list(stored) == expected == blob_requests(proxy)
        _order, items, start = store.open_batch(batch, store.current_user().id)
        assert items[start].id == ids[4] and len(items) == len(ids)  # the same place once all are here
        store.close()
