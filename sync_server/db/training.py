"""Courses, attempts and certificates on the server (ADR 0027). Reads and writes in the
caller's transaction; the scoring is ``sync_server.quality.training``'s (no SQL there)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, func, select

from sync_server.db.clock import to_iso, utc_now
from sync_server.db.entities import item_from_row, load_order
from sync_server.db.tables import (
    certificates,
    course_items,
    courses,
    gold_answers,
    items,
    orders,
    training_attempts,
)
from sync_server.protocol import (
    ATTEMPT_ACCEPTED,
    ATTEMPT_DUPLICATE,
    ATTEMPT_REJECTED,
    MAX_COURSE_ITEMS,
    MAX_PASS_MARK,
    MAX_SHAPES_PER_RECORD,
    MIN_PASS_MARK,
    AttemptResult,
    Certificate,
    Course,
    CourseItem,
    Problem,
    Shape,
    TrainingAttempt,
    UserInfo,
    check_payload,
    check_shape,
    is_uuid,
    to_wire,
)
from sync_server.quality.training import attempt_score, iou_threshold, passes


class CourseError(ValueError):
    code = "bad_course"


def create_course(conn: Connection, order_id: int, name: str, pass_mark: float, size: int | None = None) -> int:
    """A course of the order's gold items (the first ``size`` of them by id, or all)."""
    if not MIN_PASS_MARK <= pass_mark <= MAX_PASS_MARK:
        raise CourseError(f"the pass mark must be from {MIN_PASS_MARK} to {MAX_PASS_MARK}, not {pass_mark}")
    name = name.strip()
    if not name or len(name) > 200:
        raise CourseError("a course needs a name of 1 to 200 characters")
    order = conn.execute(select(orders.c.office_id, orders.c.task_kind).where(orders.c.id == order_id)).first()
    if order is None:
        raise CourseError(f"unknown order {order_id}")
    limit = min(size or MAX_COURSE_ITEMS, MAX_COURSE_ITEMS)
    gold = conn.execute(
        select(gold_answers.c.item_id).join(items, items.c.id == gold_answers.c.item_id)
        .where(items.c.order_id == order_id).order_by(gold_answers.c.item_id).limit(limit)
    ).scalars().all()  # fmt: skip
    if not gold:
        raise CourseError(f"order {order_id} has no gold answers (import it with --gold FILE): nothing to teach")
    course_id = conn.execute(
        courses.insert().values(office_id=order.office_id, order_id=order_id, name=name, task_kind=order.task_kind,
                                pass_mark=pass_mark, created_at=utc_now())  # fmt: skip
    ).inserted_primary_key[0]
    conn.execute(course_items.insert(), [{"course_id": course_id, "item_id": i, "position": n} for n, i in enumerate(gold)])
    return course_id


def office_courses(conn: Connection, office_id: int) -> list[Course]:
    """Every course of the office, whole: items and their expected answers travel to the PC."""
    found = conn.execute(
        select(courses, orders.c.iou_threshold).join(orders, orders.c.id == courses.c.order_id)
        .where(courses.c.office_id == office_id).order_by(courses.c.id)
    ).mappings().all()  # fmt: skip
    out = []
    for row in found:
        lessons = conn.execute(
            select(items, gold_answers.c.shapes.label("expected"))
            .join(course_items, course_items.c.item_id == items.c.id)
            .join(gold_answers, gold_answers.c.item_id == items.c.id)
            .where(course_items.c.course_id == row["id"])
            .order_by(course_items.c.position)
        ).mappings()
        course_lessons = [
            CourseItem(_unbatched(item_from_row(lesson)), [Shape(**s) for s in lesson["expected"]]) for lesson in lessons
        ]
        out.append(Course(row["id"], row["name"], row["task_kind"], row["pass_mark"], load_order(conn, row["order_id"]),
                          course_lessons, row["iou_threshold"]))  # fmt: skip
    return out


def _unbatched(item):
    item.batch_id = None  # on the PC a lesson is no batch's item
    item.overlap_group = None  # nor a copy to set beside others (ADR 0026)
    return item


def certificates_of(conn: Connection, user: UserInfo) -> list[Certificate]:
    """The caller's certificates; a lead's or admin's: their office's."""
    query = select(certificates)
    if user.role == "annotator":
        query = query.where(certificates.c.user_id == user.id)
    else:
        from sync_server.db.tables import users

        query = query.join(users, users.c.id == certificates.c.user_id).where(users.c.office_id == user.office_id)
    rows = conn.execute(query.order_by(certificates.c.user_id, certificates.c.task_kind)).mappings()
    return [_certificate(row) for row in rows]


def _certificate(row) -> Certificate:
    return Certificate(row["user_id"], row["task_kind"], row["course_id"], row["score"], to_iso(row["certified_at"]))


def certified(conn: Connection, user_id: int, task_kind: str) -> bool:
    return conn.execute(
        select(certificates.c.user_id).where(certificates.c.user_id == user_id, certificates.c.task_kind == task_kind)
    ).first() is not None  # fmt: skip


def record_attempts(conn: Connection, user: UserInfo, attempts: Iterable[TrainingAttempt]) -> list[AttemptResult]:
    """Store each attempt once, scored by the server; the first passed one certifies."""
    return [_record(conn, user, attempt) for attempt in attempts]


_MAX_ID = 2**63 - 1


def _refused(attempt: TrainingAttempt, code: str, reason: str) -> AttemptResult:
    return AttemptResult(attempt.id, ATTEMPT_REJECTED, code=code, reason=reason)


def _record(conn: Connection, user: UserInfo, attempt: TrainingAttempt) -> AttemptResult:
    if not is_uuid(attempt.id):
        return _refused(attempt, "bad_id", "an attempt id is a UUID made on the PC")
    if len(attempt.client_time or "") > 40 or len(attempt.device_id or "") > 64:
        return _refused(attempt, "invalid_attempt", "client_time is at most 40 characters, device_id at most 64")
    stored = conn.execute(select(training_attempts).where(training_attempts.c.id == attempt.id)).mappings().first()
    if stored is not None:
        if stored["user_id"] != user.id:
            return AttemptResult(attempt.id, ATTEMPT_REJECTED, code="attempt_id_taken",
                                 reason="this attempt id is another person's")  # fmt: skip
        course = conn.execute(select(courses.c.task_kind).where(courses.c.id == stored["course_id"])).first()
        return AttemptResult(attempt.id, ATTEMPT_DUPLICATE, stored["score"], stored["passed"],
                             _held(conn, user.id, course.task_kind))  # fmt: skip
    course = None
    if 0 < attempt.course_id <= _MAX_ID:
        course = conn.execute(select(courses).where(courses.c.id == attempt.course_id)).mappings().first()
    if course is None or course["office_id"] != user.office_id:
        return _refused(attempt, "unknown_course", f"unknown course {attempt.course_id}")
    expected = _expected(conn, course["id"])
    answers = {a.item_id: a.shapes for a in attempt.answers if a.item_id in expected}
    problem = _answers_problem(conn, course, answers)
    if problem is not None:
        return _refused(attempt, problem.code, str(problem))
    threshold = conn.execute(select(orders.c.iou_threshold).where(orders.c.id == course["order_id"])).scalar()
    score = attempt_score(course["task_kind"], answers, expected, iou_threshold(threshold))
    passed = passes(score, course["pass_mark"])
    now = utc_now()
    conn.execute(
        training_attempts.insert().values(
            id=attempt.id, course_id=course["id"], user_id=user.id, score=score, passed=passed,
            answers={str(k): [to_wire(s) for s in v] for k, v in answers.items()},
            client_time=attempt.client_time, device_id=attempt.device_id, received_at=now,
        )
    )  # fmt: skip
    if passed and not certified(conn, user.id, course["task_kind"]):
        conn.execute(
            certificates.insert().values(user_id=user.id, task_kind=course["task_kind"], course_id=course["id"],
                                         attempt_id=attempt.id, score=score, certified_at=now)  # fmt: skip
        )
    return AttemptResult(attempt.id, ATTEMPT_ACCEPTED, score, passed, _held(conn, user.id, course["task_kind"]))


def _answers_problem(conn: Connection, course, answers: dict[int, list[Shape]]) -> Problem | None:
    """The first answer the order's rules refuse (as a push would refuse the revision), or None:
    a score is only worked out from answers an annotator could have saved."""
    order = load_order(conn, course["order_id"])
    labels, options = order.schema.names(), to_wire(order.schema)
    sizes = conn.execute(
        select(items.c.id, items.c.width, items.c.height, func.coalesce(func.length(items.c.text), 0))
        .join(course_items, course_items.c.item_id == items.c.id)
        .where(course_items.c.course_id == course["id"])
    )
    size = {item_id: (width, height, length) for item_id, width, height, length in sizes}
    for item_id, shapes in answers.items():
        if len(shapes) > MAX_SHAPES_PER_RECORD:
            return Problem("too_many_shapes", f"item {item_id}: more than {MAX_SHAPES_PER_RECORD} shapes")
        width, height, length = size[item_id]
        for shape in shapes:
            problem = check_shape(shape, width, height, labels, length)
            if problem is not None:
                return problem
        problem = check_payload(course["task_kind"], shapes, options)
        if problem is not None:
            return problem
    return None


def _expected(conn: Connection, course_id: int) -> dict[int, list[Shape]]:
    rows = conn.execute(
        select(course_items.c.item_id, gold_answers.c.shapes)
        .join(gold_answers, gold_answers.c.item_id == course_items.c.item_id)
        .where(course_items.c.course_id == course_id)
    )
    return {item_id: [Shape(**s) for s in shapes] for item_id, shapes in rows}


def _held(conn: Connection, user_id: int, task_kind: str) -> Certificate | None:
    row = conn.execute(
        select(certificates).where(certificates.c.user_id == user_id, certificates.c.task_kind == task_kind)
    ).mappings().first()  # fmt: skip
    return _certificate(row) if row else None
