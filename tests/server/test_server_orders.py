"""Orders and batches for leads and admins: progress counts, assign, release, assign-idle,
who may do what, the ``aidou-server`` commands, and the import's progress bar."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import to_iso, utc_now
from sync_server.db.engine import read_connection, write_transaction
from sync_server.order_commands import ProgressBar
from sync_server.orders.importing import import_order
from sync_server.protocol import AnnotatorsResponse, BatchesResponse, BatchProgress, OrdersResponse, from_wire, uuid7
from tests.faults.world import build_world
from tests.db_engines import copy_data_dir

from server_helpers import PASSWORD, SCHEMA, auth, feed, push, record, row_counts, write_images

ROOT = Path(__file__).resolve().parents[2]


def _get(client, token: str, path: str):
    return client.get(f"/api/v1{path}", headers=auth(token))


def _post(client, token: str, path: str, body: dict | None = None):
    return client.post(f"/api/v1{path}", json=body if body is not None else {}, headers=auth(token))


def _until(days: float = 3) -> str:
    return to_iso(utc_now() + timedelta(days=days))


def _ok(answer) -> dict:
    assert answer.status_code == 200, answer.text
    return answer.json()


def _refused(answer, status: int, code: str) -> None:
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code


def _set_items(engine, item_ids: list[int], **values) -> None:
    with write_transaction(engine) as conn:
        conn.execute(update(tables.items).where(tables.items.c.id.in_(item_ids)).values(**values))


def _expire(engine, batch_id: int) -> None:
    with write_transaction(engine) as conn:
        conn.execute(
            update(tables.batches).where(tables.batches.c.id == batch_id).values(lease_until=utc_now() - timedelta(hours=1))
        )


def _head(engine, item_id: int) -> str | None:
    with read_connection(engine) as conn:
        return conn.execute(select(tables.items.c.head_annotation_id).where(tables.items.c.id == item_id)).scalar()


def _feed_batches(client, token: str, batch_id: int) -> list[dict]:
    return [c["data"] for c in feed(client, token)["changes"] if c["kind"] == "batch" and c["data"]["id"] == batch_id]


def _new_user(engine, office: int, username: str, role: str = "annotator") -> tuple[int, str]:
    with write_transaction(engine) as conn:
        user_id = create_user(conn, office, username, username, role, PASSWORD)
        return user_id, issue_token(conn, user_id)


# ---------------------------------------------------------------- progress


def test_progress_counts_per_order_batch_and_annotator(client, engine, world, tokens):
    a, b = world.batch1_items
    c, d = world.batch2_items
    first_a, first_b = record(a), record(b)
    assert push(client, tokens["anno1"], first_a, first_b).status_code == 200
    # anno1 edits a again, from nothing: a conflict against their own head
    assert push(client, tokens["anno1"], record(a)).json()["results"][0]["status"] == "conflict"
    old_c = record(c)
    assert push(client, tokens["anno2"], old_c).status_code == 200
    assert push(client, tokens["anno2"], record(c, base_id=old_c["id"])).status_code == 200
    _set_items(engine, [a], review_verdict="accept", review_annotation_id=first_a["id"], reviewer_id=world.lead)
    _set_items(engine, [b], review_verdict="reject", review_annotation_id=first_b["id"], reviewer_id=world.lead)
    # accepted before the fix: the verdict judged a revision that is no longer the head
    _set_items(engine, [c], review_verdict="accept", review_annotation_id=old_c["id"], reviewer_id=world.lead)

    orders = from_wire(OrdersResponse, _ok(_get(client, tokens["lead"], "/orders"))).orders
    assert [(o.id, o.batches, o.items, o.done, o.submitted, o.accepted, o.rejected, o.conflicted) for o in orders] == [
        (world.order, 2, 4, 3, 1, 1, 1, 1)
    ]
    assert (orders[0].name, orders[0].task_kind, orders[0].price_cents) == ("测试订单", "bbox", 10)

    batches = from_wire(BatchesResponse, _ok(_get(client, tokens["lead"], f"/orders/{world.order}/batches"))).batches
    assert [(p.id, p.items, p.done, p.submitted, p.accepted, p.rejected, p.conflicted) for p in batches] == [
        (world.batch1, 2, 2, 0, 1, 1, 1),
        (world.batch2, 2, 1, 1, 0, 0, 0),
    ]
    assert [(p.annotator_id, p.annotator_name, p.expired) for p in batches] == [
        (world.anno1, "anno1", False),
        (world.anno2, "anno2", False),
    ]
    assert all(p.lease_until.endswith("Z") for p in batches)

    people = from_wire(AnnotatorsResponse, _ok(_get(client, tokens["lead"], f"/orders/{world.order}/annotators"))).annotators
    assert [(p.annotator_id, p.username, p.batches, p.items, p.done, p.submitted, p.accepted, p.rejected, p.conflicted)
            for p in people] == [
        (world.anno1, "anno1", 1, 2, 2, 0, 1, 1, 1),
        (world.anno2, "anno2", 1, 2, 1, 1, 0, 0, 0),
    ]  # fmt: skip
    assert people[0].display_name == "标注员一"


def test_a_fresh_order_counts_zero_and_idle_annotators_are_listed(client, engine, world, tokens, tmp_path):
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(tmp_path / "blobs"), world.office, "新订单", "bbox", SCHEMA, "",
                             write_images(tmp_path / "img", 3), batch_size=2)  # fmt: skip
    orders = _ok(_get(client, tokens["lead"], "/orders"))["orders"]
    assert [o["id"] for o in orders] == [world.order, order]
    assert orders[1] | {"id": 0} == {"id": 0, "name": "新订单", "task_kind": "bbox", "price_cents": 0, "batches": 2,
                                     "items": 3, "done": 0, "submitted": 0, "accepted": 0, "rejected": 0, "conflicted": 0}  # fmt: skip
    batches = _ok(_get(client, tokens["lead"], f"/orders/{order}/batches"))["batches"]
    assert [(b["items"], b["expired"], b.get("annotator_id")) for b in batches] == [(2, False, None), (1, False, None)]
    people = _ok(_get(client, tokens["lead"], f"/orders/{order}/annotators"))["annotators"]
    assert [(p["username"], p["batches"], p["done"]) for p in people] == [("anno1", 0, 0), ("anno2", 0, 0)]


# ---------------------------------------------------------------- assign, release


def test_release_tells_the_old_holder_and_the_office_then_assign_feeds_the_new_one(client, engine, world, tokens):
    rev = record(world.batch1_items[0])
    assert push(client, tokens["anno1"], rev).status_code == 200
    lead_cursor, anno2_cursor = feed(client, tokens["lead"])["cursor"], feed(client, tokens["anno2"])["cursor"]

    released = _ok(_post(client, tokens["lead"], f"/batches/{world.batch1}/release"))
    assert (released.get("annotator_id"), released.get("lease_until"), released["done"]) == (None, None, 1)
    assert _feed_batches(client, tokens["anno1"], world.batch1)[-1]["annotator_id"] is None
    office_news = feed(client, tokens["lead"], lead_cursor)["changes"]
    assert [(c["kind"], c["data"]["id"], c["data"]["annotator_id"]) for c in office_news] == [("batch", world.batch1, None)]
    assert _head(engine, world.batch1_items[0]) == rev["id"]  # the work stays

    until = _until(5)
    assigned = _ok(_post(client, tokens["lead"], f"/batches/{world.batch1}/assign", {"annotator_id": world.anno2, "until": until}))
    assert (assigned["annotator_id"], assigned["annotator_name"], assigned["lease_until"]) == (world.anno2, "anno2", until)
    news = feed(client, tokens["anno2"], anno2_cursor)["changes"]
    assert ("batch", world.batch1) in [(c["kind"], c["data"]["id"]) for c in news]
    assert {c["data"]["id"] for c in news if c["kind"] == "item"} == set(world.batch1_items)
    assert [c["data"]["id"] for c in news if c["kind"] == "annotation"] == [rev["id"]]
    # the annotator may now push to it
    assert push(client, tokens["anno2"], record(world.batch1_items[1])).json()["results"][0]["status"] == "accepted"


def test_a_leased_batch_is_refused_unless_forced(client, engine, world, tokens):
    body = {"annotator_id": world.anno2, "until": _until()}
    before = row_counts(engine)
    answer = _post(client, tokens["lead"], f"/batches/{world.batch1}/assign", body)
    _refused(answer, 409, "batch_leased")
    assert "anno1" in answer.json()["message"]
    assert row_counts(engine) == before

    forced = _ok(_post(client, tokens["lead"], f"/batches/{world.batch1}/assign", {**body, "force": True}))
    assert forced["annotator_id"] == world.anno2
    assert _feed_batches(client, tokens["anno1"], world.batch1)[-1]["annotator_id"] == world.anno2


def test_an_expired_lease_is_reassigned_and_the_holder_can_renew(client, engine, world, tokens):
    _expire(engine, world.batch1)
    batches = _ok(_get(client, tokens["lead"], f"/orders/{world.order}/batches"))["batches"]
    assert [b["expired"] for b in batches] == [True, False]
    again = _ok(_post(client, tokens["lead"], f"/batches/{world.batch1}/assign", {"annotator_id": world.anno2, "until": _until()}))
    assert (again["annotator_id"], again["expired"]) == (world.anno2, False)
    renewed = _ok(_post(client, tokens["lead"], f"/batches/{world.batch2}/assign", {"annotator_id": world.anno2, "until": _until(9)}))
    assert renewed["annotator_id"] == world.anno2


def test_assign_checks_the_annotator_and_the_deadline(client, engine, world, tokens):
    disabled, _ = _new_user(engine, world.office, "gone")
    with write_transaction(engine) as conn:
        conn.execute(update(tables.users).where(tables.users.c.id == disabled).values(disabled_at=utc_now()))
    _expire(engine, world.batch1)
    path = f"/batches/{world.batch1}/assign"
    before = row_counts(engine)
    for who in (world.lead, world.far_anno, disabled, 999_999, 2**70):
        _refused(_post(client, tokens["lead"], path, {"annotator_id": who, "until": _until()}), 422, "not_an_annotator")
    for until in (to_iso(utc_now() - timedelta(minutes=1)), "2099-01-01T00:00:00", "next week"):
        _refused(_post(client, tokens["lead"], path, {"annotator_id": world.anno2, "until": until}), 422, "bad_until")
    _refused(_post(client, tokens["lead"], path, {"annotator_id": "anno2", "until": _until()}), 422, "invalid_request")
    _refused(_post(client, tokens["lead"], path, {"annotator_id": world.anno2}), 422, "invalid_request")
    assert row_counts(engine) == before


# ---------------------------------------------------------------- assign-idle


def _three_single_batches(engine, world, tmp_path) -> tuple[int, list[int]]:
    with write_transaction(engine) as conn:
        order = import_order(conn, BlobStore(tmp_path / "blobs"), world.office, "一张一批", "bbox", SCHEMA, "",
                             write_images(tmp_path / "img", 3), batch_size=1)  # fmt: skip
        batches = conn.execute(
            select(tables.batches.c.id).where(tables.batches.c.order_id == order).order_by(tables.batches.c.id)
        ).scalars().all()
    return order, batches


def test_assign_idle_gives_each_idle_annotator_one_batch_and_skips_busy_ones(client, engine, world, tokens, tmp_path):
    order, (nb1, nb2, nb3) = _three_single_batches(engine, world, tmp_path)
    anno3, anno3_token = _new_user(engine, world.office, "anno3")
    anno4, _ = _new_user(engine, world.office, "anno4")
    with write_transaction(engine) as conn:
        conn.execute(update(tables.users).where(tables.users.c.id == anno4).values(disabled_at=utc_now()))
        first_item = conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == nb1)).scalar()
    _set_items(engine, [first_item], head_annotation_id=uuid7(), head_annotator_id=world.anno1)  # nb1: finished
    _expire(engine, world.batch1)  # anno1 is idle now; anno2 still holds batch 2 with work left

    body = {"until": _until(2)}
    assigned = _ok(_post(client, tokens["lead"], f"/orders/{order}/assign-idle", body))["assigned"]
    assert assigned == [{"batch_id": nb2, "annotator_id": world.anno1}, {"batch_id": nb3, "annotator_id": anno3}]
    assert nb3 in [c["data"]["id"] for c in feed(client, anno3_token)["changes"] if c["kind"] == "batch"]
    holders = {b["id"]: b.get("annotator_id") for b in _ok(_get(client, tokens["lead"], f"/orders/{order}/batches"))["batches"]}
    assert holders == {nb1: None, nb2: world.anno1, nb3: anno3}

    assert _ok(_post(client, tokens["lead"], f"/orders/{order}/assign-idle", body)) == {"assigned": []}  # everyone busy now
    _refused(_post(client, tokens["lead"], f"/orders/{order}/assign-idle", {"until": "yesterday"}), 422, "bad_until")


def test_an_annotator_with_only_finished_batches_is_idle(client, engine, world, tokens, tmp_path):
    order, (nb1, _nb2, _nb3) = _three_single_batches(engine, world, tmp_path)
    _set_items(engine, world.batch1_items, head_annotation_id=uuid7(), head_annotator_id=world.anno1)
    assigned = _ok(_post(client, tokens["lead"], f"/orders/{order}/assign-idle", {"until": _until()}))["assigned"]
    assert assigned == [{"batch_id": nb1, "annotator_id": world.anno1}]


# ---------------------------------------------------------------- who may


def _endpoints(world) -> list[tuple[str, str, dict | None, str]]:
    assign_body = {"annotator_id": world.anno2, "until": "2099-01-01T00:00:00Z", "force": True}
    return [
        ("GET", f"/orders/{world.order}/batches", None, "unknown_order"),
        ("GET", f"/orders/{world.order}/annotators", None, "unknown_order"),
        ("POST", f"/batches/{world.batch1}/assign", assign_body, "unknown_batch"),
        ("POST", f"/batches/{world.batch1}/release", {}, "unknown_batch"),
        ("POST", f"/orders/{world.order}/assign-idle", {"until": "2099-01-01T00:00:00Z"}, "unknown_order"),
    ]


def test_role_matrix(client, engine, world, tokens):
    _far_lead, far_token = _new_user(engine, world.other_office, "farlead", "lead")
    before = row_counts(engine)
    for method, path, body, unknown in _endpoints(world):
        call = (lambda token: _get(client, token, path)) if method == "GET" else (lambda token: _post(client, token, path, body))
        _refused(call(tokens["anno1"]), 403, "forbidden")
        _refused(call(far_token), 404, unknown)
        answer = client.request(method, f"/api/v1{path}", json=body)
        _refused(answer, 401, "bad_token")
    _refused(_get(client, tokens["anno1"], "/orders"), 403, "forbidden")
    _refused(client.get("/api/v1/orders"), 401, "bad_token")
    assert [o["name"] for o in _ok(_get(client, far_token, "/orders"))["orders"]] == ["别的订单"]
    for missing in ("/orders/999999/batches", "/orders/0/annotators", f"/orders/{2**70}/batches"):
        _refused(_get(client, tokens["lead"], missing), 404, "unknown_order")
    _refused(_post(client, tokens["lead"], "/batches/999999/release"), 404, "unknown_batch")
    assert row_counts(engine) == before


def test_an_admin_may_too(client, engine, world):
    _admin, token = _new_user(engine, world.office, "boss", "admin")
    released = _ok(_post(client, token, f"/batches/{world.batch2}/release"))
    assert released.get("annotator_id") is None
    assert from_wire(BatchProgress, released).id == world.batch2


# ---------------------------------------------------------------- the command line


def _server(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sync_server.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)  # fmt: skip


@pytest.fixture(scope="module")
def cli_template(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("orders-cli") / "server"
    build_world(data_dir, annotators=3, batch_size=2)  # batches 1, 2, 3 leased to anno1, anno2, anno3
    return data_dir


@pytest.fixture
def cli_data(cli_template, tmp_path) -> str:
    copy_data_dir(cli_template, tmp_path / "server")  # and its database, on PostgreSQL
    return str(tmp_path / "server")


def _one_error(done: subprocess.CompletedProcess, starts: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith(f"error: {starts}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_lists_orders_and_batches(cli_data):
    orders = _server("orders", "--data-dir", cli_data)
    assert orders.returncode == 0, orders.stderr
    header, line, total = orders.stdout.splitlines()
    assert header.split() == ["ID", "NAME", "KIND", "PRICE", "BATCHES", "ITEMS", "DONE", "SUBMITTED", "ACCEPTED",
                              "REJECTED", "CONFLICTED"]  # fmt: skip
    assert line.split() == ["1", "故障测试订单", "bbox", "0.00", "3", "6", "0", "0", "0", "0", "0"]
    assert total == "1 order(s)"

    batches = _server("batches", "故障测试订单", "--data-dir", cli_data)
    assert batches.returncode == 0, batches.stderr
    rows = batches.stdout.splitlines()
    assert rows[0].split()[:4] == ["ID", "NAME", "HOLDER", "LEASE"]
    assert [row.split()[3] for row in rows[1:4]] == ["anno1", "anno2", "anno3"]
    assert rows[-1] == "3 batch(es) in order 1: 0 without a holder, 0 with an expired lease"

    people = _server("batches", "1", "--by-annotator", "--data-dir", cli_data)
    assert people.returncode == 0, people.stderr
    assert [row.split()[1] for row in people.stdout.splitlines()[1:4]] == ["anno1", "anno2", "anno3"]
    _one_error(_server("batches", "no-such-order", "--data-dir", cli_data), "no order with id or name")


def test_cli_assign_release_and_assign_idle(cli_data):
    _one_error(_server("assign", "1", "--to", "anno2", "--days", "3", "--data-dir", cli_data), "batch 1 is leased to anno1")
    _one_error(_server("assign", "1", "--to", "lead", "--days", "3", "--data-dir", cli_data), "user ")
    _one_error(_server("assign", "1", "--to", "nobody", "--days", "3", "--data-dir", cli_data), "no user 'nobody'")
    _one_error(_server("assign", "1", "--to", "anno2", "--until", "2099-01-01T00:00", "--data-dir", cli_data), "until")
    _one_error(_server("assign", "99", "--to", "anno2", "--days", "3", "--data-dir", cli_data), "unknown batch 99")

    forced = _server("assign", "1", "--to", "anno2", "--until", "2099-01-01T00:00:00Z", "--force", "--data-dir", cli_data)
    assert forced.returncode == 0, forced.stderr
    assert forced.stdout.strip() == "batch 1 (批次 001, 2 items) is leased to anno2 until 2099-01-01T00:00:00.000Z"

    released = _server("release", "2", "--data-dir", cli_data)
    assert released.returncode == 0, released.stderr
    assert "released (it was leased to anno2; their work stays)" in released.stdout

    # anno1 holds nothing now (batch 1 went to anno2), anno2 still holds batch 1: only anno1 is idle
    idle = _server("assign-idle", "故障测试订单", "--days", "2", "--data-dir", cli_data)
    assert idle.returncode == 0, idle.stderr
    assert idle.stdout.splitlines() == ["batch 2 → anno1", "1 batch(es) assigned in order 1"]
    _one_error(_server("assign-idle", "1", "--days", "0", "--data-dir", cli_data), "--days must be")


@pytest.mark.parametrize("command", ["orders", "batches", "assign", "release", "assign-idle"])
def test_every_order_command_has_help(command, capsys):
    from sync_server.cli import main

    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--data-dir" in text and "--db" in text and len(text) > 300


# ---------------------------------------------------------------- import progress


def test_import_prints_progress_then_the_order_shows_up(cli_data, tmp_path):
    folder = tmp_path / "新图"
    write_images(folder, 12)
    (folder / "schema.json").write_text(json.dumps({**SCHEMA, "batch_size": 5}), encoding="utf-8")
    done = _server("import-order", str(folder), "--data-dir", cli_data)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert lines[0] == "importing: 0%" and lines[-1] == "importing: 100%"
    assert len(lines) == 11 and "\r" not in done.stderr  # not a terminal: a line every tenth
    assert done.stdout.splitlines()[0].endswith("12 items in 3 batches")
    orders = _server("orders", "--data-dir", cli_data).stdout.splitlines()
    assert orders[2].split()[:6] == ["2", "新图", "bbox", "0.00", "3", "12"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_one_line_on_a_terminal():
    out = _Terminal()
    with ProgressBar("importing", out) as bar:
        for done in range(0, 201):
            bar(done, 200)
    text = out.getvalue()
    assert text.count("\r") == 101 and text.endswith("] 100%\n")  # once per percent, then the line is ended
    assert "\r" + "importing [" + "#" * 15 + "-" * 15 + "]  50%" in text
