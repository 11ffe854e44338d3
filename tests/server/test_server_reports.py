"""The lead's figures over HTTP: the pay sheet and daily throughput, office-scoped, leads and admins only."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server_helpers import auth, box, push, record
from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import write_transaction


def _accept(engine, item_id: int, reviewer: int) -> None:
    with write_transaction(engine) as conn:
        head = conn.execute(tables.items.select().where(tables.items.c.id == item_id)).mappings().one()
        conn.execute(tables.items.update().where(tables.items.c.id == item_id).values(
            review_verdict="accept", review_annotation_id=head["head_annotation_id"], reviewer_id=reviewer,
            reviewed_at=utc_now()))  # fmt: skip
        conn.execute(tables.orders.update().values(price_cents=250))


def test_pay_sheet_and_throughput_count_what_was_accepted_and_done(client, tokens, world, engine):
    first, second = world.batch1_items
    assert push(client, tokens["anno1"], record(first, [box("car")]), record(second, [box("car")])).status_code == 200
    _accept(engine, first, world.lead)
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    sheet = client.get("/api/v1/paysheet", params={"month": month}, headers=auth(tokens["lead"]))
    assert sheet.status_code == 200, sheet.text
    rows = {row["username"]: row for row in sheet.json()["rows"]}
    assert (rows["anno1"]["accepted_items"], rows["anno1"]["amount_cents"]) == (1, 250)
    assert rows["anno2"]["accepted_items"] == 0 and "far1" not in rows  # another office's people stay out
    assert sheet.json()["total_cents"] == 250
    done = client.get("/api/v1/throughput", params={"days": 7}, headers=auth(tokens["lead"])).json()["rows"]
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    assert done == [{"annotator_id": world.anno1, "day": today, "items": 2}]


@pytest.mark.parametrize("path", ["/api/v1/paysheet?month=2026-12", "/api/v1/throughput", "/api/v1/people"])
def test_figures_are_for_leads_and_admins(client, tokens, path):
    assert client.get(path, headers=auth(tokens["anno1"])).status_code == 403
    assert client.get(path).status_code == 401
    assert client.get(path, headers=auth(tokens["lead"])).status_code == 200


def test_a_bad_month_is_a_clear_422(client, tokens):
    answer = client.get("/api/v1/paysheet", params={"month": "12-2026"}, headers=auth(tokens["lead"]))
    assert answer.status_code == 422 and "2026-12" in answer.json()["message"]


def test_people_names_the_office_and_nobody_else(client, tokens, world):
    people = client.get("/api/v1/people", headers=auth(tokens["lead"])).json()["people"]
    assert {p["username"] for p in people} == {"lead", "anno1", "anno2"}  # not the other office's far1
    assert all(set(p) == {"id", "username", "display_name", "role"} for p in people)  # no hashes, no tokens
