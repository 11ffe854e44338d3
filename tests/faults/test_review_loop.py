"""The lead's review loop over real processes: verdicts made offline on the lead's PC travel
through the outbox exactly once, a rejection comes back to its annotator with the comment,
the fix goes back to the lead's queue, and the server counts what was accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidou_desktop.model.review import ACCEPTED, FLAGGED, REJECTED, SUBMITTED
from aidou_desktop.store import Store
from aidou_desktop.sync import download_for_review, sync_once
from tests.faults.conftest import start_world
from tests.faults.helpers import batch_item_ids, login, my_batch, save_boxes
from tests.faults.world import server_rows


@pytest.fixture
def world(tmp_path_factory):
    srv = start_world(tmp_path_factory, annotators=2, batch_size=4, price_cents=150)  # ¥1.50 an accepted item
    yield srv
    srv.stop()


def _verdicts(world) -> dict[int, tuple]:
    found = server_rows(world.data_dir, "SELECT id, review_verdict, review_annotation_id = head_annotation_id"
                        " FROM items WHERE review_verdict IS NOT NULL")  # fmt: skip
    return {item: (verdict, bool(current)) for item, verdict, current in found}


def test_reject_fix_accept_round_trip_made_offline(world, tmp_path: Path):
    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(anno, anno_client)
    items = batch_item_ids(anno, my_batch(anno))
    save_boxes(anno, items[:3])
    assert sync_once(anno, anno_client).accepted == 3
    sync_once(lead, lead_client)

    queue = lead.review_queue(annotator_id=world.user_ids["anno1"])
    assert [(e.item_id, e.status) for e in queue] == [(i, SUBMITTED) for i in items[:3]]
    # the lead holds no batch: the images to review come for the items with work on them
    assert len(lead.missing_review_blobs()) == 3
    assert download_for_review(lead, lead_client).fetched == 3
    assert all(lead.blob_path(lead.item(i).blob) for i in items[:3]) and lead.missing_review_blobs() == []
    # offline on the lead's PC: one rejected with a comment, one accepted
    with pytest.raises(ValueError, match="comment"):
        lead.save_review(queue[0].annotation_id, "reject", "  ")
    bad = lead.save_review(queue[0].annotation_id, "reject", "车尾没框全，请重画")
    good = lead.save_review(queue[1].annotation_id, "accept")
    assert [e.status for e in lead.review_queue()] == [REJECTED, ACCEPTED, SUBMITTED]  # at once, offline
    assert lead.outbox_count() == 2

    report = sync_once(lead, lead_client)
    assert (report.pushed, report.accepted) == (2, 2) and lead.outbox_count() == 0
    assert _verdicts(world) == {items[0]: ("reject", True), items[1]: ("accept", True)}
    # exactly once: the same reviews sent again change nothing
    answers = lead_client.push([], reviews=[_record(lead, bad.id), _record(lead, good.id)])
    assert [a.status for a in answers] == ["duplicate", "duplicate"]
    assert server_rows(world.data_dir, "SELECT count(*) FROM reviews")[0][0] == 2

    # the rejection comes back to the annotator with the comment; the fix goes back to review
    sync_once(anno, anno_client)
    [sent_back] = anno.review_queue(status=REJECTED, annotator_id=world.user_ids["anno1"])
    assert (sent_back.item_id, sent_back.comment) == (items[0], "车尾没框全，请重画")
    save_boxes(anno, [items[0]], n=7)
    assert sync_once(anno, anno_client).accepted == 1
    assert _verdicts(world)[items[0]] == ("reject", False)  # the verdict judged an older revision

    sync_once(lead, lead_client)
    fixed = next(e for e in lead.review_queue() if e.item_id == items[0])
    assert fixed.status == SUBMITTED and fixed.annotation_id != queue[0].annotation_id
    lead.save_review(fixed.annotation_id, "accept")
    sync_once(lead, lead_client)
    assert _verdicts(world) == {items[0]: ("accept", True), items[1]: ("accept", True)}
    assert lead.accept_rate(annotator_id=world.user_ids["anno1"]) == (2, 2)

    # the annotator's home figures, worked out on their PC once the verdicts arrive
    before = anno.earnings(world.user_ids["anno1"])
    assert (before.done_today, before.accepted, before.month_cents) == (3, 1, 150)  # the fix's accept not here yet
    sync_once(anno, anno_client)
    after = anno.earnings(world.user_ids["anno1"])
    assert (after.done_today, after.done_week, after.accepted, after.judged, after.month_cents) == (3, 3, 2, 2, 300)


def test_a_leads_correction_and_its_accept_travel_in_order(world, tmp_path: Path):
    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(anno, anno_client)
    item = batch_item_ids(anno, my_batch(anno))[0]
    save_boxes(anno, [item])
    sync_once(anno, anno_client)
    sync_once(lead, lead_client)
    # correct: the lead edits (a new revision by the lead, based on the annotator's) and accepts it
    [correction] = save_boxes(lead, [item], n=4)
    lead.save_review(correction, "accept")
    assert lead.take_review_outbox(10) == []  # waits until its revision has gone
    report = sync_once(lead, lead_client)
    assert (report.pushed, report.accepted, report.conflicts) == (2, 2, 0)
    head = server_rows(world.data_dir, "SELECT head_annotation_id, review_verdict FROM items WHERE id = ?", (item,))
    assert head == [(correction, "accept")]



def test_an_item_flagged_offline_reaches_the_leads_flagged_queue_with_its_note(world, tmp_path: Path):
    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(anno, anno_client)
    items = batch_item_ids(anno, my_batch(anno))
    save_boxes(anno, items[:2])
    assert sync_once(anno, anno_client).accepted == 2
    # offline: a labelled item flagged (a new revision: the first is on the server), and one
    # flagged before any box is drawn; boxes drawn after the flag keep it
    unsure = anno.flag_item(items[0], "拿不准")
    assert (unsure.flag, len(unsure.shapes)) == ("拿不准", 1) and unsure.base_id is not None
    anno.flag_item(items[2], "图片不清楚")
    save_boxes(anno, [items[2]], n=3)
    assert anno.outbox_count() == 2 and anno.annotation(items[2]).flag == "图片不清楚"
    assert sync_once(anno, anno_client).accepted == 2
    heads = "SELECT i.id, a.flag FROM items i JOIN annotations a ON a.id = i.head_annotation_id WHERE a.flag IS NOT NULL"
    assert sorted(server_rows(world.data_dir, heads)) == [(items[0], "拿不准"), (items[2], "图片不清楚")]

    sync_once(lead, lead_client)
    flagged = lead.review_queue(status=FLAGGED)
    assert [(e.item_id, e.status, e.flag) for e in flagged] == [
        (items[0], SUBMITTED, "拿不准"), (items[2], SUBMITTED, "图片不清楚"),
    ]  # fmt: skip
    assert lead.review_queue(status=FLAGGED, sample_percent=1, seed="x") == flagged  # no sample hides a flag
    # whatever its review status: sent back, it stays in the flagged list
    lead.save_review(flagged[0].annotation_id, "reject", "车在左下角，请框上")
    sync_once(lead, lead_client)
    still = [(e.item_id, e.status) for e in lead.review_queue(status=FLAGGED)]
    assert still == [(items[0], REJECTED), (items[2], SUBMITTED)]

    # the annotator's fix without the flag leaves the list; the other stays
    sync_once(anno, anno_client)
    anno.flag_item(items[0], None)
    save_boxes(anno, [items[0]], n=5)
    sync_once(anno, anno_client)
    sync_once(lead, lead_client)
    assert [(e.item_id, e.flag) for e in lead.review_queue(status=FLAGGED)] == [(items[2], "图片不清楚")]


def test_an_annotator_cannot_review(world, tmp_path: Path):
    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    sync_once(anno, anno_client)
    [mine] = save_boxes(anno, batch_item_ids(anno, my_batch(anno))[:1])
    sync_once(anno, anno_client)
    anno.save_review(mine, "accept")  # the app would not offer it; the server refuses it anyway
    report = sync_once(anno, anno_client)
    assert report.rejected == 1
    assert server_rows(world.data_dir, "SELECT count(*) FROM reviews")[0][0] == 0


def _record(store: Store, review_id: str):
    from sync_server.protocol import ReviewRecord

    row = store.db.execute("SELECT id, annotation_id, item_id, verdict, comment, client_time, device_id"
                           " FROM reviews WHERE id = ?", [review_id]).fetchone()  # fmt: skip
    return ReviewRecord(*row)


def test_the_pay_sheet_pays_accepted_items_and_credits_corrections_to_the_annotator(world, tmp_path: Path):
    import csv
    import os
    import subprocess
    import sys
    from datetime import datetime, timezone

    from openpyxl import load_workbook

    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(anno, anno_client)
    items = batch_item_ids(anno, my_batch(anno))
    save_boxes(anno, items[:3])
    sync_once(anno, anno_client)
    sync_once(lead, lead_client)
    first, second, third = lead.review_queue()
    lead.save_review(first.annotation_id, "accept")
    [mended] = save_boxes(lead, [second.item_id], n=5)  # a correction: still anno1's work
    lead.save_review(mended, "accept")
    lead.save_review(third.annotation_id, "reject", "漏标")
    sync_once(lead, lead_client)

    month = datetime.now(timezone.utc).strftime("%Y-%m")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    sheets = {}
    for suffix in ("csv", "xlsx"):
        out = tmp_path / f"pay.{suffix}"
        done = subprocess.run([sys.executable, "-m", "sync_server.cli", "paysheet", "--month", month, "--out", str(out),
                               "--data-dir", str(world.data_dir)], env=env, capture_output=True, text=True)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "2 accepted item(s), ¥3.00" in done.stdout
        sheets[suffix] = out
    with open(sheets["csv"], encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[1][:4] == ["anno1", "标注员1", "2", "3.0"] and rows[2][:4] == ["anno2", "标注员2", "0", "0.0"]
    assert rows[-1][2:4] == ["2", "3.0"]
    book = load_workbook(sheets["xlsx"])
    assert [c.value for c in book[month][2]][:4] == ["anno1", "标注员1", 2, 3.0]
    last_month = subprocess.run([sys.executable, "-m", "sync_server.cli", "paysheet", "--month", "2020-01", "--out",
                                 str(tmp_path / "old.csv"), "--data-dir", str(world.data_dir)], env=env,
                                capture_output=True, text=True)  # fmt: skip
    assert "0 accepted item(s), ¥0.00" in last_month.stdout


def test_an_order_from_import_to_pay_through_the_whole_office(world, tmp_path: Path):
    """Admin imports and assigns; the annotator labels offline; the lead sends one item back
    offline; the annotator fixes it; the lead accepts; the export and the pay sheet agree."""
    import json
    import os
    import subprocess
    import sys
    from datetime import datetime, timezone

    from tests.faults.world import make_images

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    env.pop("AIDOU_DATA_DIR", None)

    def server(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "sync_server.cli", *args, "--data-dir", str(world.data_dir)],
                              env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done

    folder = tmp_path / "新订单"
    make_images(folder, 3, seed=7)
    (folder / "schema.json").write_text(json.dumps({
        "name": "停车场车辆", "price_cents": 80, "batch_size": 3,
        "schema": {"version": 1, "labels": [{"name": "car", "title": "轿车", "color": "#e6194b"}]},
    }, ensure_ascii=False), encoding="utf-8")  # fmt: skip
    assert "3 items in 1 batch" in server("import-order", str(folder)).stdout
    [(order_id, batch_id)] = server_rows(world.data_dir, "SELECT o.id, b.id FROM orders o JOIN batches b"
                                         " ON b.order_id = o.id WHERE o.name = '停车场车辆'")  # fmt: skip
    server("assign", str(batch_id), "--to", "anno2", "--days", "3")

    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno2")
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(anno, anno_client)
    items = [r[0] for r in anno.db.execute("SELECT id FROM items WHERE batch_id = ? ORDER BY id", [batch_id])]
    assert len(items) == 3
    save_boxes(anno, items[:2])  # offline; the third stays unfinished
    sync_once(anno, anno_client)
    sync_once(lead, lead_client)
    first, second = lead.review_queue(order_id=order_id)
    lead.save_review(first.annotation_id, "reject", "框太松")  # offline, on the lead's PC
    lead.save_review(second.annotation_id, "accept")
    sync_once(lead, lead_client)
    sync_once(anno, anno_client)
    [back] = anno.review_queue(status=REJECTED, annotator_id=world.user_ids["anno2"])
    assert (back.item_id, back.comment) == (items[0], "框太松")
    save_boxes(anno, [items[0]], n=2)
    sync_once(anno, anno_client)
    sync_once(lead, lead_client)
    [fixed] = lead.review_queue(status=SUBMITTED, order_id=order_id)
    lead.save_review(fixed.annotation_id, "accept")
    sync_once(lead, lead_client)

    out = tmp_path / "export"
    printed = server("export", str(order_id), "--format", "coco", "--out", str(out), "--accepted-only").stdout
    coco = json.loads((out / "annotations.json").read_text(encoding="utf-8"))
    assert [(i["id"], i["annotator"], i["reviewer"]) for i in coco["images"]] == [
        (items[0], "anno2", "lead"), (items[1], "anno2", "lead")]  # fmt: skip
    assert "left out 1 unfinished" in printed
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    pay = server("paysheet", "--month", month, "--out", str(tmp_path / "pay.csv"))
    assert "2 accepted item(s), ¥1.60" in pay.stdout
    anno_pay = anno.earnings(world.user_ids["anno2"])
    sync_once(anno, anno_client)
    assert anno.earnings(world.user_ids["anno2"]).month_cents == 160 >= anno_pay.month_cents


def test_reviews_made_offline_land_exactly_once_when_answers_are_lost(world, tmp_path: Path):
    from tests.faults.proxy import FaultProxy

    anno, anno_client = login(tmp_path / "anno-pc", world.url, "anno1")
    sync_once(anno, anno_client)
    save_boxes(anno, batch_item_ids(anno, my_batch(anno))[:4])
    sync_once(anno, anno_client)
    with FaultProxy(world.port) as proxy:
        lead, lead_client = login(tmp_path / "lead-pc", proxy.url, "lead")
        sync_once(lead, lead_client)
        queue = lead.review_queue()
        for entry in queue[:3]:
            lead.save_review(entry.annotation_id, "accept")
        lead.save_review(queue[3].annotation_id, "reject", "类别错误")
        # the server stores the push, the answer never arrives (twice): the retries resend the same reviews
        proxy.drop_responses(2, "/api/v1/push", "close")
        report = sync_once(lead, lead_client)
    assert report.waiting == 0 and report.duplicates == 4 and report.accepted == 0
    assert server_rows(world.data_dir, "SELECT count(*) FROM reviews")[0][0] == 4
    assert sorted(v for v, _ in _verdicts(world).values()) == ["accept", "accept", "accept", "reject"]
    # a feed that delivers them again changes nothing on the lead's PC either
    assert lead.db.execute("SELECT count(*) FROM reviews").fetchone()[0] == 4


def test_a_lead_sees_both_sides_of_a_conflict_and_the_choice_comes_back(world, tmp_path: Path):
    import os
    import subprocess
    import sys

    from aidou_desktop.model.review import CONFLICT

    pc_a, client_a = login(tmp_path / "pc-a", world.url, "anno1")
    pc_b, client_b = login(tmp_path / "pc-b", world.url, "anno1")  # one account on two PCs
    sync_once(pc_a, client_a)
    sync_once(pc_b, client_b)
    item = batch_item_ids(pc_a, my_batch(pc_a))[0]
    [first] = save_boxes(pc_a, [item], n=1)
    [second] = save_boxes(pc_b, [item], n=30)
    sync_once(pc_a, client_a)
    assert sync_once(pc_b, client_b).conflicts == 1
    lead, lead_client = login(tmp_path / "lead-pc", world.url, "lead")
    sync_once(lead, lead_client)
    [entry] = lead.review_queue(status=CONFLICT)
    head, rival = lead.conflict_candidates(item)
    assert (head.annotation_id, head.is_head, rival.annotation_id, rival.is_head) == (first, True, second, False)
    assert head.device_id != rival.device_id and rival.shapes[0].points[0][0] == 31

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    done = subprocess.run([sys.executable, "-m", "sync_server.cli", "conflicts", "resolve", str(item), "--choose",
                           second, "--as", "lead", "--data-dir", str(world.data_dir)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    sync_once(lead, lead_client)
    [settled] = [e for e in lead.review_queue() if e.item_id == item]
    assert settled.status == "submitted" and lead.conflict_candidates(item)[1:] == []
    assert lead.annotation(item).shapes[0].points[0][0] == 31  # the chosen side is now the item's revision
