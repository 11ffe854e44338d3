"""A transcription order of receipts the test draws, in a fresh store: shared by the OCR
store tests and the transcription page's GUI tests."""

from __future__ import annotations

import hashlib
from functools import lru_cache

import cv2

from aidou_desktop.ocr.demo_receipts import draw_receipt, plain_text, receipt_lines
from aidou_desktop.store import Store
from sync_server.protocol import (
    TASK_TRANSCRIPTION,
    Batch,
    Change,
    Item,
    LabelSchema,
    LoginResponse,
    Order,
    UserInfo,
    to_wire,
)

ANNOTATOR = UserInfo(id=7, username="anno1", display_name="标注员一", role="annotator", office_id=1, office_name="基地")
ORDER_ID, BATCH_ID = 3, 30
DISPLAY = (810, 1080)  # the display copy the PC downloads
SCALE = 2  # the original photo is twice as large: boxes are stored in its pixels


@lru_cache(maxsize=8)
def receipt_png(seed: int) -> bytes:
    ok, data = cv2.imencode(".png", draw_receipt(receipt_lines(seed), seed, size=DISPLAY))
    assert ok
    return data.tobytes()


def receipt_text(seed: int) -> str:
    return plain_text(receipt_lines(seed))


def seed_transcription(store: Store, seeds: list[int], downloaded: int | None = None) -> list[Item]:
    """A logged-in annotator with one batch of receipts, one item per seed (item id 300 + seed);
    the first ``downloaded`` images (default: all) are in the store."""
    store.remember_login("http://server.test", "anno123", LoginResponse("tok", ANNOTATOR, "2026-01-01T00:00:00Z"))
    order = Order(ORDER_ID, "小票转写", TASK_TRANSCRIPTION, LabelSchema(1, []), "逐行抄写小票上的文字", 20)
    items = []
    for seed in seeds:
        data = receipt_png(seed)
        sha = hashlib.sha256(data).hexdigest()
        items.append(Item(300 + seed, ORDER_ID, BATCH_ID, f"receipt{seed}.png", DISPLAY[0] * SCALE,
                          DISPLAY[1] * SCALE, sha, len(data), *DISPLAY))  # fmt: skip
    batch = Batch(BATCH_ID, ORDER_ID, "小票 1", ANNOTATOR.id, "2030-01-01T00:00:00Z", [i.id for i in items])
    entities = [("order", order), ("batch", batch)] + [("item", item) for item in items]
    store.apply_changes([Change(n + 1, kind, to_wire(obj)) for n, (kind, obj) in enumerate(entities)], "9")
    for seed, item in list(zip(seeds, items))[:downloaded]:
        store.partial_blob_path(item.blob).write_bytes(receipt_png(seed))
        assert store.commit_blob(item.blob)
    return items
