"""Helpers for the robustness tests: logging a desktop in, admin actions on the server's database."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, select

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync import SyncClient
from sync_server.db import tables
from sync_server.db.engine import (
    default_db_url,
    make_engine,
    read_connection,
    write_transaction,
)
from sync_server.orders.demo import DEMO_ORDER

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {"admin": "admin123", "lead": "lead123", "anno1": "anno123", "anno2": "anno123", "anno3": "anno123"}


def login(store: Store, url: str, user: str) -> SyncClient:
    client = SyncClient(url)
    store.remember_login(url, PASSWORDS[user], client.login(user, PASSWORDS[user]))
    return client


def box(store: Store, item_id: int, n: int = 0, label: str | None = None) -> list:
    item = store.item(item_id)
    label = label or store.order(item.order_id).schema.labels[0].name
    return [box_shape(label, 10 + n, 20, 200 + n, 220)]  # original-image coordinates


def box_batch(store: Store):
    """The current user's batch of the demo's box order (the demo leases one of every order)."""
    [batch] = [b for b in store.batch_summaries(store.current_user().id) if b.order_name == DEMO_ORDER]
    return batch


def first_batch_items(store: Store) -> list[int]:
    batch = box_batch(store)
    return [i.id for i in store.ready_items(batch.id)] or [
        r[0] for r in store.db.execute("SELECT id FROM items WHERE batch_id = ? ORDER BY id", [batch.id]).fetchall()
    ]


@contextmanager
def server_db(server, write: bool = False) -> Iterator[Connection]:
    """The running server's own database, for what an admin would do (and for checks)."""
    engine = make_engine(default_db_url(server.data_dir))
    try:
        with write_transaction(engine) if write else read_connection(engine) as conn:
            yield conn
    finally:
        engine.dispose()


def user_id(conn: Connection, username: str) -> int:
    return conn.execute(select(tables.users.c.id).where(tables.users.c.username == username)).scalar_one()


def stored_annotations(server, ids: list[str]) -> dict[str, dict]:
    with server_db(server) as conn:
        found = conn.execute(select(tables.annotations).where(tables.annotations.c.id.in_(ids))).mappings()
        return {row["id"]: dict(row) for row in found}


def cli(data_dir, *args, env_extra=None, **kwargs) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), AIDOU_PASSWORD="anno123")
    env.pop("AIDOU_DATA_DIR", None)
    env.update(env_extra or {})
    cmd = [sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data_dir), *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, **kwargs)
