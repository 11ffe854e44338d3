"""Which of an order's items an export takes, and why it leaves the others out.

design.md: nothing is dropped from an export without saying so. An item's head
revision (the latest stored without a conflict) is what gets exported; a head
with no shapes is an item marked "no objects", which is a result, unlike an item
nobody annotated yet. Open conflicts (conflict and not resolved) wait for a lead:
an item that has a head is exported with it and flagged; an item whose only work
is conflicted is left out, since picking one of the competing revisions is the
lead's decision, not the export's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, case, func, select

from sync_server.db.tables import annotations, items, users

DONE = "done"  # exported with its shapes
EMPTY = "empty"  # exported as an image marked "no objects"
UNFINISHED = "unfinished"  # left out: nobody annotated it yet
ONLY_CONFLICTED = "only_conflicted"  # left out: its only work waits for a lead
NOT_ACCEPTED = "not_accepted"  # left out by --accepted-only: no lead accepted its current revision

REASONS = {
    UNFINISHED: "not annotated yet",
    ONLY_CONFLICTED: "only conflicted work: resolve it with aidou-server conflicts",
    NOT_ACCEPTED: "not accepted by a lead yet (its current revision is unreviewed or was sent back)",
}
CONFLICTED_NOTE = "exported its head revision; open conflicts wait: resolve them with aidou-server conflicts"


@dataclass(frozen=True)
class ExportItem:
    id: int
    name: str
    width: int
    height: int
    original_sha256: str | None  # None: a text item
    shapes: list[dict[str, Any]] | None  # the head's; None without a head
    open_conflicts: int
    annotator: str | None = None  # who made the head revision
    reviewer: str | None = None  # who accepted it (None: not accepted)
    accepted_only: bool = False  # the export takes only accepted items
    text: str | None = None  # a text item's text
    meta: dict[str, Any] | None = None  # what the imported file said of it besides
    received_at: datetime | None = None  # when the server stored the head
    ocr_cer: float | None = None  # the head's: transcription only
    verdict: str | None = None  # the lead's verdict on the current head ("accept", "reject")
    overlap_copies: int = 0  # an overlap item (ADR 0026): how many copies it has; this one stands for all

    @property
    def outcome(self) -> str:
        if self.shapes is None:
            return ONLY_CONFLICTED if self.open_conflicts else UNFINISHED
        if self.accepted_only and self.reviewer is None:
            return NOT_ACCEPTED
        return DONE if self.shapes else EMPTY

    @property
    def exported(self) -> bool:
        return self.outcome in (DONE, EMPTY)


# rows fetched from the database at a time: one query, read through a server-side
# cursor where the driver has one (PostgreSQL); SQLite's cursor steps lazily anyway
PAGE_ROWS = 1000


# overlap (ADR 0026): the copies of one item are exported once, as the copy a lead accepted
# (the first such), else the first with a head, else the first copy (left out, unfinished)
ONE_PER_GROUP = items.c.overlap_group.is_(None) | (items.c.id == items.c.overlap_group)


def _standing_copy():
    """The id of the copy that stands for ``items``' overlap group (correlated: one index probe)."""
    copy = items.alias("copy")
    accepted = (copy.c.review_verdict == "accept") & (copy.c.review_annotation_id == copy.c.head_annotation_id)

    def first(condition):
        return select(func.min(copy.c.id)).where(copy.c.overlap_group == items.c.overlap_group, condition).correlate(items).scalar_subquery()

    return func.coalesce(first(accepted), first(copy.c.head_annotation_id.is_not(None)), items.c.overlap_group)


def _copies():
    copy = items.alias("copies")
    return select(func.count()).where(copy.c.overlap_group == items.c.overlap_group).correlate(items).scalar_subquery()


def count_order_items(conn: Connection, order_id: int) -> int:
    """The items an export goes through: an overlap item's copies count once."""
    query = select(func.count()).select_from(items).where(items.c.order_id == order_id, ONE_PER_GROUP)
    return conn.execute(query).scalar_one()


def order_items(conn: Connection, order_id: int, accepted_only: bool = False) -> Iterator[ExportItem]:
    """The order's items in id order, each with its head's shapes, open conflicts, who
    made the head and who accepted it (a verdict counts only on the current head); an
    overlap item once, as the copy that stands for its group (``_standing_copy``).

    Streamed: ``PAGE_ROWS`` rows are held at a time, whatever the order's size."""
    head = annotations.alias("head")
    waiting = annotations.alias("waiting")
    author = users.alias("author")
    reviewer = users.alias("reviewer")
    on_head = items.c.review_annotation_id == items.c.head_annotation_id
    accepted = (items.c.review_verdict == "accept") & on_head
    open_conflicts = (
        select(func.count())
        .where(waiting.c.item_id == items.c.id, waiting.c.conflict.is_(True), waiting.c.resolved_at.is_(None))
        .correlate(items)
        .scalar_subquery()
    )
    rows = conn.execute(
        select(
            items.c.id,
            items.c.name,
            items.c.width,
            items.c.height,
            items.c.original_sha256,
            head.c.shapes,
            open_conflicts.label("open_conflicts"),
            author.c.username.label("annotator"),
            reviewer.c.username.label("reviewer"),
            items.c.text,
            items.c.meta,
            head.c.received_at,
            head.c.ocr_cer,
            case((on_head, items.c.review_verdict)).label("verdict"),
            case((items.c.overlap_group.is_not(None), _copies()), else_=0).label("overlap_copies"),
        )
        .outerjoin(head, head.c.id == items.c.head_annotation_id)
        .outerjoin(author, author.c.id == items.c.head_annotator_id)
        .outerjoin(reviewer, (reviewer.c.id == items.c.reviewer_id) & accepted)
        .where(items.c.order_id == order_id, items.c.overlap_group.is_(None) | (items.c.id == _standing_copy()))
        .order_by(items.c.id)
        .execution_options(stream_results=True, yield_per=PAGE_ROWS)
    )
    try:
        for row in rows:
            yield ExportItem(**row._mapping, accepted_only=accepted_only)  # columns named as the fields
    finally:
        rows.close()  # an export stopped halfway (ExportError) lets go of its cursor at once
