"""Bounded inputs on the API (issue 10): body sizes, hostile JSON, shape and page caps,
canonical ids, short error replies. Every answer is a 4xx or a per-record rejection, never a 500."""

from __future__ import annotations

import asyncio
import gzip
import json
import os

import pytest
from starlette.requests import Request

from sync_server.api.body import read_body
from sync_server.api.deps import LOGIN_BODY_BYTES, MAX_BODY_BYTES, MISSING_BODY_BYTES
from sync_server.api.errors import ApiError
from sync_server.db.engine import write_transaction
from sync_server.db.feed import MAX_PAGE_DATA_BYTES, high_water, cursor_at, log_changes
from sync_server.protocol import CHANGE_ITEM, MAX_SHAPES_PER_RECORD, uuid7

from server_helpers import PASSWORD, auth, box, feed, push, record, row_counts

JSON = {"Content-Type": "application/json"}


def _post(client, path: str, raw: bytes, token: str | None = None, **headers):
    sent = {**JSON, **(auth(token) if token else {}), **headers}
    return client.post(f"/api/v1{path}", content=raw, headers=sent)


def _push_raw(client, token: str, records_json: str):
    return _post(client, "/push", f'{{"annotations": [{records_json}]}}'.encode(), token)


def _code(answer) -> str:
    return answer.json()["code"]


# ---------------------------------------------------------------- body size


def test_login_body_over_16_kib_is_413(client):
    body = json.dumps({"username": "anno1", "password": "x" * LOGIN_BODY_BYTES}).encode()
    answer = _post(client, "/login", body)
    assert answer.status_code == 413 and _code(answer) == "too_large"


def test_missing_body_over_256_kib_is_413(client, tokens):
    body = json.dumps({"ids": [uuid7()], "pad": "x" * MISSING_BODY_BYTES}).encode()
    answer = _post(client, "/missing", body, tokens["anno1"])
    assert answer.status_code == 413 and _code(answer) == "too_large"


def test_other_routes_take_at_most_1_mib(client, tokens):
    body = json.dumps({"username": "new", "pad": "x" * MAX_BODY_BYTES}).encode()
    answer = _post(client, "/users", body, tokens["lead"])
    assert answer.status_code == 413 and _code(answer) == "too_large"


def test_push_takes_more_than_1_mib(client, tokens, world):
    body = json.dumps({"annotations": [record(world.batch1_items[0])], "pad": "x" * (2 * 1024 * 1024)}).encode()
    answer = _post(client, "/push", body, tokens["anno1"])
    assert answer.status_code == 200, answer.text
    over = json.dumps({"annotations": [], "pad": "x" * (8 * 1024 * 1024)}).encode()
    assert _post(client, "/push", over, tokens["anno1"]).status_code == 413


def test_gzip_body_is_limited_unpacked_and_packed(client):
    small_packed = gzip.compress(json.dumps({"username": "anno1", "password": "x" * 100_000}).encode())
    assert len(small_packed) < LOGIN_BODY_BYTES
    answer = _post(client, "/login", small_packed, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413 and _code(answer) == "too_large"
    big_packed = gzip.compress(os.urandom(LOGIN_BODY_BYTES + 1024))  # random bytes do not shrink
    answer = _post(client, "/login", big_packed, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 413 and _code(answer) == "too_large"
    fine = gzip.compress(json.dumps({"username": "anno1", "password": PASSWORD}).encode())
    assert _post(client, "/login", fine, **{"Content-Encoding": "gzip"}).status_code == 200


def _request(headers: dict[str, str], chunks):
    """A request whose body arrives in ``chunks`` (an iterator); counts what was read."""
    read = []

    async def receive():
        chunk = next(chunks)
        read.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": True}

    scope = {"type": "http", "method": "POST", "path": "/", "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    return Request(scope, receive), read


def _endless(size: int):
    while True:
        yield b"x" * size


def test_a_big_content_length_is_refused_before_reading():
    request, read = _request({"Content-Length": str(10**9)}, _endless(64 * 1024))
    with pytest.raises(ApiError) as raised:
        asyncio.run(read_body(request, LOGIN_BODY_BYTES))
    assert raised.value.status == 413 and read == []


def test_an_endless_body_stops_being_read_past_the_limit():
    request, read = _request({}, _endless(4096))  # no Content-Length: chunked
    with pytest.raises(ApiError) as raised:
        asyncio.run(read_body(request, LOGIN_BODY_BYTES))
    assert raised.value.status == 413 and sum(read) <= LOGIN_BODY_BYTES + 4096


def test_an_endless_gzip_body_stops_being_unpacked_past_the_limit():
    packer = gzip.compress(b"0" * (50 * 1024 * 1024))  # a 50 MiB bomb, ~50 kB packed

    def pieces():
        for start in range(0, len(packer), 1024):
            yield packer[start:start + 1024]

    request, read = _request({"Content-Encoding": "gzip"}, pieces())
    with pytest.raises(ApiError) as raised:
        asyncio.run(read_body(request, 1024 * 1024))
    assert raised.value.status == 413 and sum(read) < len(packer)


# ---------------------------------------------------------------- hostile JSON


@pytest.mark.parametrize("path", ["/login", "/push", "/missing"])
def test_deep_nesting_is_400_bad_json(client, tokens, path):
    deep = b"[" * 1000 + b"]" * 1000
    inside = b'{"username": ' + deep + b', "password": "x"}'
    for body in (deep, inside):
        answer = _post(client, path, body, tokens["anno1"])
        assert answer.status_code == 400 and _code(answer) == "bad_json", answer.text


def test_nesting_inside_strings_does_not_count(client):
    body = json.dumps({"username": "[" * 1000, "password": "{" * 1000}).encode()
    assert _post(client, "/login", body).status_code == 401  # read fine; wrong password


def test_huge_integers_in_a_box_corner_are_rejected_per_record(client, tokens, world, engine):
    before = row_counts(engine)
    digits = "9" * 400
    sent = record(world.batch1_items[0], shapes=[box(x2=123456)])
    text = json.dumps(sent).replace("123456", digits)
    answer = _push_raw(client, tokens["anno1"], text)
    assert answer.status_code == 422, answer.text
    assert "2^53" in answer.json()["results"][0]["reason"]
    assert row_counts(engine) == before


def test_huge_integers_elsewhere_never_500(client, tokens, world):
    digits = "9" * 400
    for field in ("item_id", "batch_id", "time_spent_ms", "schema_version"):
        sent = {**record(world.batch1_items[0]), field: 7}
        text = json.dumps(sent).replace(f'"{field}": 7', f'"{field}": {digits}')
        answer = _push_raw(client, tokens["anno1"], text)
        assert answer.status_code == 422, (field, answer.text)
        assert len(answer.content) < 4096
    too_long = "9" * 5000  # past Python's own limit for reading an int
    answer = _push_raw(client, tokens["anno1"], json.dumps(record(world.batch1_items[0])).replace('"time_spent_ms": 1500', f'"time_spent_ms": {too_long}'))
    assert answer.status_code == 400 and _code(answer) == "bad_json"


@pytest.mark.parametrize("field", ["id", "client_time", "label", "base_id"])
def test_lone_surrogates_are_400(client, tokens, world, engine, field):
    before = row_counts(engine)
    sent = record(world.batch1_items[0])
    if field == "label":
        sent["shapes"] = [box(label="car\ud800")]
    else:
        sent[field] = "\udc00" + (sent[field] or "")
    answer = _push_raw(client, tokens["anno1"], json.dumps(sent))  # ensure_ascii: sent as \\ud800
    assert answer.status_code == 400 and _code(answer) == "bad_json", answer.text
    assert row_counts(engine) == before


def test_escaped_surrogate_pairs_are_fine(client, tokens, world):
    answer = _push_raw(client, tokens["anno1"], json.dumps(record(world.batch1_items[0], flag="看不清 😀")))
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "accepted"


def test_login_with_a_lone_surrogate_is_400(client):
    answer = _post(client, "/login", json.dumps({"username": "anno1\ud800", "password": PASSWORD}).encode())
    assert answer.status_code == 400 and _code(answer) == "bad_json"


def test_a_unicode_digit_cursor_is_bad_cursor(client, tokens):
    for since in ("²", "².0123456789abcdef", "١٢.0123456789abcdef"):
        answer = client.get("/api/v1/changes", params={"since": since}, headers=auth(tokens["lead"]))
        assert answer.status_code == 400 and _code(answer) == "bad_cursor", answer.text


# ---------------------------------------------------------------- shape and page caps


def test_too_many_shapes_is_rejected_per_record(client, tokens, world):
    over = record(world.batch1_items[0], shapes=[box()] * (MAX_SHAPES_PER_RECORD + 1))
    fine = record(world.batch1_items[1], shapes=[box()] * MAX_SHAPES_PER_RECORD)
    answer = push(client, tokens["anno1"], over, fine)
    assert answer.status_code == 200, answer.text
    first, second = answer.json()["results"]
    assert first["status"] == "rejected" and "too many shapes" in first["reason"]
    assert second["status"] == "accepted"


def test_feed_pages_stop_near_1_mib(client, tokens, world, engine):
    with write_transaction(engine) as conn:
        start = cursor_at(conn, high_water(conn))
        pad = "x" * (MAX_PAGE_DATA_BYTES * 6 // 10)
        log_changes(conn, world.office, [(CHANGE_ITEM, {"id": n, "pad": pad}, None) for n in range(3)])
        log_changes(conn, world.office, [(CHANGE_ITEM, {"id": 3, "pad": "x" * (MAX_PAGE_DATA_BYTES * 2)}, None)])
    pages, since = [], start
    while True:
        page = feed(client, tokens["lead"], since)
        pages.append([change["data"]["id"] for change in page["changes"]])
        since = page["cursor"]
        if not page["has_more"]:
            break
    assert pages == [[0], [1], [2], [3]]  # one big row still comes, alone


# ---------------------------------------------------------------- canonical ids


def test_an_uppercase_resend_is_a_duplicate(client, tokens, world, engine):
    sent = record(world.batch1_items[0])
    assert push(client, tokens["anno1"], sent).json()["results"][0]["status"] == "accepted"
    before = row_counts(engine)
    again = push(client, tokens["anno1"], {**sent, "id": sent["id"].upper()})
    assert again.json()["results"][0]["status"] == "duplicate"
    assert row_counts(engine) == before
    # an uppercase base is the same head: a plain next revision, not a conflict
    after = push(client, tokens["anno1"], record(world.batch1_items[0], base_id=sent["id"].upper()))
    assert after.json()["results"][0]["status"] == "accepted"


def test_an_uppercase_review_resend_is_a_duplicate(client, tokens, world):
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    review = {"id": uuid7(), "annotation_id": sent["id"].upper(), "item_id": world.batch1_items[0], "verdict": "accept"}
    first = client.post("/api/v1/push", json={"annotations": [], "reviews": [review]}, headers=auth(tokens["lead"]))
    assert first.status_code == 200 and first.json()["results"][0]["status"] == "accepted", first.text
    again = client.post("/api/v1/push", json={"annotations": [], "reviews": [{**review, "id": review["id"].upper()}]}, headers=auth(tokens["lead"]))
    assert again.json()["results"][0]["status"] == "duplicate", again.text


def test_missing_takes_uppercase_ids(client, tokens, world):
    sent = record(world.batch1_items[0])
    push(client, tokens["anno1"], sent)
    answer = client.post("/api/v1/missing", json={"ids": [sent["id"].upper()]}, headers=auth(tokens["anno1"]))
    assert answer.json()["missing"] == []


# ---------------------------------------------------------------- short error replies


def test_a_1_mb_id_gets_a_short_reply(client, tokens, world):
    huge = "a" * (1024 * 1024)
    answer = push(client, tokens["anno1"], record(world.batch1_items[0], id=huge))
    assert answer.status_code == 422 and len(answer.content) < 4096, len(answer.content)
    review = {"id": huge, "annotation_id": huge, "item_id": 1, "verdict": huge}
    answer = client.post("/api/v1/push", json={"annotations": [], "reviews": [review]}, headers=auth(tokens["lead"]))
    assert answer.status_code == 422 and len(answer.content) < 4096, len(answer.content)


def test_huge_labels_and_base_ids_are_quoted_short(client, tokens, world):
    huge = "b" * (1024 * 1024)
    for sent in (record(world.batch1_items[0], shapes=[box(label=huge)]), record(world.batch1_items[0], base_id=huge)):
        answer = push(client, tokens["anno1"], sent)
        assert answer.status_code == 422 and len(answer.content) < 4096, len(answer.content)


def test_a_huge_protocol_version_header_is_quoted_short(client, tokens):
    answer = client.get("/api/v1/changes", headers={**auth(tokens["lead"]), "X-Aidou-Protocol": "v" * 20_000})
    assert answer.status_code == 400 and len(answer.content) < 4096
