"""Blobs: the display copy by sha256, with Range for resuming; scoped like the feed."""

import hashlib

from server_helpers import auth, feed


def _first_item(client, token) -> dict:
    return next(c["data"] for c in feed(client, token)["changes"] if c["kind"] == "item")


def test_full_download_matches_its_sha(client, tokens):
    item = _first_item(client, tokens["anno1"])
    answer = client.get(f"/api/v1/blobs/{item['blob']}", headers={**auth(tokens["anno1"]), "Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/webp"  # ADR 0008: display copies are WebP
    assert "content-encoding" not in answer.headers  # images are never gzipped
    assert answer.headers["accept-ranges"] == "bytes"
    assert hashlib.sha256(answer.content).hexdigest() == item["blob"]
    assert len(answer.content) == item["blob_size"]
    assert answer.content[:4] == b"RIFF" and answer.content[8:12] == b"WEBP"


def test_range_request_gets_206_and_the_right_bytes(client, tokens):
    item = _first_item(client, tokens["anno1"])
    whole = client.get(f"/api/v1/blobs/{item['blob']}", headers=auth(tokens["anno1"])).content
    answer = client.get(f"/api/v1/blobs/{item['blob']}", headers={**auth(tokens["anno1"]), "Range": "bytes=100-"})
    assert answer.status_code == 206
    assert answer.content == whole[100:]
    assert answer.headers["content-range"] == f"bytes 100-{len(whole) - 1}/{len(whole)}"
    middle = client.get(f"/api/v1/blobs/{item['blob']}", headers={**auth(tokens["anno1"]), "Range": "bytes=10-19"})
    assert middle.status_code == 206 and middle.content == whole[10:20]


def test_bad_sha_is_400(client, tokens):
    for name in ["abc", "g" * 64, "A" * 64, "..%2F..%2Fserver.db"]:
        answer = client.get(f"/api/v1/blobs/{name}", headers=auth(tokens["anno1"]))
        assert answer.status_code in (400, 404), name
        assert set(answer.json()) == {"code", "message"}
    answer = client.get("/api/v1/blobs/abc", headers=auth(tokens["anno1"]))
    assert answer.status_code == 400
    assert answer.json()["code"] == "bad_sha256"


def test_unknown_blob_is_404(client, tokens):
    answer = client.get(f"/api/v1/blobs/{'0' * 64}", headers=auth(tokens["anno1"]))
    assert answer.status_code == 404
    assert answer.json()["code"] == "unknown_blob"


def test_blobs_of_others_batches_and_originals_are_not_served(client, tokens, engine):
    other = _first_item(client, tokens["anno2"])
    assert client.get(f"/api/v1/blobs/{other['blob']}", headers=auth(tokens["anno1"])).status_code == 404
    assert client.get(f"/api/v1/blobs/{other['blob']}", headers=auth(tokens["lead"])).status_code == 200
    assert client.get(f"/api/v1/blobs/{other['blob']}", headers=auth(tokens["far1"])).status_code == 404


def test_blobs_need_a_token(client, tokens):
    item = _first_item(client, tokens["anno1"])
    assert client.get(f"/api/v1/blobs/{item['blob']}").status_code == 401
