"""Training on the PC (ADR 0027): the office's courses as the server sent them, attempts
made answer by answer (each answer saved at once), and certificates. Functions over one
connection, and their part of ``Store``."""

from __future__ import annotations

import json
import sqlite3

from aidou_desktop.store.db import rows, scalar
from aidou_desktop.store.rows import dumps, now_iso, shapes_json, stored_shapes
from sync_server.protocol import (
    ATTEMPT_REJECTED,
    AttemptAnswer,
    AttemptResult,
    Certificate,
    Course,
    Shape,
    TrainingAttempt,
    from_wire,
    to_wire,
    uuid7,
)


def save_courses(conn: sqlite3.Connection, courses: list[Course], certificates: list[Certificate], user_id: int) -> None:
    """The office's courses now (a course the server no longer has goes), and the user's
    certificates as the server holds them; a pass made here and not yet confirmed stays."""
    conn.execute("DELETE FROM courses")
    conn.executemany(
        "INSERT INTO courses (id, task_kind, data) VALUES (?, ?, ?)",
        [(c.id, c.task_kind, dumps(to_wire(c))) for c in courses],
    )
    for cert in certificates:
        if cert.user_id == user_id:
            _certify(conn, cert)


def _certify(conn: sqlite3.Connection, cert: Certificate) -> None:
    conn.execute(
        "INSERT INTO certificates (user_id, task_kind, course_id, score, certified_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (user_id, task_kind) DO UPDATE SET course_id = excluded.course_id, score = excluded.score,"
        " certified_at = excluded.certified_at",
        (cert.user_id, cert.task_kind, cert.course_id, cert.score, cert.certified_at),
    )


def courses(conn: sqlite3.Connection) -> list[Course]:
    return [from_wire(Course, json.loads(r["data"])) for r in rows(conn, "SELECT data FROM courses ORDER BY id")]


def course(conn: sqlite3.Connection, course_id: int) -> Course | None:
    text = scalar(conn, "SELECT data FROM courses WHERE id = ?", (course_id,))
    return None if text is None else from_wire(Course, json.loads(text))


def missing_lesson_blobs(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Display copies of the lessons not on this PC yet, lesson order."""
    have = {r["sha"] for r in rows(conn, "SELECT sha FROM blobs")}
    out: dict[str, int] = {}
    for found in courses(conn):
        for lesson in found.items:
            if lesson.item.blob and lesson.item.blob not in have:
                out.setdefault(lesson.item.blob, lesson.item.blob_size)
    return list(out.items())


def unfinished_attempt(conn: sqlite3.Connection, user_id: int, course_id: int) -> str | None:
    """The user's attempt at the course that is under way (left, or the app closed), or None."""
    return scalar(
        conn,
        "SELECT id FROM training_attempts WHERE user_id = ? AND course_id = ? AND finished_at IS NULL"
        " ORDER BY started_at DESC LIMIT 1",
        (user_id, course_id),
    )


def checked_count(conn: sqlite3.Connection, attempt_id: str) -> int:
    """How many of the attempt's answers the trainee has checked."""
    return scalar(conn, "SELECT COUNT(*) FROM training_answers WHERE attempt_id = ? AND score IS NOT NULL",
                  (attempt_id,))  # fmt: skip


def open_attempt(conn: sqlite3.Connection, user_id: int, course_id: int) -> str:
    """The user's unfinished attempt at the course (resumed where they left it), or a new one."""
    found = unfinished_attempt(conn, user_id, course_id)
    if found is not None:
        return found
    attempt_id = uuid7()
    conn.execute(
        "INSERT INTO training_attempts (id, user_id, course_id, started_at) VALUES (?, ?, ?, ?)",
        (attempt_id, user_id, course_id, now_iso()),
    )
    return attempt_id


def save_answer(conn: sqlite3.Connection, attempt_id: str, item_id: int, shapes: list[Shape], score: float | None) -> None:
    conn.execute(
        "INSERT INTO training_answers (attempt_id, item_id, shapes, score) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (attempt_id, item_id) DO UPDATE SET shapes = excluded.shapes, score = excluded.score",
        (attempt_id, item_id, shapes_json(shapes), score),
    )


def answers(conn: sqlite3.Connection, attempt_id: str) -> dict[int, tuple[list[Shape], float | None]]:
    found = rows(conn, "SELECT item_id, shapes, score FROM training_answers WHERE attempt_id = ?", (attempt_id,))
    return {r["item_id"]: (stored_shapes(r["shapes"]), r["score"]) for r in found}


def finish_attempt(conn: sqlite3.Connection, attempt_id: str, score: float, passed: bool, user_id: int,
                   course: Course) -> None:  # fmt: skip
    """The attempt is done and waits to be sent; a pass certifies here at once (the server
    confirms it on the next sync, with its own clock)."""
    conn.execute(
        "UPDATE training_attempts SET finished_at = ?, score = ?, passed = ? WHERE id = ?",
        (now_iso(), score, int(passed), attempt_id),
    )
    held = scalar(conn, "SELECT 1 FROM certificates WHERE user_id = ? AND task_kind = ?", (user_id, course.task_kind))
    if passed and held is None:
        conn.execute(
            "INSERT INTO certificates (user_id, task_kind, course_id, score, certified_at) VALUES (?, ?, ?, ?, NULL)",
            (user_id, course.task_kind, course.id, score),
        )


def waiting_attempts(conn: sqlite3.Connection, user_id: int) -> list[TrainingAttempt]:
    found = rows(
        conn,
        "SELECT id, course_id, finished_at FROM training_attempts WHERE user_id = ? AND finished_at IS NOT NULL"
        " AND sent = 0 ORDER BY finished_at",
        (user_id,),
    )
    setting = scalar(conn, "SELECT value FROM settings WHERE key = 'device_id'")
    device = json.loads(setting) if setting else None
    return [
        TrainingAttempt(r["id"], r["course_id"],
                        [AttemptAnswer(item, shapes) for item, (shapes, _score) in sorted(answers(conn, r["id"]).items())],
                        r["finished_at"], device)  # fmt: skip
        for r in found
    ]


def settle_attempts(conn: sqlite3.Connection, user_id: int, results: list[AttemptResult]) -> None:
    """The server's answers to ``user_id``'s attempts: an attempt it holds (or refused for
    good) is sent; its certificate, if any, replaces what this PC believed. When the server
    holds none, a pass believed here (its scoring differed, or it refused the attempt) is
    withdrawn, unless another pass of that kind still waits to be sent."""
    for result in results:
        kind = scalar(
            conn,
            "SELECT c.task_kind FROM training_attempts a JOIN courses c ON c.id = a.course_id"
            " WHERE a.id = ? AND a.user_id = ?",
            (result.id, user_id),
        )
        # only the user's own: the answer came with their token, never settles another's attempt
        conn.execute("UPDATE training_attempts SET sent = 1 WHERE id = ? AND user_id = ?", (result.id, user_id))
        if result.status != ATTEMPT_REJECTED and result.certificate is not None:
            if result.certificate.user_id == user_id:
                _certify(conn, result.certificate)
        elif kind is not None:
            conn.execute(
                "DELETE FROM certificates WHERE user_id = ? AND task_kind = ? AND certified_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM training_attempts a JOIN courses c ON c.id = a.course_id"
                " WHERE a.user_id = ? AND a.sent = 0 AND a.passed = 1 AND c.task_kind = ?)",
                (user_id, kind, user_id, kind),
            )


def certificates(conn: sqlite3.Connection, user_id: int) -> dict[str, Certificate]:
    found = rows(conn, "SELECT * FROM certificates WHERE user_id = ?", (user_id,))
    return {r["task_kind"]: Certificate(r["user_id"], r["task_kind"], r["course_id"], r["score"], r["certified_at"] or "")
            for r in found}  # fmt: skip


def last_attempt(conn: sqlite3.Connection, user_id: int, course_id: int) -> tuple[float | None, bool] | None:
    """The user's latest finished attempt at the course: (score, passed), or None."""
    found = rows(
        conn,
        "SELECT score, passed FROM training_attempts WHERE user_id = ? AND course_id = ? AND finished_at IS NOT NULL"
        " ORDER BY finished_at DESC LIMIT 1",
        (user_id, course_id),
    )
    return (found[0]["score"], bool(found[0]["passed"])) if found else None


class TrainingMethods:
    """Mixed into ``Store`` (uses its ``_w`` writer and ``current_user``)."""

    def save_courses(self, found: list[Course], certs: list[Certificate], user_id: int) -> None:
        self._w.write(lambda c: save_courses(c, found, certs, user_id), "store the training courses")

    def courses(self) -> list[Course]:
        return self._w.read(courses)

    def course(self, course_id: int) -> Course | None:
        return self._w.read(lambda c: course(c, course_id))

    def missing_lesson_blobs(self) -> list[tuple[str, int]]:
        return self._w.read(missing_lesson_blobs)

    def unfinished_attempt(self, user_id: int, course_id: int) -> tuple[str, int] | None:
        """The attempt under way and how many of its answers are checked, or None."""

        def read(c: sqlite3.Connection) -> tuple[str, int] | None:
            found = unfinished_attempt(c, user_id, course_id)
            return None if found is None else (found, checked_count(c, found))

        return self._w.read(read)

    def open_attempt(self, user_id: int, course_id: int) -> str:
        return self._w.write(lambda c: open_attempt(c, user_id, course_id), "start a training attempt")

    def save_training_answer(self, attempt_id: str, item_id: int, shapes: list[Shape], score: float | None = None) -> None:
        self._w.write(lambda c: save_answer(c, attempt_id, item_id, shapes, score), "save a training answer")

    def training_answers(self, attempt_id: str) -> dict[int, tuple[list[Shape], float | None]]:
        return self._w.read(lambda c: answers(c, attempt_id))

    def finish_attempt(self, attempt_id: str, score: float, passed: bool, user_id: int, found: Course) -> None:
        self._w.write(lambda c: finish_attempt(c, attempt_id, score, passed, user_id, found), "finish a training attempt")

    def waiting_attempts(self, user_id: int) -> list[TrainingAttempt]:
        return self._w.read(lambda c: waiting_attempts(c, user_id))

    def settle_attempts(self, user_id: int, results: list[AttemptResult]) -> None:
        self._w.write(lambda c: settle_attempts(c, user_id, results), "store the server's training answers")

    def certificates(self, user_id: int) -> dict[str, Certificate]:
        return self._w.read(lambda c: certificates(c, user_id))

    def last_attempt(self, user_id: int, course_id: int) -> tuple[float | None, bool] | None:
        return self._w.read(lambda c: last_attempt(c, user_id, course_id))
