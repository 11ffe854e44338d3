"""Training and certification on the server (ADR 0027): a course of gold items travels
whole to the office's annotators, attempts are scored by the server and stored once, the
first pass certifies, and an order that requires it leases only to the certified."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from quality_helpers import add_annotator
from server_helpers import auth, box
from sqlalchemy import func, select

from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.training import CourseError, create_course
from sync_server.orders.gold_import import import_gold_file
from sync_server.protocol import uuid7

GOLD = [box(), box("pedestrian", 60, 10, 100, 70)]


@pytest.fixture
def course(engine, world, tmp_path) -> int:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps({"name": f"img_0{i}.jpg", "shapes": GOLD}) for i in range(4)), encoding="utf-8")
    with write_transaction(engine) as conn:
        import_gold_file(conn, world.order, gold)
        conn.execute(tables.orders.update().where(tables.orders.c.id == world.order)
                     .values(guidelines="# 规则\n- car：整辆车画紧框\n- pedestrian：行人连同随身物品"))  # fmt: skip
        return create_course(conn, world.order, "车辆框入门", 0.8, 3)


def _courses(client, token):
    reply = client.get("/api/v1/training/courses", headers=auth(token))
    assert reply.status_code == 200, reply.text
    return reply.json()


def _attempt(course_id: int, answers: dict[int, list[dict]], attempt_id: str | None = None) -> dict:
    return {"id": attempt_id or uuid7(), "course_id": course_id, "client_time": to_iso(utc_now()),
            "answers": [{"item_id": item, "shapes": shapes} for item, shapes in answers.items()]}  # fmt: skip


def _send(client, token, *attempts):
    reply = client.post("/api/v1/training/attempts", json={"attempts": list(attempts)}, headers=auth(token))
    assert reply.status_code == 200, reply.text
    return reply.json()["results"]


def test_a_course_travels_whole_to_the_offices_annotators_only(client, tokens, course, world):
    body = _courses(client, tokens["anno1"])
    (found,) = body["courses"]
    assert (found["id"], found["name"], found["task_kind"], found["pass_mark"]) == (course, "车辆框入门", "bbox", 0.8)
    assert found["order"]["guidelines"].startswith("# 规则")
    assert [lesson["item"]["name"] for lesson in found["items"]] == ["img_00.jpg", "img_01.jpg", "img_02.jpg"]
    assert all(lesson["expected"] == GOLD for lesson in found["items"])
    assert all(lesson["item"]["batch_id"] is None for lesson in found["items"])  # a lesson is no batch's item
    assert body["certificates"] == []
    assert _courses(client, tokens["far1"])["courses"] == []  # another office's


def test_an_annotator_with_no_batch_downloads_the_lessons_images_but_no_others(client, engine, world, course):
    _new, token = add_annotator(engine, world.office, "trainee")
    lessons = _courses(client, token)["courses"][0]["items"]
    for lesson in lessons:
        assert client.get(f"/api/v1/blobs/{lesson['item']['blob']}", headers=auth(token)).status_code == 200
    with read_connection(engine) as conn:
        untaught = conn.execute(select(tables.items.c.display_sha256).where(tables.items.c.order_id == world.order)
                                .order_by(tables.items.c.id.desc()).limit(1)).scalar()  # fmt: skip
    assert untaught not in {lesson["item"]["blob"] for lesson in lessons}
    assert client.get(f"/api/v1/blobs/{untaught}", headers=auth(token)).status_code == 404


def test_a_passed_attempt_certifies_once_however_often_it_is_sent(client, engine, tokens, world, course):
    lessons = [lesson["item"]["id"] for lesson in _courses(client, tokens["anno1"])["courses"][0]["items"]]
    failed = _attempt(course, {lessons[0]: GOLD, lessons[1]: [box()]})  # 1 + 2/3 + 0 (left out): 5/9
    (result,) = _send(client, tokens["anno1"], failed)
    assert result["status"] == "accepted" and result["score"] == pytest.approx(5 / 9)
    assert "passed" not in result and "certificate" not in result
    passed = _attempt(course, {item: GOLD for item in lessons[:2]} | {lessons[2]: [GOLD[0], box("car", 61, 11, 100, 70)]})
    first = _send(client, tokens["anno1"], passed)[0]  # the last item: 1 of 2 matched and one wrong label, F1 0.5
    assert first["status"] == "accepted" and first["passed"] is True and first["score"] == pytest.approx(2.5 / 3)
    assert first["certificate"]["task_kind"] == "bbox" and first["certificate"]["course_id"] == course
    again = _send(client, tokens["anno1"], passed, failed)  # the link dropped before the answer arrived
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    assert again[0]["certificate"] == first["certificate"] and again[1]["score"] == pytest.approx(5 / 9)
    later = _send(client, tokens["anno1"], _attempt(course, {item: GOLD for item in lessons}))[0]
    assert later["certificate"] == first["certificate"]  # certified once: the first pass stays
    with read_connection(engine) as conn:
        assert conn.execute(select(func.count()).select_from(tables.training_attempts)).scalar() == 3
        assert conn.execute(select(func.count()).select_from(tables.certificates)).scalar() == 1
    assert _courses(client, tokens["anno1"])["certificates"] == [first["certificate"]]
    assert _courses(client, tokens["anno2"])["certificates"] == []  # their own only
    assert _courses(client, tokens["lead"])["certificates"] == [first["certificate"]]  # a lead: the office's


def test_attempts_that_are_not_theirs_to_make_are_rejected_one_by_one(client, tokens, course, engine, world):
    mine = _attempt(course, {})
    _send(client, tokens["anno1"], mine)
    results = _send(client, tokens["anno2"], mine, _attempt(999_999, {}), _attempt(course, {}))
    assert [(r["status"], r.get("code")) for r in results] == [
        ("rejected", "attempt_id_taken"), ("rejected", "unknown_course"), ("accepted", None)]  # fmt: skip
    assert _send(client, tokens["far1"], _attempt(course, {}))[0]["code"] == "unknown_course"  # another office's
    reply = client.post("/api/v1/training/attempts", json={"attempts": [{"id": uuid7()}]}, headers=auth(tokens["anno1"]))
    assert reply.status_code == 422 and reply.json()["code"] == "invalid_request"


def test_an_order_that_requires_certification_leases_only_to_the_certified(client, engine, tokens, world, course):
    with write_transaction(engine) as conn:
        conn.execute(tables.orders.update().where(tables.orders.c.id == world.order).values(requires_certification=True))
        conn.execute(tables.batches.update().where(tables.batches.c.order_id == world.order)
                     .values(annotator_id=None, lease_until=None))  # fmt: skip
    until = to_iso(utc_now() + timedelta(days=2))
    refused = client.post(f"/api/v1/batches/{world.batch2}/assign", json={"annotator_id": world.anno2, "until": until},
                          headers=auth(tokens["lead"]))  # fmt: skip
    assert refused.status_code == 403 and refused.json()["code"] == "certification_required", refused.text
    lessons = [lesson["item"]["id"] for lesson in _courses(client, tokens["anno1"])["courses"][0]["items"]]
    assert _send(client, tokens["anno1"], _attempt(course, {item: GOLD for item in lessons}))[0]["passed"]
    idle = client.post(f"/api/v1/orders/{world.order}/assign-idle", json={"until": until}, headers=auth(tokens["lead"]))
    assert idle.status_code == 200, idle.text
    assert [a["annotator_id"] for a in idle.json()["assigned"]] == [world.anno1]  # anno2 is skipped, not refused
    _send(client, tokens["anno2"], _attempt(course, {item: GOLD for item in lessons}))
    granted = client.post(f"/api/v1/batches/{world.batch2}/assign", json={"annotator_id": world.anno2, "until": until},
                          headers=auth(tokens["lead"]))  # fmt: skip
    assert granted.status_code == 200, granted.text


def test_a_course_needs_gold_answers_and_a_sane_pass_mark(engine, world):
    with write_transaction(engine) as conn:
        with pytest.raises(CourseError, match="no gold answers"):
            create_course(conn, world.order, "空", 0.8)
        with pytest.raises(CourseError, match="pass mark"):
            create_course(conn, world.order, "太松", 0.1)


def test_the_commands_make_and_list_courses_and_certificates(client, data_dir, tmp_path, capsys, monkeypatch, world, tokens, course):
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["make-course", str(world.order), "--name", "第二课", "--pass-mark", "0.9", "--items", "2"]) == 0
    assert "pass mark 0.9" in capsys.readouterr().out
    assert main(["make-course", "no such order", "--name", "x"]) == 2
    assert "no order" in capsys.readouterr().err
    assert main(["make-course", str(world.order), "--name", "x", "--pass-mark", "2"]) == 2
    assert "pass mark" in capsys.readouterr().err
    lessons = [lesson["item"]["id"] for lesson in _courses(client, tokens["anno1"])["courses"][0]["items"]]
    _send(client, tokens["anno1"], _attempt(course, {item: GOLD for item in lessons}))
    assert main(["courses"]) == 0
    out = capsys.readouterr().out
    assert "车辆框入门" in out and "第二课" in out
    assert main(["certificates"]) == 0
    out = capsys.readouterr().out
    assert "anno1" in out and "bbox" in out and "1.000" in out


def test_an_item_a_course_teaches_no_longer_scores_anyone(client, engine, tokens, world, course):
    from quality_helpers import answer

    answer(client, tokens["anno1"], world.batch1_items[0], [box()])  # taught: its answer was shown
    answer(client, tokens["anno2"], world.batch2_items[1], [box()])  # img_03: gold, not in the course
    reply = client.get("/api/v1/quality/gold", params={"order_id": world.order}, headers=auth(tokens["lead"]))
    body = reply.json()
    assert body["gold_items"] == 1
    assert [(p["annotator_id"], p["answered"]) for p in body["annotators"]] == [(world.anno2, 1)]


def test_attempts_the_rules_refuse_are_rejected_not_scored(client, tokens, course, world):
    lessons = [lesson["item"]["id"] for lesson in _courses(client, tokens["anno1"])["courses"][0]["items"]]
    outside = _attempt(course, {lessons[0]: [box(x2=10_000)]})  # past the image's edge
    wrong_kind = _attempt(course, {lessons[0]: [{"kind": "span", "label": "car", "points": [[0, 2]]}]})
    unknown = _attempt(course, {lessons[0]: [box("tractor")]})
    huge = _attempt(2**70, {})
    not_uuid = _attempt(course, {}, attempt_id="x" * 200)
    results = _send(client, tokens["anno1"], outside, wrong_kind, unknown, huge, not_uuid)
    assert [r["status"] for r in results] == ["rejected"] * 5
    assert [r["code"] for r in results[3:]] == ["unknown_course", "bad_id"]
    assert all(r.get("code") and r.get("reason") for r in results)
    assert _courses(client, tokens["anno1"])["certificates"] == []


def test_the_orders_own_iou_threshold_travels_with_the_course_and_both_sides_agree(client, engine, tokens, world, course):
    from sync_server.protocol import Course, Shape, from_wire
    from sync_server.quality.training import (
        attempt_score,
        course_threshold,
        item_feedback,
        passes,
    )

    assert "iou_threshold" not in _courses(client, tokens["anno1"])["courses"][0]  # None: left out, as old PCs know it
    with write_transaction(engine) as conn:
        conn.execute(tables.orders.update().where(tables.orders.c.id == world.order).values(iou_threshold=0.8))
    found = from_wire(Course, _courses(client, tokens["anno1"])["courses"][0])  # what the PC keeps
    assert found.iou_threshold == 0.8 and course_threshold(found) == 0.8
    near = [box(y2=31), GOLD[1]]  # the car at IoU 840/1200 = 0.7 with the expected one; the pedestrian exact
    on_the_pc = item_feedback(found.task_kind, [Shape(**s) for s in near], found.items[0].expected,
                              threshold=course_threshold(found))  # fmt: skip
    assert not on_the_pc.right and on_the_pc.score == pytest.approx(0.5) and len(on_the_pc.missed) == 1
    assert item_feedback(found.task_kind, [Shape(**s) for s in near], found.items[0].expected).right  # at 0.5 it was
    answers = {lesson.item.id: [Shape(**s) for s in near] for lesson in found.items}
    pc_score = attempt_score(found.task_kind, answers, {lesson.item.id: lesson.expected for lesson in found.items},
                             course_threshold(found))  # fmt: skip

    (result,) = _send(client, tokens["anno1"], _attempt(course, {item: near for item in answers}))
    assert result["score"] == pytest.approx(pc_score) == pytest.approx(0.5)
    assert result.get("passed", False) is passes(pc_score, found.pass_mark) is False
