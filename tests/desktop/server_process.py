"""The real sync server as a subprocess on a loopback port, for integration tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_of(data_dir: Path) -> str | None:
    """The database a server on ``data_dir`` uses in this test: the one its world was built
    in, else the one the test's fixtures name (PostgreSQL runs); None: SQLite in the data dir."""
    from tests import db_engines

    return db_engines.bound_url(data_dir) or (os.environ.get(db_engines.DB_URL_ENV) or None)


class ServerProcess:
    def __init__(self, data_dir: Path, port: int | None = None):
        self.data_dir = data_dir
        found = _database_of(data_dir)
        if found:  # from now on this data dir's server uses that database, whatever the test names later
            from tests import db_engines

            db_engines.bind_data_dir(data_dir, found)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = data_dir.parent / f"server-{self.port}.log"

    def start(self, timeout: float = 90) -> None:
        if self.running():
            return
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port), "--demo"]  # fmt: skip
        self.db_url = _database_of(self.data_dir)  # a test may point data_dir at another world
        env.pop("AIDOU_DB_URL", None)
        if self.db_url:
            env["AIDOU_DB_URL"] = self.db_url  # the environment, not --db: a URL may hold a password
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout  # seeding the demo images takes a few seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}: {self.log.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not answer in {timeout} s: {self.log.read_text()[-2000:]}")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None
