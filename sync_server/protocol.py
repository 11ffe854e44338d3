"""The sync protocol, shared by the desktop client and the server.

Standard library only: the desktop imports this module without pulling in the
server's dependencies (``sync_server/__init__.py`` stays empty for that reason).

Wire types are plain dataclasses. ``to_wire`` turns one into JSON-ready dicts;
``from_wire`` checks and builds one from decoded JSON, raising ``WireError``
with a message a person can read.
"""

from __future__ import annotations

import dataclasses
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from math import isfinite
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
TASK_KINDS = ("bbox", "polygon", "image_class", "text_class", "ner", "transcription")

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

MAX_PUSH_RECORDS = 500  # records per push request; keeps each request small on a slow link
MAX_CHANGES_PAGE = 500
MAX_MISSING_IDS = 2000  # ids per reconciliation request (ids only: ~80 kB, ~20 kB gzipped)


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


@dataclass
class Label:
    name: str  # stable key, used in annotations and exports
    title: str  # what the annotator reads (Chinese first)
    color: str  # "#rrggbb"


@dataclass
class LabelSchema:
    version: int
    labels: list[Label]

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


@dataclass
class Shape:
    kind: str  # "box" for now: points = [[x1, y1], [x2, y2]], top-left and bottom-right
    label: str
    points: list[list[float]]


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
    code: str | None = None  # for a conflict: CONFLICT_* (why), for clients to word it themselves


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


@dataclass
class ConflictInfo:
    """One revision kept as a conflict, as a lead's list shows it (``GET /api/v1/conflicts``)."""

    id: str  # the conflicted revision
    item_id: int
    item_name: str
    order_id: int
    order_name: str
    batch_id: int | None
    annotator_id: int  # who made it
    annotator_name: str  # their username
    code: str | None  # CONFLICT_*: why it waits for a person
    reason: str | None
    received_at: str  # the server's clock
    device_id: str | None = None  # the desktop install that made it
    head_id: str | None = None  # the item's head revision now
    head_annotator_id: int | None = None
    head_annotator_name: str | None = None
    resolved_by: int | None = None  # set once a lead or admin settled the item
    resolved_by_name: str | None = None
    resolved_at: str | None = None


@dataclass
class ConflictsResponse:
    conflicts: list[ConflictInfo]


@dataclass
class ResolveRequest:
    """Settle an item's open conflicts: its new head gets the shapes of revision ``choose``."""

    item_id: int
    choose: str  # any stored revision of the item: a conflicted one or the head
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class ResolveResponse:
    id: str  # the new head revision, made by the resolver


# ---------------------------------------------------------------- accounts (admin)

MIN_PASSWORD_LENGTH = 6
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this only stops abuse
MAX_USERNAME_LENGTH = 100  # letters, digits and . _ - (the users table's column)
MAX_DISPLAY_NAME_LENGTH = 200


@dataclass
class UserRecord:
    """One account as the base admin's list shows it (``GET /api/v1/users``)."""

    id: int
    username: str
    display_name: str
    role: str  # one of ROLES
    disabled: bool  # a disabled user's tokens and password open nothing; their work stays
    last_sync_at: str | None = None  # their last change-feed read (to the minute); absent = never


@dataclass
class UsersResponse:
    users: list[UserRecord]


@dataclass
class NewUserRequest:
    """A new account in the admin's own office; the new hire logs in with ``password``."""

    username: str
    display_name: str
    role: str
    password: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class PasswordRequest:
    """A new password for an account; every token of that user stops working."""

    password: str
    protocol_version: int = PROTOCOL_VERSION


# (end of accounts wire types)

# ---------------------------------------------------------------- orders, batches, progress
# Counts of items (``sync_server.db.progress``): done = has a head revision; accepted /
# rejected = the lead's verdict judged the current head; submitted = done, neither;
# conflicted = has an open conflict revision (counted whether or not it is done).


@dataclass
class OrderProgress:
    """One order as the lead's list shows it (``GET /api/v1/orders``)."""

    id: int
    name: str
    task_kind: str
    price_cents: int
    batches: int
    items: int
    done: int
    submitted: int
    accepted: int
    rejected: int
    conflicted: int


@dataclass
class OrdersResponse:
    orders: list[OrderProgress]


@dataclass
class BatchProgress:
    """One batch of an order, its holder and its items' progress."""

    id: int
    name: str
    expired: bool  # the lease ran out (lease_until < now): it may be assigned again
    items: int
    done: int
    submitted: int
    accepted: int
    rejected: int
    conflicted: int
    annotator_id: int | None = None  # the holder now; None = nobody
    annotator_name: str | None = None  # their username
    lease_until: str | None = None  # ISO 8601 UTC


@dataclass
class BatchesResponse:
    batches: list[BatchProgress]


@dataclass
class AnnotatorProgress:
    """One person's part in an order: the batches they hold and the heads they wrote."""

    annotator_id: int
    username: str
    display_name: str
    batches: int  # of this order they hold now (an expired lease included)
    items: int  # in those batches
    done: int  # items of this order whose head revision they wrote
    submitted: int  # of those, not judged yet on that head
    accepted: int
    rejected: int
    conflicted: int  # items of this order with an open conflict revision of theirs


@dataclass
class AnnotatorsResponse:
    annotators: list[AnnotatorProgress]


@dataclass
class AssignRequest:
    """Lease a batch to an annotator until ``until`` (ISO 8601 with a zone, in the future)."""

    annotator_id: int
    until: str
    force: bool = False  # take it from another annotator whose lease has not run out
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class AssignIdleRequest:
    """Give every idle annotator of the office the next free batch of the order, until ``until``."""

    until: str
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class Assignment:
    batch_id: int
    annotator_id: int


@dataclass
class AssignIdleResponse:
    assigned: list[Assignment]


# (end of progress wire types)

# ---------------------------------------------------------------- codec
#
# Small on the wire (design.md, sync contract 5): ``to_wire`` leaves out every
# field equal to its declared default (None, 0, an empty list from a factory)
# and ``from_wire`` fills it back in. Both directions stay compatible with
# peers that send or expect full objects: an older ``from_wire`` fills missing
# defaulted fields the same way, and ours still takes full dicts. Fields
# without a default are always sent, whatever their value.

# always sent: the version marker must never depend on what the reader's default is
_ALWAYS_SENT = frozenset({"protocol_version"})
_NO_DEFAULT = object()
_EMPTY_FACTORY = object()  # a default_factory that makes an empty list or dict


def _default_of(f: dataclasses.Field) -> Any:
    if f.name in _ALWAYS_SENT:
        return _NO_DEFAULT
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return _EMPTY_FACTORY if f.default_factory() in ([], {}) else _NO_DEFAULT
    return _NO_DEFAULT


_ENCODE_SPECS: dict[type, tuple[tuple[str, Any, Any], ...]] = {}


def _encode_spec(cls: type) -> tuple[tuple[str, Any, Any], ...]:
    """(name, default, converter or None for a scalar) per field, worked out once per class:
    a 500-record push is 40,000 values, and a generic walk over them is the client's slowest step."""
    spec = _ENCODE_SPECS.get(cls)
    if spec is None:
        spec = _ENCODE_SPECS[cls] = tuple(
            (f.name, _default_of(f), _converter(cls, f)) for f in dataclasses.fields(cls)
        )
    return spec


def _converter(cls: type, f: dataclasses.Field) -> Any:
    nested = _NESTED.get((cls, f.name))
    kind = str(f.type)
    if nested is not None:
        return (lambda v: [_encode(o) for o in v]) if kind.startswith("list[") else _encode
    if kind == "list[list[float]]":
        # ints skip the call: most stored coordinates are whole pixels (~25% of encoding a push)
        return lambda v: [[x if type(x) is int else _number(x) for x in p] for p in v] if type(v) is list else _plain(v)
    if kind in ("int", "str", "bool", "int | None", "str | None"):
        return None
    return _plain


def _is_default(value: Any, default: Any) -> bool:
    if default is _NO_DEFAULT:
        return False
    if default is _EMPTY_FACTORY:
        return (type(value) is list or type(value) is dict) and not value
    # type check: False must not pass for a default of 0, nor 0.0 for 0
    return value is default or (type(value) is type(default) and value == default)


_EXACT_INT = 2**53  # past this a float is not an exact integer for every JSON reader


def _number(value: Any) -> Any:
    """``12`` not ``12.0``: the same number to every JSON reader, two bytes less."""
    if type(value) is float and value.is_integer() and -_EXACT_INT <= value <= _EXACT_INT:
        return int(value)
    return _plain(value) if type(value) in (list, dict) else value


def _plain(value: Any) -> Any:
    """JSON-ready copy of anything (dataclasses, lists, dicts, numbers)."""
    kind = type(value)
    if kind is float:
        return _number(value)
    if kind is list or kind is tuple:
        return [_plain(v) for v in value]
    if kind is dict:
        return {k: _plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _encode(value)
    return value


def _encode(obj: Any) -> dict[str, Any]:
    out = {}
    for name, default, convert in _encode_spec(type(obj)):
        value = getattr(obj, name)
        if default is _NO_DEFAULT or not _is_default(value, default):
            out[name] = value if convert is None or value is None else convert(value)
    if type(obj) is Change:
        out["data"] = _compact_change_data(obj.kind, out["data"])
    return out


def _compact_change_data(kind: str, data: Any) -> Any:
    """A feed entry's ``data`` is stored as a dict; leave out the same defaults
    its wire type would (the server logs some entries as full dicts)."""
    cls = _CHANGE_TYPES.get(kind)
    if cls is None or type(data) is not dict:
        return data
    defaults = {name: default for name, default, _ in _encode_spec(cls)}
    return {k: v for k, v in data.items() if not _is_default(v, defaults.get(k, _NO_DEFAULT))}


def to_wire(obj: Any) -> Any:
    """A dataclass (or list of them) as JSON-ready data, defaults left out."""
    return _plain(obj)


_NESTED: dict[tuple[type, str], type] = {}
_CHANGE_TYPES: dict[str, type] = {}


def _register_nested() -> None:
    _NESTED.update(
        {
            (LoginResponse, "user"): UserInfo,
            (LabelSchema, "labels"): Label,
            (Order, "schema"): LabelSchema,
            (AnnotationRecord, "shapes"): Shape,
            (PushRequest, "annotations"): AnnotationRecord,
            (PushRequest, "reviews"): ReviewRecord,
            (PushResponse, "results"): PushResult,
            (ChangesResponse, "changes"): Change,
            (ConflictsResponse, "conflicts"): ConflictInfo,
            (OrdersResponse, "orders"): OrderProgress,
            (BatchesResponse, "batches"): BatchProgress,
            (AnnotatorsResponse, "annotators"): AnnotatorProgress,
            (AssignIdleResponse, "assigned"): Assignment,
            (UsersResponse, "users"): UserRecord,
        }
    )
    _CHANGE_TYPES.update(
        {CHANGE_ORDER: Order, CHANGE_BATCH: Batch, CHANGE_ITEM: Item, CHANGE_ANNOTATION: AnnotationRecord,
         CHANGE_REVIEW: ReviewRecord}
    )


_register_nested()

_SIMPLE_TYPES = {
    "int": int,
    "str": str,
    "bool": bool,
    "int | None": (int, type(None)),
    "str | None": (str, type(None)),
    "list[int]": list,
    "list[str]": list,
    "list[list[float]]": list,
    "dict[str, Any]": dict,
}

# per class, once: (name, required, nested type, is a list of it, expected simple type, is an int field)
_DECODE_SPECS: dict[type, tuple[tuple[str, bool, type | None, bool, Any, bool], ...]] = {}


def _decode_spec(cls: type) -> tuple[tuple[str, bool, type | None, bool, Any, bool], ...]:
    spec = _DECODE_SPECS.get(cls)
    if spec is None:
        spec = _DECODE_SPECS[cls] = tuple(
            (
                f.name,
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                _NESTED.get((cls, f.name)),
                str(f.type).startswith("list["),
                _SIMPLE_TYPES.get(str(f.type)),
                str(f.type).startswith("int"),
            )
            for f in dataclasses.fields(cls)
        )
    return spec


def from_wire(cls: type, data: Any, where: str = "") -> Any:
    """Build ``cls`` from decoded JSON, checking field names and simple types.
    A missing field with a default gets it (``to_wire`` leaves such fields out)."""
    where = where or cls.__name__
    if not isinstance(data, dict):
        raise WireError(f"{where}: expected an object, got {type(data).__name__}")
    kwargs = {}
    for name, required, nested, is_list, expected, is_int in _decode_spec(cls):
        if name not in data:
            if required:
                raise WireError(f"{where}: missing field '{name}'")
            continue
        value = data[name]
        if nested is not None:
            if is_list:
                if not isinstance(value, list):  # else one object would pass as a list of one
                    raise WireError(f"{where}: field '{name}' should be a list, got {type(value).__name__}")
                value = [from_wire(nested, v, f"{where}.{name}[{i}]") for i, v in enumerate(value)]
            else:
                value = from_wire(nested, value, f"{where}.{name}")
        elif expected is not None and not isinstance(value, expected) or (isinstance(value, bool) and is_int):
            raise WireError(f"{where}: field '{name}' has the wrong type ({type(value).__name__})")
        kwargs[name] = value
    return cls(**kwargs)


def check_shape(shape: Shape, width: int, height: int, labels: list[str]) -> str | None:
    """Why ``shape`` is invalid for an image of this size and label set, or None."""
    if shape.label not in labels:
        return f"unknown label '{shape.label}'"
    if shape.kind != "box":
        return f"unknown shape kind '{shape.kind}'"
    pts = shape.points
    # unrolled, without generators: this runs for every shape of every push
    if len(pts) != 2:
        return "a box needs two points [[x1, y1], [x2, y2]]"
    p, q = pts
    if not (isinstance(p, list) and isinstance(q, list) and len(p) == 2 and len(q) == 2):
        return "a box needs two points [[x1, y1], [x2, y2]]"
    (x1, y1), (x2, y2) = p, q
    for v in (x1, y1, x2, y2):
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            return "a box needs two points [[x1, y1], [x2, y2]]"
    # JSON readers take NaN and Infinity; stored, one would pass every comparison below
    # and then break every feed page that carries it (JSON answers refuse them)
    if not (isfinite(x1) and isfinite(y1) and isfinite(x2) and isfinite(y2)):
        return "a box corner is not a finite number"
    if x2 <= x1 or y2 <= y1:
        return "box has zero or negative size"
    if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
        return f"box lies outside the {width}×{height} image"
    return None
