"""Robustness tests (issue 3): the real server on a loopback port, the real client code.

Seeding the demo office takes ~15 s, so it is done once per session into a
template; every test module runs its own server over a fresh copy of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("sync_server.api.app")

from tests.desktop.server_process import ServerProcess


@pytest.fixture(scope="session")
def server_template(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("server-template") / "data"
    srv = ServerProcess(data)
    srv.start()  # --demo seeds the empty data dir
    srv.stop()
    return data


@pytest.fixture(scope="module")
def server(server_template, tmp_path_factory):
    data = tmp_path_factory.mktemp("server") / "data"
    shutil.copytree(server_template, data)
    srv = ServerProcess(data)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def live(server):
    server.start()  # a test before may have stopped it
    return server
