"""Logging out with the Log out button: the server stops accepting the token, and a dead
link neither holds the window up nor keeps the token on this PC."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from sync_server.protocol import API_PREFIX, PROTOCOL_VERSION, VERSION_HEADER, LoginResponse, to_wire
from tests.desktop.fake_server import FakeServer, json_reply
from tests.gui.gui_helpers import ANNOTATOR, PASSWORD


def sign_in(qtbot, window, username: str, password: str) -> None:
    page = window.login_page
    page.username_edit.setText(username)
    page.password_edit.setText(password)
    QTest.mouseClick(page.login_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.home_page, timeout=15_000)


def click_log_out(window) -> float:
    """Clicks Log out; the seconds the click held the UI thread."""
    started = time.monotonic()
    QTest.mouseClick(window.home_page.logout_button, Qt.MouseButton.LeftButton)
    return time.monotonic() - started


def token_answer(url: str, token: str) -> int:
    """The status the server gives a request made with ``token``."""
    headers = {"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)}
    return requests.get(url + API_PREFIX + "/changes", params={"limit": 1}, headers=headers, timeout=10).status_code


# ------------------------------------------------------------------ the real server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from tests.desktop.server_process import ServerProcess

    srv = ServerProcess(tmp_path_factory.mktemp("server") / "data")
    srv.start()
    yield srv
    srv.stop()


def test_the_log_out_button_revokes_the_token_on_the_server(qtbot, tmp_path, server, open_window):
    window = open_window(tmp_path / "desktop", server.url)
    sign_in(qtbot, window, "anno1", "anno123")
    qtbot.waitUntil(lambda: not window.controller.busy(), timeout=60_000)  # the first sync
    _url, token, _user = window.store.session()
    assert token_answer(server.url, token) == 200

    with qtbot.waitSignal(window.logout.finished, timeout=15_000) as told:
        assert click_log_out(window) < 1.0
        assert window.pages.currentWidget() is window.login_page
        assert window.store.session() is None  # gone here before the server answers
    assert told.args == [True]
    assert token_answer(server.url, token) == 401
    assert window.login_page.error_label.isHidden()

    sign_in(qtbot, window, "anno1", "anno123")  # logging in again gets a new, working token
    assert window.store.session()[1] != token
    assert token_answer(server.url, window.store.session()[1]) == 200


# ------------------------------------------------------------------ no server to tell


class Unreachable:
    """A server that lets anno1 log in, then stops answering: ``refused`` (nothing listens
    any more) or ``silent`` (the logout is accepted and never answered)."""

    def __init__(self, how: str):
        self.how = how
        self.release = threading.Event()
        self.server = FakeServer(self.handle)
        self.url = self.server.url

    def handle(self, req):
        if req.path.endswith("/login"):
            return json_reply(200, to_wire(LoginResponse("tok-1", ANNOTATOR, "2026-11-25T08:00:00Z", "srv")))
        if req.path.endswith("/logout"):
            self.release.wait(30)  # longer than the logout's timeout
            return json_reply(200, {"revoked": 1})
        return json_reply(503, {"code": "down", "message": "down"})  # sync and probe: offline

    def cut(self) -> None:
        if self.how == "refused":
            self.server.__exit__()

    def __enter__(self):
        self.server.__enter__()
        return self

    def __exit__(self, *exc):
        self.release.set()
        if self.how != "refused":
            self.server.__exit__()


@pytest.mark.parametrize("how", ["refused", "silent"])
def test_logging_out_without_the_server_returns_to_login_at_once(qtbot, tmp_path, open_window, how):
    with Unreachable(how) as srv:
        window = open_window(tmp_path / "desktop", srv.url)
        sign_in(qtbot, window, ANNOTATOR.username, PASSWORD)
        qtbot.waitUntil(lambda: not window.controller.busy(), timeout=15_000)
        assert window.store.session()[1] == "tok-1"
        srv.cut()

        with qtbot.waitSignal(window.logout.finished, timeout=10_000) as told:
            assert click_log_out(window) < 1.0  # the network call is not on the UI thread
            assert window.pages.currentWidget() is window.login_page
            assert window.store.session() is None and window.store.accounts_with_token() == []
            if how == "silent":
                assert window.logout.busy()  # still waiting for an answer, and the UI is not
        assert told.args == [False]  # the server was not told; nothing else happens
        assert window.login_page.error_label.isHidden()
        assert window.pages.currentWidget() is window.login_page
        if how == "silent":
            assert srv.server.requests[-1].headers["authorization"] == "Bearer tok-1"
        else:
            sign_in(qtbot, window, ANNOTATOR.username, PASSWORD)  # offline login still works after
            assert window.store.session() is None  # and borrows no token
