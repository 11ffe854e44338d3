"""Login, tokens, protocol version, error shape, gzip both ways."""

import gzip
import json

from sqlalchemy import select

from server_helpers import PASSWORD, auth, feed
from sync_server.db import tables
from sync_server.db.engine import read_connection
from sync_server.protocol import PROTOCOL_VERSION, VERSION_HEADER


def test_healthz(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200
    body = answer.json()
    # names itself and its database: a captive portal's 200 cannot pass for it
    assert body == {"status": "ok", "service": "aidou-sync-server", "protocol_version": PROTOCOL_VERSION,
                    "server_id": body["server_id"]}  # fmt: skip
    assert len(body["server_id"]) == 36 and answer.headers["X-Aidou-Server"] == body["server_id"]


def test_login_gives_a_token_that_opens_the_feed(client, world):
    answer = client.post("/api/v1/login", json={"username": "anno1", "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["user"] == {
        "id": world.anno1,
        "username": "anno1",
        "display_name": "标注员一",
        "role": "annotator",
        "office_id": world.office,
        "office_name": "测试基地",
    }
    assert body["server_time"].endswith("Z")
    assert feed(client, body["token"])["changes"]


def test_only_a_hash_of_the_token_and_password_is_stored(client, engine):
    token = client.post("/api/v1/login", json={"username": "anno1", "password": PASSWORD}).json()["token"]
    with read_connection(engine) as conn:
        stored_tokens = conn.execute(select(tables.tokens.c.token_sha256)).scalars().all()
        password_hash = conn.execute(select(tables.users.c.password_hash).where(tables.users.c.username == "anno1")).scalar()
    assert token not in stored_tokens and len(stored_tokens) == 1 and len(stored_tokens[0]) == 64
    assert password_hash.startswith("$argon2id$") and PASSWORD not in password_hash


def test_wrong_password_and_unknown_user_are_401(client):
    for username, password in [("anno1", "wrong"), ("nobody", PASSWORD)]:
        answer = client.post("/api/v1/login", json={"username": username, "password": password})
        assert answer.status_code == 401
        assert answer.json()["code"] == "bad_credentials"
        assert answer.json()["message"]


def test_login_with_a_missing_field_says_which(client):
    answer = client.post("/api/v1/login", json={"username": "anno1"})
    assert answer.status_code == 422
    assert answer.json() == {"code": "invalid_request", "message": "LoginRequest: missing field 'password'"}


def test_token_required(client):
    answer = client.get("/api/v1/changes")
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_token"
    assert "Bearer" in answer.json()["message"]
    assert answer.headers["www-authenticate"] == "Bearer"


def test_wrong_token_is_401(client, tokens):
    answer = client.get("/api/v1/changes", headers=auth(tokens["anno1"] + "x"))
    assert answer.status_code == 401
    assert answer.json() == {"code": "bad_token", "message": "the token is unknown, expired or was revoked; log in again"}


def test_old_protocol_gets_426_please_update(client, tokens):
    old = {**auth(tokens["anno1"]), VERSION_HEADER: "0"}
    for answer in [
        client.get("/api/v1/changes", headers=old),
        client.post("/api/v1/login", json={"username": "anno1", "password": PASSWORD}, headers={VERSION_HEADER: "0"}),
        client.post("/api/v1/push", json={"annotations": []}, headers=old),
        client.get("/api/v1/changes", headers={VERSION_HEADER: "0"}),  # before the token is even looked at
    ]:
        assert answer.status_code == 426
        assert answer.json()["code"] == "please_update"
        assert "update" in answer.json()["message"]


def test_old_protocol_in_the_body_gets_426(client):
    body = {"username": "anno1", "password": PASSWORD, "protocol_version": 0}
    answer = client.post("/api/v1/login", json=body)
    assert answer.status_code == 426


def test_garbage_protocol_header_is_400(client, tokens):
    answer = client.get("/api/v1/changes", headers={**auth(tokens["anno1"]), VERSION_HEADER: "one"})
    assert answer.status_code == 400
    assert VERSION_HEADER in answer.json()["message"]


def test_query_validation_error_is_readable(client, tokens):
    answer = client.get("/api/v1/changes", params={"limit": 501}, headers=auth(tokens["anno1"]))
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request"
    assert "query parameter 'limit'" in body["message"] and "500" in body["message"]
    assert "detail" not in body


def test_unknown_path_uses_our_error_shape(client):
    answer = client.get("/api/v1/nothing-here")
    assert answer.status_code == 404
    assert set(answer.json()) == {"code", "message"}


def test_gzip_request_body_is_accepted(client):
    body = gzip.compress(json.dumps({"username": "anno1", "password": PASSWORD}).encode())
    answer = client.post("/api/v1/login", content=body, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["user"]["username"] == "anno1"


def test_broken_gzip_body_is_400(client):
    answer = client.post("/api/v1/login", content=b"not gzip at all", headers={"Content-Encoding": "gzip"})
    assert answer.status_code == 400
    assert "gzip" in answer.json()["message"]


def test_json_responses_are_gzipped(client, tokens):
    answer = client.get("/api/v1/changes", headers={**auth(tokens["lead"]), "Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.json()["changes"]  # httpx unpacked it


def test_openapi_document_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/healthz", "/api/v1/login", "/api/v1/changes", "/api/v1/push", "/api/v1/blobs/{sha256}"} <= set(paths)
