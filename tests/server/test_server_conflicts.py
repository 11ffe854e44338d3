"""Conflicts kept by push, listed and settled by a lead or admin: the API, the feed, the CLI."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sync_server.db import tables
from sync_server.db.accounts import create_user, issue_token, user_info
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, read_connection, write_transaction
from sync_server.db.push import apply_push
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import AnnotationRecord, from_wire, is_uuid
from tests.faults.world import build_world, server_rows
from tests.db_engines import copy_data_dir

from server_helpers import PASSWORD, auth, box, feed, record, row_counts

AIDOU_SERVER = Path(sys.executable).parent / "aidou-server"


def _conflicts(client, token, **params):
    return client.get("/api/v1/conflicts", params=params, headers=auth(token))


def _resolve(client, token, item_id, choose):
    return client.post("/api/v1/conflicts/resolve", json={"item_id": item_id, "choose": choose}, headers=auth(token))


def _row(engine, table, key):
    with read_connection(engine) as conn:
        return dict(conn.execute(select(table).where(table.c.id == key)).mappings().one())


def _user_token(engine, office, username, role) -> str:
    with write_transaction(engine) as conn:
        return issue_token(conn, create_user(conn, office, username, username, role, PASSWORD))


def _push(engine, user_id, *records) -> list[dict]:
    """Through the push rules directly (``apply_push``), as the push route does."""
    with write_transaction(engine) as conn:
        results = apply_push(conn, user_info(conn, user_id), [from_wire(AnnotationRecord, r) for r in records])
    return [{"status": r.status, "code": r.code} for r in results]


def _annotation_changes(client, token, since) -> list[dict]:
    return [c["data"] for c in feed(client, token, since)["changes"] if c["kind"] == "annotation"]


@pytest.fixture
def lead_vs_annotator(engine, world):
    """anno1's first revision; the lead corrects it; anno1, not seeing that, edits the first again."""
    item = world.batch1_items[0]
    first = record(item)
    lead_fix = record(item, [box(x2=60)], base_id=first["id"])
    rival = record(item, [box("pedestrian", x2=90)], base_id=first["id"], device_id="pc-anno1")
    assert _push(engine, world.anno1, first) == [{"status": "accepted", "code": None}]
    assert _push(engine, world.lead, lead_fix) == [{"status": "accepted", "code": None}]
    assert _push(engine, world.anno1, rival) == [{"status": "conflict", "code": "not_head"}]
    return item, first, lead_fix, rival


def test_the_list_names_the_conflict_and_the_items_head(client, tokens, world, lead_vs_annotator):
    item, _first, lead_fix, rival = lead_vs_annotator
    answer = _conflicts(client, tokens["lead"])
    assert answer.status_code == 200, answer.text
    [listed] = answer.json()["conflicts"]
    assert listed["id"] == rival["id"] and listed["item_id"] == item
    assert listed["item_name"] == "img_00.jpg" and (listed["order_id"], listed["order_name"]) == (world.order, "测试订单")
    assert listed["batch_id"] == world.batch1
    assert (listed["annotator_id"], listed["annotator_name"], listed["device_id"]) == (world.anno1, "anno1", "pc-anno1")
    assert listed["code"] == "not_head" and lead_fix["id"] in listed["reason"]
    assert listed["received_at"].endswith("Z")
    assert (listed["head_id"], listed["head_annotator_id"], listed["head_annotator_name"]) == (lead_fix["id"], world.lead, "lead")
    assert "resolved_at" not in listed  # open: defaults are left off the wire
    assert _conflicts(client, tokens["lead"], order_id=world.order).json()["conflicts"] == [listed]


def test_resolving_with_the_conflicted_revision(client, tokens, world, engine, lead_vs_annotator):
    item, _first, lead_fix, rival = lead_vs_annotator
    cursors = {name: feed(client, tokens[name])["cursor"] for name in ("lead", "anno1", "anno2")}

    answer = _resolve(client, tokens["lead"], item, rival["id"])
    assert answer.status_code == 200, answer.text
    new_id = answer.json()["id"]
    assert is_uuid(new_id) and new_id not in (rival["id"], lead_fix["id"])

    head = _row(engine, tables.annotations, new_id)
    assert head["shapes"] == rival["shapes"] and head["annotator_id"] == world.lead
    assert head["base_id"] == lead_fix["id"] and head["conflict"] is False and head["device_id"] is None
    assert head["schema_version"] == 1
    stored_item = _row(engine, tables.items, item)
    assert (stored_item["head_annotation_id"], stored_item["head_annotator_id"]) == (new_id, world.lead)
    settled = _row(engine, tables.annotations, rival["id"])
    assert settled["resolved_by"] == world.lead and settled["resolved_at"] is not None
    assert settled["conflict"] is True  # still what it was: kept, now marked settled

    assert _conflicts(client, tokens["lead"]).json()["conflicts"] == []
    [listed] = _conflicts(client, tokens["lead"], include_resolved=True).json()["conflicts"]
    assert (listed["id"], listed["resolved_by"], listed["resolved_by_name"]) == (rival["id"], world.lead, "lead")
    assert listed["head_id"] == new_id

    # the office-wide feed and anno1's (who holds the batch): the settled conflict, then the new head
    for name in ("lead", "anno1"):
        resolved, new_head = _annotation_changes(client, tokens[name], cursors[name])
        assert (resolved["id"], resolved["status"]) == (rival["id"], "resolved")
        assert new_head["id"] == new_id and "status" not in new_head
        assert new_head["shapes"] == rival["shapes"] and new_head["annotator_id"] == world.lead
        assert new_head["base_id"] == lead_fix["id"] and new_head["item_id"] == item
    assert _annotation_changes(client, tokens["anno2"], cursors["anno2"]) == []  # never held batch 1


def test_an_admin_keeps_the_head_of_a_re_leased_batch(client, tokens, world, engine):
    item, other = world.batch1_items
    first = record(item)
    _push(engine, world.anno1, first)
    with write_transaction(engine) as conn:
        lease_batch(conn, world.batch1, world.anno2, utc_now() + timedelta(days=1))
    follow = record(item, [box(x1=20)], base_id=first["id"])
    assert _push(engine, world.anno2, follow)[0]["status"] == "accepted"
    late = record(item, [box(x2=70)], base_id=first["id"])
    elsewhere = record(other, [box(x2=80)])
    codes = [r["code"] for r in _push(engine, world.anno1, late, elsewhere)]
    assert codes == ["lease_moved", "lease_moved"]  # the batch moved on: the more telling reason
    lead_rival = record(item, [box(y2=70)], base_id=first["id"])
    assert _push(engine, world.lead, lead_rival)[0]["status"] == "conflict"
    admin = _user_token(engine, world.office, "boss", "admin")
    cursors = {name: feed(client, tokens[name])["cursor"] for name in ("anno1", "anno2")}

    answer = _resolve(client, admin, item, follow["id"])  # the current head wins
    assert answer.status_code == 200, answer.text
    new_id = answer.json()["id"]
    head = _row(engine, tables.annotations, new_id)
    assert head["shapes"] == follow["shapes"] and head["base_id"] == follow["id"] and head["annotator_id"] != world.anno2
    for rev in (late, lead_rival):
        assert _row(engine, tables.annotations, rev["id"])["resolved_at"] is not None
    # both annotators who ever held batch 1 learn of it
    for name in ("anno1", "anno2"):
        changes = _annotation_changes(client, tokens[name], cursors[name])
        assert [(c["id"], c.get("status")) for c in changes] == [
            (late["id"], "resolved"), (lead_rival["id"], "resolved"), (new_id, None)
        ]
    # the other item's conflict stays open; with no head, its settlement starts from none
    [still_open] = _conflicts(client, admin).json()["conflicts"]
    assert (still_open["id"], still_open["code"], still_open.get("head_id")) == (elsewhere["id"], "lease_moved", None)
    answer = _resolve(client, admin, other, elsewhere["id"])
    assert _row(engine, tables.annotations, answer.json()["id"])["base_id"] is None


def test_resolve_refusals_write_nothing(client, tokens, world, engine, lead_vs_annotator):
    item, first, _lead_fix, rival = lead_vs_annotator
    before = row_counts(engine)
    quiet_item = world.batch1_items[1]
    cases = [
        (_resolve(client, tokens["lead"], quiet_item, rival["id"]), 409, "no_open_conflict"),
        (_resolve(client, tokens["lead"], item, "0190a000-0000-7000-8000-000000000000"), 422, "unknown_revision"),
        (_resolve(client, tokens["lead"], item, "not-a-uuid"), 422, "unknown_revision"),
        (_resolve(client, tokens["lead"], 999_999, rival["id"]), 404, "unknown_item"),
        (_resolve(client, tokens["lead"], 2**70, rival["id"]), 404, "unknown_item"),
        (client.post("/api/v1/conflicts/resolve", json={"item_id": item}, headers=auth(tokens["lead"])), 422, "invalid_request"),
        (client.post("/api/v1/conflicts/resolve", content=b"{", headers=auth(tokens["lead"])), 400, "bad_json"),
        (_conflicts(client, tokens["lead"], order_id="x"), 422, "invalid_request"),
    ]
    for answer, status, code in cases:
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
        assert answer.json()["message"]
    assert "has no open conflict" in cases[0][0].json()["message"]
    assert row_counts(engine) == before
    # a revision of another item is not this item's to choose
    other = record(quiet_item)
    _push(engine, world.anno1, other)
    assert _resolve(client, tokens["lead"], item, other["id"]).status_code == 422
    # settled once: a second resolve is refused, not a second new head
    assert _resolve(client, tokens["lead"], item, first["id"]).status_code == 200
    again = _resolve(client, tokens["lead"], item, rival["id"])
    assert (again.status_code, again.json()["code"]) == (409, "no_open_conflict")


@pytest.mark.parametrize("role", ["lead", "admin"])
def test_another_offices_lead_or_admin_sees_and_settles_nothing_here(client, tokens, world, engine, lead_vs_annotator, role):
    item, *_rest, rival = lead_vs_annotator
    far = _user_token(engine, world.other_office, f"far-{role}", role)
    assert _conflicts(client, far).json() == {"conflicts": []}
    answer = _conflicts(client, far, order_id=world.order)
    assert (answer.status_code, answer.json()["code"]) == (404, "unknown_order")
    answer = _resolve(client, far, item, rival["id"])
    assert (answer.status_code, answer.json()["code"]) == (404, "unknown_item")
    assert _row(engine, tables.annotations, rival["id"])["resolved_at"] is None


def test_annotators_and_strangers_are_refused(client, tokens, world, lead_vs_annotator):
    item, *_rest, rival = lead_vs_annotator
    for name in ("anno1", "far1"):
        for answer in (_conflicts(client, tokens[name]), _resolve(client, tokens[name], item, rival["id"])):
            assert (answer.status_code, answer.json()["code"]) == (403, "forbidden"), answer.text
    no_token = {"X-Aidou-Protocol": "1"}
    for answer in (
        client.get("/api/v1/conflicts", headers=no_token),
        client.post("/api/v1/conflicts/resolve", json={"item_id": item, "choose": rival["id"]}, headers=no_token),
    ):
        assert (answer.status_code, answer.json()["code"]) == (401, "bad_token")
    answer = client.get("/api/v1/conflicts", headers={**auth(tokens["lead"]), "X-Aidou-Protocol": "0"})
    assert answer.status_code == 426


# ---------------------------------------------------------------- the command line


def _server(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(AIDOU_SERVER), *args], capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def cli_template(tmp_path_factory):
    """A fault-test world with one conflict: the lead corrected anno1, who then edited their first again."""
    data_dir = tmp_path_factory.mktemp("cli") / "server"
    ids = build_world(data_dir, annotators=2, batch_size=3)
    [(item,)] = server_rows(data_dir, "SELECT min(id) FROM items WHERE batch_id = "
                                      "(SELECT id FROM batches WHERE annotator_id = ?)", (ids["anno1"],))  # fmt: skip
    first = record(item)
    lead_fix = record(item, [box(x2=60)], base_id=first["id"])
    rival = record(item, [box("bus", x2=90)], base_id=first["id"], device_id="pc-7")
    engine = make_engine(default_db_url(data_dir))
    try:
        for who, rec in (("anno1", first), ("lead", lead_fix), ("anno1", rival)):
            _push(engine, ids[who], rec)
    finally:
        engine.dispose()
    return data_dir, item, lead_fix["id"], rival["id"]


@pytest.fixture
def cli_world(cli_template, tmp_path):
    data_dir, *rest = cli_template
    copy_data_dir(data_dir, tmp_path / "server")  # and its database, on PostgreSQL
    return (tmp_path / "server", *rest)


def test_cli_lists_and_resolves(cli_world):
    data_dir, item, lead_fix, rival = cli_world
    listed = _server("conflicts", "--data-dir", str(data_dir))
    assert listed.returncode == 0, listed.stderr
    line = next(text for text in listed.stdout.splitlines() if rival in text)
    for part in (str(item), "anno1", "pc-7", "not_head", "both kept"):
        assert part in line
    assert "1 open conflict(s) on 1 item(s)" in listed.stdout
    assert f"item {item}: {lead_fix} by lead" in listed.stdout
    assert _server("conflicts", "--order", "故障测试订单", "--data-dir", str(data_dir)).stdout == listed.stdout

    refused = _server("conflicts", "resolve", str(item), "--choose", rival, "--as", "anno1", "--data-dir", str(data_dir))
    assert refused.returncode == 2 and refused.stderr.startswith("error: only a lead or admin")
    assert len(refused.stderr.strip().splitlines()) == 1

    done = _server("conflicts", "--data-dir", str(data_dir), "resolve", str(item), "--choose", rival, "--as", "lead")
    assert done.returncode == 0, done.stderr
    [(head_id, head_shapes)] = server_rows(data_dir, "SELECT a.id, a.shapes FROM items i JOIN annotations a "
                                                     "ON a.id = i.head_annotation_id WHERE i.id = ?", (item,))  # fmt: skip
    assert head_id in done.stdout and '"bus"' in head_shapes
    assert server_rows(data_dir, "SELECT resolved_at IS NOT NULL FROM annotations WHERE id = ?", (rival,)) == [(1,)]

    after = _server("conflicts", "--data-dir", str(data_dir))
    assert after.returncode == 0 and "0 open conflict(s) on 0 item(s)" in after.stdout
    everything = _server("conflicts", "--all", "--data-dir", str(data_dir))
    assert "by lead" in everything.stdout and "1 conflicted revision(s), 0 open" in everything.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["conflicts", "--order", "no such order"], "error: no order with id or name"),
        (["conflicts", "resolve", "1", "--choose", "x", "--as", "nobody"], "error: no user 'nobody'"),
        (["conflicts", "resolve", "999", "--choose", "x", "--as", "lead"], "error: unknown item 999"),
        (["conflicts", "resolve", "2", "--choose", "x", "--as", "lead"], "error: item 2 has no open conflict"),
    ],
)
def test_cli_refusals(cli_world, args, message):
    data_dir = cli_world[0]
    done = _server(*args, "--data-dir", str(data_dir))
    assert done.returncode == 2 and done.stderr.startswith(message), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_refuses_a_missing_data_dir(tmp_path):
    done = _server("conflicts", "--data-dir", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and done.stderr.startswith("error: no data dir")


@pytest.mark.parametrize("command", [["conflicts"], ["conflicts", "resolve"]])
def test_cli_commands_have_help(command, capsys):
    from sync_server.cli import main

    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--data-dir" in text and len(text) > 300
