"""Child process for the fault tests: the real ``aidou-sync`` code, with test hooks.

    python tests/faults/sync_driver.py run DATA_DIR [--blobs]   # aidou_desktop.sync.cli run
    python tests/faults/sync_driver.py save DATA_DIR BATCH_ID INDEXES N
        # a box on items INDEXES (comma separated, positions in the batch) of BATCH_ID; N varies it

Environment hooks:
  FAULT_PAUSE_BEFORE_PUSH=1  print "PUSH_READY" and sleep just before the first push is sent
                             (the outbox rows are already marked ``sending``): the test kills us there
  FAULT_CLOCK_OFFSET_S=S     this process's wall clock runs S seconds off (days, in the tests)
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _skew_clock(offset: float) -> None:
    # time.time / time_ns feed uuid7 and anything else reading the wall clock;
    # rows.datetime feeds every timestamp the store writes (client_time, updated_at)
    real_time, real_ns = time.time, time.time_ns
    time.time = lambda: real_time() + offset
    time.time_ns = lambda: real_ns() + int(offset * 1e9)

    class SkewedDatetime(_dt.datetime):
        @classmethod
        def now(cls, tz=None):
            return _dt.datetime.now(tz) + _dt.timedelta(seconds=offset)

    from aidou_desktop.store import rows

    rows.datetime = SkewedDatetime


def _pause_before_push() -> None:
    from aidou_desktop.sync.client import SyncClient

    def paused(self, records):
        print("PUSH_READY", len(records), flush=True)
        time.sleep(120)
        raise SystemExit("not killed in time")

    SyncClient.push = paused


def main(argv: list[str]) -> int:
    if os.environ.get("FAULT_CLOCK_OFFSET_S"):
        _skew_clock(float(os.environ["FAULT_CLOCK_OFFSET_S"]))
    if os.environ.get("FAULT_PAUSE_BEFORE_PUSH"):
        _pause_before_push()
    command, data_dir, *rest = argv
    if command == "run":
        from aidou_desktop.sync.cli import main as cli_main

        args = ["--data-dir", data_dir, "run"] + ([] if "--blobs" in rest else ["--no-blobs"])
        return cli_main(args)
    if command == "save":
        from aidou_desktop.model import box_shape
        from aidou_desktop.store import Store

        batch_id, indexes, n = int(rest[0]), [int(i) for i in rest[1].split(",")], int(rest[2])
        with Store(Path(data_dir)) as store:
            item_ids = [r[0] for r in store.db.execute(
                "SELECT id FROM items WHERE batch_id = ? ORDER BY id", [batch_id]).fetchall()]  # fmt: skip
            for i in indexes:
                saved = store.save_shapes(item_ids[i], [box_shape("car", 10 + n, 10, 60 + n, 50)], 1000)
                print("SAVED", saved.id, saved.base_id, flush=True)
        return 0
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
