"""Small helpers shared by the fault tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import SyncClient
from tests.faults.world import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
DRIVER = Path(__file__).with_name("sync_driver.py")


def login(data_dir: Path, url: str, user: str, timeout=(5, 30)) -> tuple[Store, SyncClient]:
    store = Store(data_dir)
    client = SyncClient(url, timeout=timeout)
    store.remember_login(url, PASSWORD, client.login(user, PASSWORD))
    return store, client


def my_batch(store: Store) -> int:
    [batch] = store.batch_summaries(store.current_user().id)
    return batch.id


def batch_item_ids(store: Store, batch_id: int) -> list[int]:
    return [r[0] for r in store.db.execute("SELECT id FROM items WHERE batch_id = ? ORDER BY id", [batch_id])]


def save_boxes(store: Store, item_ids: list[int], n: int = 0, boxes: int = 1) -> list[str]:
    ids = []
    for item_id in item_ids:
        shapes = [box_shape("car", 1 + n + k, 1 + k, 40 + n + k, 30 + k) for k in range(boxes)]
        ids.append(store.save_shapes(item_id, shapes, time_spent_ms=500).id)
    return ids


def local_ids(store: Store) -> list[str]:
    return [r[0] for r in store.db.execute("SELECT id FROM annotations WHERE origin = 'local'")]


def driver(*args: str, env: dict | None = None) -> subprocess.Popen:
    full_env = dict(os.environ, PYTHONPATH=str(ROOT))
    full_env.pop("AIDOU_DATA_DIR", None)
    full_env.update(env or {})
    return subprocess.Popen([sys.executable, str(DRIVER), *args], cwd=ROOT, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def run_driver(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    proc = driver(*args, env=env)
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def wait_for(condition: Callable[[], object], timeout: float, what: str, step: float = 0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
