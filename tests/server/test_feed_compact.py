"""The compact change feed (ADR 0021): a first sync reads the office's current state, not
its history. Each row a later row of the same record replaces for the same reader is left
out; paging stays on seq, so nothing committed between two pages is lost."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server_helpers import auth, box, feed, push, record
from sync_server.db.clock import utc_now
from sync_server.db.engine import write_transaction
from sync_server.db.feed import log_changes
from sync_server.db.tables import changes
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import CHANGE_ITEM, uuid7


def compact_feed(client, token: str, since: str = "", limit: int = 500) -> dict:
    answer = client.get("/api/v1/changes", params={"since": since, "limit": limit, "compact": "true"},
                        headers=auth(token))  # fmt: skip
    assert answer.status_code == 200, answer.text
    return answer.json()


def read_all(client, token: str, compact: bool, limit: int = 500) -> list[dict]:
    read = compact_feed if compact else feed
    seen, cursor = [], ""
    while True:
        page = read(client, token, since=cursor, limit=limit)
        seen += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            return seen


def revisions(changes_read: list[dict]) -> list[str]:
    return [c["data"]["id"] for c in changes_read if c["kind"] == "annotation"]


def state(changes_read: list[dict]) -> dict:
    """What a PC ends with: the last data of each record (reviews and revisions by id)."""
    out = {}
    for change in changes_read:
        out[(change["kind"], change["data"]["id"])] = change["data"]
    return out


def edit_chain(client, token: str, item: int, times: int, base: str | None = None) -> list[dict]:
    """``times`` revisions of one item, each based on the one before (the first on ``base``)."""
    made = []
    for n in range(times):
        sent = record(item, [box(x2=20 + n)], base_id=base)
        assert push(client, token, sent).json()["results"][0]["status"] == "accepted"
        made.append(sent)
        base = sent["id"]
    return made


def review(client, token: str, annotation_id: str, item: int, verdict: str = "accept") -> dict:
    sent = {"id": uuid7(), "annotation_id": annotation_id, "item_id": item, "verdict": verdict,
            "comment": None if verdict == "accept" else "重画"}  # fmt: skip
    answer = client.post("/api/v1/push", json={"annotations": [], "reviews": [sent]}, headers=auth(token))
    assert answer.json()["results"][0]["status"] == "accepted", answer.text
    return sent


def test_a_compact_read_carries_each_items_newest_work_not_its_history(client, tokens, world):
    made = {item: edit_chain(client, tokens["anno1"], item, 10) for item in world.batch1_items}
    full, compact = read_all(client, tokens["lead"], False), read_all(client, tokens["lead"], True)
    assert len(revisions(full)) == 20
    assert sorted(revisions(compact)) == sorted(chain[-1]["id"] for chain in made.values())
    # one row per record: the batches as imported are replaced by their leases
    assert sorted(c["kind"] for c in compact) == ["annotation"] * 2 + ["batch"] * 2 + ["item"] * 4 + ["order"]
    mine = read_all(client, tokens["anno1"], True)
    assert sorted(revisions(mine)) == sorted(chain[-1]["id"] for chain in made.values())
    # every record ends as the full read leaves it, minus the replaced revisions
    replaced = {("annotation", r["id"]) for chain in made.values() for r in chain[:-1]}
    assert state(compact) == {key: data for key, data in state(full).items() if key not in replaced}
    assert len(full) == len(compact) + 18 + 2
    # more history, the same state: a first sync costs what the office holds, not what it did
    for chain in made.values():
        edit_chain(client, tokens["anno1"], chain[0]["item_id"], 10, base=chain[-1]["id"])
    assert len(read_all(client, tokens["lead"], False)) == len(full) + 20
    assert len(read_all(client, tokens["lead"], True)) == len(compact)


def test_each_persons_newest_revision_of_an_item_stays(client, tokens, world):
    """The lead's correction is the head; the annotator's own newest revision stays too, so
    their PC still counts the item as done by them."""
    item = world.batch1_items[0]
    mine = edit_chain(client, tokens["anno1"], item, 3)
    fix = record(item, [box(x2=99)], base_id=mine[-1]["id"])
    assert push(client, tokens["lead"], fix).json()["results"][0]["status"] == "accepted"
    for reader in ("lead", "anno1"):
        assert revisions(read_all(client, tokens[reader], True)) == [mine[-1]["id"], fix["id"]]


def test_a_row_replaced_between_two_pages_comes_again_newer(client, tokens, world):
    first, second = world.batch1_items
    older = edit_chain(client, tokens["anno1"], first, 1)[0]
    later = edit_chain(client, tokens["anno1"], second, 1)[0]
    # page 1 ends at the first item's revision; then both items change before page 2
    page, cursor = [], ""
    while revisions(page) != [older["id"]]:
        got = compact_feed(client, tokens["lead"], since=cursor, limit=1)
        page, cursor = got["changes"], got["cursor"]
    newer = record(first, [box(x2=77)], base_id=older["id"])
    newest = record(second, [box(x2=66)], base_id=later["id"])
    assert [r["status"] for r in push(client, tokens["anno1"], newer, newest).json()["results"]] == ["accepted"] * 2
    rest, has_more = [], True
    while has_more:
        got = compact_feed(client, tokens["lead"], since=cursor, limit=2)
        rest += got["changes"]
        cursor, has_more = got["cursor"], got["has_more"]
    # the first item's old revision was read, its new one comes; the second item's never-read
    # revision was replaced before it was reached: only the newest comes, nothing is lost
    assert revisions(rest) == [newer["id"], newest["id"]]
    assert compact_feed(client, tokens["lead"], since=cursor)["changes"] == []
    assert feed(client, tokens["lead"], since=cursor)["changes"] == []  # the cursor is an ordinary one


def test_a_conflict_stays_until_resolved_then_its_resolution_comes(client, tokens, world):
    item = world.batch1_items[0]
    first = edit_chain(client, tokens["anno1"], item, 1)[0]
    head = record(item, [box(x2=60)], base_id=first["id"])
    rival = record(item, [box("pedestrian")], base_id=first["id"])
    assert push(client, tokens["lead"], head).json()["results"][0]["status"] == "accepted"
    assert push(client, tokens["anno1"], rival).json()["results"][0]["status"] == "conflict"
    statuses = {c["data"]["id"]: c["data"].get("status") for c in read_all(client, tokens["lead"], True)
                if c["kind"] == "annotation"}  # fmt: skip
    assert statuses == {first["id"]: None, head["id"]: None, rival["id"]: "conflict"}

    answer = client.post("/api/v1/conflicts/resolve", json={"item_id": item, "choose": rival["id"]},
                         headers=auth(tokens["lead"]))  # fmt: skip
    assert answer.status_code == 200, answer.text
    new_head = answer.json()["id"]
    for reader in ("lead", "anno1"):
        rows = [c["data"] for c in read_all(client, tokens[reader], True) if c["kind"] == "annotation"]
        # the rival comes once, resolved; the lead's head is replaced by the new head (also the lead's)
        assert [(r["id"], r.get("status")) for r in rows] == [
            (first["id"], None), (rival["id"], "resolved"), (new_head, None)
        ]


def test_the_newest_verdict_on_the_head_stays_whatever_comes_for_older_revisions(client, tokens, world):
    item = world.batch1_items[0]
    old, head = edit_chain(client, tokens["anno1"], item, 2)
    verdicts = [review(client, tokens["lead"], head["id"], item, verdict) for verdict in ("reject", "accept")]
    late = review(client, tokens["lead"], old["id"], item, "reject")  # on a revision no longer the head
    for reader in ("lead", "anno1"):
        kept = [c["data"]["id"] for c in read_all(client, tokens[reader], True) if c["kind"] == "review"]
        assert kept == [verdicts[-1]["id"], late["id"]]
    fix = record(item, [box(x2=41)], base_id=head["id"])
    push(client, tokens["anno1"], fix)
    accepted = review(client, tokens["lead"], fix["id"], item)
    kept = [c["data"]["id"] for c in read_all(client, tokens["lead"], True) if c["kind"] == "review"]
    assert kept == [late["id"], accepted["id"]]  # a verdict on the new head replaces the old head's


def test_a_relet_batch_reaches_the_new_holder_once(client, tokens, world, engine):
    item = world.batch1_items[0]
    chain = edit_chain(client, tokens["anno1"], item, 3)
    with write_transaction(engine) as conn:  # renewed to anno1, then moved to anno2
        lease_batch(conn, world.batch1, world.anno1, utc_now() + timedelta(days=3))
        lease_batch(conn, world.batch1, world.anno2, utc_now() + timedelta(days=4))
    for reader, batches in (("anno1", [world.batch1]), ("anno2", [world.batch2, world.batch1])):
        got = read_all(client, tokens[reader], True)
        assert [c["data"]["id"] for c in got if c["kind"] == "batch"] == batches
        assert [c["data"]["annotator_id"] for c in got if c["kind"] == "batch"][-1] == world.anno2
        assert revisions(got) == [chain[-1]["id"]]
        assert sorted(c["data"]["id"] for c in got if c["kind"] == "order") == [world.order]


def test_rows_that_name_no_entity_are_never_left_out(client, tokens, world, engine):
    """Rows from before entity ids (a NULL key) come as they are, each one."""
    with write_transaction(engine) as conn:
        log_changes(conn, world.office, [(CHANGE_ITEM, {"id": world.batch1_items[0], "name": n}, None)
                                         for n in ("a", "b")])  # fmt: skip
        conn.execute(changes.update().where(changes.c.entity_id == f"item:{world.batch1_items[0]}")
                     .values(entity_id=None))  # fmt: skip
        nulls = conn.execute(select(changes.c.seq).where(
            changes.c.entity_id.is_(None), changes.c.audience_user_id.is_(None), changes.c.office_id == world.office
        )).scalars().all()  # fmt: skip
    assert len(nulls) == 3  # the item as imported, and twice since
    got = [c["seq"] for c in read_all(client, tokens["lead"], True)]
    assert set(nulls) <= set(got)


def test_without_compact_the_feed_is_whole(client, tokens, world):
    edit_chain(client, tokens["anno1"], world.batch1_items[0], 2)
    answer = client.get("/api/v1/changes", params={"compact": "no"}, headers=auth(tokens["lead"]))
    assert answer.status_code == 200 and len(revisions(answer.json()["changes"])) == 2
