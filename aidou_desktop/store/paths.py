"""Where the app and ``aidou-sync`` keep their data, decided in one place."""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "AIDOU_DATA_DIR"
DB_NAME = "aidou.db"


def default_data_dir() -> Path:
    """The per-user default: ``~/.aidou`` (on Windows ``C:\\Users\\NAME\\.aidou``)."""
    return Path.home() / ".aidou"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``--data-dir`` if given, else ``$AIDOU_DATA_DIR``, else the per-user default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        return Path(env).expanduser()
    return default_data_dir()


def make_private(path: Path) -> Path:
    """Make ``path`` readable by its user only: a folder 0700, a file 0600 (POSIX; on
    Windows the folder under the user's profile already keeps others out). A missing
    path is left alone. A copied token or database must not be readable by other
    accounts on a shared PC (issue 10)."""
    if os.name != "nt" and path.exists():
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return path


def private_dir(path: Path) -> Path:
    """``mkdir -p`` (created 0700, so it is never readable by others even for a moment)
    and make the folder private if it existed already."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return make_private(path)


def private_database(path: Path) -> Path:
    """Before SQLite opens ``path``: create it empty with mode 0600 (SQLite gives the
    ``-wal`` and ``-shm`` files the mode of the database file) and make an older,
    readable database and its ``-wal``/``-shm`` private."""
    if not path.exists() and path.parent.is_dir():  # else SQLite says what is wrong
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is an empty database
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(file)
    return path
