"""Is the local database fit to open? Checked before ``Store`` opens it (issue 10).

SQLite happily creates a new, empty database over a 0-byte file, and a corrupt
page shows up only when some query happens to read it. Both lose unsent work
without a word. So at start we look first:

- no ``aidou.db`` at all: a new data dir, fine;
- a 0-byte ``aidou.db`` next to signs of use (``blobs/``, ``logs/``, ``sync.lock``,
  a ``-wal`` file): it had content and was truncated: damaged, never recreated;
- ``PRAGMA quick_check`` not "ok", or "file is not a database": corrupt;
- a data dir we cannot write to, or a full disk: nothing can be saved.

A damaged database is never deleted or overwritten: ``set_aside`` moves it to
``DATA/damaged-<UTC time>/`` and ``salvage`` (salvage.py) takes back the unsent work.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from aidou_desktop.store.errors import is_disk_full
from aidou_desktop.store.paths import DB_NAME

DB_FILE = DB_NAME
SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions of the database file

# kinds of DatabaseState / DamagedDatabase
NEW = "new"  # no database yet: a new one is made
OK = "ok"
EMPTY = "empty"  # a 0-byte file where a used database was
CORRUPT = "corrupt"  # quick_check failed, or not a database at all
UNREADABLE = "unreadable"  # the file cannot be opened or read (permissions, I/O error)
READ_ONLY = "read_only"  # the data dir cannot be written to
DISK_FULL = "disk_full"

# the kinds "repair" (set aside + salvage + a fresh database) helps with
REPAIRABLE = (EMPTY, CORRUPT, UNREADABLE)
# below this much free space, starting would fail on the first save
MIN_FREE_BYTES = 1 << 20
# what shows that a data dir was used before (desktop.log is written before the store opens)
SIGNS_OF_USE = ("blobs", "logs", "sync.lock", DB_FILE + "-wal")


class DamagedDatabase(Exception):
    """The local database cannot be used as it is; nothing was changed on disk.

    ``kind`` is one of EMPTY, CORRUPT, UNREADABLE, READ_ONLY, DISK_FULL; ``path`` the
    database file; ``detail`` what SQLite or the OS said; ``message`` an English
    sentence with what to do (the app shows its own Chinese text)."""

    def __init__(self, kind: str, path: Path, detail: str = ""):
        self.kind = kind
        self.path = Path(path)
        self.detail = " ".join(detail.split())  # quick_check answers span lines: one line here
        self.message = _message(kind, self.path, self.detail)
        super().__init__(self.message)

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE

    def __str__(self) -> str:
        return self.message


def _message(kind: str, path: Path, detail: str) -> str:
    why = f" ({detail})" if detail else ""
    if kind == READ_ONLY:
        return f"The data folder {path.parent} cannot be written to{why}: ask your admin to give you write access."
    if kind == DISK_FULL:
        return f"The disk holding {path.parent} is full{why}: free some disk space, then start again."
    what = {EMPTY: "is empty but was used before", CORRUPT: "is damaged", UNREADABLE: "cannot be read"}[kind]
    return f"The local database at {path} {what}{why}: open the app to repair it; nothing was changed."


@dataclasses.dataclass(frozen=True)
class DatabaseState:
    """What ``check_database`` found: ``kind`` NEW or OK, or one of the damaged kinds."""

    kind: str
    path: Path
    detail: str = ""

    @property
    def usable(self) -> bool:
        return self.kind in (NEW, OK)

    def raise_if_damaged(self) -> None:
        if not self.usable:
            raise DamagedDatabase(self.kind, self.path, self.detail)


def check_database(path: Path | str) -> DatabaseState:
    """Look at the database file ``path`` (``DATA/aidou.db``) without changing anything."""
    path = Path(path)
    data_dir = path.parent
    if data_dir.exists() and not os.access(data_dir, os.W_OK | os.X_OK):
        return DatabaseState(READ_ONLY, path, "no write permission")
    try:
        free = shutil.disk_usage(data_dir if data_dir.exists() else _existing_parent(data_dir)).free
    except OSError:
        free = None
    if free is not None and free < MIN_FREE_BYTES:
        return DatabaseState(DISK_FULL, path, f"{free} bytes free")
    if not path.exists():
        return DatabaseState(NEW, path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        return DatabaseState(UNREADABLE, path, str(exc))
    if size == 0:
        used = [name for name in SIGNS_OF_USE if (data_dir / name).exists()]
        if used:
            return DatabaseState(EMPTY, path, "0 bytes, next to " + ", ".join(used))
        return DatabaseState(NEW, path)  # made and never written to: nothing to lose
    return _quick_check(path)


def _quick_check(path: Path) -> DatabaseState:
    try:
        # mode=rw: never creates a file; a hot WAL is recovered just as Store would
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        return DatabaseState(UNREADABLE, path, str(exc))
    try:
        found = [r[0] for r in conn.execute("PRAGMA quick_check(5)").fetchall()]
    except sqlite3.DatabaseError as exc:
        if is_disk_full(exc):
            return DatabaseState(DISK_FULL, path, str(exc))
        if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
            return DatabaseState(READ_ONLY, path, str(exc))
        return DatabaseState(CORRUPT, path, str(exc))
    finally:
        conn.close()
    if found != ["ok"]:
        return DatabaseState(CORRUPT, path, "; ".join(str(f) for f in found)[:300])
    return DatabaseState(OK, path)


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def classify_open_error(exc: BaseException, path: Path) -> DamagedDatabase | None:
    """What an error while opening or migrating the database means, if it is one of ours."""
    if isinstance(exc, DamagedDatabase):
        return exc
    if is_disk_full(exc):
        return DamagedDatabase(DISK_FULL, path, str(exc))
    if isinstance(exc, PermissionError):
        return DamagedDatabase(READ_ONLY, path, str(exc))
    if isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc):
        return DamagedDatabase(READ_ONLY, path, str(exc))
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in str(exc):
        return DamagedDatabase(UNREADABLE, path, str(exc))
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
        return DamagedDatabase(CORRUPT, path, str(exc))  # "file is not a database", "malformed"
    if isinstance(exc, sqlite3.OperationalError) and ("malformed" in str(exc) or "not a database" in str(exc)):
        return DamagedDatabase(CORRUPT, path, str(exc))
    return None


def set_aside(data_dir: Path | str) -> Path:
    """Move ``aidou.db`` and its -wal/-shm to ``DATA/damaged-<UTC time>/``; returns that folder.

    A move within the data dir (a rename): nothing is copied, nothing is lost."""
    data_dir = Path(data_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = data_dir / f"damaged-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = data_dir / f"damaged-{stamp}-{n}"
    target.mkdir()
    for name in (DB_FILE, *(DB_FILE + s for s in SIDE_FILES)):
        source = data_dir / name
        if source.exists():
            os.replace(source, target / name)
    return target
