"""Server test fixtures: a small world built once, copied fresh into every test.

The template holds two offices. Office 1 has a lead, anno1 and anno2 and a
4-image bbox order in two batches (batch 1 leased to anno1, batch 2 to anno2).
Office 2 has one annotator and a 1-image order, to prove office scoping.

Every test here runs on each engine (``tests/conftest.py``): on SQLite the template
is a data dir whose ``server.db`` is copied with it; on PostgreSQL the data dir holds
the blobs and its database is a template database, copied per test with
``CREATE DATABASE … TEMPLATE`` and named to the server by ``AIDOU_DB_URL``.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from sync_server.api.app import create_app
from sync_server.db import tables
from sync_server.db.accounts import create_office, create_user, issue_token
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from tests import db_engines

from server_helpers import PASSWORD, SCHEMA, World, write_images

# the template database of each template data dir (PostgreSQL)
_TEMPLATE_DATABASES: dict[str, str] = {}


@pytest.fixture(scope="module", autouse=True)
def _module_engine(module_database):
    """A module's own servers (``fuzz_server``) find a copy of the template world."""
    return module_database


@pytest.fixture(autouse=True)
def _test_engine(engine_database):
    """Every server test runs on each engine, with its own database."""
    return engine_database


@pytest.fixture(scope="session")
def module_template(template):
    return _TEMPLATE_DATABASES.get(str(template[0]))


def _batch_items(conn, batch_id: int) -> list[int]:
    return list(conn.execute(select(tables.items.c.id).where(tables.items.c.batch_id == batch_id).order_by(tables.items.c.id)).scalars())


@pytest.fixture(scope="session")
def template(tmp_path_factory, db_engine) -> tuple[Path, World]:
    root = tmp_path_factory.mktemp(f"template-{db_engine}")
    data_dir = root / "data"
    data_dir.mkdir()
    if db_engine == "postgresql":
        found: list[World] = []
        name = db_engines.migrated_template("tpl_server", lambda engine: found.append(_build(engine, root, data_dir)))
        _TEMPLATE_DATABASES[str(data_dir)] = name
        return data_dir, found[0]
    engine = make_engine(default_db_url(data_dir))
    world = _build(engine, root, data_dir)
    engine.dispose()  # checkpoints the WAL: the copy below is a whole database
    return data_dir, world


def _build(engine, root: Path, data_dir: Path) -> World:
    blob_store = BlobStore(data_dir / "blobs")
    until = utc_now() + timedelta(days=7)
    with write_transaction(engine) as conn:
        office = create_office(conn, "测试基地")
        other_office = create_office(conn, "别的基地")
        lead = create_user(conn, office, "lead", "组长", "lead", PASSWORD)
        anno1 = create_user(conn, office, "anno1", "标注员一", "annotator", PASSWORD)
        anno2 = create_user(conn, office, "anno2", "标注员二", "annotator", PASSWORD)
        far_anno = create_user(conn, other_office, "far1", "远方标注员", "annotator", PASSWORD)
        order = import_order(conn, blob_store, office, "测试订单", "bbox", SCHEMA, "画紧框", write_images(root / "a", 4), 10, 2)
        batch1, batch2 = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == order).order_by(tables.batches.c.id)).scalars().all()
        lease_batch(conn, batch1, anno1, until)
        lease_batch(conn, batch2, anno2, until)
        far_order = import_order(conn, blob_store, other_office, "别的订单", "bbox", SCHEMA, "", write_images(root / "b", 1, seed=2), 10, 2)
        far_batch = conn.execute(select(tables.batches.c.id).where(tables.batches.c.order_id == far_order)).scalar()
        lease_batch(conn, far_batch, far_anno, until)
        world = World(
            office, other_office, lead, anno1, anno2, far_anno, order, batch1, batch2,
            _batch_items(conn, batch1), _batch_items(conn, batch2), _batch_items(conn, far_batch)[0],
        )
    return world


@pytest.fixture
def world(template) -> World:
    return template[1]


@pytest.fixture
def data_dir(template, tmp_path, db_engine, monkeypatch) -> Path:
    """A copy of the template world: its folder, and on PostgreSQL its database too."""
    target = tmp_path / "data"
    shutil.copytree(template[0], target)
    if db_engine == "postgresql":
        _name, url = db_engines.new_database(_TEMPLATE_DATABASES[str(template[0])])
        monkeypatch.setenv(db_engines.DB_URL_ENV, url)
        db_engines.bind_data_dir(target, url)
    return target  # its database is dropped with the test's (engine_database)


@pytest.fixture
def app(data_dir):
    app = create_app(data_dir)
    yield app
    app.state.database.engine.dispose()


@pytest.fixture
def client(app):
    with TestClient(app) as client:
        yield client


@pytest.fixture
def engine(app):
    return app.state.database.engine


@pytest.fixture
def tokens(engine, world) -> dict[str, str]:
    """Bearer tokens by username, issued directly (logging in is tested on its own)."""
    with write_transaction(engine) as conn:
        return {
            name: issue_token(conn, user_id)
            for name, user_id in [("lead", world.lead), ("anno1", world.anno1), ("anno2", world.anno2), ("far1", world.far_anno)]
        }


