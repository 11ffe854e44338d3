"""The review loop's domain types: a lead's verdict and a review queue entry. No Qt, no SQL."""

from __future__ import annotations

from dataclasses import dataclass

from sync_server.protocol import MAX_REVIEW_COMMENT, VERDICT_REJECT, VERDICTS

# What a lead's queue shows for an item (the reviewer's status, apart from the annotator's)
SUBMITTED = "submitted"  # done by the annotator, no verdict on this revision yet
ACCEPTED = "accepted"
REJECTED = "rejected"  # sent back; the annotator's fix makes it submitted again
CONFLICT = "conflict"  # open conflict: two revisions wait for a person to choose
# a filter, not a status: items whose current revision the annotator flagged for the lead,
# whatever their review status
FLAGGED = "flagged"
QUEUE_FILTERS = (SUBMITTED, REJECTED, CONFLICT, FLAGGED, ACCEPTED)


@dataclass
class Review:
    """A verdict on one revision. ``state``: queued / sending / synced / rejected (ours),
    synced (from the feed)."""

    id: str
    annotation_id: str
    item_id: int
    verdict: str
    comment: str | None
    reviewer_id: int | None
    state: str
    reason: str | None = None


@dataclass
class QueueEntry:
    """One item in a lead's review queue: the revision to judge and where it stands."""

    item_id: int
    item_name: str
    batch_id: int | None
    order_id: int
    annotation_id: str  # the item's current revision (what a verdict judges)
    annotator_id: int | None
    status: str  # SUBMITTED / ACCEPTED / REJECTED / CONFLICT
    comment: str | None = None  # the latest verdict's comment
    flag: str | None = None  # the annotator's note for the lead on this revision


def review_problem(verdict: str, comment: str | None) -> str | None:
    """Why this verdict cannot be saved, or None."""
    if verdict not in VERDICTS:
        return f"unknown verdict {verdict!r}"
    if comment is not None and len(comment) > MAX_REVIEW_COMMENT:
        return f"the comment is longer than {MAX_REVIEW_COMMENT} characters"
    if verdict == VERDICT_REJECT and not (comment or "").strip():
        return "a rejection needs a comment"
    return None


@dataclass
class Earnings:
    """What an annotator sees first on the home screen, worked out offline from this PC's
    data and corrected by each sync (the verdicts arrive through the feed)."""

    done_today: int
    done_week: int
    accepted: int  # items whose current revision a lead accepted
    judged: int  # ... accepted or sent back: the accept rate is accepted / judged
    month_cents: int  # accepted this month × each order's price per item


@dataclass
class Candidate:
    """One of the revisions competing on an item with an open conflict, for a side-by-side choice."""

    annotation_id: str
    annotator_id: int | None
    device_id: str | None
    shapes: list  # list[Shape]
    is_head: bool  # the server's current head; the others wait as conflicts
