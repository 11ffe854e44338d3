"""Overlap copies on a lead's PC (ADR 0026): which items are copies of one item, how far
their answers agree, and the other copies' answers to set beside the one in hand.

The SQL reads each copy's current answer; the figures are the server's own measure
(``sync_server.quality.metrics.item_agreement``, reused, not rewritten), so the lead's
queue and the 质量 tab agree (boxes and polygons at the order's IoU threshold). The queue's order
by disagreement is plain Python over the store's answers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from aidou_desktop.model.review import QueueEntry
from aidou_desktop.store.db import rows
from aidou_desktop.store.rows import stored_shapes
from sync_server.protocol import PREANNOTATION_DEVICE, Shape
from sync_server.quality.metrics import DEFAULT_IOU, item_agreement

# boxes and polygons match at the order's own IoU threshold (``Order.iou_threshold``, kept
# in the order's JSON), as the server's agreement does; an order without one, or stored
# by a PC before orders carried it, at the server's default
IOU_THRESHOLD = DEFAULT_IOU


@dataclass(frozen=True)
class GroupAgreement:
    """How far the copies of one item agree, as the queue row of each copy shows it."""

    group_id: int  # the first copy's id
    agreement: float | None  # 0 … 1, the mean over pairs of answers; None with fewer than two answers
    answered: int  # copies with an answer
    copies: int  # copies on this PC


@dataclass(frozen=True)
class CopyAnswer:
    """One copy of an item and its current answer."""

    item_id: int
    annotator_id: int | None  # who made the answer; None: nobody answered this copy yet
    shapes: list[Shape] | None  # None: not answered yet (an import's suggestion is no answer)
    holder_id: int | None = None  # who holds the copy's batch (the answer may be a lead's correction)


def join_group(conn: sqlite3.Connection, item_id: int, group: int | None) -> None:
    """Complete the groups after an item row was stored. The first copy's own id is its
    group's, and the server may have sent that copy before the group was made (an import
    writes its items, then copies them): a copy naming the group marks the first copy, and
    a first copy arriving after its copies finds them."""
    if group is not None:
        if group != item_id:
            conn.execute("UPDATE items SET overlap_group = ? WHERE id = ? AND overlap_group IS NULL", (group, group))
        return
    conn.execute(
        "UPDATE items SET overlap_group = id WHERE id = ? AND overlap_group IS NULL"
        " AND EXISTS (SELECT 1 FROM items c WHERE c.overlap_group = ? AND c.id != ?)",
        (item_id, item_id, item_id),
    )


# Every copy of the groups asked for, with its current answer: the newest revision stored
# normally, as the review queue picks it (ours unsent first, then the feed's order), never
# an import's suggestion (the machine's, not an annotator's: the server leaves those out too)
_GROUP_COPIES = """
WITH wanted AS (
    SELECT DISTINCT overlap_group AS group_id FROM items
    WHERE id IN (SELECT value FROM json_each(:item_ids)) AND overlap_group IS NOT NULL
), copies AS (
    SELECT i.id AS item_id, i.overlap_group AS group_id, o.task_kind,
        json_extract(o.data, '$.iou_threshold') AS iou_threshold, b.annotator_id AS holder_id,
        (SELECT a.id FROM annotations a
         WHERE a.item_id = i.id AND a.server_status IS NULL AND a.state NOT IN ('rejected', 'conflict')
           AND a.device_id IS NOT :suggestion
         ORDER BY (a.feed_seq IS NULL) DESC, a.feed_seq DESC, a.rev DESC LIMIT 1) AS answer_id
    FROM items i JOIN wanted w ON w.group_id = i.overlap_group JOIN orders o ON o.id = i.order_id
        LEFT JOIN batches b ON b.id = i.batch_id
)
SELECT c.item_id, c.group_id, c.task_kind, c.iou_threshold, c.holder_id, h.annotator_id, h.shapes
FROM copies c LEFT JOIN annotations h ON h.id = c.answer_id
ORDER BY c.group_id, c.item_id
"""


def group_copies(conn: sqlite3.Connection, item_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Every copy of every group one of ``item_ids`` belongs to, with its answer, by group then id."""
    return rows(conn, _GROUP_COPIES, {"item_ids": json.dumps(list(item_ids)), "suggestion": PREANNOTATION_DEVICE})


def copy_answers(found: Sequence[dict[str, Any]]) -> list[CopyAnswer]:
    answers = []
    for r in found:
        answered = r["shapes"] is not None
        answers.append(CopyAnswer(r["item_id"], r["annotator_id"] if answered else None,
                                  stored_shapes(r["shapes"]) if answered else None, r["holder_id"]))  # fmt: skip
    return answers


def agreements(found: Sequence[dict[str, Any]]) -> dict[int, GroupAgreement]:
    """{item id: its group's agreement} for every copy in ``found`` (``group_copies``' rows)
    of a group with two copies or more on this PC."""
    by_group: dict[int, list[dict[str, Any]]] = {}
    for row in found:
        by_group.setdefault(row["group_id"], []).append(row)
    out: dict[int, GroupAgreement] = {}
    for group_id, members in by_group.items():
        if len(members) < 2:
            continue  # the other copies are not on this PC (yet): nothing to set beside it
        answered = tuple(row["shapes"] for row in members if row["shapes"] is not None)
        first = members[0]
        figure = _figure(first["task_kind"], first["iou_threshold"], answered) if len(answered) >= 2 else None
        agreement = GroupAgreement(group_id, figure, len(answered), len(members))
        out.update((row["item_id"], agreement) for row in members)
    return out


# figures already worked out, by task kind, threshold and the answers' stored text: the
# queue is read again after every sync and filter change, and matching the marks of
# thousands of copies again was most of that (an answer's text is its content, so a
# changed answer misses)
_FIGURES: dict[tuple[str, float, tuple[str, ...]], float] = {}
_MAX_FIGURES = 20_000


def _figure(task_kind: str, iou_threshold: float | None, answered: tuple[str, ...]) -> float:
    threshold = IOU_THRESHOLD if iou_threshold is None else float(iou_threshold)
    key = (task_kind, threshold, answered)
    figure = _FIGURES.get(key)
    if figure is None:
        if len(_FIGURES) >= _MAX_FIGURES:
            _FIGURES.clear()
        figure = _FIGURES[key] = item_agreement(task_kind, [stored_shapes(text) for text in answered], threshold)
    return figure


def disagreement_first(entries: Sequence[QueueEntry], found: dict[int, GroupAgreement]) -> list[QueueEntry]:
    """The queue with the copies of each item together, the group whose answers agree least
    first; groups not yet comparable (fewer than two answers) after those, then the items
    without copies, each part in the queue's own order."""
    grouped: dict[int, list[QueueEntry]] = {}
    alone: list[QueueEntry] = []
    for entry in entries:
        agreement = found.get(entry.item_id)
        if agreement is None:
            alone.append(entry)
        else:
            grouped.setdefault(agreement.group_id, []).append(entry)

    def rank(group_id: int) -> tuple[bool, float, int]:
        figure = found[grouped[group_id][0].item_id].agreement
        return figure is None, figure if figure is not None else 0.0, group_id

    return [entry for group_id in sorted(grouped, key=rank) for entry in grouped[group_id]] + alone
