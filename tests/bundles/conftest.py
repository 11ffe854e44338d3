"""Fixtures for the bundle tests: a real server data dir (copied fresh per test) and a real
desktop Store logged in as anno1, who holds batch 1 of a 4-image order.

Office "测试基地": lead, anno1 (batch 1), anno2 (batch 2). Office "别的基地": far1.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from sqlalchemy import select  # noqa: E402

from aidou_desktop.store import Store  # noqa: E402
from sync_server.db import tables  # noqa: E402
from sync_server.db.accounts import create_office, create_user, user_info  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import default_db_url, make_engine, write_transaction  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.protocol import LoginResponse  # noqa: E402
from tests.server.server_helpers import PASSWORD, SCHEMA, write_images  # noqa: E402


@pytest.fixture(scope="session")
def template(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bundle-template")
    data_dir = root / "server"
    data_dir.mkdir()
    engine = make_engine(default_db_url(data_dir))
    blob_store = BlobStore(data_dir / "blobs")
    until = utc_now() + timedelta(days=7)
    with write_transaction(engine) as conn:
        office = create_office(conn, "测试基地")
        far_office = create_office(conn, "别的基地")
        ids = {
            "lead": create_user(conn, office, "lead", "组长", "lead", PASSWORD),
            "anno1": create_user(conn, office, "anno1", "标注员一", "annotator", PASSWORD),
            "anno2": create_user(conn, office, "anno2", "标注员二", "annotator", PASSWORD),
            "far1": create_user(conn, far_office, "far1", "远方标注员", "annotator", PASSWORD),
        }
        order = import_order(conn, blob_store, office, "测试订单", "bbox", SCHEMA, "画紧框", write_images(root / "a", 4), 10, 2)
        batch1, batch2 = conn.execute(
            select(tables.batches.c.id).where(tables.batches.c.order_id == order).order_by(tables.batches.c.id)
        ).scalars().all()
        lease_batch(conn, batch1, ids["anno1"], until)
        lease_batch(conn, batch2, ids["anno2"], until)
        users = {name: user_info(conn, user_id) for name, user_id in ids.items()}
        batch1_items = list(conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch1)).scalars())
    engine.dispose()  # checkpoints the WAL: the copy below is a whole database
    return data_dir, {"users": users, "batch1": batch1, "batch2": batch2, "batch1_items": batch1_items}


@pytest.fixture
def world(template) -> dict:
    return template[1]


@pytest.fixture
def server_dir(template, tmp_path) -> Path:
    target = tmp_path / "server"
    shutil.copytree(template[0], target)
    return target


@pytest.fixture
def engine(server_dir):
    engine = make_engine(default_db_url(server_dir))
    yield engine
    engine.dispose()


@pytest.fixture
def blob_store(server_dir) -> BlobStore:
    return BlobStore(server_dir / "blobs")


@pytest.fixture
def desk_dir(tmp_path) -> Path:
    return tmp_path / "desk"


@pytest.fixture
def store(desk_dir, world):
    """anno1's PC: logged in once (so offline work and bundles know who works here)."""
    s = Store(desk_dir)
    s.remember_login("http://server.test", PASSWORD, LoginResponse("tok", world["users"]["anno1"], "2026-01-01T00:00:00Z"))
    yield s
    s.close()
