"""The protocol's constants and core wire types: login, orders, batches, items, annotations,
reviews, push and the change feed. Standard library only."""


from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

PROTOCOL_VERSION = 1
API_PREFIX = "/api/v1"
# Header every client sends; the server answers 426 "please update" when it is too old.
VERSION_HEADER = "X-Aidou-Protocol"

# Push results, one per record.
ACCEPTED = "accepted"  # stored now
DUPLICATE = "duplicate"  # already stored earlier: same effect as accepted
CONFLICT = "conflict"  # someone else's revision is newer: both kept, the lead decides
REJECTED = "rejected"  # failed validation: ``reason`` says why; client keeps it to fix
PUSH_STATUSES = (ACCEPTED, DUPLICATE, CONFLICT, REJECTED)

# Why a revision was kept as a conflict (``PushResult.code``): clients map these to their own words.
CONFLICT_NOT_HEAD = "not_head"  # its base is not the item's head revision (whoever wrote either)
CONFLICT_LEASE_MOVED = "lease_moved"  # the batch went to another annotator
CONFLICT_LATE = "late"  # arrived after the lease ran out and its grace period passed (ADR 0016)
CONFLICT_SCHEMA = "schema"  # made against an older label schema with a label the order dropped

# Why a record was rejected (``PushResult.code``, with ``PushResult.params``): clients word
# these themselves; ``reason`` is the same in English, for logs and older clients. Params
# (str or int values) name what is wrong: "shape" (1-based) for a shape's problem, and per
# code the values below.
REJECT_BAD_ID = "bad_id"  # the id is not a UUID
REJECT_BAD_BASE_ID = "bad_base_id"  # the base_id is not a UUID
REJECT_ID_REUSED = "id_reused"  # this id is stored with other content
REJECT_TOO_MANY_SHAPES = "too_many_shapes"  # count, max
REJECT_OUT_OF_RANGE = "out_of_range"  # field: a number out of range (time_spent_ms, schema_version, ocr_cer)
REJECT_TOO_LONG = "too_long"  # field, max (characters): client_time, device_id, flag, comment
REJECT_UNKNOWN_ITEM = "unknown_item"  # item (when it is a number)
REJECT_NOT_IN_BATCH = "not_in_batch"  # item, batch: the record names another batch than the item's
REJECT_NOT_LEASED = "not_leased"  # item: an annotator's record for an item in no batch
REJECT_LEASED_TO_OTHER = "leased_to_other"  # batch: never leased to this annotator
REJECT_UNKNOWN_SCHEMA = "unknown_schema"  # version, order, current: a schema version the server never had
REJECT_WRONG_SHAPE_KIND = "wrong_shape_kind"  # shape, kind, task: a kind this order's task does not take
REJECT_UNKNOWN_SHAPE_KIND = "unknown_shape_kind"  # kind
REJECT_UNKNOWN_LABEL = "unknown_label"  # label
REJECT_BOX_INVALID = "box_invalid"  # not two [x, y] pairs of finite numbers within ±2^53
REJECT_BOX_EMPTY = "box_empty"  # zero or negative width or height
REJECT_BOX_OUTSIDE = "box_outside"  # width, height: of the image
REJECT_POLYGON_INVALID = "polygon_invalid"  # vertex (1-based, when one is to blame): not a list of [x, y] numbers
REJECT_POLYGON_TOO_FEW_POINTS = "polygon_too_few_points"  # count
REJECT_POLYGON_TOO_MANY_POINTS = "polygon_too_many_points"  # count, max
REJECT_POLYGON_OUTSIDE = "polygon_outside"  # vertex, width, height
REJECT_POLYGON_DUPLICATE_POINT = "polygon_duplicate_point"  # vertex: the same as the next one
REJECT_POLYGON_ZERO_AREA = "polygon_zero_area"
REJECT_POLYGON_SELF_INTERSECTS = "polygon_self_intersects"  # edge, other (1-based edges: edge k ends at vertex k + 1)
REJECT_CLASS_POINTS = "class_points"  # a class shape with points
REJECT_CLASS_TWICE = "class_twice"
REJECT_ONE_CLASS_ONLY = "one_class_only"  # count
REJECT_SPAN_INVALID = "span_invalid"  # not one pair of whole numbers
REJECT_SPAN_OUTSIDE = "span_outside"  # start, end, length
REJECT_SPAN_OVERLAP = "span_overlap"  # start, end: nested, in an order without nested spans
REJECT_SPAN_CROSSES = "span_crosses"  # start, end, other_end
REJECT_SPAN_TWICE = "span_twice"  # start, end, label
REJECT_TEXT_MISSING = "text_missing"  # a transcribed line without its text
REJECT_TEXT_TOO_LONG = "text_too_long"  # max
REJECT_TRANSCRIPTION_EMPTY = "transcription_empty"  # no text, and no flag saying why
# reviews
REJECT_NOT_REVIEWER = "not_reviewer"  # only a lead or an admin reviews
REJECT_UNKNOWN_VERDICT = "unknown_verdict"  # verdict
REJECT_COMMENT_MISSING = "comment_missing"  # a rejection without a comment
REJECT_UNKNOWN_ANNOTATION = "unknown_annotation"
REJECT_NOT_ON_ITEM = "not_on_item"  # item: the revision judged is on another item
REJECT_OPEN_CONFLICT = "open_conflict"  # the revision judged is an open conflict

# A stored revision's standing, as the feed carries it (``AnnotationRecord.status``):
# None = stored normally; "conflict" = kept for a person, never anyone's base or head
# by itself; "resolved" = a conflict a lead or admin has settled (ADR 0014).
REV_CONFLICT = "conflict"
REV_RESOLVED = "resolved"

# Every answer of our server carries its database id in this header: anything that lacks
# it (a captive portal's login page, a proxy's error) is not our server, so "offline".
SERVER_ID_HEADER = "X-Aidou-Server"
SERVICE_NAME = "aidou-sync-server"  # ``/healthz`` names itself with this

ROLES = ("annotator", "lead", "admin")

# Task kinds (only "bbox" is worked end to end so far).
TASK_BBOX = "bbox"
TASK_POLYGON = "polygon"
TASK_IMAGE_CLASS = "image_class"
TASK_TEXT_CLASS = "text_class"
TASK_NER = "ner"
TASK_TRANSCRIPTION = "transcription"
TASK_KINDS = (TASK_BBOX, TASK_POLYGON, TASK_IMAGE_CLASS, TASK_TEXT_CLASS, TASK_NER, TASK_TRANSCRIPTION)
TEXT_TASKS = (TASK_TEXT_CLASS, TASK_NER)  # items are texts, not images

# Shape kinds (Shape.kind) and what their points mean (docs/interfaces.md, "Payloads"):
SHAPE_BOX = "box"  # [[x1, y1], [x2, y2]], top-left and bottom-right, in original image pixels
SHAPE_POLYGON = "polygon"  # [[x, y], …], three or more vertices
SHAPE_CLASS = "class"  # [] : the item (image or text) is of class ``label``
SHAPE_SPAN = "span"  # [[start, end]]: characters start ≤ i < end of Item.text, in Unicode code points
SHAPE_TEXT = "text"  # [] (the whole image) or a box: one transcribed line, in Shape.text
# which shape kinds an order of each task kind takes
TASK_SHAPES = {
    TASK_BBOX: (SHAPE_BOX,),
    TASK_POLYGON: (SHAPE_POLYGON, SHAPE_BOX),
    TASK_IMAGE_CLASS: (SHAPE_CLASS,),
    TASK_TEXT_CLASS: (SHAPE_CLASS,),
    TASK_NER: (SHAPE_SPAN,),
    TASK_TRANSCRIPTION: (SHAPE_TEXT,),
}
MAX_TEXT_LENGTH = 100_000  # characters of one item's text, or of one transcribed line
# vertices of one polygon: a careful outline of a large object has a few hundred; the bound
# keeps the self-intersection test (on the server, for every polygon of every push) at a
# few ms, and one polygon's JSON at ~20 kB
MAX_POLYGON_POINTS = 1000

# Change-feed entity kinds.
CHANGE_ORDER = "order"
CHANGE_BATCH = "batch"
CHANGE_ITEM = "item"
CHANGE_ANNOTATION = "annotation"
CHANGE_REVIEW = "review"

# A lead's verdicts on a revision; "correct" is a new revision by the lead plus an accept of it.
VERDICT_ACCEPT = "accept"
VERDICT_REJECT = "reject"
VERDICTS = (VERDICT_ACCEPT, VERDICT_REJECT)
MAX_REVIEW_COMMENT = 2000
# An annotator's flag for the lead on a revision ("not sure", "image unclear", a note): at most this long
MAX_FLAG_LENGTH = 200
# ``device_id`` of a revision the server made from a pre-annotation in an imported file: a
# suggestion shown pre-filled, nobody's work (the item is done once someone saves their own)
PREANNOTATION_DEVICE = "aidou-import"

MAX_PUSH_RECORDS = 500  # records per push request; keeps each request small on a slow link
MAX_CHANGES_PAGE = 500
MAX_MISSING_IDS = 2000  # ids per reconciliation request (ids only: ~80 kB, ~20 kB gzipped)
MAX_SHAPES_PER_RECORD = 5000  # shapes in one annotation revision; a dense street scene has a few hundred


class WireError(ValueError):
    """A payload that does not match the protocol; the message is for people."""


def uuid7() -> str:
    """A time-ordered UUID (RFC 9562 version 7): keeps SQLite inserts in key order."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76
    value |= ((rand >> 62) & 0xFFF) << 64
    value |= 0b10 << 62
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_uuid(text: Any) -> bool:
    """The canonical 36-character form; a regex, as ``uuid.UUID()`` was 10% of a push."""
    return isinstance(text, str) and _UUID_TEXT.fullmatch(text) is not None


MAX_QUOTED = 80  # characters of a sent value an error message repeats
_QUOTED_INT = 10**MAX_QUOTED


def quoted(value: Any) -> str:
    """A sent value as an error message repeats it: ``repr``, cut to ~80 characters,
    so an answer never echoes a huge input back."""
    if type(value) is int and not -_QUOTED_INT < value < _QUOTED_INT:
        return f"a number of over {MAX_QUOTED} digits"  # str() of a long one is slow, and useless to read
    text = repr(value[: MAX_QUOTED + 1]) if isinstance(value, str) else repr(value)
    return text if len(text) <= MAX_QUOTED else f"{text[:MAX_QUOTED]}…"


_PARAM_INT = 2**53


def _param(value: Any) -> str | int:
    """A value as a problem's params carry it: an int every JSON reader takes, or a str
    cut short (a 1 MB label must not go back whole)."""
    if type(value) is int and -_PARAM_INT <= value <= _PARAM_INT:
        return value
    return value[:MAX_QUOTED] if type(value) is str else quoted(value)


class Problem(str):
    """Why a record or shape is refused: the English sentence (for logs, the CLI, HTTP
    answers and older clients) *is* the string, and ``code`` (REJECT_*) with ``params``
    ride along for clients that word it in their own language.

    A str, so every caller that logs it, puts it in a message or compares it with
    text keeps working as before; only a valid shape (None) is on the hot path, so
    making one costs nothing there."""

    code: str
    params: dict[str, str | int]

    def __new__(cls, code: str, text: str, **params: Any) -> Problem:
        self = super().__new__(cls, text)
        self.code = code
        self.params = {name: _param(value) for name, value in params.items()}
        return self

    def at_shape(self, index: int) -> Problem:
        """The same problem of the record's shape ``index`` (0-based): "shape 2: …"."""
        return Problem(self.code, f"shape {index + 1}: {self}", **self.params, shape=index + 1)

    def __repr__(self) -> str:
        return f"Problem({self.code!r}, {str(self)!r}, {self.params!r})"

    def __getnewargs_ex__(self) -> tuple[tuple[str, str], dict[str, Any]]:
        return (self.code, str(self)), self.params


# ---------------------------------------------------------------- wire types


@dataclass
class LoginRequest:
    username: str
    password: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class UserInfo:
    id: int
    username: str
    display_name: str
    role: str
    office_id: int
    office_name: str


@dataclass
class LoginResponse:
    token: str
    user: UserInfo
    server_time: str
    server_id: str = ""  # the server database's id (see ChangesResponse)
    bundle_key: str = ""  # hex; signs this user's USB bundles both ways (ADR 0007); keep it like the token


@dataclass
class Label:
    name: str  # stable key, used in annotations and exports
    title: str  # what the annotator reads (Chinese first)
    color: str  # "#rrggbb"


@dataclass
class LabelSchema:
    version: int
    labels: list[Label]
    multi_label: bool = False  # classification: an item may take several classes
    nested_spans: bool = False  # NER: a span may lie inside another (crossing spans never)
    text_required: bool = True  # transcription: an item needs some text (or a flag saying why not)

    def names(self) -> list[str]:
        return [label.name for label in self.labels]


@dataclass
class Order:
    id: int
    name: str
    task_kind: str
    schema: LabelSchema
    guidelines: str  # Markdown text
    price_cents: int  # per accepted item
    due: str | None = None
    # the order's own IoU threshold for matching boxes and polygons (ADR 0026), so a lead's
    # PC sorts its review queue by the server's agreement; None (left out): the default 0.5
    iou_threshold: float | None = None


@dataclass
class Batch:
    id: int
    order_id: int
    name: str
    annotator_id: int | None
    lease_until: str | None  # ISO 8601 UTC
    item_ids: list[int] = field(default_factory=list)


@dataclass
class Item:
    id: int
    order_id: int
    batch_id: int | None
    name: str
    width: int  # original image size: shapes live in these coordinates
    height: int
    blob: str  # sha256 of the display copy the client downloads
    blob_size: int
    display_width: int
    display_height: int
    text: str | None = None
    # overlap (ADR 0026): the id of the group's first copy, for every copy of an item that
    # several annotators do; None (left out of the wire) for an ordinary item. Only the id
    # travels: nothing of another copy does, so an annotator stays blind to the others
    overlap_group: int | None = None


@dataclass
class Shape:
    kind: str  # SHAPE_*: what ``points`` mean
    label: str  # a label name of the order's schema ("" for a transcribed line without one)
    points: list[list[float]]
    text: str | None = None  # SHAPE_TEXT: the transcribed line


@dataclass
class AnnotationRecord:
    """One annotation revision. ``id`` is made on the client and never reused
    for different content; an edit after a push makes a new id whose
    ``base_id`` names the revision it replaces."""

    id: str
    item_id: int
    batch_id: int | None
    base_id: str | None
    shapes: list[Shape]
    time_spent_ms: int = 0
    client_time: str | None = None  # informational only; ordering never uses it
    annotator_id: int | None = None  # filled by the server from the token
    received_at: str | None = None  # filled by the server
    schema_version: int | None = None
    device_id: str | None = None  # the desktop install that made it (kept, shown to the lead)
    status: str | None = None  # filled by the server in the feed: None, REV_CONFLICT or REV_RESOLVED
    flag: str | None = None  # the annotator's note for the lead (≤ MAX_FLAG_LENGTH); None = not flagged
    # transcription: the character error rate of the PC's OCR suggestion against the final
    # text (0: taken as it was); None: no suggestion was made
    ocr_cer: float | None = None


@dataclass
class ReviewRecord:
    """A lead's verdict on one annotation revision, made on the lead's PC (offline too).
    ``id`` is a client-made UUIDv7; a replay with the same content changes nothing."""

    id: str
    annotation_id: str  # the revision judged
    item_id: int
    verdict: str  # VERDICT_ACCEPT or VERDICT_REJECT
    comment: str | None = None  # why, for a reject (shown to the annotator); required then
    client_time: str | None = None  # informational only
    device_id: str | None = None
    reviewer_id: int | None = None  # filled by the server from the token
    received_at: str | None = None  # filled by the server


@dataclass
class PushRequest:
    annotations: list[AnnotationRecord]
    protocol_version: int = PROTOCOL_VERSION
    reviews: list[ReviewRecord] = field(default_factory=list)  # answered after the annotations


@dataclass
class PushResult:
    id: str
    status: str
    reason: str | None = None
    # why, for clients to word it themselves: CONFLICT_* for a conflict, REJECT_* for a rejection
    code: str | None = None
    params: dict[str, Any] | None = None  # a rejection's details (REJECT_*): str and int values


def rejection(record_id: str, problem: Problem) -> PushResult:
    """The answer for a refused record: the reason in English (logs, older clients), and its
    code and params for clients to word it themselves."""
    return PushResult(record_id, REJECTED, str(problem), problem.code, problem.params or None)


@dataclass
class PushResponse:
    results: list[PushResult]
    server_id: str = ""


@dataclass
class Change:
    seq: int
    kind: str  # CHANGE_*
    data: dict[str, Any]  # the entity as its wire dataclass would write it


@dataclass
class ChangesResponse:
    changes: list[Change]
    cursor: str  # opaque; send it back as ``since``
    has_more: bool
    # which database answered (made once when it was created) and its feed's newest seq:
    # a client that finds another id, or a cursor refused as ``bad_cursor``, re-pulls
    # from the start and re-sends what the server lacks (ADR 0013)
    server_id: str = ""
    high_water: int = 0


@dataclass
class MissingRequest:
    """Which of these revision ids does the server not hold? (reconciliation, ADR 0013)"""

    ids: list[str]
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class MissingResponse:
    missing: list[str]
    server_id: str = ""


@dataclass
class ErrorBody:
    code: str
    message: str
