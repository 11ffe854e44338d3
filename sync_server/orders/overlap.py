"""Overlap by copies (ADR 0026): an item that k annotators should do is stored k times.

After an import has made the order's items in their batches (lane 0), ``add_overlap``
stores k − 1 more copies of each chosen item, copy j in the j-th lane of new batches, so
no batch holds two copies of one item. The copies share the blob, name, text and meta,
and ``items.overlap_group`` (the first copy's id) ties them together. Everything the sync
core does per item then works per copy, and each annotator sees an ordinary item: blind
by construction. ``sync_server.orders.leasing`` keeps the k copies with k people.

Which items get copies is chosen by a stable hash of the item's name, so importing the
same order again chooses the same ones.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from sync_server.db.entities import item_from_row, load_batch, load_batch_items, load_order
from sync_server.db.feed import log_changes
from sync_server.db.tables import annotations, batches, items, orders
from sync_server.orders.importing import OrderImportError, insert_batch
from sync_server.protocol import CHANGE_BATCH, CHANGE_ITEM, CHANGE_ORDER, PREANNOTATION_DEVICE, to_wire, uuid7

MAX_OVERLAP = 10  # more annotators than that on one item is a mistake in the order file
_PAGE = 1000  # original items read at a time
# what a copy takes from its original; ids, batch, heads and verdicts are its own
_COPIED = ("order_id", "name", "width", "height", "original_sha256", "display_sha256", "display_size",
           "display_width", "display_height", "text", "meta")  # fmt: skip


@dataclass(frozen=True)
class Overlap:
    copies: int  # annotators per chosen item, 2 or more
    share: float = 1.0  # the share of items chosen, 0 < share ≤ 1


@dataclass(frozen=True)
class OverlapDone:
    groups: int  # items that got copies
    copies: int  # copies made (groups × (k − 1))
    batches: int  # batches made for them


def overlap_from(copies, share=None, iou_threshold=None) -> tuple[Overlap | None, float | None]:
    """The overlap and IoU threshold an order file or the command line asked for, checked;
    ``OrderImportError`` says what is wrong. No ``copies`` (or 1): no overlap."""
    try:
        k = None if copies is None else int(copies)
        p = 1.0 if share is None else float(share)
        iou = None if iou_threshold is None else float(iou_threshold)
    except (TypeError, ValueError):
        raise OrderImportError("overlap must be a whole number, overlap_share and iou_threshold numbers") from None
    if k is not None and not 1 <= k <= MAX_OVERLAP:
        raise OrderImportError(f"overlap must be from 2 to {MAX_OVERLAP} annotators per item (or 1: none), not {k}")
    if not 0 < p <= 1:
        raise OrderImportError(f"overlap_share must be more than 0 and at most 1, not {p:g}")
    if share is not None and (k is None or k == 1):
        raise OrderImportError("overlap_share needs overlap (how many annotators per item), 2 or more")
    if iou is not None and not 0 < iou <= 1:
        raise OrderImportError(f"iou_threshold must be more than 0 and at most 1, not {iou:g}")
    return (Overlap(k, p) if k and k > 1 else None), iou


def chosen_for_overlap(name: str, share: float) -> bool:
    """Whether the item named ``name`` gets copies: a stable hash of the name below ``share``."""
    if share >= 1:
        return True
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") < share * 2**64


def set_iou_threshold(conn: Connection, order_id: int, threshold: float | None) -> None:
    """Set the order's IoU threshold and send the order again to the office's leads: their
    PCs sort the review queue by agreement at this threshold (``Order.iou_threshold``)."""
    conn.execute(orders.update().where(orders.c.id == order_id).values(iou_threshold=threshold))
    order = load_order(conn, order_id)
    office_id = conn.execute(select(orders.c.office_id).where(orders.c.id == order_id)).scalar_one()
    log_changes(conn, office_id, [(CHANGE_ORDER, to_wire(order), None)])


def add_overlap(conn: Connection, office_id: int, order_id: int, overlap: Overlap, batch_size: int) -> OverlapDone:
    """Copy the order's chosen items ``overlap.copies − 1`` times into new batches of
    ``batch_size``, one lane of batches per copy; runs in the caller's (import's)
    transaction, after the items were made. Memory: one page of items and one pending
    batch per lane, whatever the order's size."""
    conn.execute(orders.update().where(orders.c.id == order_id)
                 .values(overlap=overlap.copies, overlap_share=overlap.share))  # fmt: skip
    number = conn.execute(select(func.count()).select_from(batches).where(batches.c.order_id == order_id)).scalar_one()
    top = conn.execute(select(func.max(items.c.id)).where(items.c.order_id == order_id)).scalar()
    writer = _LaneWriter(conn, office_id, order_id, batch_size, number, overlap.copies - 1)
    groups, last = 0, 0
    while top is not None:
        page = conn.execute(
            select(items.c.id, *(items.c[name] for name in _COPIED))
            .where(items.c.order_id == order_id, items.c.id > last, items.c.id <= top)
            .order_by(items.c.id)
            .limit(_PAGE)
        ).mappings().all()
        if not page:
            break
        last = page[-1]["id"]
        chosen = [row for row in page if chosen_for_overlap(row["name"], overlap.share)]
        if chosen:
            chosen_ids = [r["id"] for r in chosen]
            conn.execute(items.update().where(items.c.id.in_(chosen_ids)).values(overlap_group=items.c.id))
            # the import logged these first copies before they had a group: a lead's PC
            # learns it from their rows again, or could not put the copies side by side
            firsts = conn.execute(select(items).where(items.c.id.in_(chosen_ids)).order_by(items.c.id)).mappings()
            log_changes(conn, office_id, [(CHANGE_ITEM, to_wire(item_from_row(row)), None) for row in firsts])
        for row in chosen:
            writer.add(row)
        groups += len(chosen)
    writer.flush_all()
    return OverlapDone(groups, groups * (overlap.copies - 1), writer.made)


class _LaneWriter:
    """Copies waiting for their batch, one list per lane; a full list becomes a batch."""

    def __init__(self, conn: Connection, office_id: int, order_id: int, batch_size: int, number: int, lanes: int) -> None:
        self.conn, self.office_id, self.order_id, self.batch_size = conn, office_id, order_id, batch_size
        self.number, self.made = number, 0
        self.lanes: list[list[dict]] = [[] for _ in range(lanes)]

    def add(self, original: dict) -> None:
        for lane in self.lanes:
            lane.append(original)
            if len(lane) >= self.batch_size:
                self._flush(lane)

    def flush_all(self) -> None:
        for lane in self.lanes:
            self._flush(lane)

    def _flush(self, lane: list[dict]) -> None:
        if not lane:
            return
        conn = self.conn
        self.number += 1
        self.made += 1
        batch_id = insert_batch(conn, self.order_id, self.number)
        rows = [{**{name: row[name] for name in _COPIED}, "batch_id": batch_id, "overlap_group": row["id"]} for row in lane]
        copy_ids = conn.execute(items.insert().returning(items.c.id, sort_by_parameter_order=True), rows).scalars().all()
        _copy_preannotations(conn, {row["id"]: copy_id for row, copy_id in zip(lane, copy_ids)}, batch_id)
        changes = [(CHANGE_BATCH, to_wire(load_batch(conn, batch_id)), None)]
        changes.extend((CHANGE_ITEM, to_wire(item), None) for item in load_batch_items(conn, batch_id))
        log_changes(conn, self.office_id, changes)
        lane.clear()


def _copy_preannotations(conn: Connection, copy_of: dict[int, int], batch_id: int) -> None:
    """The import's suggestions (``sync_server.orders.preannotations``) go with every copy:
    they are the machine's, not another annotator's, so blindness keeps them."""
    found = conn.execute(
        select(annotations).where(annotations.c.item_id.in_(list(copy_of)), annotations.c.device_id == PREANNOTATION_DEVICE)
    ).mappings().all()
    if found:
        rows = [{**row, "id": uuid7(), "item_id": copy_of[row["item_id"]], "batch_id": batch_id} for row in found]
        conn.execute(annotations.insert(), rows)
