"""A local store filled as if a batch had been pulled and downloaded, for the benchmarks."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import cv2
import numpy as np

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.store import annotations as ann
from bench.account import PASSWORD, USER  # re-exported: the benches import them from here
from sync_server.orders.demo_images import demo_scene
from sync_server.protocol import (
    ACCEPTED, Batch, Change, Item, Label, LabelSchema, LoginResponse, Order, PushResult, to_wire,
)  # fmt: skip

LABELS = [Label("car", "轿车", "#e6194b"), Label("truck", "货车", "#3cb44b"), Label("bus", "公交车", "#4363d8"),
          Label("pedestrian", "行人", "#f58231"), Label("cyclist", "骑行者", "#911eb4")]
ORDER = Order(1, "道路场景车辆标注", "bbox", LabelSchema(1, LABELS), "# 标注规范\n画紧贴目标的框。", 20)
HISTORY_BATCH = 10_000  # items per finished batch that holds the annotator's earlier work
HISTORY_PER_DAY = 1_000  # items a day in that history, saved on the days before today


def scene_jpegs(count: int, distinct: int = 8) -> list[bytes]:
    """``count`` 1920×1080 JPEGs; ``distinct`` real scenes, the rest differ by a few pixels
    (each still a separate file with its own hash, so nothing is served from a decode cache)."""
    rng = np.random.default_rng(3)
    scenes = [demo_scene(rng)[0] for _ in range(min(distinct, count))]
    out = []
    for i in range(count):
        img = scenes[i % len(scenes)].copy()
        img[0, :8] = i % 256  # a different file per item
        img[1, :8] = i // 256
        out.append(cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, 88])[1].tobytes())
    return out


def fill_store(data_dir: Path, count: int, server_url: str = "http://127.0.0.1:9", files: int | None = None,
               labelled: int = 0, history: int = 0) -> Store:  # fmt: skip
    """A store with one order, one batch of ``count`` ready items, and a remembered login.

    ``files`` caps how many distinct image files there are (items then share them),
    for batches too large to write one 1080p JPEG per item.
    ``labelled``: the first items of the batch already carry a saved (queued) revision, so
    the batch reopens at item ``labelled + 1``, as after a break.
    ``history``: local revisions on this PC in all (``labelled`` included); the rest are the
    annotator's earlier, finished and uploaded batches of ``HISTORY_BATCH`` items each."""
    store = Store(data_dir)
    store.remember_login(server_url, PASSWORD, LoginResponse("bench-token", USER, "2026-11-25T00:00:00Z"))
    jpegs = scene_jpegs(min(count, files or count))
    shas = []
    for data in jpegs:  # each distinct file written once, however many items share it
        sha = hashlib.sha256(data).hexdigest()
        shas.append((sha, len(data)))
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    items = [Item(i + 1, 1, 1, f"street_{i + 1:04d}.jpg", 1920, 1080, *shas[i % len(shas)], 1920, 1080)
             for i in range(count)]  # fmt: skip
    batch = Batch(1, 1, "批次 1", USER.id, "2026-12-31T00:00:00Z", [it.id for it in items])
    changes = [Change(1, "order", to_wire(ORDER)), Change(2, "batch", to_wire(batch))]
    changes += [Change(3 + i, "item", to_wire(it)) for i, it in enumerate(items)]
    store.apply_changes(changes, str(len(changes)))
    for sha, _size in shas:
        assert store.commit_blob(sha), "blob hash mismatch in bench fixture"
    _finished_batches(store, history - labelled, first_item=count + 1, seq=len(changes) + 1, blob=shas[0])
    _label(store, range(1, labelled + 1))
    return store


def _finished_batches(store: Store, revisions: int, first_item: int, seq: int, blob: tuple[str, int]) -> None:
    """Earlier batches of this annotator, every item labelled and uploaded (answered by the
    server): what weeks of work leave in the local database."""
    batch_id, item_id = 2, first_item
    done = 0  # history items labelled so far: the first ones a day ago, the next earlier still
    while revisions > 0:
        ids = list(range(item_id, item_id + HISTORY_BATCH))
        changes = [Change(seq + n, "item", to_wire(Item(i, 1, batch_id, f"old_{i:06d}.jpg", 1920, 1080, *blob,
                                                             1920, 1080))) for n, i in enumerate(ids)]  # fmt: skip
        seq += len(changes)
        batch = Batch(batch_id, 1, f"批次 {batch_id}", USER.id, "2026-12-31T00:00:00Z", ids)
        changes.append(Change(seq, "batch", to_wire(batch)))
        seq += 1
        store.apply_changes(changes, str(seq - 1))
        labelled = ids[:revisions]
        _label(store, labelled)
        _saved_days_ago(store, labelled, done)
        done += len(labelled)
        while records := store.take_outbox(500):  # uploaded: the server accepted each
            store.store_push_results([PushResult(r.id, ACCEPTED) for r in records])
        revisions -= len(ids)
        batch_id, item_id = batch_id + 1, item_id + HISTORY_BATCH


def _saved_days_ago(store: Store, item_ids: list[int], done: int) -> None:
    """Weeks of work were saved on earlier days, ``HISTORY_PER_DAY`` items a day before
    today, not all in the minute the fixture was made (the home page counts this week's)."""
    now = datetime.now(timezone.utc)
    days = [(now - timedelta(days=1 + (done + n) // HISTORY_PER_DAY)).isoformat(timespec="milliseconds")
            for n in range(len(item_ids))]  # fmt: skip
    store._w.write(lambda c: c.executemany("UPDATE annotations SET client_time = ? WHERE item_id = ?",
                                           list(zip(days, item_ids))))  # fmt: skip


def _label(store: Store, item_ids) -> None:
    """One saved revision (two boxes) per item, in one transaction: a realistic row per save
    (``save_shapes`` itself), without one fsync per row."""
    shapes = [box_shape("car", 100, 100, 400, 300), box_shape("truck", 900, 500, 1300, 800)]
    device = store.device_id()
    store._w.write(lambda c: [ann.save_shapes(c, i, shapes, 15_000, USER.id, device) for i in item_ids])
