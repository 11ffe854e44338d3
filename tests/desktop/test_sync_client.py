"""SyncClient against a scripted loopback server: headers, gzip, error mapping, Range resume."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.sync import AuthError, Offline, Retrier, RetryPolicy, ServerError, SyncClient, UpdateRequired
from sync_server.protocol import PROTOCOL_VERSION, AnnotationRecord, uuid7
from tests.desktop.fake_server import FakeServer, json_reply

USER = {"id": 7, "username": "anno1", "display_name": "一", "role": "annotator", "office_id": 1, "office_name": "b"}


def record() -> AnnotationRecord:
    return AnnotationRecord(uuid7(), 100, 10, None, [box_shape("car", 1, 1, 5, 5)])


def test_login_sends_version_and_stores_token():
    with FakeServer(lambda r: json_reply(200, {"token": "t1", "user": USER, "server_time": "now"})) as srv:
        client = SyncClient(srv.url)
        login = client.login("anno1", "pw")
        assert login.user.username == "anno1" and client.token == "t1"
        req = srv.requests[0]
        assert req.path == "/api/v1/login"
        assert req.headers["x-aidou-protocol"] == str(PROTOCOL_VERSION)
        assert json.loads(req.body)["username"] == "anno1"


def test_push_is_gzipped_and_422_results_are_answers():
    rec = record()

    def handler(req):
        assert req.headers["content-encoding"] == "gzip"
        sent = json.loads(gzip.decompress(req.body))
        assert req.headers["authorization"] == "Bearer tok"
        results = [{"id": a["id"], "status": "rejected", "reason": "unknown label"} for a in sent["annotations"]]
        return json_reply(422, {"code": "rejected", "message": "unknown label", "results": results})

    with FakeServer(handler) as srv:
        [result] = SyncClient(srv.url, "tok").push([rec])
        assert (result.id, result.status, result.reason) == (rec.id, "rejected", "unknown label")


@pytest.mark.parametrize(
    "status,body,error",
    [
        (401, {"code": "bad_token", "message": "who are you"}, AuthError),
        (426, {"code": "please_update", "message": "too old"}, UpdateRequired),
        (413, {"code": "too_large", "message": "at most 500"}, ServerError),
        (422, {"code": "bad", "message": "nope"}, ServerError),
        (500, {"code": "boom", "message": "boom"}, Offline),
        (503, {}, Offline),
    ],
)
def test_error_mapping(status, body, error):
    with FakeServer(lambda r: json_reply(status, body)) as srv:
        with pytest.raises(error) as info:
            SyncClient(srv.url, "tok").changes("")
        if error is ServerError:
            assert info.value.message == body["message"] and info.value.status == status


def test_connection_refused_and_timeout_are_offline():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(Offline):
        SyncClient(f"http://127.0.0.1:{port}").changes("")
    # a server that accepts but never answers
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)
    try:
        client = SyncClient(f"http://127.0.0.1:{silent.getsockname()[1]}", timeout=(0.5, 0.3))
        with pytest.raises(Offline):
            client.changes("")
        assert client.healthy() is False
    finally:
        silent.close()


def _blob_server(blob: bytes, honour_range: bool = True):
    def handler(req):
        rng = req.headers.get("range")
        if rng and honour_range:
            start = int(rng.split("=")[1].rstrip("-"))
            part = blob[start:]
            return 206, {"Content-Range": f"bytes {start}-{len(blob) - 1}/{len(blob)}"}, part
        return 200, {"Content-Type": "image/jpeg"}, blob

    return handler


def test_fetch_blob_resumes_with_range(tmp_path):
    blob = bytes(range(256)) * 400
    sha = hashlib.sha256(blob).hexdigest()
    dest = tmp_path / "b.part"
    dest.write_bytes(blob[:30000])  # an earlier, interrupted download
    seen = []
    with FakeServer(_blob_server(blob)) as srv:
        got = SyncClient(srv.url, "tok").fetch_blob(sha, dest, lambda d, t, s: seen.append((d, t)))
        assert srv.requests[0].headers["range"] == "bytes=30000-"
        assert srv.requests[0].path == f"/api/v1/blobs/{sha}"
    assert got == len(blob) - 30000  # not one byte twice
    assert dest.read_bytes() == blob
    assert seen[-1] == (len(blob), len(blob))


def test_fetch_blob_restarts_on_200(tmp_path):
    blob = b"x" * 5000 + b"y" * 5000
    dest = tmp_path / "b.part"
    dest.write_bytes(b"garbage")
    with FakeServer(_blob_server(blob, honour_range=False)) as srv:
        SyncClient(srv.url).fetch_blob("a" * 64, dest)
    assert dest.read_bytes() == blob


def test_fetch_blob_404_is_server_error(tmp_path):
    with FakeServer(lambda r: json_reply(404, {"code": "not_found", "message": "unknown blob"})) as srv:
        with pytest.raises(ServerError, match="unknown blob"):
            SyncClient(srv.url).fetch_blob("a" * 64, tmp_path / "x.part")


def test_retrier_is_bounded():
    now = [0.0]
    sleeps = []

    def sleep(s):
        sleeps.append(s)
        now[0] += s

    def always_offline():
        now[0] += 1.0
        raise Offline("down")

    retrier = Retrier(RetryPolicy(attempts=10, base_s=1, cap_s=4, budget_s=10), sleep=sleep, clock=lambda: now[0])
    with pytest.raises(Offline):
        retrier.call(always_offline)
    assert now[0] <= 10 + 1.0  # the budget, plus the last attempt itself
    assert all(s <= 4 for s in sleeps)

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise Offline("blip")
        return "ok"

    assert Retrier(RetryPolicy(attempts=3, base_s=0.01), sleep=lambda s: None).call(flaky) == "ok"


def test_cli_exit_codes_for_update_and_server_refusal(tmp_path, monkeypatch):
    from aidou_desktop.sync import cli

    monkeypatch.setenv("AIDOU_PASSWORD", "pw")
    with FakeServer(lambda r: json_reply(426, {"code": "please_update", "message": "protocol 1 is too old"})) as srv:
        assert cli.main(["--data-dir", str(tmp_path), "login", "--server", srv.url, "--user", "a"]) == cli.EXIT_UPDATE
    with FakeServer(lambda r: json_reply(400, {"code": "bad", "message": "no"})) as srv:
        assert cli.main(["--data-dir", str(tmp_path), "login", "--server", srv.url, "--user", "a"]) == cli.EXIT_ERROR
    log_text = (tmp_path / "logs" / "sync.log").read_text(encoding="utf-8")
    assert "please update" in log_text and "protocol 1 is too old" in log_text


def test_clients_sharing_sizers_keep_what_the_link_taught():
    from aidou_desktop.sync.client import SyncClient

    shared: dict = {}
    first = SyncClient("http://127.0.0.1:9", sizers=shared)
    sizer = first.sizer(500, "push")
    sizer.size = 7  # as if a slow link had shrunk it
    second = SyncClient("http://127.0.0.1:9", sizers=shared)
    assert second.sizer(500, "push").size == 7
    assert SyncClient("http://127.0.0.1:9").sizer(500, "push").size != 7  # a fresh client starts again
