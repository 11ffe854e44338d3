"""The change feed: each annotator gets exactly their batches; leads their office."""

from datetime import timedelta

import pytest

from server_helpers import auth, feed, push, record
from sync_server.db.clock import utc_now
from sync_server.db.engine import write_transaction
from sync_server.db.tables import changes
from sync_server.orders.leasing import LeaseError, lease_batch


def _by_kind(changes: list[dict]) -> dict[str, list[dict]]:
    kinds: dict[str, list[dict]] = {}
    for change in changes:
        kinds.setdefault(change["kind"], []).append(change["data"])
    return kinds


def test_annotator_gets_exactly_their_order_batch_and_items(client, tokens, world):
    page = feed(client, tokens["anno1"])
    kinds = _by_kind(page["changes"])
    assert set(kinds) == {"order", "batch", "item"}
    assert [order["id"] for order in kinds["order"]] == [world.order]
    assert kinds["order"][0]["schema"]["labels"][0] == {"name": "car", "title": "轿车", "color": "#e6194b"}
    assert [(b["id"], b["annotator_id"], b["item_ids"]) for b in kinds["batch"]] == [
        (world.batch1, world.anno1, world.batch1_items)
    ]
    assert kinds["batch"][0]["lease_until"].endswith("Z")
    assert [item["id"] for item in kinds["item"]] == world.batch1_items
    item = kinds["item"][0]
    assert (item["width"], item["height"], item["batch_id"]) == (120, 80, world.batch1)
    assert len(item["blob"]) == 64 and item["blob_size"] > 0
    assert page["has_more"] is False
    assert page["cursor"].split(".")[0] == str(page["changes"][-1]["seq"])


def test_another_annotators_feed_does_not_carry_my_batch(client, tokens, world):
    kinds = _by_kind(feed(client, tokens["anno2"])["changes"])
    assert [b["id"] for b in kinds["batch"]] == [world.batch2]
    assert [item["id"] for item in kinds["item"]] == world.batch2_items
    far = _by_kind(feed(client, tokens["far1"])["changes"])
    assert world.order not in [order["id"] for order in far["order"]]
    assert [item["id"] for item in far["item"]] == [world.far_item]


def test_lead_sees_the_whole_office_and_nothing_else(client, tokens, world):
    kinds = _by_kind(feed(client, tokens["lead"])["changes"])
    assert {order["id"] for order in kinds["order"]} == {world.order}
    assert sorted({item["id"] for item in kinds["item"]}) == world.batch1_items + world.batch2_items
    latest_batches = {b["id"]: b["annotator_id"] for b in kinds["batch"]}  # later entries win
    assert latest_batches == {world.batch1: world.anno1, world.batch2: world.anno2}


def test_paging_with_the_cursor_reads_everything_once(client, tokens):
    whole = feed(client, tokens["lead"])["changes"]
    seen, cursor = [], ""
    while True:
        page = feed(client, tokens["lead"], since=cursor, limit=3)
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert seen == whole
    end = feed(client, tokens["lead"], since=cursor)
    assert (end["changes"], end["cursor"], end["has_more"]) == ([], cursor, False)
    assert end["high_water"] >= max(c["seq"] for c in seen)  # the whole feed's, all readers


def test_a_cursor_not_from_us_is_400(client, tokens):
    answer = client.get("/api/v1/changes", params={"since": "abc"}, headers=auth(tokens["anno1"]))
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_cursor"


@pytest.mark.parametrize("bad", ["999999999", "999999999.0123456789abcdef", "3", "3.0123456789abcdef"])
def test_a_cursor_past_the_end_or_from_another_database_is_refused(client, tokens, bad):
    # past the end (a restored server), a plain seq (no proof where it points), a forged fingerprint
    answer = client.get("/api/v1/changes", params={"since": bad}, headers=auth(tokens["lead"]))
    assert answer.status_code == 400 and answer.json()["code"] == "bad_cursor"


def test_a_cursor_whose_row_changed_is_refused(client, tokens, engine):
    """A feed restored from a backup reuses seqs for other changes: the cursor's fingerprint
    of the row it pointed at no longer matches, so the reader starts again instead of skipping."""
    page = feed(client, tokens["lead"], limit=2)
    seq = int(page["cursor"].split(".")[0])
    assert feed(client, tokens["lead"], since=page["cursor"])["changes"]  # honoured as it is
    with write_transaction(engine) as conn:
        conn.execute(changes.update().where(changes.c.seq == seq).values(data={"name": "after the restore"}))
    answer = client.get("/api/v1/changes", params={"since": page["cursor"]}, headers=auth(tokens["lead"]))
    assert answer.status_code == 400 and answer.json()["code"] == "bad_cursor"
    assert "restored" in answer.json()["message"]


def test_pushed_annotation_reaches_its_annotator_and_the_lead_only(client, tokens, world):
    cursors = {name: feed(client, tokens[name])["cursor"] for name in ("anno1", "anno2", "lead")}
    sent = record(world.batch1_items[0])
    assert push(client, tokens["anno1"], sent).json()["results"][0]["status"] == "accepted"

    mine = feed(client, tokens["anno1"], since=cursors["anno1"])["changes"]
    assert [c["kind"] for c in mine] == ["annotation"]
    data = mine[0]["data"]
    assert data["id"] == sent["id"] and data["shapes"] == sent["shapes"]
    assert data["annotator_id"] == world.anno1 and data["batch_id"] == world.batch1
    assert data["received_at"].endswith("Z") and data["schema_version"] == 1
    assert feed(client, tokens["anno2"], since=cursors["anno2"])["changes"] == []
    assert [c["data"]["id"] for c in feed(client, tokens["lead"], since=cursors["lead"])["changes"]] == [sent["id"]]


def test_releasing_a_batch_brings_it_and_its_work_to_the_new_holder(client, tokens, world, engine):
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    cursors = {name: feed(client, tokens[name])["cursor"] for name in ("anno1", "anno2")}
    with write_transaction(engine) as conn:
        lease_batch(conn, world.batch1, world.anno2, utc_now() + timedelta(days=1))

    new_holder = _by_kind(feed(client, tokens["anno2"], since=cursors["anno2"])["changes"])
    assert "order" not in new_holder  # anno2 has this order already
    assert [(b["id"], b["annotator_id"]) for b in new_holder["batch"]] == [(world.batch1, world.anno2)]
    assert [item["id"] for item in new_holder["item"]] == world.batch1_items
    assert [a["id"] for a in new_holder["annotation"]] == [sent["id"]]
    old_holder = feed(client, tokens["anno1"], since=cursors["anno1"])["changes"]
    assert [(c["kind"], c["data"]["annotator_id"]) for c in old_holder] == [("batch", world.anno2)]


def test_a_batch_cannot_be_leased_across_offices(engine, world):
    with pytest.raises(LeaseError, match="not in the office"), write_transaction(engine) as conn:
        lease_batch(conn, world.batch1, world.far_anno, utc_now() + timedelta(days=1))
