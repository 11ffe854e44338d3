"""A batch resumed mid-way shows the next item from an image decoded ahead (issue 12).

Resuming at item 11 once evicted the next item's decoded image on every step: each
"next" decoded on demand. Real keys and clicks; the cache's counters say whether the
image was ready when the page asked for it — no timing.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from sync_server.protocol import Batch, Change, Item, LoginResponse, Order, to_wire
from tests.gui.gui_helpers import (
    ANNOTATOR,
    DEAD_SERVER,
    DISPLAY_SIZE,
    ORIGINAL_SIZE,
    PASSWORD,
    SCHEMA,
    jpeg_bytes,
    log_in,
    press,
    start_annotating,
)

COUNT, LABELLED = 20, 10
ITEM_IDS = list(range(500, 500 + COUNT))


@pytest.fixture
def resumed_dir(tmp_path: Path) -> Path:
    """A batch of 20 downloaded items, the first 10 labelled: it reopens at item 11."""
    data_dir = tmp_path / "data"
    store = Store(data_dir)
    store.remember_login(DEAD_SERVER, PASSWORD, LoginResponse("token", ANNOTATOR, "2026-11-25T08:00:00Z"))
    order = Order(1, "道路场景车辆标注", "bbox", SCHEMA, "# 标注规范", 12)
    changes = [Change(1, "order", to_wire(order)),
               Change(2, "batch", to_wire(Batch(10, 1, "批次 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", ITEM_IDS)))]
    for n, item_id in enumerate(ITEM_IDS):
        data = jpeg_bytes(item_id)  # a different image, and file, per item
        sha = hashlib.sha256(data).hexdigest()
        item = Item(item_id, 1, 10, f"street_{n + 1:03}.jpg", *ORIGINAL_SIZE, sha, len(data), *DISPLAY_SIZE)
        changes.append(Change(3 + n, "item", to_wire(item)))
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    store.apply_changes(changes, str(len(changes)))
    for change in changes[2:]:
        assert store.commit_blob(change.data["blob"])
    for item_id in ITEM_IDS[:LABELLED]:
        store.save_shapes(item_id, [box_shape("car", 100, 100, 500, 400)], 12_000)
    store.close()
    return data_dir


@pytest.fixture
def page(qtbot, resumed_dir, open_window):
    window = open_window(resumed_dir)
    log_in(qtbot, window)
    start_annotating(qtbot, window)
    return window.annotate_page


def path_of(page, index: int) -> Path:
    return page.store.blob_path(page.items[index].blob)


def step(qtbot, page, go, by: int) -> None:
    """Look at the item until the page's decodes ahead are done, then ``go``: the item
    ``by`` away must come from the cache decoded, not be decoded on demand."""
    target = page.index + by
    path, cache = path_of(page, target), page.cache
    qtbot.wait(1)  # the page asks for its decodes once the item is painted
    qtbot.waitUntil(lambda: path not in cache.held() or cache.is_decoded(path), timeout=5_000)
    assert cache.is_decoded(path), f"item {target + 1} is not held: evicted (or never asked for) before it was needed"
    stats = page.cache.stats
    ready, waited, missed = stats.ready, stats.waited, stats.missed
    go()
    assert page.index == target
    assert page.canvas.pixmap_item.pixmap().width() == DISPLAY_SIZE[0]
    assert (stats.ready, stats.waited, stats.missed) == (ready + 1, waited, missed), (
        f"item {target + 1} was not decoded ahead: ready {stats.ready - ready}, "
        f"waited {stats.waited - waited}, decoded on demand {stats.missed - missed}"
    )


def test_stepping_on_from_a_resumed_batch_shows_images_decoded_ahead(qtbot, page):
    assert page.current_item().id == ITEM_IDS[LABELLED]
    assert page.position_label.text() == "Item 11 / 20"
    assert page.cache.stats.missed == 1  # only the item it opened at was decoded on demand

    canvas = page.canvas
    for _ in range(3):
        step(qtbot, page, lambda: press(canvas, Qt.Key.Key_D), +1)
        step(qtbot, page, lambda: QTest.mouseClick(page.next_button, Qt.MouseButton.LeftButton), +1)
        step(qtbot, page, lambda: press(canvas, Qt.Key.Key_Right), +1)
    assert page.position_label.text() == "Item 20 / 20"
    assert page.cache.stats.missed == 1


def test_turning_back_finds_the_item_behind_and_prefetches_backwards(qtbot, page):
    canvas = page.canvas
    step(qtbot, page, lambda: press(canvas, Qt.Key.Key_D), +1)  # item 12
    step(qtbot, page, lambda: press(canvas, Qt.Key.Key_A), -1)  # item 11: kept behind
    for _ in range(4):  # items 10 … 7: decoded ahead in the new direction
        step(qtbot, page, lambda: QTest.mouseClick(page.prev_button, Qt.MouseButton.LeftButton), -1)
    assert page.position_label.text() == "Item 7 / 20"
    step(qtbot, page, lambda: press(canvas, Qt.Key.Key_D), +1)  # and round again
    assert page.cache.stats.missed == 1
