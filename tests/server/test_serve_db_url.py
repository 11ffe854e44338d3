"""``aidou-server serve --db URL`` end to end: the real server process on the database the
URL names (PostgreSQL on the PostgreSQL run, a SQLite file elsewhere than the data dir on
the SQLite one), logged in to, pushed to and pulled from."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests

from sync_server.protocol import PROTOCOL_VERSION, VERSION_HEADER, uuid7
from tests import db_engines
from tests.desktop.server_process import free_port
from tests.faults.world import PASSWORD, build_world

ROOT = Path(__file__).resolve().parents[2]


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)}


def test_serve_with_a_database_url_logs_in_pushes_and_pulls(db_engine, tmp_path):
    if db_engine == "postgresql":
        _name, url = db_engines.new_database("template0")
    else:
        url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    data_dir, port = tmp_path / "data", free_port()
    build_world(data_dir, annotators=1, batch_size=3, db_url=url)
    env = {k: v for k, v in os.environ.items() if k not in ("AIDOU_DB_URL", "AIDOU_DATA_DIR")}
    env["PYTHONPATH"] = str(ROOT)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "sync_server.cli", "serve", "--db", url, "--data-dir", str(data_dir),
             "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None, log.read_text(errors="replace")[-3000:]
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")[-3000:]
            time.sleep(0.2)

        http = requests.Session()
        login = http.post(base + "/api/v1/login", json={"username": "anno1", "password": PASSWORD},
                          headers={VERSION_HEADER: str(PROTOCOL_VERSION)}, timeout=30)  # fmt: skip
        assert login.status_code == 200, login.text
        token = login.json()["token"]
        feed = http.get(base + "/api/v1/changes", params={"since": ""}, headers=_headers(token), timeout=30).json()
        items = [c["data"] for c in feed["changes"] if c["kind"] == "item"]
        assert len(items) == 3
        item = items[0]
        revision = {
            "id": uuid7(), "item_id": item["id"], "batch_id": item["batch_id"], "base_id": None,
            "shapes": [{"kind": "box", "label": "car", "points": [[10, 10], [200.5, 120]]}],
            "time_spent_ms": 4200, "client_time": "2026-11-30T10:00:00Z",
        }  # fmt: skip
        pushed = http.post(base + "/api/v1/push", json={"annotations": [revision]}, headers=_headers(token), timeout=30)
        assert pushed.status_code == 200, pushed.text
        assert pushed.json()["results"][0]["status"] == "accepted"
        again = http.get(base + "/api/v1/changes", params={"since": feed["cursor"]}, headers=_headers(token),
                         timeout=30).json()  # fmt: skip
        mine = [c["data"] for c in again["changes"] if c["kind"] == "annotation"]
        assert [m["id"] for m in mine] == [revision["id"]]
        assert mine[0]["shapes"] == revision["shapes"] and mine[0]["time_spent_ms"] == 4200
        assert again["server_id"] == feed["server_id"] == login.json()["server_id"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert not (data_dir / "server.db").exists()  # the URL's database, not one in the data dir
