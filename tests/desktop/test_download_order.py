"""A batch's images download in the order the annotator will open its items (issue 12):
where the batch resumes first, then the items after it, then those before it, nearest
first; and the page can open at that item as soon as its image is here."""

from __future__ import annotations

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from sync_server.protocol import AnnotationRecord, Change, LoginResponse, ReviewRecord, to_wire, uuid7
from tests.desktop.conftest import ANNOTATOR, BATCH_ID, blob_bytes, blob_sha, demo_changes

ITEMS = list(range(100, 112))  # batch 10: 12 items, no image here yet
LEAD_ID = 3


@pytest.fixture
def batch(store: Store) -> Store:
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(len(ITEMS)), "20")
    return store


def order_of(store: Store) -> list[int]:
    """The items whose images ``missing_blobs`` names, in its order."""
    by_sha = {blob_sha(i): i for i in ITEMS}
    return [by_sha[sha] for sha, _size in store.missing_blobs(BATCH_ID)]


def arrive(store: Store, item_id: int) -> None:
    partial = store.partial_blob_path(blob_sha(item_id))
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(blob_bytes(item_id))
    assert store.commit_blob(blob_sha(item_id))


def opens_at(store: Store) -> int:
    _order, items, start = store.open_batch(BATCH_ID, ANNOTATOR.id)
    return items[start].id


def test_a_new_batch_downloads_in_item_order(batch):
    assert order_of(batch) == ITEMS
    assert batch.missing_blobs(BATCH_ID) == [(blob_sha(i), len(blob_bytes(i))) for i in ITEMS]


def test_a_resumed_batch_downloads_from_where_it_opens(batch):
    for item_id in ITEMS[:5]:  # labelled on another PC, or before the images were cleared
        batch.save_shapes(item_id, [box_shape("car", 1, 1, 50, 50)], 1000)
    assert order_of(batch) == ITEMS[5:] + ITEMS[4::-1]
    arrive(batch, ITEMS[5])  # the first image in: the page opens at the resume point
    assert opens_at(batch) == ITEMS[5]
    assert order_of(batch) == ITEMS[6:] + ITEMS[4::-1]


def test_rework_downloads_first(batch):
    seq = 100
    for item_id in ITEMS[:8]:
        seq += 1
        record = AnnotationRecord(uuid7(), item_id, BATCH_ID, None, [box_shape("car", 1, 1, 50, 50)],
                                  annotator_id=ANNOTATOR.id, received_at="2026-11-25T09:00:00Z")  # fmt: skip
        batch.apply_changes([Change(seq, "annotation", to_wire(record))], str(seq))
        if item_id == ITEMS[3]:  # the lead sends item 4 back
            seq += 1
            verdict = ReviewRecord(uuid7(), record.id, item_id, "reject", "漏标", reviewer_id=LEAD_ID,
                                   received_at="2026-11-25T10:00:00Z")  # fmt: skip
            batch.apply_changes([Change(seq, "review", to_wire(verdict))], str(seq))
    assert order_of(batch) == ITEMS[3:] + ITEMS[2::-1]
    arrive(batch, ITEMS[3])
    assert opens_at(batch) == ITEMS[3]


def test_an_image_two_items_share_comes_once_when_first_needed(batch):
    shared = demo_changes(len(ITEMS))
    for change in shared:
        if change.kind == "item" and change.data["id"] in (ITEMS[1], ITEMS[9]):
            change.data["blob"] = blob_sha(ITEMS[9])
            change.data["blob_size"] = len(blob_bytes(ITEMS[9]))
    batch.apply_changes(shared, "40")
    for item_id in ITEMS[:6]:
        batch.save_shapes(item_id, [box_shape("car", 1, 1, 50, 50)], 1000)
    shas = [sha for sha, _size in batch.missing_blobs(BATCH_ID)]
    assert len(shas) == len(set(shas)) == len(ITEMS) - 1
    # item 10 (first needed after the resume point at item 7) brings item 2's image with it
    assert shas[:4] == [blob_sha(i) for i in ITEMS[6:10]]
    assert blob_sha(ITEMS[1]) not in shas
