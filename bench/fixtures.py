"""A local store filled as if a batch had been pulled and downloaded, for the benchmarks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np

from aidou_desktop.store import Store
from sync_server.orders.demo_images import demo_scene
from sync_server.protocol import (
    Batch, Change, Label, LabelSchema, LoginResponse, Order, UserInfo, Item, to_wire,
)

USER = UserInfo(1, "anno1", "标注员一", "annotator", 1, "积石山 AI豆 基地")
PASSWORD = "anno123"
LABELS = [Label("car", "轿车", "#e6194b"), Label("truck", "货车", "#3cb44b"), Label("bus", "公交车", "#4363d8"),
          Label("pedestrian", "行人", "#f58231"), Label("cyclist", "骑行者", "#911eb4")]


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


def fill_store(data_dir: Path, count: int, server_url: str = "http://127.0.0.1:9", files: int | None = None) -> Store:
    """A store with one order, one batch of ``count`` ready items, and a remembered login.

    ``files`` caps how many distinct image files there are (items then share them),
    for batches too large to write one 1080p JPEG per item."""
    store = Store(data_dir)
    store.remember_login(server_url, PASSWORD, LoginResponse("bench-token", USER, "2026-11-25T00:00:00Z"))
    jpegs = scene_jpegs(min(count, files or count))
    jpegs = [jpegs[i % len(jpegs)] for i in range(count)]
    order = Order(1, "道路场景车辆标注", "bbox", LabelSchema(1, LABELS), "# 标注规范\n画紧贴目标的框。", 20)
    items = []
    for i, data in enumerate(jpegs):
        sha = hashlib.sha256(data).hexdigest()
        items.append(Item(i + 1, 1, 1, f"street_{i + 1:04d}.jpg", 1920, 1080, sha, len(data), 1920, 1080))
        store.partial_blob_path(sha).parent.mkdir(parents=True, exist_ok=True)
        store.partial_blob_path(sha).write_bytes(data)
    batch = Batch(1, 1, "批次 1", USER.id, "2026-12-31T00:00:00Z", [it.id for it in items])
    changes = [Change(1, "order", to_wire(order)), Change(2, "batch", to_wire(batch))]
    changes += [Change(3 + i, "item", to_wire(it)) for i, it in enumerate(items)]
    store.apply_changes(changes, str(len(changes)))
    for sha in {it.blob for it in items}:
        assert store.commit_blob(sha), "blob hash mismatch in bench fixture"
    return store
