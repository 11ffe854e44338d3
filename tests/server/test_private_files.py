"""The server's data dir, database and blobs are readable by its user only (issue 10)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sync_server.api.app import create_app

pytestmark = [
    pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX; Windows keeps ACLs"),
    pytest.mark.engines("sqlite", reason="the database files in the data dir are SQLite's"),
]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_dir_is_private(tmp_path):
    data_dir = tmp_path / "server"
    app = create_app(data_dir)
    sha = app.state.blob_store.put(b"an original image")
    blob = app.state.blob_store.path(sha)

    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "blobs") == 0o700
    assert _mode(blob.parent) == 0o700
    assert _mode(blob) == 0o600
    for name in ("server.db", "server.db-wal", "server.db-shm"):
        if (data_dir / name).exists() or name == "server.db":
            assert _mode(data_dir / name) == 0o600, name
    app.state.database.engine.dispose()


def test_an_older_readable_data_dir_becomes_private(tmp_path):
    data_dir = tmp_path / "server"
    create_app(data_dir).state.database.engine.dispose()
    for path in [data_dir, *data_dir.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)

    create_app(data_dir).state.database.engine.dispose()
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "blobs") == 0o700
    assert _mode(data_dir / "server.db") == 0o600
