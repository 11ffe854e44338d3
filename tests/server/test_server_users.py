"""The base admin's accounts: add, new password, disable, enable, last sync; the HTTP API
(admins of their own office only) and the ``aidou-server users`` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server_helpers import PASSWORD, auth, feed, push, record, row_counts
from sync_server.db import tables
from sync_server.db.accounts import AccountDisabled, check_password, create_user, issue_token
from sync_server.db.clock import as_utc, utc_now
from sync_server.db.engine import default_db_url, make_engine, read_connection, write_transaction
from sync_server.protocol import NewUserRequest, PasswordRequest, UserRecord, UsersResponse, from_wire, to_wire
from tests.faults.world import PASSWORD as WORLD_PASSWORD
from tests.faults.world import build_world

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "fresh-pass-2"


@pytest.fixture
def admins(engine, world) -> dict[str, int]:
    """An admin in the test office ('boss') and one in the other office ('faradmin')."""
    with write_transaction(engine) as conn:
        return {
            "boss": create_user(conn, world.office, "boss", "基地管理员", "admin", PASSWORD),
            "faradmin": create_user(conn, world.other_office, "faradmin", "别的管理员", "admin", PASSWORD),
        }


@pytest.fixture
def admin_tokens(engine, admins) -> dict[str, str]:
    with write_transaction(engine) as conn:
        return {name: issue_token(conn, user_id) for name, user_id in admins.items()}


def _login(client, username: str, password: str):
    return client.post("/api/v1/login", json={"username": username, "password": password})


def _list(client, token: str):
    return client.get("/api/v1/users", headers=auth(token))


def _add(client, token: str, **fields):
    body = {"username": "anno9", "display_name": "标注员九", "role": "annotator", "password": NEW_PASSWORD, **fields}
    return client.post("/api/v1/users", json=body, headers=auth(token))


def _act(client, token: str, user_id: int, action: str, password: str | None = None):
    body = {"password": password} if action == "password" else None
    return client.post(f"/api/v1/users/{user_id}/{action}", json=body, headers=auth(token))


def _listed(client, token: str, username: str) -> dict:
    answer = _list(client, token)
    assert answer.status_code == 200, answer.text
    return next(u for u in answer.json()["users"] if u["username"] == username)


def _user_row(engine, user_id: int):
    with read_connection(engine) as conn:
        return conn.execute(select(tables.users).where(tables.users.c.id == user_id)).mappings().one()


def _token_count(engine, user_id: int) -> int:
    with read_connection(engine) as conn:
        query = select(func.count()).select_from(tables.tokens).where(tables.tokens.c.user_id == user_id)
        return conn.execute(query).scalar()


# ---------------------------------------------------------------- the wire


@pytest.mark.parametrize(
    "obj",
    [
        UsersResponse([UserRecord(1, "anno1", "标注员一", "annotator", False, "2026-11-25T10:00:00.000Z"),
                       UserRecord(2, "gone", "走了", "lead", True)]),  # fmt: skip
        NewUserRequest("anno9", "标注员九", "annotator", "secret"),
        PasswordRequest("secret"),
    ],
)
def test_account_wire_types_round_trip(obj):
    assert from_wire(type(obj), json.loads(json.dumps(to_wire(obj)))) == obj


def test_a_user_never_synced_has_no_last_sync_and_always_says_disabled():
    assert to_wire(UserRecord(2, "new", "新人", "annotator", False)) == {
        "id": 2, "username": "new", "display_name": "新人", "role": "annotator", "disabled": False,
    }  # fmt: skip


# ---------------------------------------------------------------- the API


def test_a_new_hire_logs_in_and_reads_the_feed_at_once(client, admin_tokens, world):
    answer = _add(client, admin_tokens["boss"], display_name="  标注员九 ")
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert added == {"id": added["id"], "username": "anno9", "display_name": "标注员九", "role": "annotator",
                     "disabled": False}  # fmt: skip
    login = _login(client, "anno9", NEW_PASSWORD)
    assert login.status_code == 200, login.text
    assert login.json()["user"]["office_id"] == world.office and login.json()["user"]["role"] == "annotator"
    assert feed(client, login.json()["token"])["changes"] == []  # nothing leased to them yet
    assert _listed(client, admin_tokens["boss"], "anno9")["id"] == added["id"]


def test_a_new_lead_sees_the_office_at_once(client, admin_tokens):
    assert _add(client, admin_tokens["boss"], username="lead.2", display_name="组长二", role="lead").status_code == 201
    token = _login(client, "lead.2", NEW_PASSWORD).json()["token"]
    assert {c["kind"] for c in feed(client, token)["changes"]} >= {"order", "batch", "item"}


def test_the_list_holds_the_office_and_nobody_else(client, admin_tokens, world, admins):
    users = _list(client, admin_tokens["boss"]).json()["users"]
    assert [u["username"] for u in users] == ["lead", "anno1", "anno2", "boss"]
    assert users[1] == {"id": world.anno1, "username": "anno1", "display_name": "标注员一", "role": "annotator",
                        "disabled": False}  # fmt: skip
    far = _list(client, admin_tokens["faradmin"]).json()["users"]
    assert [u["username"] for u in far] == ["far1", "faradmin"]


def test_a_new_password_cuts_off_every_old_token(client, engine, admin_tokens, world):
    old_token = _login(client, "anno1", PASSWORD).json()["token"]
    answer = _act(client, admin_tokens["boss"], world.anno1, "password", NEW_PASSWORD)
    assert answer.status_code == 200, answer.text
    assert answer.json()["username"] == "anno1" and answer.json()["disabled"] is False
    stale = client.get("/api/v1/changes", headers=auth(old_token))
    assert (stale.status_code, stale.json()["code"]) == (401, "bad_token")
    assert _token_count(engine, world.anno1) == 0
    refused = _login(client, "anno1", PASSWORD)
    assert (refused.status_code, refused.json()["code"]) == (401, "bad_credentials")
    fresh = _login(client, "anno1", NEW_PASSWORD)
    assert fresh.status_code == 200 and feed(client, fresh.json()["token"])["changes"]
    assert _user_row(engine, world.anno1)["password_hash"].startswith("$argon2id$")


def test_disable_cuts_off_at_once_and_keeps_the_work(client, engine, admin_tokens, tokens, world):
    stored = push(client, tokens["anno1"], record(world.batch1_items[0]))
    assert stored.status_code == 200, stored.text
    second_pc = _login(client, "anno1", PASSWORD).json()["token"]

    answer = _act(client, admin_tokens["boss"], world.anno1, "disable")
    assert answer.status_code == 200, answer.text
    assert answer.json()["disabled"] is True
    for token in (tokens["anno1"], second_pc):
        cut = client.get("/api/v1/changes", headers=auth(token))
        assert (cut.status_code, cut.json()["code"]) == (401, "bad_token")
    assert _token_count(engine, world.anno1) == 0
    login = _login(client, "anno1", PASSWORD)
    assert (login.status_code, login.json()["code"]) == (401, "account_disabled")
    assert "disabled" in login.json()["message"]
    # a wrong password learns nothing about the account
    assert _login(client, "anno1", "wrong-guess").json()["code"] == "bad_credentials"
    # their work stays: stored, and in the lead's feed
    with read_connection(engine) as conn:
        query = select(tables.annotations.c.id).where(tables.annotations.c.annotator_id == world.anno1)
        kept = conn.execute(query).scalars().all()
    assert kept == [stored.json()["results"][0]["id"]]
    lead_feed = feed(client, tokens["lead"])["changes"]
    assert any(c["kind"] == "annotation" and c["data"]["id"] == kept[0] for c in lead_feed)
    assert _listed(client, admin_tokens["boss"], "anno1")["disabled"] is True

    disabled_at = _user_row(engine, world.anno1)["disabled_at"]
    again = _act(client, admin_tokens["boss"], world.anno1, "disable")
    assert again.status_code == 200 and _user_row(engine, world.anno1)["disabled_at"] == disabled_at

    enabled = _act(client, admin_tokens["boss"], world.anno1, "enable")
    assert enabled.status_code == 200 and enabled.json()["disabled"] is False
    back = _login(client, "anno1", PASSWORD)
    assert back.status_code == 200 and feed(client, back.json()["token"])["changes"]


def test_a_token_left_over_on_a_disabled_account_opens_nothing(client, engine, tokens, world):
    # disabled by hand, tokens not deleted: the token check itself refuses the user
    with write_transaction(engine) as conn:
        conn.execute(tables.users.update().where(tables.users.c.id == world.anno1).values(disabled_at=utc_now()))
    answer = client.get("/api/v1/changes", headers=auth(tokens["anno1"]))
    assert (answer.status_code, answer.json()["code"]) == (401, "bad_token")
    with read_connection(engine) as conn, pytest.raises(AccountDisabled):
        check_password(conn, "anno1", PASSWORD)


def test_an_admin_cannot_disable_themselves(client, admin_tokens, admins):
    answer = _act(client, admin_tokens["boss"], admins["boss"], "disable")
    assert (answer.status_code, answer.json()["code"]) == (409, "cannot_disable_self")
    assert feed(client, admin_tokens["boss"])  # still in


def test_a_feed_read_sets_last_sync_at_at_most_once_a_minute(client, engine, admin_tokens, tokens, world):
    assert "last_sync_at" not in _listed(client, admin_tokens["boss"], "anno1")
    before = utc_now()
    feed(client, tokens["anno1"])
    listed = _listed(client, admin_tokens["boss"], "anno1")["last_sync_at"]
    assert listed.endswith("Z")
    stored = as_utc(_user_row(engine, world.anno1)["last_sync_at"])
    assert before <= stored <= utc_now()
    assert "last_sync_at" not in _listed(client, admin_tokens["boss"], "anno2")

    def set_last(ago: timedelta):
        with write_transaction(engine) as conn:
            conn.execute(tables.users.update().where(tables.users.c.id == world.anno1).values(last_sync_at=utc_now() - ago))
        return as_utc(_user_row(engine, world.anno1)["last_sync_at"])

    recent = set_last(timedelta(seconds=30))
    feed(client, tokens["anno1"])
    assert as_utc(_user_row(engine, world.anno1)["last_sync_at"]) == recent  # no write within the minute
    set_last(timedelta(seconds=120))
    feed(client, tokens["anno1"])
    assert as_utc(_user_row(engine, world.anno1)["last_sync_at"]) >= before


def _every_endpoint(user_id: int) -> list[tuple[str, str, dict | None]]:
    new = {"username": "anno9", "display_name": "标注员九", "role": "annotator", "password": NEW_PASSWORD}
    return [
        ("GET", "/api/v1/users", None),
        ("POST", "/api/v1/users", new),
        ("POST", f"/api/v1/users/{user_id}/password", {"password": NEW_PASSWORD}),
        ("POST", f"/api/v1/users/{user_id}/disable", None),
        ("POST", f"/api/v1/users/{user_id}/enable", None),
    ]


def test_only_an_admin_of_the_office_manages_its_accounts(client, engine, tokens, admin_tokens, world):
    before = row_counts(engine)
    for method, path, body in _every_endpoint(world.anno2):
        for name in ("anno1", "lead", "far1"):
            answer = client.request(method, path, json=body, headers=auth(tokens[name]))
            assert (answer.status_code, answer.json()["code"]) == (403, "forbidden"), (name, path, answer.text)
        answer = client.request(method, path, json=body, headers={"X-Aidou-Protocol": "1"})
        assert (answer.status_code, answer.json()["code"]) == (401, "bad_token"), path
    # another office's admin: this office's users are as unknown as none at all
    for method, path, body in _every_endpoint(world.anno2)[2:] + _every_endpoint(999_999)[2:]:
        answer = client.request(method, path, json=body, headers=auth(admin_tokens["faradmin"]))
        assert (answer.status_code, answer.json()["code"]) == (404, "unknown_user"), (path, answer.text)
    assert row_counts(engine) == before
    assert feed(client, tokens["anno2"]) and _login(client, "anno2", PASSWORD).status_code == 200
    # and what that admin adds lands in their own office
    assert _add(client, admin_tokens["faradmin"]).status_code == 201
    assert _login(client, "anno9", NEW_PASSWORD).json()["user"]["office_id"] == world.other_office


@pytest.mark.parametrize(
    "fields,why",
    [
        ({"role": "boss"}, "unknown role 'boss'"),
        ({"role": "Admin"}, "unknown role"),
        ({"username": ""}, "a username is 1–100"),
        ({"username": "two words"}, "a username is 1–100"),
        ({"username": "张三"}, "a username is 1–100"),
        ({"username": "a" * 101}, "a username is 1–100"),
        ({"display_name": ""}, "a display name"),
        ({"display_name": "   "}, "a display name"),
        ({"display_name": "名" * 201}, "a display name"),
        ({"password": "12345"}, "at least 6 characters"),
        ({"password": 123456}, "field 'password' has the wrong type"),
        ({"role": None}, "field 'role' has the wrong type"),
    ],
)
def test_a_bad_new_user_is_refused(client, engine, admin_tokens, fields, why):
    before = row_counts(engine)
    answer = _add(client, admin_tokens["boss"], **fields)
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request"), answer.text
    assert why in answer.json()["message"]
    assert row_counts(engine) == before


def test_the_longest_names_and_shortest_password_are_taken(client, admin_tokens):
    answer = _add(client, admin_tokens["boss"], username="a._-" + "b" * 96, display_name="名" * 200, password="123456")
    assert answer.status_code == 201, answer.text


def test_a_missing_field_says_which(client, admin_tokens):
    answer = client.post("/api/v1/users", json={"username": "x"}, headers=auth(admin_tokens["boss"]))
    assert answer.json() == {"code": "invalid_request", "message": "NewUserRequest: missing field 'display_name'"}


def test_a_taken_username_is_409_in_any_office(client, engine, admin_tokens):
    before = row_counts(engine)
    for name in ("anno1", "far1"):
        answer = _add(client, admin_tokens["boss"], username=name)
        assert (answer.status_code, answer.json()["code"]) == (409, "username_taken"), answer.text
    assert row_counts(engine) == before


def test_a_short_new_password_changes_nothing(client, engine, admin_tokens, tokens, world):
    answer = _act(client, admin_tokens["boss"], world.anno1, "password", "12345")
    assert (answer.status_code, answer.json()["code"]) == (422, "invalid_request")
    assert feed(client, tokens["anno1"]) and _login(client, "anno1", PASSWORD).status_code == 200
    bad_id = client.post("/api/v1/users/abc/disable", headers=auth(admin_tokens["boss"]))
    assert (bad_id.status_code, bad_id.json()["code"]) == (422, "invalid_request")


# ---------------------------------------------------------------- the command line


def _users(data_dir: Path, *args: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("AIDOU_PASSWORD", "AIDOU_DATA_DIR")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if password is not None:
        env["AIDOU_PASSWORD"] = password
    return subprocess.run(
        [sys.executable, "-m", "sync_server.cli", "users", *args, "--data-dir", str(data_dir)],
        capture_output=True, text=True, timeout=120, env=env, cwd=ROOT,
        stdin=subprocess.DEVNULL, start_new_session=True,  # no terminal: getpass cannot wait on one
    )  # fmt: skip


@pytest.fixture(scope="module")
def cli_data_dir(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("users-cli") / "server"
    build_world(data_dir, annotators=1, batch_size=2)
    return data_dir


def _login_in_process(data_dir: Path, username: str, password: str):
    engine = make_engine(default_db_url(data_dir))
    try:
        with read_connection(engine) as conn:
            return check_password(conn, username, password)
    finally:
        engine.dispose()


def _ok(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 0, done.stderr
    return done.stdout


def _refused(done: subprocess.CompletedProcess, starts: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"error: {starts}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_cli_adds_lists_resets_disables_and_enables(cli_data_dir):
    data_dir = cli_data_dir
    assert "added new.hire (id" in _ok(_users(data_dir, "add", "new.hire", "--name", "新员工", "--role", "annotator",
                                              password="first-pw"))  # fmt: skip
    user = _login_in_process(data_dir, "new.hire", "first-pw")
    assert user is not None and user.office_name == "故障测试基地" and user.display_name == "新员工"

    listed = _ok(_users(data_dir, "list"))
    assert listed.splitlines()[0] == "office 故障测试基地: 3 account(s)"
    assert listed.splitlines()[1].split() == ["ID", "USERNAME", "NAME", "ROLE", "STATE", "LAST", "SYNC"]
    row = next(line for line in listed.splitlines() if "new.hire" in line).split()
    assert row[1:] == ["new.hire", "新员工", "annotator", "active", "-"]
    assert _ok(_users(data_dir, "list", "--office", "故障测试基地")) == listed

    _ok(_users(data_dir, "password", "new.hire", password="second-pw"))
    assert _login_in_process(data_dir, "new.hire", "first-pw") is None
    assert _login_in_process(data_dir, "new.hire", "second-pw") is not None

    assert "disabled new.hire" in _ok(_users(data_dir, "disable", "new.hire"))
    with pytest.raises(AccountDisabled):
        _login_in_process(data_dir, "new.hire", "second-pw")
    assert next(line for line in _ok(_users(data_dir, "list")).splitlines() if "new.hire" in line).split()[4] == "disabled"
    _ok(_users(data_dir, "enable", "new.hire"))
    assert _login_in_process(data_dir, "new.hire", "second-pw") is not None
    # the world's own accounts were not touched
    assert _login_in_process(data_dir, "anno1", WORLD_PASSWORD) is not None


def test_cli_refusals_are_one_line_and_exit_2(cli_data_dir, tmp_path):
    data_dir = cli_data_dir
    _refused(_users(data_dir, "add", "anno1", "--name", "重名", "--role", "lead", password="abcdef"),
             "the username 'anno1' is taken")  # fmt: skip
    _refused(_users(data_dir, "add", "x y", "--name", "空格", "--role", "lead", password="abcdef"), "a username is")
    _refused(_users(data_dir, "add", "shorty", "--name", "短", "--role", "lead", password="abc"), "a password needs")
    _refused(_users(data_dir, "add", "elsewhere", "--name", "外人", "--role", "lead", "--office", "没有的基地",
                    password="abcdef"), "no office named '没有的基地'")  # fmt: skip
    _refused(_users(data_dir, "add", "nopass", "--name", "无密码", "--role", "lead"), "no password")
    for action in ("password", "disable", "enable"):
        _refused(_users(data_dir, action, "nobody", password="abcdef"), "no user 'nobody'")
    _refused(_users(data_dir, "list", "--office", "没有的基地"), "no office named")
    _refused(_users(tmp_path / "nowhere", "list"), "no data dir at")
    assert _login_in_process(data_dir, "elsewhere", "abcdef") is None
    assert _login_in_process(data_dir, "anno1", WORLD_PASSWORD) is not None


@pytest.mark.parametrize("action", ["list", "add", "password", "disable", "enable"])
def test_every_users_command_has_help(action, capsys):
    from sync_server.cli import main

    with pytest.raises(SystemExit) as done:
        main(["users", action, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert "--data-dir" in text and "--db" in text and len(text) > 300
