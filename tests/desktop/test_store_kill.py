"""A SIGKILL at any instant loses no reported save and leaves a consistent outbox."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aidou_desktop.store import Store
from tests.desktop.conftest import ANNOTATOR, demo_changes
from tests.desktop.kill_saver import N_ITEMS, shapes_for
from sync_server.protocol import LoginResponse, to_wire

CHILD = Path(__file__).with_name("kill_saver.py")


def _run_and_kill(data_dir: Path, min_lines: int) -> list[tuple[int, str]]:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(data_dir)], stdout=subprocess.PIPE, text=True)
    printed = []
    deadline = time.monotonic() + 60
    try:
        while len(printed) < min_lines and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            n, ann_id = line.split()
            printed.append((int(n), ann_id))
        os.kill(proc.pid, signal.SIGKILL)  # mid-loop: most likely inside a save
        # read on through proc.stdout: lines readline() has buffered are there, and a
        # communicate() with a timeout reads the pipe beneath it and would drop them
        rest = proc.stdout.read()
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    # lines written before the kill but not yet read are reported saves too; a line
    # the kill cut short was never a whole report: that save counts as in flight
    for line in rest.splitlines(keepends=True):
        if line.endswith("\n"):
            n, ann_id = line.split()
            printed.append((int(n), ann_id))
    return printed


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("min_lines", [150, 377])
def test_kill_loses_nothing(data_dir, min_lines):
    with Store(data_dir) as store:
        store.remember_login("http://server.test", "pw", LoginResponse("tok", ANNOTATOR, "now"))
        store.apply_changes(demo_changes(), "1")

    printed = _run_and_kill(data_dir, min_lines)
    assert len(printed) >= min_lines, "the saver died early"

    conn = sqlite3.connect(data_dir / "aidou.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()

    with Store(data_dir) as store:  # reopening also recovers the WAL
        assert store.integrity_check() == "ok"
        rows = {r["id"]: r for r in store.db.query("SELECT * FROM annotations")}
        last_n: dict[str, int] = {}
        for n, ann_id in printed:
            last_n[ann_id] = n
        in_flight = max(n for n, _ in printed) + 1  # may have committed, never printed
        for ann_id, n in last_n.items():
            assert ann_id in rows, f"save {n} ({ann_id}) was reported but is gone"
            stored = json.loads(rows[ann_id]["shapes"])
            # in-place edits: the row holds its last reported content, or the in-flight
            # save when that one went to the same item (saves cycle over N_ITEMS items)
            allowed = [n] + ([in_flight] if in_flight == n + N_ITEMS else [])
            assert any(to_wire(shapes_for(m)) == stored for m in allowed), f"{ann_id}: content of save {n} lost"
        newer = [i for i, r in rows.items() if i not in last_n]
        assert len(newer) <= 1  # at most the save in flight, committed but not printed

        outbox = {r["annotation_id"] for r in store.db.query("SELECT annotation_id FROM outbox")}
        waiting = {i for i, r in rows.items() if r["state"] in ("queued", "sending")}
        assert outbox == waiting
        assert store.outbox_count() == len(waiting)
        # never two unsent revisions of one item: the second would be an edit in place
        queued_per_item: dict[int, int] = {}
        for r in rows.values():
            if r["state"] == "queued":
                queued_per_item[r["item_id"]] = queued_per_item.get(r["item_id"], 0) + 1
        assert all(v == 1 for v in queued_per_item.values())
        # and the store keeps working
        store.save_shapes(100, shapes_for(1))
