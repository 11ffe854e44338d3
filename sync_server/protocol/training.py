"""Wire types of training and certification (培训认证, ADR 0027). Standard library only.

A course travels to the PC whole: its order (schema, guidelines), its items and their
expected answers, so a trainee works through it offline and the PC scores each answer
at once. An attempt comes back like an annotation: a client-made UUIDv7, stored once."""

from __future__ import annotations

from dataclasses import dataclass, field

from sync_server.protocol.wire import PROTOCOL_VERSION, Item, Order, Shape

MIN_PASS_MARK, MAX_PASS_MARK = 0.5, 1.0
MAX_COURSE_ITEMS = 500

ATTEMPT_ACCEPTED, ATTEMPT_DUPLICATE, ATTEMPT_REJECTED = "accepted", "duplicate", "rejected"


@dataclass
class CourseItem:
    item: Item
    expected: list[Shape]  # the gold answer


@dataclass
class Course:
    id: int
    name: str
    task_kind: str
    pass_mark: float  # the attempt's mean score must reach it
    order: Order  # the order whose gold items it teaches: schema, guidelines
    items: list[CourseItem] = field(default_factory=list)
    # the order's own IoU threshold for boxes and polygons (``orders.iou_threshold``); None:
    # the default 0.5. Left out when None, so a PC from before it reads the course as ever
    iou_threshold: float | None = None


@dataclass
class Certificate:
    user_id: int
    task_kind: str
    course_id: int
    score: float
    certified_at: str  # the server's clock


@dataclass
class CoursesResponse:
    courses: list[Course]
    certificates: list[Certificate]  # the caller's own (a lead's: the office's)


@dataclass
class AttemptAnswer:
    item_id: int
    shapes: list[Shape]


@dataclass
class TrainingAttempt:
    id: str  # UUIDv7 made on the PC
    course_id: int
    answers: list[AttemptAnswer]  # an item left out scores 0
    client_time: str | None = None
    device_id: str | None = None


@dataclass
class AttemptsRequest:
    attempts: list[TrainingAttempt]
    protocol_version: int = PROTOCOL_VERSION


@dataclass
class AttemptResult:
    id: str
    status: str  # ATTEMPT_*
    score: float | None = None  # the server's own scoring of the answers
    passed: bool = False
    certificate: Certificate | None = None  # held by the trainee for the course's kind, if any
    code: str | None = None  # why it was rejected
    reason: str | None = None


@dataclass
class AttemptsResponse:
    results: list[AttemptResult]
