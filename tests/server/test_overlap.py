"""Overlap by copies (ADR 0026): the copies an import makes, leases that keep them with
different people, blindness, and an export that takes each item once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.quality import store_gold_answers
from sync_server.export.formats import export_order
from sync_server.orders.assignment import assign_idle
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import OverlapSameAnnotator, lease_batch, release_batch
from sync_server.orders.overlap import Overlap, add_overlap, chosen_for_overlap

from quality_helpers import add_annotator, answer, lease_lanes, make_overlap_order
from server_helpers import SCHEMA, auth, box, feed, write_images


def _batches_of(engine, order_id: int) -> dict[int, list[tuple[int, int | None]]]:
    with read_connection(engine) as conn:
        rows = conn.execute(select(tables.items.c.batch_id, tables.items.c.id, tables.items.c.overlap_group)
                            .where(tables.items.c.order_id == order_id).order_by(tables.items.c.id)).all()  # fmt: skip
    found: dict[int, list[tuple[int, int | None]]] = {}
    for batch, item, group in rows:
        found.setdefault(batch, []).append((item, group))
    return found


def test_overlap_on_all_items_makes_k_copies_each_in_its_own_lane(engine, data_dir, world):
    made = make_overlap_order(engine, data_dir, world.office, images=5, copies=3, batch_size=2)
    batches = _batches_of(engine, made.order)
    assert len(made.groups) == 5 and all(len(copies) == 3 for copies in made.groups.values())
    assert len(batches) == 9  # 3 lanes of ⌈5 / 2⌉ batches
    for members in batches.values():
        groups = [group for _, group in members]
        assert len(groups) == len(set(groups))  # no batch holds two copies of one item
    with read_connection(engine) as conn:
        copies = conn.execute(select(tables.items.c.name, tables.items.c.display_sha256, tables.items.c.overlap_group)
                              .where(tables.items.c.order_id == made.order)).all()  # fmt: skip
        overlap = conn.execute(select(tables.orders.c.overlap, tables.orders.c.overlap_share)
                               .where(tables.orders.c.id == made.order)).one()  # fmt: skip
    assert tuple(overlap) == (3, 1.0)
    by_group: dict[int, set] = {}
    for name, blob, group in copies:
        by_group.setdefault(group, set()).add((name, blob))
    assert all(len(same) == 1 for same in by_group.values())  # one name, one blob per group


def test_overlap_on_a_share_chooses_by_name_and_the_same_again(engine, data_dir, world):
    made = make_overlap_order(engine, data_dir, world.office, images=12, copies=3, share=0.5, batch_size=4)
    with read_connection(engine) as conn:
        rows = conn.execute(select(tables.items.c.id, tables.items.c.name, tables.items.c.overlap_group)
                            .where(tables.items.c.order_id == made.order).order_by(tables.items.c.id)).all()  # fmt: skip
    originals = rows[:12]
    expected = {name for _, name, _ in originals if chosen_for_overlap(name, 0.5)}
    assert 0 < len(expected) < 12  # the share does choose
    assert {name for item, name, group in originals if group == item} == expected
    assert all(group is None for _, name, group in originals if name not in expected)
    assert len(rows) == 12 + 2 * len(expected)
    for members in _batches_of(engine, made.order).values():
        groups = [group for _, group in members if group is not None]
        assert len(groups) == len(set(groups))
    again = make_overlap_order(engine, data_dir, world.office, images=12, copies=3, share=0.5, batch_size=4)
    assert len(again.groups) == len(expected)  # a re-import chooses the same items


def test_a_lease_of_a_second_copy_to_the_same_annotator_is_refused_also_after_release(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, copies=3)
    until = utc_now() + timedelta(days=2)
    with write_transaction(engine) as conn:
        lease_batch(conn, made.lanes[0][0], world.anno1, until)
    with pytest.raises(OverlapSameAnnotator, match="different person"), write_transaction(engine) as conn:
        lease_batch(conn, made.lanes[1][0], world.anno1, until)
    with write_transaction(engine) as conn:
        release_batch(conn, made.lanes[0][0])
    with pytest.raises(OverlapSameAnnotator), write_transaction(engine) as conn:
        lease_batch(conn, made.lanes[2][0], world.anno1, until)
    # a batch without copies of anno1's items is theirs to take, and so is their own batch again
    with write_transaction(engine) as conn:
        lease_batch(conn, made.lanes[1][1], world.anno1, until)
        lease_batch(conn, made.lanes[0][0], world.anno1, until)
    # the API answers 409 with its own code; nothing was leased
    reply = client.post(f"/api/v1/batches/{made.lanes[2][0]}/assign", headers=auth(tokens["lead"]),
                        json={"annotator_id": world.anno1, "until": (utc_now() + timedelta(days=1)).isoformat()})  # fmt: skip
    assert reply.status_code == 409, reply.text
    assert reply.json()["code"] == "overlap_same_annotator"
    with read_connection(engine) as conn:
        holder = conn.execute(select(tables.batches.c.annotator_id).where(tables.batches.c.id == made.lanes[2][0])).scalar()
    assert holder is None


def test_the_assign_command_says_why_in_plain_words(engine, data_dir, world, capsys, monkeypatch):
    made = make_overlap_order(engine, data_dir, world.office, copies=2)
    with write_transaction(engine) as conn:
        lease_batch(conn, made.lanes[0][0], world.anno1, utc_now() + timedelta(days=2))
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["assign", str(made.lanes[1][0]), "--to", "anno1", "--days", "2"]) == 2
    err = capsys.readouterr().err
    assert "error: batch" in err and "different person" in err and "Traceback" not in err


def test_assign_idle_skips_batches_with_copies_of_what_an_annotator_had(engine, data_dir, world):
    made = make_overlap_order(engine, data_dir, world.office, copies=3)
    had, _ = add_annotator(engine, world.office, "had")
    busy, _ = add_annotator(engine, world.office, "busy")
    until = utc_now() + timedelta(days=2)
    with write_transaction(engine) as conn:
        for batch in made.lanes[0]:  # "had" held every original, then lost them to "busy"
            lease_batch(conn, batch, had, until)
            release_batch(conn, batch)
            lease_batch(conn, batch, busy, until)
    fresh, _ = add_annotator(engine, world.office, "fresh")
    with write_transaction(engine) as conn:
        assigned = assign_idle(conn, None, made.order, until)
    assert assigned == [(made.lanes[1][0], fresh)]  # "had" is idle but every batch left holds their items' copies


def test_an_annotators_pull_never_carries_another_copys_revision_nor_a_gold_answer(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, copies=2)
    lease_lanes(engine, made, [world.anno1, world.anno2])
    group, (first, second) = next(iter(made.groups.items()))
    mine = box(x1=11.5, y1=12.5, x2=41.5, y2=33.5)
    answer(client, tokens["anno1"], first, [mine])
    with write_transaction(engine) as conn:
        store_gold_answers(conn, [(copy, [box(x1=17.75, y1=18.75, x2=57.75, y2=58.75)]) for copy in (first, second)])
    pulled = json.dumps(feed(client, tokens["anno2"]))
    assert "11.5" not in pulled and "17.75" not in pulled  # anno1's answer and the gold answer are not
    changes = feed(client, tokens["anno2"])["changes"]
    assert first not in {c["data"]["id"] for c in changes if c["kind"] == "item"}  # nor anno1's copy itself
    assert second in {c["data"]["id"] for c in changes if c["kind"] == "item"}
    own = json.dumps(feed(client, tokens["anno1"]))
    assert "11.5" in own and "17.75" not in own  # nor does the answering annotator get the gold


def test_an_export_takes_each_item_once_accepted_copy_first(engine, data_dir, world, client, tokens, tmp_path):
    made = make_overlap_order(engine, data_dir, world.office, images=4, copies=2)
    lease_lanes(engine, made, [world.anno1, world.anno2])
    groups = list(made.groups.values())
    answer(client, tokens["anno1"], groups[0][0], [box()])
    answer(client, tokens["anno2"], groups[0][1], [box(x1=20)])
    answer(client, tokens["anno2"], groups[1][1], [box(x1=30)])
    with write_transaction(engine) as conn:  # a lead accepted the second copy of the first item
        head = conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == groups[0][1])).scalar()
        conn.execute(tables.items.update().where(tables.items.c.id == groups[0][1])
                     .values(review_verdict="accept", review_annotation_id=head, reviewer_id=world.lead))  # fmt: skip
    with read_connection(engine) as conn:
        report = export_order(conn, BlobStore(data_dir / "blobs"), made.order, "jsonl", tmp_path / "out", annotations_only=True)
    lines = [json.loads(line) for line in report.annotations_path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2  # two of the four items answered, each once
    xs = sorted(line["shapes"][0]["points"][0][0] for line in lines)
    assert xs == [20, 30]  # the accepted copy, and the only answered copy
    written = json.loads(report.report_path.read_text(encoding="utf-8"))
    assert written["counts"]["items"] == 4
    assert written["counts"]["overlap_groups"] == 4
    assert written["counts"]["overlap_copies_not_exported"] == 2 + 2 * 2  # one each of the two exported; both of the others


def test_an_order_without_overlap_exports_as_before(engine, data_dir, world, tmp_path):
    with read_connection(engine) as conn:
        report = export_order(conn, BlobStore(data_dir / "blobs"), world.order, "jsonl", tmp_path / "o", annotations_only=True)
    counts = json.loads(report.report_path.read_text(encoding="utf-8"))["counts"]
    assert counts["items"] == 4 and "overlap_groups" not in counts


def test_overlap_copies_carry_the_imports_suggestions(engine, data_dir, world):
    # an image order has no suggestions; the copy function takes them from lane 0 when there are
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(data_dir / "blobs"), world.office, "建议", "bbox", SCHEMA, "",
                             write_images(data_dir.parent / "sugg", 1, seed=9), 10, 2)  # fmt: skip
        done = add_overlap(conn, world.office, order, Overlap(2), 2)
    assert (done.groups, done.copies, done.batches) == (1, 1, 1)
