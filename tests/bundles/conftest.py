"""Fixtures for the bundle tests: a real server data dir (copied fresh per test) and a real
desktop Store logged in as anno1, who holds batch 1 of a 4-image order.

Office "测试基地": lead, anno1 (batch 1), anno2 (batch 2). Office "别的基地": far1.

Every test runs on each database engine (``tests/conftest.py``): on PostgreSQL the
template world's database is a template database, copied per test.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from sqlalchemy import select  # noqa: E402

from aidou_desktop.store import Store  # noqa: E402
from sync_server.db import tables  # noqa: E402
from sync_server.db.accounts import bundle_key, create_office, create_user, user_info  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import default_db_url, make_engine, write_transaction  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.protocol import LoginResponse  # noqa: E402
from tests import db_engines  # noqa: E402
from tests.server.server_helpers import PASSWORD, SCHEMA, write_images  # noqa: E402

_TEMPLATE_DATABASES: dict[str, str] = {}  # PostgreSQL: the template database of each template dir


@pytest.fixture(scope="module", autouse=True)
def _module_engine(module_database):
    return module_database


@pytest.fixture(autouse=True)
def _test_engine(engine_database):
    return engine_database


@pytest.fixture(scope="session")
def template(tmp_path_factory, db_engine) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp(f"bundle-template-{db_engine}")
    data_dir = root / "server"
    data_dir.mkdir()
    if db_engine == "postgresql":
        found: list[dict] = []
        name = db_engines.migrated_template("tpl_bundles", lambda engine: found.append(_build(engine, root, data_dir)))
        _TEMPLATE_DATABASES[str(data_dir)] = name
        return data_dir, found[0]
    engine = make_engine(default_db_url(data_dir))
    world = _build(engine, root, data_dir)
    engine.dispose()  # checkpoints the WAL: the copy below is a whole database
    return data_dir, world


def _build(engine, root: Path, data_dir: Path) -> dict:
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
        keys = {name: bundle_key(conn, user_id) for name, user_id in ids.items()}  # as their logins made them
        batch1_items = list(conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch1)).scalars())
    return {"users": users, "keys": keys, "batch1": batch1, "batch2": batch2, "batch1_items": batch1_items}


@pytest.fixture
def world(template) -> dict:
    return template[1]


@pytest.fixture
def server_dir(template, tmp_path, db_engine, monkeypatch) -> Path:
    """A copy of the template server: its folder, and on PostgreSQL its database too."""
    target = tmp_path / "server"
    shutil.copytree(template[0], target)
    if db_engine == "postgresql":
        _name, url = db_engines.new_database(_TEMPLATE_DATABASES[str(template[0])])
        monkeypatch.setenv(db_engines.DB_URL_ENV, url)
        db_engines.bind_data_dir(target, url)
    return target  # its database is dropped with the test's (engine_database)


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
    login = LoginResponse("tok", world["users"]["anno1"], "2026-01-01T00:00:00Z", bundle_key=world["keys"]["anno1"])
    s.remember_login("http://server.test", PASSWORD, login)
    yield s
    s.close()
