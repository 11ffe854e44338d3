"""Issue 3, point 9: two ``aidou-sync run`` at once, and a lock left by a killed run."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

from aidou_desktop.store import Store
from aidou_desktop.sync import SyncBusy, SyncLock
from tests.robustness.helpers import ROOT, cli

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


class BlackHole:
    """A server that accepts connections and never answers: a run against it hangs (holding the lock)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.conns:
            conn.close()


def _wait_until_locked(data_dir, proc, timeout=30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            with SyncLock(data_dir):
                pass
        except SyncBusy:
            return
        time.sleep(0.05)
    raise AssertionError("the first run never took the lock")


def test_second_run_exits_6_and_a_killed_runs_lock_is_cleared(live, tmp_path):
    data = tmp_path / "desk"
    assert cli(data, "login", "--server", live.url, "--user", "anno1").returncode == 0
    hole = BlackHole()
    with Store(data) as store:  # anno1's server now swallows requests: the first run hangs
        store.db.execute("UPDATE accounts SET server_url = ?", (hole.url,))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("AIDOU_DATA_DIR", None)
    first = subprocess.Popen(
        [sys.executable, "-m", "aidou_desktop.sync.cli", "--data-dir", str(data), "run"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        _wait_until_locked(data, first)
        second = cli(data, "run")
        assert second.returncode == 6
        assert "already syncing this data directory" in second.stderr and f"pid {first.pid}" in second.stderr
        with Store(data) as store:
            assert store.last_sync_run("cli").outcome == "busy"

        first.send_signal(signal.SIGKILL)  # killed while holding the lock
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
        hole.close()
    assert (data / "sync.lock").read_text().strip() == str(first.pid)  # the file says so, the OS knows better

    with Store(data) as store:
        store.db.execute("UPDATE accounts SET server_url = ?", (live.url,))
        killed = store.db.execute("SELECT finished_at FROM sync_runs WHERE pid = ?", [first.pid]).fetchone()
        assert killed == (None,)  # the killed run shows as never finished
    again = cli(data, "run", "--quiet")
    assert again.returncode == 0, again.stderr
    with Store(data) as store:
        assert store.last_sync_run("cli").outcome == "ok"


def test_a_reused_pid_in_the_lock_file_does_not_block(live, tmp_path):
    data = tmp_path / "desk"
    assert cli(data, "login", "--server", live.url, "--user", "anno1").returncode == 0
    # the PID of a live process that is not a sync (a PID reused after a crash): not a holder
    (data / "sync.lock").write_text(f"{os.getpid()}\n")
    assert cli(data, "run", "--quiet", "--no-blobs").returncode == 0


def test_two_locks_in_one_process_exclude_each_other(tmp_path):
    with SyncLock(tmp_path), pytest.raises(SyncBusy):
        SyncLock(tmp_path).acquire()
    with SyncLock(tmp_path) as again:
        assert again.held
