"""Agreement and gold scores for the lead (ADR 0026): hand-made answers with known figures,
gold files with bad lines, the flag, the role matrix and the commands."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.quality import count_gold
from sync_server.orders.gold_import import import_gold_file
from sync_server.orders.importing import OrderImportError

from quality_helpers import add_annotator, answer, lease_lanes, make_overlap_order
from server_helpers import PASSWORD, SCHEMA, auth, box, write_images


def _cls(label: str) -> list[dict]:
    return [{"kind": "class", "label": label, "points": []}]


@pytest.fixture
def far_lead(engine, world) -> str:
    with write_transaction(engine) as conn:
        return issue_token(conn, create_user(conn, world.other_office, "farlead", "远方组长", "lead", PASSWORD))


def _agreement(client, token: str, order_id: int):
    return client.get("/api/v1/quality/agreement", params={"order_id": order_id}, headers=auth(token))


def test_box_agreement_per_item_and_per_annotator_disagreements_first(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, copies=3)
    anno3, token3 = add_annotator(engine, world.office, "anno3")
    lease_lanes(engine, made, [world.anno1, world.anno2, anno3])
    (group_a, a), (group_b, b) = list(made.groups.items())[:2]
    two = [box(), box("pedestrian", 60, 10, 100, 70)]
    for copy, token in zip(a, [tokens["anno1"], tokens["anno2"], token3]):
        answer(client, token, copy, [box()])  # all three match
    answer(client, tokens["anno1"], b[0], two)
    answer(client, tokens["anno2"], b[1], [box(x1=12), box("pedestrian", 61, 10, 100, 70)])  # IoU well above 0.5
    answer(client, token3, b[2], [box()])  # missed the pedestrian
    reply = _agreement(client, tokens["lead"], made.order)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["groups"], body["answered_groups"], body["iou_threshold"], body["kappa"]) == (4, 2, 0.5, None)
    assert [it["group_id"] for it in body["items"][:2]] == [group_b, group_a]  # the disagreement first
    assert body["items"][0]["agreement"] == pytest.approx((1 + 2 / 3 + 2 / 3) / 3)
    assert body["items"][1]["agreement"] == pytest.approx(1.0)
    assert body["items"][0]["annotator_ids"] == [world.anno1, world.anno2, anno3]
    assert [it["agreement"] for it in body["items"][2:]] == [None, None]  # nobody answered yet: last
    people = {p["annotator_id"]: p for p in body["annotators"]}
    assert people[world.anno1]["mean_score"] == pytest.approx((1 + 1 + 1 + 2 / 3) / 4)
    assert people[anno3]["mean_score"] == pytest.approx((1 + 1 + 2 / 3 + 2 / 3) / 4)
    assert body["annotators"][0]["annotator_id"] == anno3 and people[anno3]["items"] == 2


def test_class_agreement_has_cohens_kappa_for_two_annotators(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, task_kind="image_class", copies=2)
    lease_lanes(engine, made, [world.anno1, world.anno2])
    first = ["car", "car", "pedestrian", "pedestrian"]
    second = ["car", "pedestrian", "pedestrian", "pedestrian"]
    for (a, b), x, y in zip(made.groups.values(), first, second):
        answer(client, tokens["anno1"], a, _cls(x))
        answer(client, tokens["anno2"], b, _cls(y))
    body = _agreement(client, tokens["lead"], made.order).json()
    # observed 3/4, chance 1/2·1/4 + 1/2·3/4 = 1/2: kappa (3/4 − 1/2) / (1 − 1/2)
    assert (body["kappa_kind"], body["kappa_items"]) == ("cohen", 4)
    assert body["kappa"] == pytest.approx(0.5)
    assert body["items"][0]["agreement"] == 0.0


def test_class_agreement_has_fleiss_kappa_for_three(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, task_kind="image_class", images=2, copies=3)
    anno3, token3 = add_annotator(engine, world.office, "anno3")
    lease_lanes(engine, made, [world.anno1, world.anno2, anno3])
    (a, b) = made.groups.values()
    for copy, token in zip(a, [tokens["anno1"], tokens["anno2"], token3]):
        answer(client, token, copy, _cls("car"))
    for copy, token, label in zip(b, [tokens["anno1"], tokens["anno2"], token3], ["pedestrian", "pedestrian", "car"]):
        answer(client, token, copy, _cls(label))
    body = _agreement(client, tokens["lead"], made.order).json()
    # table [[3, 0], [1, 2]]: P = (1 + 1/3) / 2 = 2/3; p = (4/6, 2/6): Pe = 5/9; kappa = (2/3 − 5/9) / (4/9) = 1/4
    assert body["kappa_kind"] == "fleiss" and body["kappa"] == pytest.approx(0.25)


def test_quality_figures_are_for_the_orders_leads_only(engine, data_dir, world, client, tokens, far_lead):
    made = make_overlap_order(engine, data_dir, world.office, copies=2)
    for path in ("/api/v1/quality/agreement", "/api/v1/quality/gold"):
        assert client.get(path, params={"order_id": made.order}, headers=auth(tokens["anno1"])).status_code == 403
        assert client.get(path, params={"order_id": made.order}, headers=auth(tokens["far1"])).status_code == 403
        other = client.get(path, params={"order_id": made.order}, headers=auth(far_lead))
        assert other.status_code == 404 and other.json()["code"] == "unknown_order"
        assert client.get(path, params={"order_id": 999_999}, headers=auth(tokens["lead"])).status_code == 404
        assert client.get(path, params={"order_id": made.order}, headers=auth(tokens["lead"])).status_code == 200
        assert client.get(path, params={"order_id": made.order}).status_code == 401


def _gold_file(tmp_path, lines: list) -> object:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines), encoding="utf-8")
    return path


def test_a_gold_file_with_bad_lines_is_refused_line_by_line_and_nothing_stored(engine, world, tmp_path):
    path = _gold_file(tmp_path, [
        {"name": "img_00.jpg", "shapes": [box()]},
        {"name": "nope.jpg", "shapes": [box()]},
        {"name": "img_01.jpg", "shapes": [box("truck")]},
        "{not json",
        {"name": "img_02.jpg"},
        {"name": "img_03.jpg", "shapes": [box(x1=10, x2=500)]},
        {"name": "img_00.jpg", "shapes": []},
    ])  # fmt: skip
    with pytest.raises(OrderImportError) as refused, write_transaction(engine) as conn:
        import_gold_file(conn, world.order, path)
    message = str(refused.value)
    assert "6 gold answers" in message and "nothing was imported" in message
    for number in (2, 3, 4, 5, 6, 7):
        assert f"line {number}:" in message
    assert "line 1:" not in message and "nope.jpg" in message and "truck" in message
    with read_connection(engine) as conn:
        assert count_gold(conn, world.order) == 0


def test_gold_scores_flag_an_annotator_below_the_pass_mark(engine, world, client, tokens, tmp_path):
    with write_transaction(engine) as conn:
        stored = import_gold_file(conn, world.order, _gold_file(tmp_path, [
            {"name": f"img_0{i}.jpg", "shapes": [box()]} for i in range(4)]))  # fmt: skip
    assert stored == 4
    answer(client, tokens["anno1"], world.batch1_items[0], [box()])
    answer(client, tokens["anno1"], world.batch1_items[1], [box(x1=11)])
    answer(client, tokens["anno2"], world.batch2_items[0], [box(x1=70, y1=45, x2=110, y2=75)])  # nowhere near
    answer(client, tokens["anno2"], world.batch2_items[1], [box()])
    reply = client.get("/api/v1/quality/gold", params={"order_id": world.order}, headers=auth(tokens["lead"]))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["gold_items"], body["pass_mark"]) == (4, 0.8)
    first, second = body["annotators"]  # lowest mean first
    assert (first["annotator_id"], first["answered"], first["mean_score"], first["flagged"]) == (world.anno2, 2, 0.5, True)
    assert first["recent_items"] == 2 and first["since"] == body["since"]
    assert [miss["item_id"] for miss in first["below"]] == [world.batch2_items[0]]
    assert (second["annotator_id"], second["mean_score"], second["flagged"], second["since"]) == (world.anno1, 1.0, False, None)
    lenient = client.get("/api/v1/quality/gold", params={"order_id": world.order, "pass_mark": 0.4}, headers=auth(tokens["lead"]))
    assert not any(p["flagged"] for p in lenient.json()["annotators"])


def test_the_commands_import_with_overlap_and_gold_and_print_the_figures(engine, data_dir, world, tmp_path, capsys, monkeypatch, client, tokens):
    folder = tmp_path / "order"
    write_images(folder, 4, seed=11)
    (folder / "schema.json").write_text(json.dumps({"schema": SCHEMA, "task_kind": "bbox", "batch_size": 2}), encoding="utf-8")
    gold = _gold_file(tmp_path, [{"name": "img_00.jpg", "shapes": [box()]}])
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["import-order", str(folder), "--name", "质检订单", "--overlap", "2", "--iou-threshold", "0.6", "--gold", str(gold)]) == 0
    out = capsys.readouterr().out
    assert "4 items × 2 annotators: 4 copies in 2 more batches" in out and "gold answers for 2 items" in out
    with read_connection(engine) as conn:
        order_id, iou = conn.execute(select(tables.orders.c.id, tables.orders.c.iou_threshold).where(tables.orders.c.name == "质检订单")).one()
    assert iou == 0.6
    assert main(["agreement", "质检订单"]) == 0
    out = capsys.readouterr().out
    assert "0 of 4 overlap items" in out and "IoU threshold 0.6" in out and "AGREEMENT" in out
    assert main(["gold-scores", str(order_id), "--gold-pass", "0.9"]) == 0
    assert "2 gold items; pass mark 0.9" in capsys.readouterr().out
    assert main(["agreement", str(world.order)]) == 2  # no overlap: nothing to compare
    assert "has no overlap" in capsys.readouterr().err
    bad = _gold_file(tmp_path, [{"name": "img_09.jpg", "shapes": []}])
    assert main(["import-order", str(folder), "--name", "坏的", "--gold", str(bad)]) == 2
    assert "line 1: no item named 'img_09.jpg'" in capsys.readouterr().err
    with read_connection(engine) as conn:  # the whole import rolled back
        assert conn.execute(select(tables.orders.c.id).where(tables.orders.c.name == "坏的")).first() is None


def test_a_bad_overlap_is_refused_before_anything_is_imported(data_dir, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "order"
    write_images(folder, 2, seed=12)
    (folder / "schema.json").write_text(json.dumps({"schema": SCHEMA, "task_kind": "bbox"}), encoding="utf-8")
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["import-order", str(folder), "--overlap", "2", "--overlap-share", "1.5"]) == 2
    assert "overlap_share must be more than 0 and at most 1" in capsys.readouterr().err
    assert main(["import-order", str(folder), "--overlap-share", "0.5"]) == 2
    assert "needs overlap" in capsys.readouterr().err
