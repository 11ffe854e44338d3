"""Push: accepted, duplicate on resend, id reuse rejected, conflicts kept and flagged."""

from datetime import timedelta

from sqlalchemy import select

from server_helpers import auth, box, feed, push, record, row_counts
from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import uuid7


def _stored(engine, annotation_id: str) -> dict:
    with read_connection(engine) as conn:
        row = conn.execute(select(tables.annotations).where(tables.annotations.c.id == annotation_id)).mappings().first()
    return dict(row) if row else None


def _head(engine, item_id: int) -> str | None:
    with read_connection(engine) as conn:
        return conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == item_id)).scalar()


def test_push_is_accepted_and_stored(client, tokens, world, engine):
    sent = record(world.batch1_items[0], [box("car", 1, 2, 30, 40.5), box("pedestrian", 60, 10, 70, 60)])
    answer = push(client, tokens["anno1"], sent)
    assert answer.status_code == 200
    body = answer.json()
    assert body == {"results": [{"id": sent["id"], "status": "accepted"}], "server_id": body["server_id"]}  # reason None is left out
    assert len(body["server_id"]) == 36 and answer.headers["X-Aidou-Server"] == body["server_id"]
    stored = _stored(engine, sent["id"])
    assert stored["annotator_id"] == world.anno1 and stored["batch_id"] == world.batch1
    assert stored["shapes"] == sent["shapes"] and stored["time_spent_ms"] == 1500
    assert stored["conflict"] is False and stored["received_at"] is not None
    assert _head(engine, world.batch1_items[0]) == sent["id"]


def test_resending_is_a_duplicate_and_stores_nothing_twice(client, tokens, world, engine):
    sent = record(world.batch1_items[0], [box(x1=10.0)])
    push(client, tokens["anno1"], sent)
    before = row_counts(engine)
    resent = dict(sent, shapes=[box(x1=10)])  # 10 and 10.0 are the same number
    for _ in range(3):
        answer = push(client, tokens["anno1"], resent)
        assert answer.status_code == 200
        assert answer.json()["results"] == [{"id": sent["id"], "status": "duplicate"}]
    assert row_counts(engine) == before


def test_same_record_twice_in_one_push(client, tokens, world, engine):
    sent = record(world.batch1_items[0])
    statuses = [r["status"] for r in push(client, tokens["anno1"], sent, sent).json()["results"]]
    assert statuses == ["accepted", "duplicate"]
    assert row_counts(engine)["annotations"] == 1


def test_id_reused_with_other_content_is_rejected(client, tokens, world, engine):
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    before = row_counts(engine)
    answer = push(client, tokens["anno1"], dict(sent, shapes=[box(x2=55)]))
    assert answer.status_code == 422
    assert answer.json()["results"][0] == {"id": sent["id"], "status": "rejected", "reason": "id reused for different content",
                                              "code": "id_reused"}
    assert row_counts(engine) == before
    assert _stored(engine, sent["id"])["shapes"] == sent["shapes"]


def test_a_new_revision_on_my_own_work_is_accepted(client, tokens, world, engine):
    first = record(world.batch1_items[0])
    second = record(world.batch1_items[0], [box(x2=90)], base_id=first["id"])
    statuses = [r["status"] for r in push(client, tokens["anno1"], first, second).json()["results"]]
    assert statuses == ["accepted", "accepted"]
    assert _head(engine, world.batch1_items[0]) == second["id"]



def _annotations_in_feed(client, token: str) -> dict[str, dict]:
    return {c["data"]["id"]: c["data"] for c in feed(client, token)["changes"] if c["kind"] == "annotation"}


def test_a_flag_for_the_lead_is_stored_fed_and_part_of_the_content(client, tokens, world, engine):
    flagged = record(world.batch1_items[0], flag="拿不准")
    plain = record(world.batch1_items[1])
    assert [r["status"] for r in push(client, tokens["anno1"], flagged, plain).json()["results"]] == ["accepted"] * 2
    assert _stored(engine, flagged["id"])["flag"] == "拿不准" and _stored(engine, plain["id"])["flag"] is None
    seen = _annotations_in_feed(client, tokens["lead"])
    assert seen[flagged["id"]]["flag"] == "拿不准"
    assert "flag" not in seen[plain["id"]]  # the wire leaves a default out
    # the same id with another flag, or without it, is other content; the same flag a duplicate
    before = row_counts(engine)
    for other in ("图片不清楚", None):
        answer = push(client, tokens["anno1"], dict(flagged, flag=other))
        assert answer.status_code == 422
        assert answer.json()["results"][0]["reason"] == "id reused for different content"
    assert push(client, tokens["anno1"], flagged).json()["results"][0]["status"] == "duplicate"
    assert row_counts(engine) == before
    # a re-lease replays the revision with its flag to the new holder
    _move_batch1_to_anno2(engine, world)
    assert _annotations_in_feed(client, tokens["anno2"])[flagged["id"]]["flag"] == "拿不准"


def test_a_flag_over_200_characters_is_rejected(client, tokens, world, engine):
    too_long = record(world.batch1_items[0], flag="车" * 201)
    answer = push(client, tokens["anno1"], too_long)
    assert answer.status_code == 422
    assert answer.json()["results"][0]["reason"] == "flag is longer than 200 characters"
    assert _stored(engine, too_long["id"]) is None
    longest = record(world.batch1_items[0], flag="车" * 200)
    assert push(client, tokens["anno1"], longest).json()["results"][0]["status"] == "accepted"


def _move_batch1_to_anno2(engine, world) -> None:
    with write_transaction(engine) as conn:
        lease_batch(conn, world.batch1, world.anno2, utc_now() + timedelta(days=1))


def test_competing_revision_is_kept_as_a_conflict(client, tokens, world, engine):
    item = world.batch1_items[0]
    original = record(item)
    push(client, tokens["anno1"], original)
    _move_batch1_to_anno2(engine, world)

    rival = record(item, [box(x2=99)])  # anno2 never saw anno1's revision
    answer = push(client, tokens["anno2"], rival)
    assert answer.status_code == 200
    assert answer.json()["results"][0]["status"] == "conflict"
    assert _stored(engine, original["id"])["conflict"] is False
    assert _stored(engine, rival["id"])["conflict"] is True
    assert _head(engine, item) == original["id"]  # the lead decides; the head stays


def test_revision_based_on_the_head_is_no_conflict(client, tokens, world, engine):
    item = world.batch1_items[0]
    original = record(item)
    push(client, tokens["anno1"], original)
    _move_batch1_to_anno2(engine, world)
    follow_up = record(item, [box(x2=99)], base_id=original["id"])
    assert push(client, tokens["anno2"], follow_up).json()["results"][0]["status"] == "accepted"
    assert _head(engine, item) == follow_up["id"]


def test_late_work_after_the_batch_moved_on_is_a_conflict(client, tokens, world, engine):
    _move_batch1_to_anno2(engine, world)
    late = record(world.batch1_items[1])
    answer = push(client, tokens["anno1"], late)
    assert answer.json()["results"][0]["status"] == "conflict"
    assert _stored(engine, late["id"])["conflict"] is True


def test_mixed_push_stores_the_good_and_answers_each(client, tokens, world, engine):
    good = record(world.batch1_items[0])
    bad = record(world.batch1_items[1], [box("dragon")])
    answer = push(client, tokens["anno1"], good, bad)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected"]
    assert results[1]["reason"] == "shape 1: unknown label 'dragon'"
    assert _stored(engine, good["id"]) is not None and _stored(engine, bad["id"]) is None


def test_an_image_with_nothing_on_it_is_a_valid_answer(client, tokens, world):
    answer = push(client, tokens["anno1"], record(world.batch1_items[0], []))
    assert answer.json()["results"][0]["status"] == "accepted"


def test_lead_may_push_in_their_office(client, tokens, world):
    answer = push(client, tokens["lead"], record(world.batch2_items[0]))
    assert answer.json()["results"][0]["status"] == "accepted"


def test_500_records_in_one_push(client, tokens, world, engine):
    # each revision based on the one before it on its item: one annotator editing all day
    records, last = [], {}
    for i in range(500):
        item = world.batch1_items[i % 2]
        records.append(record(item, base_id=last.get(item)))
        last[item] = records[-1]["id"]
    answer = push(client, tokens["anno1"], *records)
    assert answer.status_code == 200
    assert {r["status"] for r in answer.json()["results"]} == {"accepted"}
    assert row_counts(engine)["annotations"] == 500


def test_missing_names_the_revisions_the_server_does_not_hold(client, tokens, world):
    sent = record(world.batch1_items[0])
    assert push(client, tokens["anno1"], sent).status_code == 200
    unknown = uuid7()
    answer = client.post("/api/v1/missing", json={"ids": [sent["id"], unknown, "not-a-uuid"]},
                         headers=auth(tokens["anno1"]))  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["missing"] == [unknown] and answer.json()["server_id"]
    too_many = client.post("/api/v1/missing", json={"ids": [unknown] * 2001}, headers=auth(tokens["anno1"]))
    assert too_many.status_code == 413 and too_many.json()["code"] == "too_many_records"
    assert client.post("/api/v1/missing", json={"ids": [unknown]}).status_code == 401
