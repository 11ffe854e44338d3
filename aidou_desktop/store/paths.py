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
