"""Domain types the app works with beyond the wire types in ``sync_server.protocol``.

The wire types (Order, Batch, Item, Shape, LabelSchema) are the domain's own
types too: one definition, shared with the server.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sync_server.protocol import PREANNOTATION_DEVICE, SHAPE_POLYGON, Shape, check_shape

# Where a local annotation revision stands with the server.
QUEUED = "queued"  # saved locally, never sent: may still be edited in place
SENDING = "sending"  # sent, no answer stored yet: an edit makes a new revision
SYNCED = "synced"  # the server answered accepted / duplicate
CONFLICTED = "conflict"  # kept by the server, flagged for the lead
REJECTED = "rejected"  # the server refused it: reason shown to the annotator to fix


@dataclass
class Annotation:
    """The current local revision of one item's annotation."""

    id: str
    item_id: int
    batch_id: int | None
    base_id: str | None
    shapes: list[Shape] = field(default_factory=list)
    time_spent_ms: int = 0
    state: str = QUEUED
    reason: str | None = None  # the server's English, for the log; never shown
    # why the server refused it (REJECT_*) or kept it as a conflict (CONFLICT_*), and a
    # rejection's params: what the screen words in Chinese; None from a server too old to say
    reason_code: str | None = None
    reason_params: dict[str, str | int] | None = None
    flag: str | None = None  # the annotator's note for the lead ("not sure", …); None = not flagged
    device_id: str | None = None  # who made it: PREANNOTATION_DEVICE for a suggestion imported with the order

    @property
    def is_suggestion(self) -> bool:
        """A pre-annotation imported with the order: shown to check, nobody's work yet."""
        return self.device_id == PREANNOTATION_DEVICE


@dataclass
class BatchSummary:
    id: int
    order_id: int
    order_name: str
    name: str
    total: int  # items in the batch
    done: int  # items with at least one saved shape or an explicit "empty" save
    downloaded: int  # items whose data and image are complete locally
    lease_until: str | None


@dataclass
class SyncState:
    online: bool
    last_sync: str | None  # ISO time of the last successful sync
    waiting: int  # annotation revisions waiting to upload
    rejected: int = 0


# Outcomes of one sync run (``SyncRun.outcome``); aidou-sync's exit codes map onto them.
RUN_OK = "ok"  # everything pushed and pulled
RUN_OFFLINE = "offline"  # the server could not be reached; nothing lost
RUN_AUTH = "auth"  # not logged in / token refused
RUN_ATTENTION = "attention"  # done, but records are rejected or in conflict
RUN_ERROR = "error"  # a local error (see the log)
RUN_DISK_FULL = "disk_full"  # the disk filled up; saved work is intact
RUN_BUSY = "busy"  # another sync held the lock; this run did nothing
RUN_UPDATE = "update"  # the server needs a newer app


@dataclass
class SyncRun:
    """One sync run as recorded by ``aidou-sync run`` (or the app): what the app shows as
    "last scheduled sync". ``finished_at`` None: still running, or killed mid-run."""

    id: int
    source: str  # "cli" or "app"
    started_at: str  # ISO 8601 UTC, this PC's clock
    finished_at: str | None
    outcome: str | None  # RUN_*
    exit_code: int | None
    pushed: int = 0
    pulled: int = 0
    waiting: int = 0  # revisions still in the outbox afterwards
    message: str | None = None


@dataclass
class QuarantinedChange:
    """A change from the server's feed this app could not apply (kept to retry, ADR 9)."""

    seq: int
    kind: str
    entity_id: str | None
    reason: str
    attempts: int
    first_seen: str


def box_shape(label: str, x1: float, y1: float, x2: float, y2: float) -> Shape:
    """A box from any two corners, normalised to top-left / bottom-right."""
    left, right = sorted((float(x1), float(x2)))
    top, bottom = sorted((float(y1), float(y2)))
    return Shape("box", label, [[left, top], [right, bottom]])


def shape_rect(shape: Shape) -> tuple[float, float, float, float]:
    """(x, y, w, h) of a box."""
    (x1, y1), (x2, y2) = shape.points
    return x1, y1, x2 - x1, y2 - y1


def clamp_box(shape: Shape, width: int, height: int) -> Shape:
    """The box cut to the image: a drag past the edge stops at the edge."""
    (x1, y1), (x2, y2) = shape.points
    x1, x2 = (min(max(v, 0.0), float(width)) for v in (x1, x2))
    y1, y2 = (min(max(v, 0.0), float(height)) for v in (y1, y2))
    return box_shape(shape.label, x1, y1, x2, y2)


def clamp_shape(shape: Shape, width: int, height: int) -> Shape:
    """A box or polygon cut to the image: a drag past the edge stops at the edge."""
    if shape.kind != SHAPE_POLYGON:
        return clamp_box(shape, width, height)
    points = [[min(max(float(x), 0.0), float(width)), min(max(float(y), 0.0), float(height))] for x, y in shape.points]
    return Shape(SHAPE_POLYGON, shape.label, points)


def shape_bounds(shape: Shape) -> tuple[float, float, float, float]:
    """(x, y, w, h) of a box, or of the rectangle around a polygon."""
    xs = [float(p[0]) for p in shape.points]
    ys = [float(p[1]) for p in shape.points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def validate_shapes(shapes: list[Shape], width: int, height: int, labels: list[str]) -> list[str]:
    """Human-readable problems with these shapes; empty when all are valid."""
    problems = []
    for i, shape in enumerate(shapes):
        reason = check_shape(shape, width, height, labels)
        if reason:
            problems.append(f"shape {i + 1}: {reason}")
    return problems
