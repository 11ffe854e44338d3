"""Server data readable by its user only: folders 0700, files 0600 (issue 10).

The data dir holds the database (password hashes, token hashes) and every original
image; on POSIX nobody but the server's account reads them. Windows keeps its ACLs.
(The desktop has its own copy in ``aidou_desktop.store.paths``: the layers share no code.)
"""

from __future__ import annotations

import os
from pathlib import Path


def make_private(path: Path) -> Path:
    """A folder 0700, a file 0600; a missing path, or Windows: left alone."""
    if os.name != "nt" and path.exists():
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return path


def private_dir(path: Path) -> Path:
    """``mkdir -p`` with 0700 from the start, and an older folder made private."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return make_private(path)


def private_file_fd(path: Path) -> int:
    """A new file open for writing, mode 0600 from its first byte."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


def private_database(path: Path) -> Path:
    """Before SQLite opens ``path``: create it empty with 0600 (SQLite gives ``-wal`` and
    ``-shm`` the database file's mode) and make an older database and its companions private."""
    if not path.exists() and path.parent.is_dir():  # else SQLite says what is wrong
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is an empty database
    for file in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        make_private(file)
    return path
