"""The lead's dashboard (issue 11) on hand-built answers, verdicts and days: the figures per
annotator and UTC day, who may see them, and the same figures in the month's pay sheet
(``GET /paysheet`` and the CSV/XLSX of ``aidou-server paysheet``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from openpyxl import load_workbook
from quality_helpers import answer, lease_lanes, make_overlap_order
from server_helpers import PASSWORD, auth, box
from sqlalchemy import select

from sync_server.cli import main
from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token
from sync_server.db.engine import read_connection, write_transaction
from sync_server.orders.gold_import import import_gold_file
from sync_server.paysheet import write_pay_sheet
from sync_server.protocol import PayRow, PaySheet, from_wire, uuid7

FAR_BOX = [box(x1=70, y1=45, x2=110, y2=75)]  # nowhere near box()


def _day(days_ago: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).strftime("%Y-%m-%d")


def _head(engine, item_id: int) -> str:
    with read_connection(engine) as conn:
        return conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == item_id)).scalar_one()


def _review(client, token: str, engine, item_id: int, verdict: str) -> str:
    body = {"id": uuid7(), "annotation_id": _head(engine, item_id), "item_id": item_id, "verdict": verdict}
    if verdict == "reject":
        body["comment"] = "框太松"
    reply = client.post("/api/v1/push", json={"annotations": [], "reviews": [body]}, headers=auth(token))
    assert reply.status_code == 200 and reply.json()["results"][0]["status"] == "accepted", reply.text
    return body["id"]


def _noon(days_ago: int) -> datetime:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).replace(hour=12, minute=0, second=0, microsecond=0)


def _move(engine, table, row_id: str, days_ago: int | None = None, at: datetime | None = None) -> None:
    """Pretend the server received this row ``days_ago`` days ago (at noon, UTC), or ``at``."""
    at = _noon(days_ago) if at is None else at
    with write_transaction(engine) as conn:
        conn.execute(table.update().where(table.c.id == row_id).values(received_at=at))


def _dashboard(client, token: str, order_id: int, days: int = 30):
    return client.get("/api/v1/quality/dashboard", params={"order_id": order_id, "days": days}, headers=auth(token))


@dataclass
class Worked:
    yesterday: list[tuple[object, str]]  # (table, row id) of the rows moved to yesterday


@pytest.fixture
def worked(engine, world, client, tokens, tmp_path) -> Worked:
    """The template order with gold answers (box() on every image) and this work:

        anno1  img_00 box()  yesterday, accepted yesterday     gold 1
               img_01 box()  today                             gold 1
        anno2  img_02 far    today, rejected today             gold 0
               img_03 box()  today, accepted 40 days ago (out of the window), rejected today
    """
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(f'{{"name": "img_0{i}.jpg", "shapes": [{{"kind": "box", "label": "car", '
                              f'"points": [[10, 10], [50, 40]]}}]}}' for i in range(4)), encoding="utf-8")  # fmt: skip
    with write_transaction(engine) as conn:
        assert import_gold_file(conn, world.order, gold) == 4
    (a0, a1), (b0, b1) = world.batch1_items, world.batch2_items
    answer(client, tokens["anno1"], a0, [box()])
    answer(client, tokens["anno1"], a1, [box()])
    answer(client, tokens["anno2"], b0, FAR_BOX)
    answer(client, tokens["anno2"], b1, [box()])
    yesterday = [(tables.annotations, _head(engine, a0)), (tables.reviews, _review(client, tokens["lead"], engine, a0, "accept"))]
    for table, row_id in yesterday:
        _move(engine, table, row_id, 1)
    _review(client, tokens["lead"], engine, b0, "reject")
    _move(engine, tables.reviews, _review(client, tokens["lead"], engine, b1, "accept"), 40)
    _review(client, tokens["lead"], engine, b1, "reject")
    return Worked(yesterday)


def _one_month(engine, worked: Worked) -> str:
    """This month (UTC), with yesterday's rows kept inside it: on the 1st they move to its first
    instant, so the month's figures are the same whatever the day (the accept of 40 days ago
    always lies in an earlier month)."""
    now = datetime.now(timezone.utc)
    first = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    for table, row_id in worked.yesterday:
        _move(engine, table, row_id, at=max(_noon(1), first))
    return now.strftime("%Y-%m")


def test_the_figures_per_annotator_and_day(client, tokens, world, worked):
    reply = _dashboard(client, tokens["lead"], world.order)
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["order_id"], body["days"], body["first_day"], body["last_day"]) == (world.order, 30, _day(29), _day(0))
    anno1, anno2 = body["annotators"]  # by username; far1 of the other office never shows
    assert (anno1["annotator_id"], anno1["username"], anno2["annotator_id"]) == (world.anno1, "anno1", world.anno2)
    yesterday, today = anno1["days"]
    assert (yesterday["day"], yesterday["items"], yesterday["accepted"], yesterday["accept_rate"]) == (_day(1), 1, 1, 1.0)
    assert (yesterday["gold_answered"], yesterday["gold_score"], yesterday["agreement"]) == (1, 1.0, None)
    assert (today["day"], today["items"], today["accepted"] + today["rejected"], today["accept_rate"]) == (_day(0), 1, 0, None)
    assert (anno1["items"], anno1["accepted"], anno1["gold_answered"], anno1["gold_score"]) == (2, 1, 2, 1.0)
    [today] = anno2["days"]  # the accept of 40 days ago is outside the window
    assert (today["items"], today["accepted"], today["rejected"], today["accept_rate"]) == (2, 0, 2, 0.0)
    assert (today["gold_answered"], today["gold_score"], today["agreement_pairs"]) == (2, 0.5, 0)
    week = _dashboard(client, tokens["lead"], world.order, days=1).json()
    assert [[d["day"] for d in person["days"]] for person in week["annotators"]] == [[_day(0)], [_day(0)]]


def test_agreement_is_split_by_the_day_each_copy_was_answered(engine, data_dir, world, client, tokens):
    made = make_overlap_order(engine, data_dir, world.office, copies=2)
    lease_lanes(engine, made, [world.anno1, world.anno2])
    (a1, a2), (b1, b2), (c1, _c2) = list(made.groups.values())[:3]
    answer(client, tokens["anno1"], a1, [box()])
    answer(client, tokens["anno2"], a2, [box()])  # agree: 1
    answer(client, tokens["anno1"], b1, [box()])
    answer(client, tokens["anno2"], b2, FAR_BOX)  # disagree: 0
    answer(client, tokens["anno1"], c1, [box()])  # nobody to compare with yet
    _move(engine, tables.annotations, _head(engine, a1), 2)
    body = _dashboard(client, tokens["lead"], made.order, days=7).json()
    anno1, anno2 = body["annotators"]
    assert [(d["day"], d["items"], d["agreement_pairs"], d["agreement"]) for d in anno1["days"]] == [
        (_day(2), 1, 1, 1.0), (_day(0), 2, 1, 0.0)]  # fmt: skip
    assert (anno1["agreement"], anno2["agreement"], anno2["items"]) == (0.5, 0.5, 2)
    # a copy answered before the window still counts as the other side of a pair
    assert [(d["day"], d["agreement"]) for d in _dashboard(client, tokens["lead"], made.order, days=1).json()
            ["annotators"][1]["days"]] == [(_day(0), 0.5)]  # fmt: skip


def test_an_order_with_nothing_yet_has_no_annotators(client, tokens, world):
    body = _dashboard(client, tokens["lead"], world.order).json()
    assert body["annotators"] == []


def test_the_dashboard_is_for_the_orders_leads_only(engine, client, tokens, world):
    with write_transaction(engine) as conn:
        far_lead = issue_token(conn, create_user(conn, world.other_office, "farlead", "远方组长", "lead", PASSWORD))
    refused = _dashboard(client, tokens["anno1"], world.order)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert _dashboard(client, far_lead, world.order).status_code == 404  # another office's order is unknown
    assert _dashboard(client, tokens["lead"], 999_999).status_code == 404
    assert client.get("/api/v1/quality/dashboard", params={"order_id": world.order}).status_code == 401
    assert _dashboard(client, tokens["lead"], world.order, days=0).status_code == 422
    assert _dashboard(client, tokens["lead"], world.order, days=93).status_code == 422


def test_the_pay_sheet_has_the_months_quality_in_csv_and_xlsx(engine, data_dir, tmp_path, monkeypatch, capsys, worked):
    month = _one_month(engine, worked)
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    for suffix in ("csv", "xlsx"):
        assert main(["paysheet", "--month", month, "--out", str(tmp_path / f"pay.{suffix}")]) == 0
    assert "1 accepted item(s)" in capsys.readouterr().out  # anno1's img_00; img_03's accept was undone today
    with open(tmp_path / "pay.csv", encoding="utf-8-sig") as f:
        header, anno1, anno2, total = list(csv.reader(f))
    assert header[5:] == ["通过率(%) accept rate", "质检题得分(%) gold score", "一致性(%) agreement"]
    assert anno1[0] == "anno1" and anno1[5:] == ["100.0", "100.0", ""]  # no overlap: no agreement
    assert anno2[0] == "anno2" and anno2[5:] == ["0.0", "50.0", ""]
    assert total[5:] == ["33.3", "75.0", ""]  # 1 of 3 verdicts; 3 of 4 gold items
    rows = list(load_workbook(tmp_path / "pay.xlsx")[month].values)
    assert rows[0][5:] == tuple(header[5:])
    assert rows[1][5:] == (100.0, 100.0, None) and rows[2][5:] == (0.0, 50.0, None)


def test_the_pay_sheet_route_carries_the_same_quality(engine, data_dir, tmp_path, monkeypatch, client, tokens, world, worked):
    month = _one_month(engine, worked)
    reply = client.get("/api/v1/paysheet", params={"month": month}, headers=auth(tokens["lead"]))
    assert reply.status_code == 200, reply.text
    body = reply.json()
    anno1, anno2 = body["rows"]
    assert (anno1["annotator_id"], anno1["accepted_items"], anno1["reviewed"], anno1["accept_rate"]) == (world.anno1, 1, 1, 1.0)
    assert (anno1["gold_answered"], anno1["gold_score"], anno1["agreement_pairs"], anno1["agreement"]) == (2, 1.0, 0, None)
    assert (anno2["reviewed"], anno2["accept_rate"], anno2["gold_answered"], anno2["gold_score"]) == (2, 0.0, 2, 0.5)
    assert (body["accept_rate"], body["gold_score"], body["agreement"]) == (pytest.approx(1 / 3), 0.75, None)
    # the desktop writes the sheet it was sent with the command's own rows: the very same file
    sheet = from_wire(PaySheet, body)
    sheet.rows = [from_wire(PayRow, row) for row in sheet.rows]
    write_pay_sheet(sheet, tmp_path / "from-the-route.csv")
    monkeypatch.setenv("AIDOU_DATA_DIR", str(data_dir))
    assert main(["paysheet", "--month", month, "--out", str(tmp_path / "from-the-command.csv")]) == 0
    assert (tmp_path / "from-the-route.csv").read_bytes() == (tmp_path / "from-the-command.csv").read_bytes()
