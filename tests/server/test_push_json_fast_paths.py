"""A push decoded by orjson answers as one decoded by json.loads did (ADR 0020): numbers
orjson would read otherwise, and texts it refuses, keep their per-record reasons and codes."""

from __future__ import annotations

import json

from server_helpers import auth, box, record, row_counts

JSON = {"Content-Type": "application/json"}


def _push_text(client, token: str, text: str):
    return client.post("/api/v1/push", content=f'{{"annotations": [{text}]}}'.encode(), headers={**JSON, **auth(token)})


def test_an_item_id_past_64_bits_is_an_unknown_item_not_a_float(client, tokens, world, engine):
    # orjson reads 18446744073709551616 as the float 1.8446744073709552e+19: "wrong type"
    before = row_counts(engine)
    for n in (2**64, 2**64 + 1, -(2**63) - 1):
        sent = {**record(world.batch1_items[0]), "item_id": 7}
        answer = _push_text(client, tokens["anno1"], json.dumps(sent).replace('"item_id": 7', f'"item_id": {n}'))
        assert answer.status_code == 422, answer.text
        assert answer.json()["results"] == [{"id": sent["id"], "status": "rejected", "reason": f"unknown item {n}",
                                                  "code": "unknown_item", "params": {"item": str(n)}}]
    assert row_counts(engine) == before


def test_a_box_corner_past_64_bits_is_rejected_per_record(client, tokens, world):
    sent = record(world.batch1_items[0], shapes=[box(x2=123456)])
    answer = _push_text(client, tokens["anno1"], json.dumps(sent).replace("123456", str(2**64)))
    assert answer.status_code == 422
    assert answer.json()["results"][0]["reason"] == "shape 1: a box corner is a number past ±2^53"


def test_nan_and_infinity_corners_keep_their_reason(client, tokens, world):
    # json.loads takes NaN and Infinity, orjson refuses them: the stdlib reading decides
    for word in ("NaN", "Infinity", "-Infinity", "1e400"):
        sent = record(world.batch1_items[0], shapes=[box(x2=123456)])
        answer = _push_text(client, tokens["anno1"], json.dumps(sent).replace("123456", word))
        assert answer.status_code == 422, (word, answer.text)
        assert answer.json()["results"][0]["reason"] == "shape 1: a box corner is not a finite number"


def test_a_lone_surrogate_is_bad_json_escaped_or_raw(client, tokens, world, engine):
    before = row_counts(engine)
    sent = json.dumps(record(world.batch1_items[0], flag="x\ud800"))  # ensure_ascii: "\\ud800"
    answer = _push_text(client, tokens["anno1"], sent)
    assert answer.status_code == 400 and answer.json()["code"] == "bad_json"
    # its raw UTF-8 bytes: orjson refuses them, json.loads reads them ("surrogatepass"); was a 500
    raw = json.dumps(record(world.batch1_items[0], flag="FLAG")).encode().replace(b"FLAG", b"\xed\xa0\x80")
    answer = client.post("/api/v1/push", content=b'{"annotations": [' + raw + b"]}", headers={**JSON, **auth(tokens["anno1"])})
    assert answer.status_code == 400 and answer.json()["code"] == "bad_json"
    assert "surrogate" in answer.json()["message"]
    assert row_counts(engine) == before


def test_many_records_come_back_as_compact_utf8_json(client, tokens, world):
    records = [record(item, flag="看不清 [框]") for item in world.batch1_items]
    answer = client.post("/api/v1/push", json={"annotations": records}, headers=auth(tokens["anno1"]))
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert [r["status"] for r in answer.json()["results"]] == ["accepted"] * len(records)
    assert b": " not in answer.content and b", " not in answer.content


def test_error_answers_are_json_too(client, tokens):
    answer = client.post("/api/v1/push", content=b'{"annotations": [', headers={**JSON, **auth(tokens["anno1"])})
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_json"
    assert answer.json()["message"].startswith("the body is not valid JSON: ")
