"""Text orders for the server tests (a plain module, as ``server_helpers``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import write_transaction
from sync_server.orders.leasing import lease_batch
from sync_server.orders.text_import import import_texts
from sync_server.orders.text_sources import TextEntry

LABELS = ("person", "place", "phone", "product")
COLORS = ("#e6194b", "#3cb44b", "#4363d8", "#f58231")


def schema(labels=LABELS, **options) -> dict:
    return {"version": 1, "labels": [{"name": n, "title": n, "color": c} for n, c in zip(labels, COLORS)], **options}


@dataclass
class TextOrder:
    id: int
    batch: int
    items: list[int]


def text_order(engine, world, task_kind: str, texts: list[str], options: dict | None = None,
               spans: dict[int, list] | None = None, lease_to: int | None = None) -> TextOrder:  # fmt: skip
    """An order of ``texts`` in one batch, leased to ``lease_to`` (default anno1);
    ``spans`` pre-annotates text number n (from 0)."""
    entries = [TextEntry(n + 1, f"t{n}", text, spans=(spans or {}).get(n)) for n, text in enumerate(texts)]
    with write_transaction(engine) as conn:
        done = import_texts(conn, world.office, f"{task_kind} 订单", task_kind, schema(**(options or {})), "",
                            entries, batch_size=len(texts))  # fmt: skip
        batch = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == done.order_id)).scalar_one()
        lease_batch(conn, batch, lease_to or world.anno1, utc_now() + timedelta(days=3))
        ids = conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch).order_by(tables.items.c.id))
        return TextOrder(done.order_id, batch, list(ids.scalars()))


def span(start: int, end: int, label: str = "person") -> dict:
    return {"kind": "span", "label": label, "points": [[start, end]]}


def cls(label: str) -> dict:
    return {"kind": "class", "label": label, "points": []}


def line(text: str, box=None, label: str = "") -> dict:
    return {"kind": "text", "label": label, "points": box or [], "text": text}
