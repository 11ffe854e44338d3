"""The PC's data folder is its user's alone: the database, its WAL, images and logs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX; Windows keeps profiles private")
ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_data_dir_and_everything_in_it_is_private(seeded, data_dir):
    seeded.save_shapes(100, [box_shape("car", 1, 1, 9, 9)])  # writes the WAL
    assert mode(data_dir) == 0o700 and mode(data_dir / "blobs") == 0o700
    for name in ("aidou.db", "aidou.db-wal", "aidou.db-shm"):
        assert mode(data_dir / name) == 0o600, name


def test_an_older_readable_data_dir_becomes_private(tmp_path):
    data = tmp_path / "old"
    Store(data).close()
    os.chmod(data, 0o755)
    os.chmod(data / "aidou.db", 0o644)
    Store(data).close()
    assert mode(data) == 0o700 and mode(data / "aidou.db") == 0o600


def test_aidou_sync_keeps_its_logs_private(tmp_path):
    data = tmp_path / "pc"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("AIDOU_DATA_DIR", None)
    subprocess.run([sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data), "status"],
                   cwd=ROOT, env=env, capture_output=True, timeout=60)  # fmt: skip
    assert mode(data) == 0o700 and mode(data / "logs") == 0o700
