"""A locked-out login (429 too_many_attempts) reaches the caller with the server's wait."""

from __future__ import annotations

import pytest

from aidou_desktop.sync import ServerError, SyncClient
from tests.desktop.fake_server import FakeServer, json_reply

LOCKED = {"code": "too_many_attempts", "message": "too many failed logins; try again in 10 minutes"}


def test_a_429_login_raises_server_error_with_retry_after():
    with FakeServer(lambda r: json_reply(429, LOCKED, {"Retry-After": "590"})) as srv:
        with pytest.raises(ServerError) as caught:
            SyncClient(srv.url).login("anno1", "pw")
    assert (caught.value.status, caught.value.code, caught.value.retry_after) == (429, "too_many_attempts", 590)


def test_other_refusals_carry_no_retry_after():
    with FakeServer(lambda r: json_reply(413, {"code": "too_large", "message": "big"})) as srv:
        with pytest.raises(ServerError) as caught:
            SyncClient(srv.url).login("anno1", "pw")
    assert caught.value.retry_after is None


def test_the_login_page_says_how_many_minutes():
    from aidou_desktop.ui.messages import login_error_text

    text = login_error_text(ServerError("locked", 429, "too_many_attempts", retry_after=590))
    assert "10" in text  # 590 s, rounded up to whole minutes
    assert "15" in login_error_text(ServerError("locked", 429, "too_many_attempts"))
