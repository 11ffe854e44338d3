"""What the quality figures read (ADR 0026): the head revision of every overlap copy, gold
answers and the heads of gold items, and an annotator's recent work. The figures
themselves are computed in ``sync_server.quality`` (no SQL there).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from sync_server.db.clock import utc_now
from sync_server.db.tables import annotations, course_items, gold_answers, items, orders
from sync_server.protocol import Shape
from sync_server.quality.agreement import Copy, Group
from sync_server.quality.gold import GoldAnswer, KindAnswer

PAGE_ROWS = 1000  # rows fetched at a time: the order may hold 100,000 groups


@dataclass(frozen=True)
class OrderQuality:
    task_kind: str
    overlap: int | None
    overlap_share: float | None
    iou_threshold: float | None


def order_quality(conn: Connection, order_id: int) -> OrderQuality:
    row = conn.execute(
        select(orders.c.task_kind, orders.c.overlap, orders.c.overlap_share, orders.c.iou_threshold).where(orders.c.id == order_id)
    ).one()
    return OrderQuality(*row)


def _shapes(data: list[dict[str, Any]]) -> list[Shape]:
    return [Shape(**shape) for shape in data]


def overlap_groups(conn: Connection, order_id: int) -> Iterator[Group]:
    """The order's overlap groups, by group id, each with every copy's head revision.
    Streamed: ``PAGE_ROWS`` rows at a time."""
    head = annotations.alias("head")
    rows = conn.execute(
        select(items.c.overlap_group, items.c.id, items.c.name, items.c.head_annotator_id, head.c.shapes)
        .outerjoin(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, items.c.overlap_group.is_not(None))
        .order_by(items.c.overlap_group, items.c.id)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        group_id, name, copies = None, "", []
        for group, item_id, item_name, annotator_id, shapes in rows:
            if group != group_id:
                if copies:
                    yield Group(group_id, name, copies)
                group_id, name, copies = group, item_name, []
            copies.append(Copy(item_id, annotator_id if shapes is not None else None,
                               _shapes(shapes) if shapes is not None else None))  # fmt: skip
        if copies:
            yield Group(group_id, name, copies)
    finally:
        rows.close()


def store_gold_answers(conn: Connection, found: Iterable[tuple[int, list[dict[str, Any]]]]) -> int:
    """Store ``(item id, shapes in the wire form)``; returns how many. In the caller's transaction."""
    now = utc_now()
    rows = [{"item_id": item_id, "shapes": shapes, "created_at": now} for item_id, shapes in found]
    if rows:
        conn.execute(gold_answers.insert(), rows)
    return len(rows)


def _testing():
    """Gold items that still test: one a training course teaches had its answer shown to
    trainees (ADR 0027), so it scores nobody."""
    return items.c.id.not_in(select(course_items.c.item_id))


def count_gold(conn: Connection, order_id: int) -> int:
    return conn.execute(
        select(func.count()).select_from(gold_answers.join(items, items.c.id == gold_answers.c.item_id))
        .where(items.c.order_id == order_id, _testing())
    ).scalar_one()


def answered_gold(conn: Connection, order_id: int) -> Iterator[GoldAnswer]:
    """Every gold item of the order that has a head revision: who made it, what they
    answered and the known answer. Streamed."""
    head = annotations.alias("head")
    rows = conn.execute(
        select(items.c.id, items.c.name, items.c.head_annotator_id, head.c.shapes, gold_answers.c.shapes)
        .join(gold_answers, gold_answers.c.item_id == items.c.id)
        .join(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, _testing())
        .order_by(items.c.id)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        for item_id, name, annotator_id, answer, gold in rows:
            yield GoldAnswer(item_id, name, annotator_id, _shapes(answer), _shapes(gold))
    finally:
        rows.close()


def office_gold_answers(conn: Connection, office_id: int, since: datetime | None = None) -> Iterator[KindAnswer]:
    """Every gold item of the office's orders that has a head revision (received from
    ``since`` on, if given), with its order's task kind and IoU threshold. Streamed."""
    head = annotations.alias("head")
    query = (
        select(orders.c.task_kind, orders.c.iou_threshold, items.c.id, items.c.name, items.c.head_annotator_id,
               head.c.shapes, gold_answers.c.shapes)
        .join(orders, orders.c.id == items.c.order_id)
        .join(gold_answers, gold_answers.c.item_id == items.c.id)
        .join(head, head.c.id == items.c.head_annotation_id)
        .where(orders.c.office_id == office_id, _testing())
        .order_by(items.c.id)
    )  # fmt: skip
    if since is not None:
        query = query.where(head.c.received_at >= since)
    rows = conn.execute(query.execution_options(stream_results=True, yield_per=PAGE_ROWS))
    try:
        for kind, threshold, item_id, name, annotator_id, answer, gold in rows:
            yield KindAnswer(kind, threshold, GoldAnswer(item_id, name, annotator_id, _shapes(answer), _shapes(gold)))
    finally:
        rows.close()


def gold_items_by_kind(conn: Connection, office_id: int) -> dict[str, int]:
    """Task kind → the office's gold items of that kind that still test."""
    rows = conn.execute(
        select(orders.c.task_kind, func.count())
        .select_from(gold_answers.join(items, items.c.id == gold_answers.c.item_id).join(orders, orders.c.id == items.c.order_id))
        .where(orders.c.office_id == office_id, _testing())
        .group_by(orders.c.task_kind)
    )
    return {kind: count for kind, count in rows}


def recent_work(conn: Connection, order_id: int, since: datetime) -> dict[int, int]:
    """Per annotator, the order's items whose head they made and the server received since ``since``."""
    head = annotations.alias("head")
    rows = conn.execute(
        select(items.c.head_annotator_id, func.count())
        .join(head, head.c.id == items.c.head_annotation_id)
        .where(items.c.order_id == order_id, head.c.received_at >= since)
        .group_by(items.c.head_annotator_id)
    )
    return {annotator_id: count for annotator_id, count in rows}


def items_named(conn: Connection, order_id: int, names: Iterable[str]) -> dict[str, list[tuple[int, int, int, int]]]:
    """The order's items with these names: (id, width, height, text length) of every copy.
    For a gold file: looked up a few hundred names at a time."""
    wanted = sorted(set(names))
    found: dict[str, list[tuple[int, int, int, int]]] = {}
    for start in range(0, len(wanted), 500):
        rows = conn.execute(
            select(items.c.name, items.c.id, items.c.width, items.c.height, func.coalesce(func.length(items.c.text), 0))
            .where(items.c.order_id == order_id, items.c.name.in_(wanted[start : start + 500]))
            .order_by(items.c.id)
        )
        for name, item_id, width, height, length in rows:
            found.setdefault(name, []).append((item_id, width, height, length))
    return found
