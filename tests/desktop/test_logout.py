"""``SyncClient.logout``: the request it makes, its errors, and the real server refusing the token after."""

from __future__ import annotations

import socket

import pytest

from aidou_desktop.sync import AuthError, Offline, SyncClient
from tests.desktop.fake_server import FakeServer, json_reply


def test_logout_posts_the_bearer_token_and_drops_it():
    with FakeServer(lambda r: json_reply(200, {"revoked": 1})) as srv:
        client = SyncClient(srv.url, "tok")
        assert client.logout() == 1
        assert client.token is None
        [req] = srv.requests
        assert (req.method, req.path) == ("POST", "/api/v1/logout")
        assert req.headers["authorization"] == "Bearer tok"


def test_logout_everywhere_asks_for_every_token():
    with FakeServer(lambda r: json_reply(200, {"revoked": 3})) as srv:
        assert SyncClient(srv.url, "tok").logout(everywhere=True) == 3
        assert srv.requests[0].path == "/api/v1/logout?everywhere=true"


def test_a_token_already_refused_is_an_auth_error():
    with FakeServer(lambda r: json_reply(401, {"code": "bad_token", "message": "who are you"})) as srv:
        client = SyncClient(srv.url, "tok")
        with pytest.raises(AuthError):
            client.logout()


def test_logout_without_a_link_is_offline():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    with pytest.raises(Offline):
        SyncClient(f"http://127.0.0.1:{port}", "tok").logout()


# ------------------------------------------------------------------ the real server

pytest.importorskip("sync_server.api.app")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.desktop.server_process import ServerProcess

    srv = ServerProcess(tmp_path_factory.mktemp("server") / "data")
    srv.start()
    yield srv
    srv.stop()


@pytest.mark.usefixtures("module_database", "engine_database")  # on each database engine
def test_the_real_server_refuses_a_logged_out_token_only(server):
    here, there = SyncClient(server.url), SyncClient(server.url)
    here.login("anno1", "anno123")
    there.login("anno1", "anno123")  # the same person on a second PC
    old = here.token
    assert here.logout() == 1
    with pytest.raises(AuthError):
        SyncClient(server.url, old).changes("", 1)
    there.changes("", 1)  # the other PC's token still works
    with pytest.raises(AuthError):  # logging out twice: the token is already dead
        SyncClient(server.url, old).logout()


@pytest.mark.usefixtures("module_database", "engine_database")  # on each database engine
def test_logout_everywhere_on_the_real_server(server):
    first, second = SyncClient(server.url), SyncClient(server.url)
    first.login("anno2", "anno123")
    second.login("anno2", "anno123")
    token = second.token
    assert first.logout(everywhere=True) >= 2
    with pytest.raises(AuthError):
        SyncClient(server.url, token).changes("", 1)
