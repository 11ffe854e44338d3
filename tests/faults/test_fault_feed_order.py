"""The change feed under concurrent writers (issue 3, item 6; docs/adr/0007).

On SQLite every write transaction takes the single write lock up front (BEGIN
IMMEDIATE), so change seqs are handed out and committed in the same order: a
reader can never see seq N+1 committed while N is still in flight, and a cursor
never passes a change that commits later.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import func, select

from aidou_desktop.sync import RetryPolicy, sync_once
from sync_server.db.accounts import user_info
from sync_server.db.engine import (
    default_db_url,
    make_engine,
    read_connection,
    write_transaction,
)
from sync_server.db.feed import changes_since, cursor_at, log_changes
from sync_server.db.tables import changes
from tests.faults.helpers import batch_item_ids, login, my_batch, save_boxes
from tests.faults.world import build_world, server_rows

PATIENT = RetryPolicy(attempts=8, base_s=0.1, cap_s=1.0, budget_s=60)


def test_sqlite_commits_change_seqs_in_order(tmp_path):
    data = tmp_path / "srv"
    ids = build_world(data, annotators=1, batch_size=2)
    engine = make_engine(default_db_url(data))
    with read_connection(engine) as conn:
        lead = user_info(conn, ids["lead"])
        last = conn.execute(select(func.max(changes.c.seq))).scalar()
        since = cursor_at(conn, last)
    page = changes_since
    holding, release, order = threading.Event(), threading.Event(), []

    def slow_writer():  # a push that takes its time between its insert and its commit
        with write_transaction(engine) as conn:
            log_changes(conn, lead.office_id, [("order", {"n": "slow"}, None)])
            holding.set()
            release.wait(10)
        order.append("slow committed")

    def fast_writer():  # starts later, would be quick
        with write_transaction(engine) as conn:
            log_changes(conn, lead.office_id, [("order", {"n": "fast"}, None)])
        order.append("fast committed")

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert holding.wait(10)
    fast = threading.Thread(target=fast_writer)
    fast.start()
    time.sleep(0.3)
    with read_connection(engine) as conn:
        seen = page(conn, lead, since, 100)
    assert seen.changes == [] and seen.cursor == since  # nothing visible, cursor stays put
    assert order == []  # the fast writer waits on the write lock: it cannot commit first
    release.set()
    slow.join(10)
    fast.join(10)
    assert order == ["slow committed", "fast committed"]
    with read_connection(engine) as conn:
        seen = page(conn, lead, since, 100)
    assert [c.data["n"] for c in seen.changes] == ["slow", "fast"]
    assert [c.seq for c in seen.changes] == [last + 1, last + 2]
    engine.dispose()


def test_concurrent_pushes_reach_every_reader(tmp_path, server):
    """Three annotators push in rounds while the lead pulls all the time; in the end
    the lead's feed held every revision exactly once, and each annotator's too."""
    server.start()
    desks = {name: login(tmp_path / name, server.url, name) for name in ("anno1", "anno2", "anno3")}
    lead_store, lead_client = login(tmp_path / "lead", server.url, "lead")
    seen: Counter = Counter()
    real_apply = lead_store.apply_changes

    def recording(page, cursor, user_id=None):
        seen.update(c.data["id"] for c in page if c.kind == "annotation")
        return real_apply(page, cursor, user_id)

    lead_store.apply_changes = recording
    pushed: dict[str, list[str]] = {name: [] for name in desks}
    errors: list[BaseException] = []
    stop = threading.Event()

    def annotator(name):
        store, client = desks[name]
        try:
            sync_once(store, client, policy=PATIENT)
            items = batch_item_ids(store, my_batch(store))
            for round_ in range(6):
                pushed[name] += save_boxes(store, items[round_ * 3 : round_ * 3 + 3], n=round_)
                sync_once(store, client, policy=PATIENT)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    def lead():
        try:
            while not stop.is_set():
                sync_once(lead_store, lead_client, policy=PATIENT)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    workers = [threading.Thread(target=annotator, args=(n,)) for n in desks]
    puller = threading.Thread(target=lead)
    puller.start()
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    stop.set()
    puller.join(60)
    assert not errors, errors
    sync_once(lead_store, lead_client)  # "eventually": one more pull after the writers stop
    everything = [i for ids in pushed.values() for i in ids]
    assert len(everything) == 3 * 6 * 3
    assert {i: seen[i] for i in everything} == {i: 1 for i in everything}
    stored = {r[0] for r in server_rows(server.data_dir, "SELECT id FROM annotations")}
    assert set(everything) <= stored
    for name, (store, client) in desks.items():
        sync_once(store, client)
        got = {r[0] for r in store.db.execute("SELECT id FROM annotations")}
        assert set(pushed[name]) <= got, name
        store.close()
    lead_store.close()
