"""The USB walk an admin does, through the real commands in subprocesses:
`aidou-server bundle` → `aidou-sync bundle import` → work → `aidou-sync bundle export`
→ `aidou-server import-bundle --reply` → `aidou-sync bundle import`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bundle_helpers import annotate, stored_ids

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "AIDOU_DATA_DIR"}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def server(*args: str) -> subprocess.CompletedProcess:
    return run("sync_server.cli", *args)


def desk(desk_dir, *args: str) -> subprocess.CompletedProcess:
    return run("aidou_desktop.sync.cli", "--data-dir", str(desk_dir), *args)


def test_the_usb_walk(store, desk_dir, server_dir, engine, world, tmp_path):
    stick = tmp_path / "stick"
    stick.mkdir()
    first, push, reply = stick / "anno1-first.aidou", stick / "anno1-push.aidou", stick / "anno1-reply.aidou"

    done = server("bundle", "--user", "anno1", "--out", str(first), "--data-dir", str(server_dir))
    assert done.returncode == 0, done.stderr
    assert "2 image(s)" in done.stdout
    done = desk(desk_dir, "bundle", "import", str(first))
    assert done.returncode == 0, done.stderr
    ids = annotate(store, world["users"]["anno1"].id)

    done = desk(desk_dir, "bundle", "export", str(push))
    assert done.returncode == 0, done.stderr
    assert "2 record(s)" in done.stdout
    done = server("import-bundle", str(push), "--reply", str(reply), "--data-dir", str(server_dir))
    assert done.returncode == 0, done.stderr
    assert "accepted 2" in done.stdout and "2 answer(s)" in done.stdout
    done = desk(desk_dir, "bundle", "import", str(reply))
    assert done.returncode == 0, done.stderr

    assert store.outbox_count() == 0
    assert stored_ids(engine) == {i: 1 for i in ids}

    # the wrong file on either side: refused, with a reason, and distinct exit codes
    done = desk(desk_dir, "bundle", "import", str(push))
    assert done.returncode == 5 and "is a push bundle" in done.stderr
    done = server("import-bundle", str(reply), "--data-dir", str(server_dir))
    assert done.returncode == 2 and "is a pull bundle" in done.stderr and "nothing was imported" in done.stderr
    assert stored_ids(engine) == {i: 1 for i in ids}


def test_bundle_format_imports_without_server_dependencies():
    # the desktop ships the format module; it must not drag SQLAlchemy or FastAPI in
    code = (
        "import sys, sync_server.bundles, aidou_desktop.sync.bundle;"
        "bad = sorted({'sqlalchemy', 'fastapi', 'starlette', 'uvicorn'} & set(sys.modules));"
        "assert not bad, bad"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
