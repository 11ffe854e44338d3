"""The demo's orders of the other task kinds, each with a batch leased to every demo annotator:

- 客服消息意图分类 (text_class): 60 customer-service messages, six classes;
- 客服对话实体标注 (ner): 30 dialogues with names, places, phone numbers and products, every
  third pre-annotated (the annotator checks a suggestion instead of starting from nothing);
- 小票文字转写 (transcription): 9 photographed receipts with Chinese text, drawn here
  (``demo_receipts``), which the PC's OCR pre-fills.
"""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import cv2
from sqlalchemy import Connection, select

from sync_server.db.blobs import BlobStore
from sync_server.db.tables import batches
from sync_server.orders.demo_texts import (
    DIALOGUES,
    ENTITY_GUIDELINES,
    ENTITY_SCHEMA,
    INTENT_GUIDELINES,
    INTENT_SCHEMA,
    MESSAGES,
    RECEIPT_GUIDELINES,
    RECEIPT_SCHEMA,
    parse,
)
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.orders.text_import import import_texts
from sync_server.orders.text_sources import TextEntry
from sync_server.protocol import TASK_NER, TASK_TEXT_CLASS, TASK_TRANSCRIPTION

INTENT_ORDER = "客服消息意图分类"
ENTITY_ORDER = "客服对话实体标注"
RECEIPT_ORDER = "小票文字转写"
RECEIPT_COUNT = 9


def seed_text_orders(conn: Connection, blob_store: BlobStore, office_id: int, annotators: list[int], until: datetime,
                     scratch: Path) -> None:  # fmt: skip
    """The three orders, in the caller's transaction; batch *n* of each goes to ``annotators[n]``."""
    messages = [text for text, _ in MESSAGES]
    random.Random(8).shuffle(messages)  # each batch a mix of classes, the same on every seed
    entries = [TextEntry(n, f"消息 {n:03d}", text) for n, text in enumerate(messages, 1)]
    done = import_texts(conn, office_id, INTENT_ORDER, TASK_TEXT_CLASS, INTENT_SCHEMA, INTENT_GUIDELINES, entries,
                        price_cents=3, batch_size=len(entries) // len(annotators))  # fmt: skip
    _lease(conn, done.order_id, annotators, until)

    entries = []
    for n, marked in enumerate(DIALOGUES, 1):
        text, spans = parse(marked)
        entries.append(TextEntry(n, f"对话 {n:03d}", text, spans=spans if n % 3 == 1 else None))
    done = import_texts(conn, office_id, ENTITY_ORDER, TASK_NER, ENTITY_SCHEMA, ENTITY_GUIDELINES, entries,
                        price_cents=15, batch_size=len(entries) // len(annotators))  # fmt: skip
    _lease(conn, done.order_id, annotators, until)

    order_id = import_order(conn, blob_store, office_id, RECEIPT_ORDER, TASK_TRANSCRIPTION, RECEIPT_SCHEMA,
                            RECEIPT_GUIDELINES, _receipts(scratch), price_cents=20,
                            batch_size=RECEIPT_COUNT // len(annotators))  # fmt: skip
    _lease(conn, order_id, annotators, until)


def _receipts(folder: Path) -> list[Path]:
    from sync_server.orders.demo_receipts import draw_receipt, receipt_lines  # Pillow and a CJK font: the demo only

    paths = []
    for n in range(1, RECEIPT_COUNT + 1):
        path = folder / f"小票_{n:02d}.jpg"
        ok, data = cv2.imencode(".jpg", draw_receipt(receipt_lines(n), n), [cv2.IMWRITE_JPEG_QUALITY, 90])
        path.write_bytes(data.tobytes())
        paths.append(path)
    return paths


def _lease(conn: Connection, order_id: int, annotators: list[int], until: datetime) -> None:
    batch_ids = conn.execute(select(batches.c.id).where(batches.c.order_id == order_id).order_by(batches.c.id)).scalars()
    for batch_id, annotator in zip(batch_ids, annotators):
        lease_batch(conn, batch_id, annotator, until)
