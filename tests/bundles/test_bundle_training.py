"""Training by USB stick (ADR 0027, ADR 0007): with no link at all, a pull bundle brings the
office's courses with their lesson images, the push bundle carries the attempts made on
the PC, and the reply brings the server's scores and the certificate, exactly once however
often a bundle is imported. A bundle from before training travelled still imports."""

from __future__ import annotations

import json
import zipfile

import pytest
from bundle_helpers import first_contact, rewrite_zip, row_counts
from sqlalchemy import select

from aidou_desktop.sync.bundle import export_push_bundle, import_pull_bundle
from sync_server.bundles import KIND_PUSH, VerifiedBundle, attempt_pages, key_bytes
from sync_server.bundles.office import (
    import_push_bundle,
    write_reply,
    write_user_bundle,
)
from sync_server.db import tables
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.quality import store_gold_answers
from sync_server.db.training import create_course
from sync_server.protocol import ATTEMPT_ACCEPTED, ATTEMPT_DUPLICATE, Shape
from sync_server.quality.training import attempt_score, course_threshold, item_feedback

GOLD = [{"kind": "box", "label": "car", "points": [[10, 10], [50, 40]]}]


def make_course(engine, world, name: str = "画框入门", iou_threshold: float | None = None) -> int:
    """A course of the order's batch-2 items (anno2's): a lesson needs no lease to be seen."""
    with write_transaction(engine) as conn:
        taught = conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == world["batch2"])).scalars().all()
        known = set(conn.execute(select(tables.gold_answers.c.item_id)).scalars())
        store_gold_answers(conn, [(item_id, GOLD) for item_id in taught if item_id not in known])
        order = conn.execute(select(tables.items.c.order_id).where(tables.items.c.id == taught[0])).scalar_one()
        conn.execute(tables.orders.update().where(tables.orders.c.id == order).values(iou_threshold=iou_threshold))
        return create_course(conn, order, name, 0.8)


def take_course(store, course_id: int, shapes_for=lambda lesson: lesson.expected) -> str:
    """A trainee's attempt, answered and checked on the PC, as the training page stores it."""
    user = store.current_user()
    course = store.course(course_id)
    attempt = store.open_attempt(user.id, course_id)
    answers = {}
    for lesson in course.items:
        answers[lesson.item.id] = shapes_for(lesson)
        feedback = item_feedback(course.task_kind, answers[lesson.item.id], lesson.expected,
                                 threshold=course_threshold(course))  # fmt: skip
        store.save_training_answer(attempt, lesson.item.id, answers[lesson.item.id], feedback.score)
    expected = {lesson.item.id: lesson.expected for lesson in course.items}
    score = attempt_score(course.task_kind, answers, expected, course_threshold(course))
    store.finish_attempt(attempt, score, score >= course.pass_mark, user.id, course)
    return attempt


def server_count(engine, table) -> int:
    return row_counts(engine)[table.name]


def entry_names(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return z.namelist()


def manifest_of(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def test_a_trainee_with_no_link_is_certified_exactly_once(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    course_id = make_course(engine, world)
    first_contact(store, engine, blob_store, anno1, tmp_path)  # the admin's first stick

    [course] = store.courses()
    assert course.id == course_id and len(course.items) == 2
    assert store.missing_lesson_blobs() == []  # the lessons' images came with it: anno2's batch, not theirs
    attempt = take_course(store, course_id)
    assert store.certificates(anno1.id)["bbox"].certified_at == ""  # passed here, not confirmed yet

    push = tmp_path / "push.aidou"
    assert export_push_bundle(store, push).attempts == 1
    first = import_push_bundle(engine, push)
    again = import_push_bundle(engine, push)  # the same stick, imported twice

    assert [(r.id, r.status, r.passed) for r in first.attempt_results] == [(attempt, ATTEMPT_ACCEPTED, True)]
    assert [r.status for r in again.attempt_results] == [ATTEMPT_DUPLICATE]
    assert again.attempt_results[0].certificate == first.attempt_results[0].certificate
    assert server_count(engine, tables.training_attempts) == 1
    assert server_count(engine, tables.certificates) == 1

    reply = tmp_path / "reply.aidou"
    report = write_reply(engine, blob_store, again, reply)
    assert (report.courses, report.certificates, report.attempt_results) == (1, 1, 1)
    got = import_pull_bundle(store, reply)

    assert got.attempts == {ATTEMPT_DUPLICATE: 1} and got.courses == 1
    assert store.waiting_attempts(anno1.id) == []
    cert = store.certificates(anno1.id)["bbox"]
    assert cert.certified_at == first.attempt_results[0].certificate.certified_at  # the server's word now
    assert export_push_bundle(store, tmp_path / "next.aidou").attempts == 0  # nothing is sent again


def test_an_unanswered_attempt_goes_again_under_its_id_and_stays_one(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    course_id = make_course(engine, world)
    first_contact(store, engine, blob_store, anno1, tmp_path)
    attempt = take_course(store, course_id)
    export_push_bundle(store, tmp_path / "one.aidou")
    import_push_bundle(engine, tmp_path / "one.aidou")  # imported without --reply: the PC hears nothing

    export_push_bundle(store, tmp_path / "two.aidou")
    with VerifiedBundle(tmp_path / "two.aidou", KIND_PUSH, lambda _m: key_bytes(world["keys"]["anno1"])) as bundle:
        assert [a.id for page in attempt_pages(bundle) for a in page] == [attempt]
    done = import_push_bundle(engine, tmp_path / "two.aidou")

    assert [r.status for r in done.attempt_results] == [ATTEMPT_DUPLICATE]
    assert server_count(engine, tables.training_attempts) == 1 and server_count(engine, tables.certificates) == 1


def test_the_reply_brings_the_lesson_images_the_pc_lacks_and_no_more(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    first = tmp_path / "first.aidou"
    write_user_bundle(engine, blob_store, anno1, first, training=False)  # from before any course
    import_pull_bundle(store, first)
    assert store.courses() == []
    course_id = make_course(engine, world)

    push = tmp_path / "push.aidou"
    export_push_bundle(store, push)
    assert manifest_of(push)["known_courses"] == []
    reply = tmp_path / "reply.aidou"
    report = write_reply(engine, blob_store, import_push_bundle(engine, push), reply)
    assert report.blobs == 2  # the new course's lessons
    import_pull_bundle(store, reply)
    assert [c.id for c in store.courses()] == [course_id] and store.missing_lesson_blobs() == []

    push2, reply2 = tmp_path / "push2.aidou", tmp_path / "reply2.aidou"
    export_push_bundle(store, push2)
    assert manifest_of(push2)["known_courses"] == [course_id]
    report = write_reply(engine, blob_store, import_push_bundle(engine, push2), reply2)
    assert report.blobs == 0 and report.courses == 1  # the course again (it may have changed), its images not


def test_bundles_without_training_stay_format_1_and_old_ones_still_import(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    make_course(engine, world)
    first_contact(store, engine, blob_store, anno1, tmp_path)
    courses_before = store.courses()
    push = tmp_path / "push.aidou"
    export_push_bundle(store, push)  # nothing waits: no training entry, so an older server reads it
    manifest = manifest_of(push)
    assert (manifest["format_version"], manifest["reads_format"]) == (1, 2)
    assert not any(name.startswith("attempts/") for name in entry_names(push))

    def as_an_old_pc_wrote_it(doc: dict) -> None:
        for name in ("reads_format", "known_courses"):
            del doc[name]

    old = rewrite_zip(push, tmp_path / "old.aidou", manifest=as_an_old_pc_wrote_it, sign_with=world["keys"]["anno1"])
    done = import_push_bundle(engine, old)
    assert done.manifest.reads_format == 1 and done.attempt_results == []
    reply = tmp_path / "reply.aidou"
    report = write_reply(engine, blob_store, done, reply)
    assert report.courses is None  # an old PC would refuse the training entries: left out
    assert manifest_of(reply)["format_version"] == 1
    assert not any(name.startswith(("courses/", "attempt-results/")) for name in entry_names(reply))

    got = import_pull_bundle(store, reply)  # a reply without training keeps the PC's courses
    assert got.courses is None and store.courses() == courses_before


def test_a_pass_the_server_does_not_confirm_is_withdrawn_on_the_pc(store, engine, blob_store, world, tmp_path):
    anno1 = world["users"]["anno1"]
    course_id = make_course(engine, world, iou_threshold=0.8)
    first_contact(store, engine, blob_store, anno1, tmp_path)
    course = store.course(course_id)
    assert course.iou_threshold == 0.8
    near = [Shape("box", "car", [[10, 10], [50, 31]])]  # IoU 0.7 with the expected box
    attempt = store.open_attempt(anno1.id, course_id)
    for lesson in course.items:
        store.save_training_answer(attempt, lesson.item.id, near, 1.0)
    store.finish_attempt(attempt, 1.0, True, anno1.id, course)  # as a PC that scored at IoU 0.5 would
    assert "bbox" in store.certificates(anno1.id)

    push, reply = tmp_path / "push.aidou", tmp_path / "reply.aidou"
    export_push_bundle(store, push)
    done = import_push_bundle(engine, push)
    assert done.attempt_results[0].score == pytest.approx(0.0) and not done.attempt_results[0].passed
    write_reply(engine, blob_store, done, reply)
    import_pull_bundle(store, reply)

    assert store.certificates(anno1.id) == {}  # the server's word: not certified
    assert store.last_attempt(anno1.id, course_id) == (1.0, True)  # what the trainee saw stays in the record
    with read_connection(engine) as conn:
        assert conn.execute(select(tables.certificates)).first() is None


def test_the_usb_walk_of_a_trainee_through_the_commands(store, desk_dir, server_dir, engine, blob_store, world, tmp_path):
    from test_bundle_cli import desk, server

    anno1 = world["users"]["anno1"]
    course_id = make_course(engine, world)
    stick = tmp_path / "stick"
    stick.mkdir()
    first, push, reply = stick / "first.aidou", stick / "push.aidou", stick / "reply.aidou"
    done = server("bundle", "--user", "anno1", "--out", str(first), "--data-dir", str(server_dir))
    assert done.returncode == 0, done.stderr
    assert "training: 1 course(s), 0 certificate(s)" in done.stdout and "4 image(s)" in done.stdout  # 2 batch, 2 lessons
    done = desk(desk_dir, "bundle", "import", str(first))
    assert done.returncode == 0, done.stderr
    assert "courses: 1" in done.stdout
    take_course(store, course_id)

    done = desk(desk_dir, "bundle", "export", str(push))
    assert done.returncode == 0, done.stderr
    assert "1 training attempt(s)" in done.stdout
    for _ in range(2):  # the admin imports the stick twice
        done = server("import-bundle", str(push), "--reply", str(reply), "--data-dir", str(server_dir))
        assert done.returncode == 0, done.stderr
    assert "imported 1 training attempt(s): accepted 0, duplicate 1, rejected 0; 1 passed" in done.stdout
    done = desk(desk_dir, "bundle", "import", str(reply))
    assert done.returncode == 0, done.stderr
    assert "attempt answers: duplicate 1" in done.stdout

    assert store.waiting_attempts(anno1.id) == [] and store.certificates(anno1.id)["bbox"].certified_at
    assert server_count(engine, tables.training_attempts) == 1 and server_count(engine, tables.certificates) == 1
    old = stick / "old.aidou"
    done = server("bundle", "--user", "anno1", "--out", str(old), "--format", "1", "--data-dir", str(server_dir))
    assert done.returncode == 0 and "training left out" in done.stdout
    assert manifest_of(old)["format_version"] == 1
