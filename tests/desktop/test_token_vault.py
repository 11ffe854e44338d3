"""The bearer token is kept out of ``aidou.db`` (issue 10): in the OS keyring, or in a
file only the user reads; an older plain token moves there on first read."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import keyring
import keyring.backend
import pytest
from keyring.errors import PasswordDeleteError

from aidou_desktop.store import Store
from aidou_desktop.store.paths import private_database, private_dir
from aidou_desktop.store.token_vault import MARKER, SERVICE
from sync_server.protocol import LoginResponse
from tests.desktop.conftest import ANNOTATOR

TOKEN = "tok-3f9c2a7e-issue-10-secret"  # distinctive: searched for in raw file bytes
URL = "http://server.test"

posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX; Windows keeps ACLs")


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An OS keyring in a dict, counting its reads."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}
        self.reads = 0

    def get_password(self, service: str, username: str) -> str | None:
        self.reads += 1
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()  # the fail backend of tests/conftest.py
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(before)


def _login(store: Store, token: str = TOKEN) -> None:
    store.remember_login(URL, "anno123", LoginResponse(token, ANNOTATOR, "2026-01-01T00:00:00Z"))


def _column(store: Store, user_id: int = ANNOTATOR.id) -> str | None:
    return store.db.conn.execute("SELECT token FROM accounts WHERE user_id = ?", (user_id,)).fetchone()[0]


def _database_bytes(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.glob("aidou.db*"))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_without_keyring_the_token_is_in_a_private_file_not_in_the_database(store, data_dir):
    _login(store)
    assert store.session() == (URL, TOKEN, ANNOTATOR)
    assert _column(store) == MARKER
    assert TOKEN.encode() not in _database_bytes(data_dir)
    file = data_dir / "tokens" / str(ANNOTATOR.id)
    assert file.read_text(encoding="utf-8") == TOKEN
    assert list(file.parent.iterdir()) == [file]  # no partial file left behind
    assert store.accounts_with_token() == [ANNOTATOR.id]


@posix_only
def test_the_token_file_is_0600_in_a_0700_folder(store, data_dir):
    _login(store)
    file = data_dir / "tokens" / str(ANNOTATOR.id)
    assert _mode(file) == 0o600
    assert _mode(file.parent) == 0o700


def test_with_a_keyring_the_token_is_there_and_no_file_is_written(memory_keyring, store, data_dir):
    _login(store)
    assert store.session() == (URL, TOKEN, ANNOTATOR)
    assert list(memory_keyring.passwords.values()) == [TOKEN]
    [(service, username)] = memory_keyring.passwords
    assert service == SERVICE
    assert username == f"{store.device_id()}:{ANNOTATOR.id}"
    assert not (data_dir / "tokens").exists()
    assert TOKEN.encode() not in _database_bytes(data_dir)


def test_an_old_plain_token_moves_to_the_vault_on_first_session(store, data_dir):
    _login(store, "placeholder")
    store.db.conn.execute("UPDATE accounts SET token = ? WHERE user_id = ?", (TOKEN, ANNOTATOR.id))  # as v0.x kept it

    assert store.session() == (URL, TOKEN, ANNOTATOR)
    assert _column(store) == MARKER
    assert (data_dir / "tokens" / str(ANNOTATOR.id)).read_text(encoding="utf-8") == TOKEN
    assert TOKEN.encode() not in _database_bytes(data_dir)  # wiped, checkpointed
    assert store.session() == (URL, TOKEN, ANNOTATOR)  # and read from there afterwards


def test_an_old_plain_token_moves_to_the_keyring(memory_keyring, store, data_dir):
    _login(store, "placeholder")
    store.db.conn.execute("UPDATE accounts SET token = ? WHERE user_id = ?", (TOKEN, ANNOTATOR.id))

    assert store.accounts_with_token() == [ANNOTATOR.id]
    assert _column(store) == MARKER
    assert list(memory_keyring.passwords.values()) == [TOKEN]
    assert not (data_dir / "tokens").exists()


def test_sync_state_is_read_without_the_keyring(memory_keyring, store):
    # the home page shows the last sync time after every login: a real keyring's first use
    # cost 0.1-0.2 s there (a locked one may ask for its password), for a token nobody used
    _login(store)
    store.set_server_id("db-1")
    store.apply_changes([], "7.abc")  # an empty page still moves the cursor
    store.set_last_sync("2026-12-07T10:00:00Z")
    memory_keyring.reads = 0

    assert (store.cursor(), store.server_id(), store.last_sync()) == ("7.abc", "db-1", "2026-12-07T10:00:00Z")
    store.start_feed_again("db-2")
    assert (store.cursor(), store.server_id()) == ("", "db-2")
    assert memory_keyring.reads == 0
    assert store.session() == (URL, TOKEN, ANNOTATOR)  # the token is still there for a sync
    assert memory_keyring.reads == 1


def test_an_old_plain_token_moves_to_the_keyring_when_the_home_page_reads_the_sync_state(memory_keyring, store):
    _login(store, "placeholder")
    store.db.conn.execute("UPDATE accounts SET token = ? WHERE user_id = ?", (TOKEN, ANNOTATOR.id))  # as v0.x kept it

    assert store.last_sync() is None
    assert _column(store) == MARKER
    assert list(memory_keyring.passwords.values()) == [TOKEN]


def test_forget_token_removes_it_everywhere(store, data_dir):
    _login(store)
    store.forget_token()
    assert store.session() is None
    assert _column(store) is None
    assert not (data_dir / "tokens" / str(ANNOTATOR.id)).exists()
    assert store.accounts_with_token() == []


def test_forget_token_removes_it_from_the_keyring(memory_keyring, store):
    _login(store)
    store.forget_token()
    assert memory_keyring.passwords == {}
    assert store.session() is None


def test_a_token_lost_from_the_vault_means_logged_out(store, data_dir):
    _login(store)
    (data_dir / "tokens" / str(ANNOTATOR.id)).unlink()  # a keyring wiped, a file deleted
    assert store.session() is None
    assert store.accounts_with_token() == []


@pytest.mark.parametrize("with_keyring", [False, True], ids=["file", "keyring"])
def test_two_data_dirs_keep_separate_tokens(request, tmp_path, with_keyring):
    if with_keyring:
        request.getfixturevalue("memory_keyring")
    with Store(tmp_path / "one") as one, Store(tmp_path / "two") as two:
        _login(one, "token-of-one")
        _login(two, "token-of-two")
        assert one.session()[1] == "token-of-one"
        assert two.session()[1] == "token-of-two"
        two.forget_token()
        assert one.session()[1] == "token-of-one"
        assert two.session() is None


def test_a_new_login_replaces_the_token(memory_keyring, store):
    _login(store, "first")
    _login(store, "second")
    assert store.session()[1] == "second"
    assert list(memory_keyring.passwords.values()) == ["second"]


@posix_only
def test_private_database_gives_wal_and_shm_its_mode(tmp_path):
    folder = private_dir(tmp_path / "data")
    path = private_database(folder / "aidou.db")
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        assert _mode(folder) == 0o700
        for name in ("aidou.db", "aidou.db-wal", "aidou.db-shm"):
            assert _mode(folder / name) == 0o600, name
    finally:
        conn.close()


@posix_only
def test_private_database_makes_an_older_readable_one_private(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir(mode=0o755)
    conn = sqlite3.connect(folder / "aidou.db")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (x)")
    try:
        for file in folder.iterdir():
            os.chmod(file, 0o644)
        private_dir(folder)
        private_database(folder / "aidou.db")
        assert _mode(folder) == 0o700
        assert {f.name: _mode(f) for f in folder.iterdir()} == {
            "aidou.db": 0o600, "aidou.db-wal": 0o600, "aidou.db-shm": 0o600,
        }
    finally:
        conn.close()
