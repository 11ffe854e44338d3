"""Fixtures for the desktop store/sync tests: a fresh data dir and Store per test, no Qt."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from aidou_desktop.store import Store  # noqa: E402
from sync_server.protocol import (  # noqa: E402
    Batch,
    Change,
    Item,
    Label,
    LabelSchema,
    LoginResponse,
    Order,
    UserInfo,
    to_wire,
)

ANNOTATOR = UserInfo(id=7, username="anno1", display_name="标注员一", role="annotator", office_id=1, office_name="基地")
ORDER_ID = 1
BATCH_ID = 10


def blob_bytes(item_id: int) -> bytes:
    return f"image {item_id} ".encode() * 1000


def blob_sha(item_id: int) -> str:
    return hashlib.sha256(blob_bytes(item_id)).hexdigest()


def demo_changes(n_items: int = 5, annotator_id: int = ANNOTATOR.id, start_seq: int = 1) -> list[Change]:
    """An order, one batch leased to ``annotator_id`` and its items, as the feed sends them."""
    order = Order(ORDER_ID, "车辆检测", "bbox", LabelSchema(3, [Label("car", "汽车", "#ff0000")]), "框出汽车", 12)
    item_ids = list(range(100, 100 + n_items))
    batch = Batch(BATCH_ID, ORDER_ID, "批次 1", annotator_id, "2030-01-01T00:00:00Z", item_ids)
    items = [
        Item(i, ORDER_ID, BATCH_ID, f"img{i}.jpg", 1920, 1080, blob_sha(i), len(blob_bytes(i)), 1920, 1080)
        for i in item_ids
    ]
    entities = [("order", order), ("batch", batch)] + [("item", it) for it in items]
    return [Change(start_seq + n, kind, to_wire(obj)) for n, (kind, obj) in enumerate(entities)]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def store(data_dir: Path):
    s = Store(data_dir)
    yield s
    s.close()


@pytest.fixture
def seeded(store: Store) -> Store:
    """A store with a logged-in annotator and a batch of 5 items (blobs not downloaded)."""
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    store.apply_changes(demo_changes(), "7")
    return store
