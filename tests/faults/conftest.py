"""Fixtures for the fault tests: a seeded server subprocess, the proxy, child sync processes.

Every fault test runs on each database engine (``tests/conftest.py``); a world built
with ``build_world`` gets its own database on PostgreSQL.
"""

from __future__ import annotations


import pytest

from tests.desktop.server_process import ServerProcess
from tests.faults.proxy import FaultProxy
from tests.faults.world import build_world


def start_world(tmp_path_factory, annotators: int = 3, batch_size: int = 20, price_cents: int = 0) -> ServerProcess:
    data = tmp_path_factory.mktemp("server") / "data"
    ids = build_world(data, annotators=annotators, batch_size=batch_size, price_cents=price_cents)
    server = ServerProcess(data)  # its --demo sees the data and seeds nothing
    server.user_ids = ids
    server.start()
    return server


@pytest.fixture(scope="module", autouse=True)
def _module_engine(module_database):
    return module_database


@pytest.fixture(autouse=True)
def _test_engine(engine_database):
    return engine_database


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_world(tmp_path_factory)
    yield srv
    srv.stop()


@pytest.fixture
def proxy(server):
    server.start()  # a test before may have killed it
    with FaultProxy(server.port) as p:
        yield p
