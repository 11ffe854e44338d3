"""Where the desktop keeps a user's bearer token: never in ``aidou.db`` (issue 10).

A token in the database file replays when the file is copied. With an OS keyring
(Windows Credential Manager, macOS Keychain, Secret Service) the token goes there,
under service ``aidou-desktop`` and user name ``<data dir id>:<user id>`` — the data
dir id keeps two data dirs on one PC apart. Without a usable keyring (a Linux server,
CI: keyring's fail backend, or any ``KeyringError``) it goes to ``DATA/tokens/<user
id>``, a file of mode 0600 in a folder of mode 0700. The ``accounts`` table keeps
only the marker ``vault`` where the token was.

A user's USB bundle key (ADR 0007) is kept the same way, in the slot ``bundle-key``
(keyring name ``<data dir id>:<user id>:bundle-key``, file ``tokens/<user id>.bundle-key``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from aidou_desktop.store.paths import make_private, private_dir

if TYPE_CHECKING:
    import keyring.backend

log = logging.getLogger(__name__)

SERVICE = "aidou-desktop"
MARKER = "vault"  # the accounts.token value of a token held in the vault
TOKENS_DIR = "tokens"
BUNDLE_KEY = "bundle-key"  # the slot of the user's bundle key; "" is the token's


def data_dir_of(conn: sqlite3.Connection) -> Path:
    """The data dir of the database ``conn`` is open on (the folder of its main file)."""
    for _seq, name, file in conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and file:
            return Path(file).resolve().parent
    raise ValueError("the accounts database has no file: no data dir to keep tokens in")


class TokenVault:
    """The tokens of one data dir; ``data_dir_id`` is stable for it (its device id)."""

    def __init__(self, data_dir: Path, data_dir_id: str):
        self.data_dir = Path(data_dir)
        self.data_dir_id = data_dir_id

    def put(self, user_id: int, token: str, slot: str = "") -> None:
        backend = _usable_keyring()
        if backend is not None:
            from keyring.errors import KeyringError

            try:
                backend.set_password(SERVICE, self._name(user_id, slot), token)
            except KeyringError as exc:
                log.warning("OS keyring refused the token, keeping it in a private file: %s", exc)
            else:
                self._file(user_id, slot).unlink(missing_ok=True)  # one copy only
                return
        self._write_file(user_id, token, slot)

    def get(self, user_id: int, slot: str = "") -> str | None:
        backend = _usable_keyring()
        if backend is not None:
            from keyring.errors import KeyringError

            try:
                token = backend.get_password(SERVICE, self._name(user_id, slot))
            except KeyringError as exc:
                log.warning("OS keyring unreadable, looking for a token file: %s", exc)
            else:
                if token is not None:
                    return token
        try:
            return self._file(user_id, slot).read_text(encoding="utf-8") or None
        except FileNotFoundError:
            return None

    def delete(self, user_id: int, slot: str = "") -> None:
        """Gone from the keyring and the file, wherever it was."""
        backend = _usable_keyring()
        if backend is not None:
            from keyring.errors import KeyringError

            try:
                if backend.get_password(SERVICE, self._name(user_id, slot)) is not None:
                    backend.delete_password(SERVICE, self._name(user_id, slot))
            except KeyringError as exc:
                log.warning("could not delete the token from the OS keyring: %s", exc)
        self._file(user_id, slot).unlink(missing_ok=True)

    def _name(self, user_id: int, slot: str) -> str:
        return f"{self.data_dir_id}:{int(user_id)}" + (f":{slot}" if slot else "")

    def _file(self, user_id: int, slot: str) -> Path:
        return self.data_dir / TOKENS_DIR / (str(int(user_id)) + (f".{slot}" if slot else ""))

    def _write_file(self, user_id: int, token: str, slot: str) -> None:
        """Atomic: written aside with mode 0600 from its first byte, fsynced, renamed."""
        target = self._file(user_id, slot)
        private_dir(target.parent)
        partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(token)
                f.flush()
                os.fsync(f.fileno())
            make_private(partial)  # an older partial file left by a crash may have had another mode
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise


def vault_for(conn: sqlite3.Connection) -> TokenVault:
    """The vault of the data dir ``conn`` belongs to, named by its device id (made once
    per data dir by migration 0003); the folder's path hash when there is none."""
    data_dir = data_dir_of(conn)
    found = conn.execute("SELECT value FROM settings WHERE key = 'device_id'").fetchone()
    if found and found[0]:
        data_dir_id = str(json.loads(found[0]))
    else:
        data_dir_id = hashlib.sha256(str(data_dir).encode("utf-8")).hexdigest()[:32]
    return TokenVault(data_dir, data_dir_id)


def _usable_keyring() -> keyring.backend.KeyringBackend | None:
    """The OS keyring, or None where keyring found no usable backend. keyring is imported
    here, at the first token read or written, not when the app starts: its import is
    ~70 ms of a cold start whose login page and home page need no token."""
    import keyring
    import keyring.backends.fail
    from keyring.errors import KeyringError

    try:
        backend = keyring.get_keyring()
    except KeyringError:
        return None
    if isinstance(backend, keyring.backends.fail.Keyring):
        return None
    return backend
