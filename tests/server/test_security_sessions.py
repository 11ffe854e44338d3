"""Sessions and passwords: tokens expire and slide on use, logout (here or everywhere),
the admin's sign-out, login throttling (429 + Retry-After), hashing bounded outside
the database connection."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from server_helpers import PASSWORD, auth
from sync_server.api.throttle import WINDOW_SECONDS
from sync_server.cli import build_parser
from sync_server.db import accounts, tables
from sync_server.db.accounts import _token_digest, create_user, issue_token
from sync_server.db.clock import as_utc, utc_now
from sync_server.db.engine import read_connection, write_transaction


def _login(client, username: str, password: str = PASSWORD):
    return client.post("/api/v1/login", json={"username": username, "password": password})


def _feed(client, token: str):
    return client.get("/api/v1/changes", headers=auth(token))


def _token_row(engine, token: str):
    with read_connection(engine) as conn:
        return conn.execute(select(tables.tokens).where(tables.tokens.c.token_sha256 == _token_digest(token))).first()


def _set_token(engine, token: str, **values) -> None:
    with write_transaction(engine) as conn:
        conn.execute(tables.tokens.update().where(tables.tokens.c.token_sha256 == _token_digest(token)).values(**values))


@pytest.fixture
def fake_clock(app, monkeypatch) -> list[float]:
    """The login throttle's clock, moved by hand: ``fake_clock[0] += seconds``."""
    now = [1_000_000.0]
    monkeypatch.setattr(app.state.login_throttle, "clock", lambda: now[0])
    return now


# ------------------------------------------------------------------ expiry


def test_a_login_token_expires_after_the_lifetime(client, engine):
    token = _login(client, "anno1").json()["token"]
    row = _token_row(engine, token)
    assert abs(as_utc(row.expires_at) - (utc_now() + timedelta(days=14))) < timedelta(minutes=1)


def test_a_token_past_its_lifetime_is_401_bad_token(client, engine, tokens):
    _set_token(engine, tokens["anno1"], expires_at=utc_now() - timedelta(minutes=1))
    answer = _feed(client, tokens["anno1"])
    assert answer.status_code == 401
    assert answer.json()["code"] == "bad_token" and "log in again" in answer.json()["message"]
    assert _feed(client, tokens["anno2"]).status_code == 200


def test_an_old_token_without_expiry_lives_its_lifetime_from_creation(client, engine, tokens):
    _set_token(engine, tokens["anno1"], expires_at=None, last_used_at=None, created_at=utc_now() - timedelta(days=15))
    _set_token(engine, tokens["anno2"], expires_at=None, last_used_at=None, created_at=utc_now() - timedelta(days=13))
    assert _feed(client, tokens["anno1"]).status_code == 401
    assert _feed(client, tokens["anno2"]).status_code == 200
    assert as_utc(_token_row(engine, tokens["anno2"]).expires_at) > utc_now() + timedelta(days=13)


def test_use_slides_the_expiry_but_writes_at_most_once_an_hour(client, engine, tokens):
    token = tokens["anno1"]
    _set_token(engine, token, expires_at=utc_now() + timedelta(days=1), last_used_at=utc_now() - timedelta(hours=2))
    assert _feed(client, token).status_code == 200
    slid = _token_row(engine, token)
    assert as_utc(slid.expires_at) > utc_now() + timedelta(days=13, hours=23)
    for _ in range(3):
        assert _feed(client, token).status_code == 200
    again = _token_row(engine, token)
    assert (again.expires_at, again.last_used_at) == (slid.expires_at, slid.last_used_at)  # not rewritten


def test_the_lifetime_is_the_app_setting(client, app, engine):
    app.state.token_lifetime = timedelta(days=2)
    token = _login(client, "anno1").json()["token"]
    assert as_utc(_token_row(engine, token).expires_at) < utc_now() + timedelta(days=2, minutes=1)


def test_serve_takes_token_days():
    assert build_parser().parse_args(["serve", "--token-days", "3"]).token_days == 3
    assert build_parser().parse_args(["serve"]).token_days == 14
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--token-days", "0"])


def test_issuing_deletes_the_users_expired_tokens(engine, world, tokens):
    _set_token(engine, tokens["anno1"], expires_at=utc_now() - timedelta(days=1))
    with write_transaction(engine) as conn:
        issue_token(conn, world.anno1)
    assert _token_row(engine, tokens["anno1"]) is None
    assert _token_row(engine, tokens["anno2"]) is not None


# ------------------------------------------------------------------ logout


def test_logout_revokes_the_token_used_only(client):
    first = _login(client, "anno1").json()["token"]
    second = _login(client, "anno1").json()["token"]
    answer = client.post("/api/v1/logout", headers=auth(first))
    assert answer.status_code == 200 and answer.json() == {"revoked": 1}
    assert _feed(client, first).status_code == 401
    assert _feed(client, second).status_code == 200


def test_logout_everywhere_revokes_every_token_of_the_user(client, tokens):
    first = _login(client, "anno1").json()["token"]
    second = _login(client, "anno1").json()["token"]
    answer = client.post("/api/v1/logout", params={"everywhere": "true"}, headers=auth(first))
    assert answer.status_code == 200 and answer.json() == {"revoked": 3}  # with the fixture's
    for token in (first, second, tokens["anno1"]):
        assert _feed(client, token).status_code == 401
    assert _feed(client, tokens["anno2"]).status_code == 200
    assert _login(client, "anno1").status_code == 200  # they may log in again


def test_logout_needs_a_token(client):
    assert client.post("/api/v1/logout").status_code == 401


# ------------------------------------------------------------------ admin sign-out


@pytest.fixture
def admin_tokens(engine, world) -> dict[str, str]:
    with write_transaction(engine) as conn:
        boss = create_user(conn, world.office, "boss", "基地管理员", "admin", PASSWORD)
        faradmin = create_user(conn, world.other_office, "faradmin", "别的管理员", "admin", PASSWORD)
        return {"boss": issue_token(conn, boss), "faradmin": issue_token(conn, faradmin)}


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [("anno2", 403, "forbidden"), ("lead", 403, "forbidden"), ("faradmin", 404, "unknown_user"), ("boss", 200, None)],
)
def test_admin_signs_a_user_out_everywhere(client, world, tokens, admin_tokens, who, status, code):
    other_pc = _login(client, "anno1").json()["token"]
    token = {**tokens, **admin_tokens}[who]
    answer = client.post(f"/api/v1/users/{world.anno1}/signout", headers=auth(token))
    assert answer.status_code == status
    if code:
        assert answer.json()["code"] == code
        assert _feed(client, other_pc).status_code == 200
    else:
        assert answer.json() == {"revoked": 2}
        assert _feed(client, other_pc).status_code == 401 and _feed(client, tokens["anno1"]).status_code == 401
        assert _feed(client, tokens["anno2"]).status_code == 200


# ------------------------------------------------------------------ throttling


def test_five_wrong_passwords_lock_the_account(app, client, fake_clock):
    for _ in range(5):
        assert _login(client, "anno1", "wrong-pass").json()["code"] == "bad_credentials"
    answer = _login(client, "anno1")  # the right password, too late
    assert answer.status_code == 429
    assert answer.json()["code"] == "too_many_attempts" and "分钟" in answer.json()["message"]
    assert int(answer.headers["Retry-After"]) == WINDOW_SECONDS

    fake_clock[0] += 60
    assert int(_login(client, "anno1").headers["Retry-After"]) == WINDOW_SECONDS - 60

    with TestClient(app, client=("10.0.0.2", 50000)) as elsewhere:
        assert _login(elsewhere, "anno2").status_code == 200  # another account, another PC
        assert _login(elsewhere, "anno1").status_code == 429  # the account is locked everywhere

    fake_clock[0] += WINDOW_SECONDS
    assert _login(client, "anno1").status_code == 200


def test_a_right_password_clears_the_account_count(client, fake_clock):
    for _ in range(4):
        _login(client, "anno1", "wrong-pass")
    assert _login(client, "anno1").status_code == 200
    for _ in range(4):
        assert _login(client, "anno1", "wrong-pass").status_code == 401
    assert _login(client, "anno1").status_code == 200


def test_failures_count_within_the_window_and_the_lockout_runs_from_the_last(client, fake_clock):
    for _ in range(4):
        _login(client, "anno1", "wrong-pass")
    fake_clock[0] += WINDOW_SECONDS + 1  # those four are forgotten
    for _ in range(4):
        assert _login(client, "anno1", "wrong-pass").status_code == 401
    fake_clock[0] += 600
    _login(client, "anno1", "wrong-pass")  # the fifth within 15 minutes
    fake_clock[0] += 600  # the first of the five is older than the window now: still locked
    answer = _login(client, "anno1")
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) == WINDOW_SECONDS - 600
    fake_clock[0] += WINDOW_SECONDS - 600
    assert _login(client, "anno1").status_code == 200


def test_guessing_usernames_from_one_address_locks_it(app, client, fake_clock):
    for n in range(20):
        assert _login(client, f"nobody{n}", "wrong-pass").status_code == 401
    answer = _login(client, "nobody20", "wrong-pass")
    assert answer.status_code == 429 and answer.json()["code"] == "too_many_attempts"
    assert answer.headers["Retry-After"].isdigit()
    assert _login(client, "anno1").status_code == 429  # the address, whoever it names
    with TestClient(app, client=("10.0.0.3", 50000)) as elsewhere:
        assert _login(elsewhere, "anno1").status_code == 200


def test_an_unknown_username_is_counted_like_an_account(client, fake_clock):
    for _ in range(5):
        assert _login(client, "ghost", "wrong-pass").status_code == 401
    assert _login(client, "ghost", "wrong-pass").status_code == 429


# ------------------------------------------------------------------ bounded hashing


def test_hashing_runs_outside_the_connection_with_bounded_concurrency(client, monkeypatch):
    lock = threading.Lock()
    in_flight = [0]
    most = [0]
    real_verify = accounts.verify_hash

    def counting_verify(password_hash: str, password: str) -> bool:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        try:
            time.sleep(0.1)
            return real_verify(password_hash, password)
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(accounts, "verify_hash", counting_verify)
    answers: list[int] = []

    def log_in() -> None:
        answers.append(_login(client, "anno1").status_code)

    threads = [threading.Thread(target=log_in) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [200] * 10
    assert 1 < most[0] <= accounts.MAX_HASHES_IN_FLIGHT


def _slow_hashing(monkeypatch) -> None:
    real_verify = accounts.verify_hash

    def slow_verify(password_hash: str, password: str) -> bool:
        time.sleep(0.05)
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "verify_hash", slow_verify)


def _burst(client, attempts: list[tuple[str, str]]) -> list[int]:
    answers: list[int] = []
    threads = [threading.Thread(target=lambda u=u, p=p: answers.append(_login(client, u, p).status_code)) for u, p in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_a_burst_of_parallel_guesses_is_checked_at_most_the_limit(client, monkeypatch, fake_clock):
    # counting failures only after the slow hash let every parallel guess through
    _slow_hashing(monkeypatch)
    answers = _burst(client, [("anno1", f"guess-{n}") for n in range(30)])
    assert answers.count(401) == 5 and answers.count(429) == 25
    answers = _burst(client, [(f"nobody{n}", "guess") for n in range(60)])  # names, from one address
    assert answers.count(401) == 20 - 5 and answers.count(429) == 45  # anno1's five count for the address too


def test_a_burst_of_right_passwords_from_one_address_only_queues(client, engine, world, monkeypatch):
    # a base office behind one address, everyone logging in at 8 o'clock
    _slow_hashing(monkeypatch)
    with write_transaction(engine) as conn:
        for n in range(30):
            create_user(conn, world.office, f"early{n}", "早班", "annotator", PASSWORD)
    answers = _burst(client, [(f"early{n}", PASSWORD) for n in range(30)] + [("anno1", "wrong-pass")] * 3)
    assert answers.count(200) == 30 and answers.count(401) == 3


def test_a_disabled_account_is_told_only_after_the_right_password(client, engine, world):
    with write_transaction(engine) as conn:
        conn.execute(tables.users.update().where(tables.users.c.id == world.anno1).values(disabled_at=utc_now()))
    assert _login(client, "anno1", "wrong-pass").json()["code"] == "bad_credentials"
    assert _login(client, "anno1").json()["code"] == "account_disabled"
