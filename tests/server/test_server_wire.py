"""Small on the wire: gzip where it pays, never on images; defaults left out of answers."""

import gzip
import json

from server_helpers import auth, box, feed, record

from sync_server.protocol import API_PREFIX


def test_json_answers_are_gzipped_from_a_few_hundred_bytes(client, tokens, world):
    records = [record(item, [box()]) for item in world.batch1_items]
    body = gzip.compress(json.dumps({"annotations": records}).encode())
    headers = {**auth(tokens["anno1"]), "Content-Encoding": "gzip", "Content-Type": "application/json",
               "Accept-Encoding": "gzip"}  # fmt: skip
    answer = client.post(f"{API_PREFIX}/push", content=body, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["results"][0] == {"id": records[0]["id"], "status": "accepted"}
    page = client.get(f"{API_PREFIX}/changes", headers={**auth(tokens["anno1"]), "Accept-Encoding": "gzip"})
    assert page.headers.get("content-encoding") == "gzip"  # a feed page is well over the threshold
    tiny = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in tiny.headers  # 40 bytes would only grow


def test_feed_entries_leave_defaults_out(client, tokens, world):
    items = [c["data"] for c in feed(client, tokens["anno1"])["changes"] if c["kind"] == "item"]
    assert items and all("text" not in item for item in items)  # image items: no text field sent
    assert all(item["display_width"] <= item["width"] for item in items)  # a display copy is never upscaled


def test_blobs_are_never_gzipped(client, tokens):
    item = next(c["data"] for c in feed(client, tokens["anno1"])["changes"] if c["kind"] == "item")
    answer = client.get(f"{API_PREFIX}/blobs/{item['blob']}", headers={**auth(tokens["anno1"]), "Accept-Encoding": "gzip"})
    assert answer.status_code == 200 and "content-encoding" not in answer.headers
    assert len(answer.content) == item["blob_size"]


def test_a_nan_corner_is_rejected_and_never_reaches_the_feed(client, tokens, world):
    # Python's JSON reader takes NaN; a stored NaN would make every later feed page a 500
    rec = record(world.batch1_items[0])
    body = json.dumps({"annotations": [rec]}).replace('"points": [[10, 10]', '"points": [[NaN, 10]')
    assert "NaN" in body
    answer = client.post(f"{API_PREFIX}/push", content=body, headers={**auth(tokens["anno1"]), "Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.json()["results"][0]["reason"] == "shape 1: a box corner is not a finite number"
    assert client.get(f"{API_PREFIX}/changes", headers=auth(tokens["anno1"])).status_code == 200
