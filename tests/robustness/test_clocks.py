"""Issue 3, point 8: client clocks days off change no result; the server keeps its own time."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import SyncClient, sync_once
from sync_server.db.clock import utc_now
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import AnnotationRecord, uuid7
from tests.robustness.helpers import (
    PASSWORDS,
    box_batch,
    first_batch_items,
    login,
    server_db,
    stored_annotations,
    user_id,
)


def _iso(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).isoformat(timespec="milliseconds")


def test_client_clocks_days_apart_change_nothing(live, tmp_path):
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno3")  # not anno2: the demo comes with anno2's batch done
    sync_once(store, client)
    item = first_batch_items(store)[3]
    shapes = [box_shape("car", 1, 1, 50, 50)]
    # three revisions in a chain, their client clocks wildly off and out of order
    future = AnnotationRecord(uuid7(), item, None, None, shapes, client_time=_iso(+9))
    past = AnnotationRecord(uuid7(), item, None, future.id, shapes, client_time=_iso(-30))
    now = AnnotationRecord(uuid7(), item, None, past.id, shapes, client_time=_iso(0))
    before = datetime.now(timezone.utc)
    answers = [client.push([r])[0].status for r in (future, past, now)]
    after = datetime.now(timezone.utc)
    assert answers == ["accepted"] * 3

    stored = stored_annotations(live, [future.id, past.id, now.id])
    for record in (future, past, now):
        row = stored[record.id]
        assert row["client_time"] == record.client_time  # kept, informational only
        received = row["received_at"].replace(tzinfo=timezone.utc)
        assert before - timedelta(seconds=2) <= received <= after + timedelta(seconds=2)

    # every reader sees them in the order the server received them (feed seq), whatever the clocks
    reader = SyncClient(live.url)
    reader.login("lead", PASSWORDS["lead"])
    seen, cursor = [], ""
    while True:
        page = reader.changes(cursor, 500)
        seen += [(c.seq, c.data["id"]) for c in page.changes if c.kind == "annotation"]
        cursor = page.cursor
        if not page.has_more:
            break
    ours = [i for _seq, i in seen if i in stored]
    assert ours == [future.id, past.id, now.id]

    # the desktop's idea of the current revision follows the feed too
    sync_once(store, client)
    assert store.annotation(item).id == now.id
    store.close()


def test_a_re_leased_batch_replays_each_revision_after_its_base(live, tmp_path):
    # one push stores both with the same receive time; the ids carry a client clock set back
    store = Store(tmp_path / "desk")
    client = login(store, live.url, "anno1")
    sync_once(store, client)
    batch = box_batch(store)
    item = first_batch_items(store)[4]
    later_id = uuid7()
    time.sleep(0.005)
    earlier_id = uuid7()  # made "after", so it sorts after: as if the clock jumped back in between
    shapes = [box_shape("car", 1, 1, 50, 50)]
    first = AnnotationRecord(earlier_id, item, None, None, shapes)
    second = AnnotationRecord(later_id, item, None, earlier_id, shapes)
    assert [a.status for a in client.push([first, second])] == ["accepted", "accepted"]

    with server_db(live, write=True) as conn:
        lease_batch(conn, batch.id, user_id(conn, "anno3"), utc_now() + timedelta(days=1))
    other = Store(tmp_path / "other")
    sync_once(other, login(other, live.url, "anno3"))
    assert other.annotation(item).id == second.id  # the newest, not the one with the larger id
    store.close()
    other.close()
