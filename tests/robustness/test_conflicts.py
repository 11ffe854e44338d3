"""Issue 3, point 7: nothing silently overwritten — expired leases, crossing corrections, old schemas.

Real server on loopback; what an admin does (re-lease, change the schema) is done
directly on the server's database, as ``aidou-server`` would.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import sync_once
from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.schemas import change_order_schema
from sync_server.orders.demo import DEMO_SCHEMA
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import AnnotationRecord, Label, LabelSchema, uuid7
from tests.robustness.helpers import (
    box,
    box_batch,
    first_batch_items,
    login,
    server_db,
    stored_annotations,
    user_id,
)


def _desk(live, tmp_path, name: str, user: str):
    store = Store(tmp_path / name)
    client = login(store, live.url, user)
    sync_once(store, client)
    return store, client


def test_lease_expired_offline_and_item_went_to_someone_else(live, tmp_path):
    anno1, c1 = _desk(live, tmp_path, "desk1", "anno1")
    batch = box_batch(anno1)
    x, y = first_batch_items(anno1)[:2]
    mine_x = anno1.save_shapes(x, box(anno1, x, 1))  # offline, while the lease runs out
    mine_y = anno1.save_shapes(y, box(anno1, y, 1))

    with server_db(live, write=True) as conn:
        conn.execute(tables.batches.update().where(tables.batches.c.id == batch.id)
                     .values(lease_until=utc_now() - timedelta(hours=1)))  # fmt: skip
        lease_batch(conn, batch.id, user_id(conn, "anno2"), utc_now() + timedelta(days=1))
    anno2, c2 = _desk(live, tmp_path, "desk2", "anno2")
    theirs_x = anno2.save_shapes(x, box(anno2, x, 5))
    assert sync_once(anno2, c2).accepted == 1

    report = sync_once(anno1, c1)  # the late work arrives
    assert (report.conflicts, report.accepted, report.rejected) == (2, 0, 0)
    flagged = {a.item_id: a for a in anno1.conflicts()}
    assert set(flagged) == {x, y}
    # the more telling reason first: the batch moved on (x also crosses anno2's revision)
    assert all("went to another annotator after your lease" in flagged[i].reason for i in (x, y))

    stored = stored_annotations(live, [mine_x.id, mine_y.id, theirs_x.id])
    assert len(stored) == 3  # both annotations of x kept
    assert stored[mine_x.id]["conflict"] and stored[mine_y.id]["conflict"]
    assert not stored[theirs_x.id]["conflict"]
    with server_db(live) as conn:
        head = conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == x)).scalar()
    assert head == theirs_x.id  # not overwritten by the late one: the lead decides
    anno1.close()
    anno2.close()


def test_lead_correction_crossing_an_annotators_later_edit(live, tmp_path):
    anno, ca = _desk(live, tmp_path, "anno3", "anno3")
    lead, cl = _desk(live, tmp_path, "lead", "lead")
    a, b = first_batch_items(anno)[:2]
    for item in (a, b):
        anno.save_shapes(item, box(anno, item, 1))
    sync_once(anno, ca)
    sync_once(lead, cl)
    originals = {item: anno.annotation(item).id for item in (a, b)}
    assert lead.annotation(a).id == originals[a]  # the lead reviews what reached the server

    # both edit the same revision; on item a the annotator's edit lands first, on b the lead's
    corrections = {item: lead.save_shapes(item, box(lead, item, 30)) for item in (a, b)}
    edits = {item: anno.save_shapes(item, box(anno, item, 40)) for item in (a, b)}
    assert all(corrections[i].base_id == edits[i].base_id == originals[i] for i in (a, b))
    anno_push = anno.take_outbox(10)
    [edit_a] = [r for r in anno_push if r.item_id == a]
    ca.push([edit_a])  # only a's edit reaches the server before the lead syncs
    lead_report = sync_once(lead, cl)
    assert (lead_report.accepted, lead_report.conflicts) == (1, 1)
    assert lead.annotation(a).state == "conflict" and lead.annotation(b).state == "synced"
    anno_report = sync_once(anno, ca)
    assert anno.annotation(b).state == "conflict"  # the annotator's edit crossed the correction
    assert anno_report.conflicts == 1

    ids = [originals[a], originals[b], corrections[a].id, corrections[b].id, edits[a].id, edits[b].id]
    stored = stored_annotations(live, ids)
    assert set(stored) == set(ids)  # all six kept
    assert [stored[i]["conflict"] for i in ids] == [False, False, True, False, False, True]
    anno.close()
    lead.close()


def test_work_against_an_older_label_schema_is_kept_against_it(live, tmp_path):
    anno, client = _desk(live, tmp_path, "anno3b", "anno3")
    order_id = anno.item(first_batch_items(anno)[0]).order_id
    items = first_batch_items(anno)[5:9]
    old_car = anno.save_shapes(items[0], box(anno, items[0], 1, "car"))
    old_truck = anno.save_shapes(items[1], box(anno, items[1], 1, "truck"))
    assert anno.take_outbox(10)[0].schema_version == 1
    # meanwhile the customer drops "truck" and adds "van": schema v2
    labels = [label for label in DEMO_SCHEMA.labels if label.name != "truck"] + [Label("van", "面包车", "#000075")]
    with server_db(live, write=True) as conn:
        change_order_schema(conn, order_id, LabelSchema(2, labels))

    report = sync_once(anno, client)
    assert (report.accepted, report.conflicts, report.rejected) == (1, 1, 0)
    [flagged] = anno.conflicts()
    assert flagged.id == old_truck.id and "schema v1" in flagged.reason and "'truck'" in flagged.reason
    stored = stored_annotations(live, [old_car.id, old_truck.id])
    assert stored[old_car.id]["schema_version"] == stored[old_truck.id]["schema_version"] == 1
    assert stored[old_truck.id]["shapes"][0]["label"] == "truck"  # kept as made, never dropped
    with server_db(live) as conn:
        history = (
            conn.execute(select(tables.order_schemas.c.version).where(tables.order_schemas.c.order_id == order_id))
            .scalars()
            .all()
        )
    assert sorted(history) == [1, 2]

    # the pull brought v2: new work is made (and checked) against it
    assert anno.order(order_id).schema.version == 2
    van = anno.save_shapes(items[2], box(anno, items[2], 1, "van"))
    assert sync_once(anno, client).accepted == 1
    assert stored_annotations(live, [van.id])[van.id]["schema_version"] == 2

    # a version the server never had, or a label that was not in the version claimed: refused
    never = AnnotationRecord(uuid7(), items[3], None, None, [box_shape("car", 1, 1, 9, 9)], schema_version=9)
    not_in_v1 = AnnotationRecord(uuid7(), items[3], None, None, [box_shape("van", 1, 1, 9, 9)], schema_version=1)
    answers = client.push([never, not_in_v1])
    assert [a.status for a in answers] == ["rejected", "rejected"]
    assert "schema version 9 is unknown" in answers[0].reason
    assert answers[1].reason == "shape 1: unknown label 'van'"
    anno.close()
