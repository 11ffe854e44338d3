"""Where a batch opens and the home list's counts (issue 12): the same answers as before,
each in one query whatever the batch's size."""

from __future__ import annotations

import dataclasses

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.store.rows import ITEM_COLUMNS
from sync_server.protocol import (
    PREANNOTATION_DEVICE, AnnotationRecord, Batch, Change, Item, LoginResponse, ReviewRecord, UserInfo, to_wire,
    uuid7,
)  # fmt: skip
from tests.desktop.conftest import ANNOTATOR, BATCH_ID, ORDER_ID, blob_bytes, blob_sha, demo_changes

OTHER = UserInfo(8, "anno2", "标注员二", "annotator", 1, "基地")
LEAD_ID = 3
ITEMS = list(range(100, 120))  # batch 10: 20 items, all downloaded


def car(x: float = 10) -> list:
    return [box_shape("car", x, 10, x + 100, 110)]


def download(store: Store, item_ids) -> None:
    for i in item_ids:
        partial = store.partial_blob_path(blob_sha(i))
        partial.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(blob_bytes(i))
        assert store.commit_blob(blob_sha(i))


@pytest.fixture
def batch(store: Store) -> Store:
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(len(ITEMS)), "30")
    download(store, ITEMS)
    return store


class Feed:
    """Changes as the server's feed brings them, numbered on."""

    def __init__(self, store: Store, seq: int = 100) -> None:
        self.store, self.seq = store, seq

    def send(self, kind: str, record) -> None:
        self.seq += 1
        self.store.apply_changes([Change(self.seq, kind, to_wire(record))], str(self.seq))

    def revision(self, item_id: int, annotator_id: int, status: str | None = None,
                 device_id: str | None = None) -> AnnotationRecord:  # fmt: skip
        record = AnnotationRecord(uuid7(), item_id, BATCH_ID, None, car(), annotator_id=annotator_id,
                                  received_at="2026-11-25T09:00:00Z", status=status, device_id=device_id)  # fmt: skip
        self.send("annotation", record)
        return record

    def verdict(self, annotation_id: str, item_id: int, verdict: str, comment: str | None = None) -> None:
        self.send("review", ReviewRecord(uuid7(), annotation_id, item_id, verdict, comment, reviewer_id=LEAD_ID,
                                         received_at="2026-11-25T10:00:00Z"))  # fmt: skip


def start_item(store: Store) -> int:
    order, items, start = store.open_batch(BATCH_ID, ANNOTATOR.id)
    assert order.id == ORDER_ID
    return items[start].id


def statements(store: Store, fn) -> list[str]:
    """The SQL statements ``fn`` makes the store run."""
    seen: list[str] = []
    store.db.conn.set_trace_callback(seen.append)
    try:
        fn()
    finally:
        store.db.conn.set_trace_callback(None)
    return seen


# ------------------------------------------------------------ where a batch opens


def test_a_fresh_batch_opens_at_its_first_item(batch):
    order, items, start = batch.open_batch(BATCH_ID, ANNOTATOR.id)
    assert [it.id for it in items] == ITEMS and start == 0
    assert items[0] == batch.item(ITEMS[0])  # the same items as before, field for field


def test_a_batch_resumes_at_its_first_unlabelled_item(batch):
    for item_id in ITEMS[:10]:
        batch.save_shapes(item_id, car())
    assert start_item(batch) == ITEMS[10]  # item 11 of 20
    batch.save_shapes(ITEMS[12], car())  # skipped ahead once: the gap is still where it resumes
    assert start_item(batch) == ITEMS[10]
    batch.save_shapes(ITEMS[10], [])  # "no objects here" is labelled too
    assert start_item(batch) == ITEMS[11]


def test_a_finished_batch_opens_at_its_first_item(batch):
    for item_id in ITEMS:
        batch.save_shapes(item_id, car())
    assert batch.open_batch(BATCH_ID, ANNOTATOR.id)[2] == 0


def test_only_revisions_the_page_would_show_count_as_labelled(batch):
    feed = Feed(batch)
    feed.revision(ITEMS[0], OTHER.id)  # someone's revision from the feed: the page shows it
    assert start_item(batch) == ITEMS[1]
    feed.revision(ITEMS[1], OTHER.id, status="conflict")  # a conflict waits for a lead: not shown
    assert start_item(batch) == ITEMS[1]
    assert batch.annotation(ITEMS[1]) is None


def test_a_suggestion_imported_with_the_order_is_not_labelled_work(batch):
    feed = Feed(batch)
    feed.revision(ITEMS[0], 99, device_id=PREANNOTATION_DEVICE)  # pre-annotated by the customer
    assert batch.annotation(ITEMS[0]) is not None  # the page shows it, to be checked ...
    assert start_item(batch) == ITEMS[0]  # ... so the batch still opens there
    batch.save_shapes(ITEMS[0], car())  # the annotator checked it
    assert start_item(batch) == ITEMS[1]


def test_items_without_their_image_are_skipped(store):
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(len(ITEMS)), "30")
    download(store, ITEMS[5:])
    order, items, start = store.open_batch(BATCH_ID, ANNOTATOR.id)
    assert [it.id for it in items] == ITEMS[5:] and start == 0


def test_rework_opens_first(batch):
    feed = Feed(batch)
    mine = [feed.revision(i, ANNOTATOR.id) for i in ITEMS[:12]]
    assert start_item(batch) == ITEMS[12]
    feed.verdict(mine[7].id, ITEMS[7], "accept")
    feed.verdict(mine[9].id, ITEMS[9], "reject", "框不准")
    feed.verdict(mine[4].id, ITEMS[4], "reject", "漏标")
    feed.verdict(mine[4].id, ITEMS[4], "accept")  # the lead changed their mind: the newest counts
    assert start_item(batch) == ITEMS[9]
    assert [e.item_id for e in batch.review_queue(status="rejected", annotator_id=ANNOTATOR.id)] == [ITEMS[9]]
    batch.save_shapes(ITEMS[9], car(50))  # the fix: no longer sent back
    assert start_item(batch) == ITEMS[12]


def test_a_reject_of_someone_elses_revision_is_not_my_rework(batch):
    feed = Feed(batch)
    theirs = feed.revision(ITEMS[3], OTHER.id)
    feed.verdict(theirs.id, ITEMS[3], "reject", "框不准")
    assert start_item(batch) == ITEMS[0]


def test_a_conflicted_item_is_not_rework(batch):
    feed = Feed(batch)
    mine = feed.revision(ITEMS[2], ANNOTATOR.id)
    feed.verdict(mine.id, ITEMS[2], "reject", "框不准")
    assert start_item(batch) == ITEMS[2]
    feed.revision(ITEMS[2], OTHER.id, status="conflict")  # a conflict on the item: the lead's first
    assert start_item(batch) == ITEMS[0]


def test_someone_elses_batch_does_not_open(batch):
    assert batch.open_batch(BATCH_ID, OTHER.id) is None
    assert batch.open_batch(999, ANNOTATOR.id) is None


def test_the_resume_point_is_one_query_however_far_into_the_batch(batch):
    few = statements(batch, lambda: batch.open_batch(BATCH_ID, ANNOTATOR.id))
    for item_id in ITEMS[:15]:
        batch.save_shapes(item_id, car())
    many = statements(batch, lambda: batch.open_batch(BATCH_ID, ANNOTATOR.id))
    assert len(many) == len(few) == 3  # the order, the items, the resume point


def test_item_columns_are_in_the_items_field_order():
    # ready_items builds Item(*row) from these columns
    assert list(ITEM_COLUMNS) == [f.name for f in dataclasses.fields(Item)]


# ------------------------------------------------------------ the home list


def reference_summaries(store: Store, annotator_id: int) -> list[dict]:
    """The counts as the home list made them before: three subqueries per batch."""
    return [
        dict(r)
        for r in store.db.query(
            "SELECT b.id, b.order_id, coalesce(o.name, '') AS order_name, b.name, b.lease_until,"
            " (SELECT count(*) FROM items i WHERE i.batch_id = b.id) AS total,"
            " (SELECT count(*) FROM items i WHERE i.batch_id = b.id AND EXISTS ("
            "   SELECT 1 FROM annotations a WHERE a.item_id = i.id"
            "   AND (a.origin = 'local' OR a.annotator_id = :u))) AS done,"
            " (SELECT count(*) FROM items i WHERE i.batch_id = b.id AND i.ready = 1) AS downloaded"
            " FROM batches b LEFT JOIN orders o ON o.id = b.order_id WHERE b.annotator_id = :u ORDER BY b.id",
            {"u": annotator_id},
        )
    ]


def test_home_list_counts_match_the_per_batch_counts_in_one_query(store):
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(len(ITEMS)), "30")
    download(store, ITEMS[:15])
    feed = Feed(store)
    # a second batch of the annotator's, another annotator's batch, and an empty batch
    for batch_id, owner, ids in ((11, ANNOTATOR.id, [200, 201, 202]), (12, OTHER.id, [300, 301]),
                                 (13, ANNOTATOR.id, [])):  # fmt: skip
        for i in ids:
            feed.send("item", Item(i, ORDER_ID, batch_id, f"x{i}.jpg", 1920, 1080, blob_sha(i), 10, 1920, 1080))
        feed.send("batch", Batch(batch_id, ORDER_ID, f"批次 {batch_id}", owner, "2030-01-01T00:00:00Z", ids))
    for item_id in ITEMS[:6] + [200]:
        store.save_shapes(item_id, car())
    store.save_shapes(ITEMS[6], car())
    store.save_shapes(ITEMS[6], car(30))  # two revisions of one item count once
    feed.revision(ITEMS[7], ANNOTATOR.id)  # mine, from the feed (another PC)
    feed.revision(ITEMS[8], OTHER.id)  # someone else's, from the feed: not my progress
    feed.revision(300, OTHER.id)

    summaries = store.batch_summaries(ANNOTATOR.id)
    assert [dataclasses.asdict(s) for s in summaries] == reference_summaries(store, ANNOTATOR.id)
    assert [(s.id, s.total, s.done, s.downloaded) for s in summaries] == [(10, 20, 8, 15), (11, 3, 1, 0), (13, 0, 0, 0)]
    assert [(s.id, s.done) for s in store.batch_summaries(OTHER.id)] == [(12, 1)]
    assert len(statements(store, lambda: store.batch_summaries(ANNOTATOR.id))) == 1


def test_the_queries_read_indexes_not_whole_tables(batch):
    for item_id in ITEMS[:5]:
        batch.save_shapes(item_id, car())
    plans = []
    for fn in (lambda: batch.batch_summaries(ANNOTATOR.id), lambda: batch.open_batch(BATCH_ID, ANNOTATOR.id)):
        for sql in statements(batch, fn):
            plans += [row[3] for row in batch.db.conn.execute("EXPLAIN QUERY PLAN " + sql.replace("?", "NULL"))]
    scans = [p for p in plans if p.startswith("SCAN") and "CONSTANT ROW" not in p]
    assert not scans, scans
    assert any("annotations_item_origin" in p for p in plans)
    assert any("items_batch_ready" in p for p in plans)


def test_only_an_unsent_first_revision_can_be_taken_back(batch):
    batch.save_shapes(ITEMS[0], car())
    assert batch.withdraw(ITEMS[0]) and batch.annotation(ITEMS[0]) is None and batch.outbox_count() == 0
    assert start_item(batch) == ITEMS[0]  # unlabelled again: the batch opens there
    batch.save_shapes(ITEMS[0], car())
    batch.take_outbox(10)  # on its way to the server: no longer ours to take back
    assert not batch.withdraw(ITEMS[0]) and batch.annotation(ITEMS[0]) is not None
    Feed(batch).revision(ITEMS[1], OTHER.id)  # a colleague's revision from the feed
    assert not batch.withdraw(ITEMS[1]) and batch.annotation(ITEMS[1]) is not None
