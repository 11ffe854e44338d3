"""A new PC's first sync reads a compact feed (issue 12, ADR 0021) and ends exactly where a
replay of the whole history ends: for a lead and for annotators, over a real server
process, after an office's life of edits, re-edits, conflicts, resolutions, verdicts,
corrections, re-leases and a schema change."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import NO_RETRY, Offline, SyncClient, sync_once
from aidou_desktop.sync.office_client import OfficeClient, days_from_now
from sync_server.db.engine import make_engine, write_transaction
from sync_server.db.schemas import change_order_schema
from sync_server.protocol import MAX_CHANGES_PAGE, Label, ReviewRecord, uuid7
from tests import db_engines
from tests.faults.conftest import start_world
from tests.faults.helpers import batch_item_ids, login, my_batch, save_boxes
from tests.faults.world import PASSWORD, SCHEMA


class WholeFeedClient(SyncClient):
    """Never asks for the compact feed: what every PC did before ADR 0021 (and what any PC
    gets from a server that predates it)."""

    def changes(self, since: str = "", limit: int = MAX_CHANGES_PAGE, compact: bool = False):
        return super().changes(since, limit)


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """The server, after the office's life (``live_a_while``)."""
    srv = start_world(tmp_path_factory, annotators=3, batch_size=6)
    live_a_while(srv, tmp_path_factory.mktemp("pcs"))
    yield srv
    srv.stop()


def live_a_while(srv, pcs: Path) -> None:
    ids = srv.user_ids
    anno1, c1 = login(pcs / "anno1", srv.url, "anno1")
    anno2, c2 = login(pcs / "anno2", srv.url, "anno2")
    for store, client in ((anno1, c1), (anno2, c2)):
        sync_once(store, client)
    batch1, batch2 = my_batch(anno1), my_batch(anno2)
    items1, items2 = batch_item_ids(anno1, batch1), batch_item_ids(anno2, batch2)
    # edits and re-edits: item 0 three revisions, items 1-2 two, items 3-4 one
    for n, chosen in enumerate((items1[:5], items1[:3], items1[:1])):
        save_boxes(anno1, chosen, n=n)
        assert sync_once(anno1, c1).accepted == len(chosen)
    save_boxes(anno2, items2[:4])
    anno2.flag_item(items2[3], "拿不准")
    sync_once(anno2, c2)

    # anno1 on a second PC edits items 3 and 4 from heads the first PC has since replaced
    other_pc, c1b = login(pcs / "anno1-b", srv.url, "anno1")
    sync_once(other_pc, c1b)
    save_boxes(anno1, items1[3:5], n=7)
    sync_once(anno1, c1)
    save_boxes(other_pc, items1[3:5], n=8)
    assert sync_once(other_pc, c1b).conflicts == 2
    rival = {a.item_id: a.id for a in other_pc.conflicts()}

    # the lead: verdicts (one changed), a correction, then settles one conflict of two
    lead, cl = login(pcs / "lead", srv.url, "lead")
    sync_once(lead, cl)
    head = {e.item_id: e.annotation_id for e in lead.review_queue()}
    lead.save_review(head[items1[1]], "accept")
    lead.save_review(head[items1[2]], "reject", "车尾没框全")
    lead.save_review(head[items2[0]], "reject", "再看看")
    lead.save_review(head[items2[0]], "accept")
    corrected = lead.save_shapes(items1[0], [box_shape("bus", 5, 5, 60, 50)])
    lead.save_review(corrected.id, "accept")
    sync_once(lead, cl)
    OfficeClient(cl).resolve_conflict(items1[3], rival[items1[3]])

    # anno1 fixes the rejected item, the lead accepts the fix, then a late verdict on the
    # revision the fix replaced arrives (a second lead PC that was offline, say)
    sync_once(anno1, c1)
    save_boxes(anno1, [items1[2]], n=9)
    sync_once(anno1, c1)
    sync_once(lead, cl)
    lead.save_review(lead.annotation(items1[2]).id, "accept")
    sync_once(lead, cl)
    cl.push([], reviews=[ReviewRecord(uuid7(), head[items1[2]], items1[2], "reject", "旧的也不对")])

    # re-leases: batch 1 renewed to anno1, batch 2 moved from anno2 to anno3, who goes on with it
    office = OfficeClient(cl)
    office.assign_batch(batch1, ids["anno1"], days_from_now(10), force=True)
    office.assign_batch(batch2, ids["anno3"], days_from_now(10), force=True)
    anno3, c3 = login(pcs / "anno3", srv.url, "anno3")
    sync_once(anno3, c3)
    save_boxes(anno3, items2[1:3], n=11)
    sync_once(anno3, c3)

    # the order's label schema gains a label
    engine = make_engine(db_engines.url_for(srv.data_dir))
    try:
        with write_transaction(engine) as conn:
            labels = [*SCHEMA.labels, Label("truck", "卡车", "#3cb44b")]
            change_order_schema(conn, anno1.item(items1[0]).order_id, {
                "version": 2, "labels": [{"name": x.name, "title": x.title, "color": x.color} for x in labels]
            })  # fmt: skip
    finally:
        engine.dispose()


def first_sync(srv, data_dir: Path, user: str, whole: bool) -> tuple[Store, int]:
    """A new PC's first sync for ``user``: the store, and how many changes it pulled."""
    store = Store(data_dir)
    client = (WholeFeedClient if whole else SyncClient)(srv.url)
    store.remember_login(srv.url, PASSWORD, client.login(user, PASSWORD))
    report = sync_once(store, client)
    assert store.compact_read() is False  # a finished first read is an ordinary cursor from now on
    return store, report.pulled


def what_the_pc_shows(store: Store, user_id: int) -> dict:
    """Everything the app reads: records, each item's current revision and verdict, the
    review queue, conflicts, the annotator's batches and where each opens, the figures."""
    def table(sql: str) -> list:
        return store.db.execute(sql).fetchall()

    items = [row[0] for row in table("SELECT id FROM items ORDER BY id")]
    current = {item: store.annotation(item) for item in items}
    batches = store.batch_summaries(user_id)
    return {
        "orders": table("SELECT * FROM orders ORDER BY id"),
        "batches": table("SELECT * FROM batches ORDER BY id"),
        "items": table("SELECT * FROM items ORDER BY id"),
        "current": current,
        "verdicts": {item: store.latest_review(a.id) for item, a in current.items() if a is not None},
        "queue": store.review_queue(),
        "candidates": {item: store.conflict_candidates(item) for item in items},
        "accept_rate": store.accept_rate(),
        "home": batches,
        "opens_at": {b.id: store.missing_blobs(b.id, user_id) for b in batches},
        "earnings": store.earnings(user_id),
        "review_blobs": store.missing_review_blobs(),
        "quarantined": store.quarantined(),
    }


def records(store: Store) -> tuple[set, set]:
    revisions = store.db.execute(
        "SELECT id, item_id, annotator_id, base_id, shapes, schema_version, server_status, flag FROM annotations"
    ).fetchall()
    verdicts = store.db.execute("SELECT id, annotation_id, item_id, verdict, comment, reviewer_id FROM reviews")
    return set(revisions), set(verdicts.fetchall())


@pytest.mark.parametrize("user", ["lead", "anno1", "anno2", "anno3"])
def test_a_compact_first_sync_ends_where_a_whole_replay_ends(office, tmp_path, user):
    whole, whole_pulled = first_sync(office, tmp_path / "whole", user, whole=True)
    compact, compact_pulled = first_sync(office, tmp_path / "compact", user, whole=False)
    user_id = office.user_ids[user]
    assert what_the_pc_shows(compact, user_id) == what_the_pc_shows(whole, user_id)
    assert what_the_pc_shows(compact, user_id)["quarantined"] == []
    # the compact PC holds a subset of the same records, each as the whole replay holds it
    compact_revisions, compact_verdicts = records(compact)
    whole_revisions, whole_verdicts = records(whole)
    assert compact_revisions <= whole_revisions and compact_verdicts <= whole_verdicts
    assert compact_pulled < whole_pulled


def test_the_lead_pulls_the_offices_state_not_its_history(office, tmp_path):
    whole, whole_pulled = first_sync(office, tmp_path / "whole", "lead", whole=True)
    compact, compact_pulled = first_sync(office, tmp_path / "compact", "lead", whole=False)
    # the history: 1 order, 3 batches and 18 items as imported, 3 leases, 23 revision rows
    # (22 revisions, one resolved), 7 verdicts, 2 re-leases, 1 schema change
    assert (whole_pulled, len(records(whole)[0])) == (58, 22)
    # the state: each record once; per item each person's newest revision (items 0-4 of
    # batch 1: 2+1+1+1+1, batch 2: 4 by anno2 and 2 by anno3), the lead's correction and
    # resolution, the two conflicts; the newest verdict on each head, and one late verdict
    assert (compact_pulled, len(records(compact)[0])) == (1 + 3 + 18 + 15 + 5, 15)


def test_a_first_sync_cut_short_carries_on_compact(office, tmp_path):
    """A dropped link in the middle of a first sync: the next run goes on compact from where
    the first stopped, and ends where the whole replay ends."""
    whole, _ = first_sync(office, tmp_path / "whole", "lead", whole=True)
    store = Store(tmp_path / "cut")
    client = SyncClient(office.url)
    store.remember_login(office.url, PASSWORD, client.login("lead", PASSWORD))
    asked: list[bool] = []
    real = client.changes

    def cut_after_two_pages(since="", limit=MAX_CHANGES_PAGE, compact=False):
        asked.append(compact)
        if len(asked) == 3:
            raise Offline("the link dropped")
        return real(since, min(limit, 10), compact)

    client.changes = cut_after_two_pages
    with pytest.raises(Offline):
        sync_once(store, client, policy=NO_RETRY)
    assert store.cursor() and store.compact_read()
    sync_once(store, client, policy=NO_RETRY)
    assert asked[:2] == [True, True] and all(asked[3:])
    lead_id = office.user_ids["lead"]
    assert what_the_pc_shows(store, lead_id) == what_the_pc_shows(whole, lead_id)
    assert store.compact_read() is False


def test_a_pc_holding_work_the_feed_has_not_placed_reads_the_whole_feed(office, tmp_path):
    """After a restart of its feed (a restored server), a PC's own revisions have lost their
    feed positions: only their echoes place them against others', so it reads everything."""
    store, client = login(tmp_path / "pc", office.url, "anno3")
    sync_once(store, client)
    own_batch = max(b.id for b in store.batch_summaries(office.user_ids["anno3"]))  # not the one moved to them
    save_boxes(store, batch_item_ids(store, own_batch)[:1], n=20)
    sync_once(store, client)
    assert store.compact_read() is False  # an ordinary cursor now
    store.start_feed_again(None)
    assert store.cursor() == "" and store.compact_read() is False
    asked = []
    real = client.changes
    client.changes = lambda since="", limit=MAX_CHANGES_PAGE, compact=False: asked.append(compact) or real(
        since, limit, compact
    )
    sync_once(store, client)
    assert asked and not any(asked)
