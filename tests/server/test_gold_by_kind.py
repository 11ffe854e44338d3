"""Gold accuracy per annotator and task kind across the office's orders (issue 11):
hand-computed figures, each order's own IoU threshold, training items left out, the span of
days, the role matrix and the command.

The office's work (gold everywhere: box() on the boxes, "car" on the classes):

    order                          item        who    answer        score
    测试订单 (bbox, IoU 0.5)        img_00      anno1  box()         1     (10 days ago)
                                   img_01      anno1  box(x1=15)    1     (IoU 0.875)
                                   img_02      anno2  far away      0
                                   img_03      anno2  box()         1
    重叠 bbox (IoU 0.9)             g1 copy 0   anno1  box(x1=15)    —     (a course teaches it)
                                   g2 copy 0   anno1  box(x1=15)    0     (0.875 < 0.9)
    重叠 image_class                g1 copy 0   anno1  car           1
                                   g1 copy 1   anno2  pedestrian    0
                                   g2 copy 1   anno2  car           1
    别的订单 (the other office)      img_00      far1   far away      0

    bbox:        anno1 3 items, 2/3; anno2 2 items, 1/2     (7 gold items: 4 + 4 − 1 taught)
    image_class: anno1 1 item, 1;    anno2 2 items, 1/2     (4 gold items)
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from quality_helpers import answer, lease_lanes, make_overlap_order
from server_helpers import PASSWORD, auth, box
from sqlalchemy import select

from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token
from sync_server.db.engine import write_transaction
from sync_server.db.quality import store_gold_answers
from sync_server.db.training import create_course

FAR_BOX = [box(x1=70, y1=45, x2=110, y2=75)]  # nowhere near box()
LOOSE_BOX = [box(x1=15)]  # IoU 35/40 = 0.875 with box()
BBOX_ITEMS, CLASS_ITEMS = 7, 4


def _cls(label: str) -> list[dict]:
    return [{"kind": "class", "label": label, "points": []}]


def _kinds(client, token: str, **params):
    return client.get("/api/v1/quality/gold/kinds", params=params, headers=auth(token))


def _rows(body: dict) -> list[tuple]:
    return [(p["task_kind"], p["username"], p["answered"], pytest.approx(p["mean_score"]), p["flagged"])
            for p in body["annotators"]]  # fmt: skip


@pytest.fixture
def worked(engine, data_dir, world, client, tokens):
    boxes = make_overlap_order(engine, data_dir, world.office, images=2, copies=2, iou=0.9)
    classes = make_overlap_order(engine, data_dir, world.office, task_kind="image_class", images=2, copies=2)
    lease_lanes(engine, boxes, [world.anno1, world.anno2])
    lease_lanes(engine, classes, [world.anno1, world.anno2])
    ours = world.batch1_items + world.batch2_items
    with write_transaction(engine) as conn:
        store_gold_answers(conn, [(i, [box()]) for i in ours + [world.far_item]])
        store_gold_answers(conn, [(i, [box()]) for copies in boxes.groups.values() for i in copies])
        store_gold_answers(conn, [(i, _cls("car")) for copies in classes.groups.values() for i in copies])
        create_course(conn, boxes.order, "框的培训", 0.8, size=1)  # the order's first gold item: g1 copy 0
    (a0, a1), (b0, b1) = world.batch1_items, world.batch2_items
    answer(client, tokens["anno1"], a0, [box()])
    answer(client, tokens["anno1"], a1, LOOSE_BOX)
    answer(client, tokens["anno2"], b0, FAR_BOX)
    answer(client, tokens["anno2"], b1, [box()])
    (g1, g2) = boxes.groups.values()
    answer(client, tokens["anno1"], g1[0], LOOSE_BOX)
    answer(client, tokens["anno1"], g2[0], LOOSE_BOX)
    (c1, c2) = classes.groups.values()
    answer(client, tokens["anno1"], c1[0], _cls("car"))
    answer(client, tokens["anno2"], c1[1], _cls("pedestrian"))
    answer(client, tokens["anno2"], c2[1], _cls("car"))
    answer(client, tokens["far1"], world.far_item, FAR_BOX)
    ten_days_ago = datetime.now(timezone.utc) - timedelta(days=10)
    with write_transaction(engine) as conn:
        head = conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == a0)).scalar_one()
        conn.execute(tables.annotations.update().where(tables.annotations.c.id == head).values(received_at=ten_days_ago))


def test_accuracy_per_annotator_and_kind_over_every_order(client, tokens, worked):
    reply = _kinds(client, tokens["lead"])
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["pass_mark"], body["days"], body["since"]) == (0.8, None, None)
    assert body["kinds"] == [{"task_kind": "bbox", "gold_items": BBOX_ITEMS},
                             {"task_kind": "image_class", "gold_items": CLASS_ITEMS}]  # fmt: skip
    assert _rows(body) == [  # by kind, then the lowest mean first
        ("bbox", "anno2", 2, 1 / 2, True),
        ("bbox", "anno1", 3, 2 / 3, True),
        ("image_class", "anno2", 2, 1 / 2, True),
        ("image_class", "anno1", 1, 1.0, False),
    ]
    first = body["annotators"][0]
    assert set(first) == {"annotator_id", "username", "display_name", "task_kind", "answered", "mean_score", "flagged"}
    assert first["display_name"] == "标注员二"


def test_the_pass_mark_and_the_span_of_days(client, tokens, world, worked):
    lenient = _kinds(client, tokens["lead"], pass_mark=0.6).json()
    assert [row[4] for row in _rows(lenient)] == [True, False, True, False]
    week = _kinds(client, tokens["lead"], days=7).json()
    assert week["days"] == 7 and week["since"].endswith("Z")
    assert _rows(week)[:2] == [("bbox", "anno1", 2, 1 / 2, True), ("bbox", "anno2", 2, 1 / 2, True)]  # img_00 is older
    assert week["kinds"] == _kinds(client, tokens["lead"]).json()["kinds"]  # the gold items, not the answers


def test_only_leads_and_admins_and_only_their_own_office(engine, client, tokens, world, worked):
    assert _kinds(client, tokens["anno1"]).status_code == 403
    assert _kinds(client, tokens["anno1"]).json()["code"] == "forbidden"
    assert _kinds(client, tokens["far1"]).status_code == 403
    assert client.get("/api/v1/quality/gold/kinds").status_code == 401
    with write_transaction(engine) as conn:
        far_lead = issue_token(conn, create_user(conn, world.other_office, "farlead", "远方组长", "lead", PASSWORD))
        admin = issue_token(conn, create_user(conn, world.office, "boss", "管理员", "admin", PASSWORD))
    far = _kinds(client, far_lead).json()
    assert far["kinds"] == [{"task_kind": "bbox", "gold_items": 1}]
    assert _rows(far) == [("bbox", "far1", 1, 0.0, True)]  # nothing of the first office
    assert _rows(_kinds(client, admin).json()) == _rows(_kinds(client, tokens["lead"]).json())
    for bad in ({"days": 0}, {"days": 3661}, {"pass_mark": 1.5}, {"days": "week"}):
        assert _kinds(client, tokens["lead"], **bad).status_code == 422, bad


def test_an_office_without_gold_has_empty_lists(client, tokens):
    body = _kinds(client, tokens["lead"]).json()
    assert (body["kinds"], body["annotators"]) == ([], [])


def test_the_command_prints_the_same_figures(data_dir, worked, capsys, monkeypatch):
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["gold-scores", "--by-kind"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "office 测试基地: gold accuracy per task kind over every order (every answer); pass mark 0.8"
    assert out[1] == f"gold items: bbox {BBOX_ITEMS}, image_class {CLASS_ITEMS}"
    assert out[2].split() == ["TASK", "KIND", "ANNOTATOR", "ITEMS", "ACCURACY", "STATUS"]
    assert [line.split() for line in out[3:]] == [
        ["bbox", "anno2", "2", "0.500", "FLAGGED"],
        ["bbox", "anno1", "3", "0.667", "FLAGGED"],
        ["image_class", "anno2", "2", "0.500", "FLAGGED"],
        ["image_class", "anno1", "1", "1.000", "ok"],
    ]
    assert main(["gold-scores", "--by-kind", "--days", "7", "--gold-pass", "0.4"]) == 0
    week = capsys.readouterr().out
    assert "(answers of the last 7 days); pass mark 0.4" in week and "FLAGGED" not in week
    assert main(["gold-scores", "--by-kind", "--office", "别的基地"]) == 0
    assert "far1" in capsys.readouterr().out


@pytest.mark.parametrize("argv,refusal", [
    (["gold-scores"], "name the ORDER"),
    (["gold-scores", "--by-kind", "1"], "leave the ORDER out"),
    (["gold-scores", "--by-kind", "--days", "0"], "--days must be 1 or more"),
    (["gold-scores", "--by-kind", "--office", "没有这个基地"], "no office 没有这个基地"),
    (["gold-scores", "1", "--days", "7"], "go with --by-kind"),
])  # fmt: skip
def test_the_command_refuses_what_it_cannot_answer(data_dir, capsys, monkeypatch, argv, refusal):
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(argv) == 2
    assert refusal in capsys.readouterr().err

