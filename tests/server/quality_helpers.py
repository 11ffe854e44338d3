"""Helpers for the quality tests (ADR 0026): an overlap order in the template's office,
its batches leased lane by lane, and answers pushed as each annotator."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.orders.overlap import Overlap, add_overlap, set_iou_threshold

from server_helpers import PASSWORD, SCHEMA, push, write_images


@dataclass
class OverlapOrder:
    order: int
    lanes: list[list[int]]  # batch ids per lane, lane 0 the originals
    groups: dict[int, list[int]]  # group id → copy ids, first copy first


def make_overlap_order(engine, data_dir: Path, office: int, task_kind: str = "bbox", images: int = 4, copies: int = 3,
                       share: float = 1.0, batch_size: int = 2, iou: float | None = None) -> OverlapOrder:  # fmt: skip
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(data_dir / "blobs"), office, f"重叠 {task_kind}", task_kind, SCHEMA, "",
                             write_images(data_dir.parent / f"ov-{task_kind}", images, seed=5), 10, batch_size)  # fmt: skip
        lane0 = list(conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == order)).scalars())
        add_overlap(conn, office, order, Overlap(copies, share), batch_size)
        if iou is not None:
            set_iou_threshold(conn, order, iou)
    return describe(engine, order, len(lane0), copies)


def describe(engine, order: int, lane0_batches: int, copies: int) -> OverlapOrder:
    """The order's lanes (a batch's lane: the place of its copies in their groups) and groups."""
    with read_connection(engine) as conn:
        rows = conn.execute(select(tables.items.c.id, tables.items.c.overlap_group, tables.items.c.batch_id)
                            .where(tables.items.c.order_id == order).order_by(tables.items.c.id)).all()  # fmt: skip
    groups: dict[int, list[int]] = {}
    for item_id, group, _batch in rows:
        if group is not None:
            groups.setdefault(group, []).append(item_id)
    lanes: list[list[int]] = [[] for _ in range(copies)]
    for item_id, group, batch in rows:
        lane = groups[group].index(item_id) if group is not None else 0
        if batch not in lanes[lane]:
            lanes[lane].append(batch)
    return OverlapOrder(order, [sorted(lane) for lane in lanes], groups)


def add_annotator(engine, office: int, username: str) -> tuple[int, str]:
    with write_transaction(engine) as conn:
        user = create_user(conn, office, username, username, "annotator", PASSWORD)
        return user, issue_token(conn, user)


def lease_lanes(engine, order: OverlapOrder, annotators: list[int]) -> None:
    """Lane j's batches to annotator j."""
    until = utc_now() + timedelta(days=3)
    with write_transaction(engine) as conn:
        for lane, annotator in zip(order.lanes, annotators):
            for batch in lane:
                lease_batch(conn, batch, annotator, until)


def answer(client, token: str, item_id: int, shapes: list[dict]) -> None:
    reply = push(client, token, {**_record(item_id), "shapes": shapes})
    assert reply.status_code == 200, reply.text
    assert reply.json()["results"][0]["status"] == "accepted", reply.text


def _record(item_id: int) -> dict:
    from server_helpers import record

    return record(item_id)


def item_batch(engine, item_id: int) -> int:
    with read_connection(engine) as conn:
        return conn.execute(select(tables.items.c.batch_id).where(tables.items.c.id == item_id)).scalar()
