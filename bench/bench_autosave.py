"""Autosave: one durable change (WAL, one transaction, synchronous=FULL) per box edit."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from aidou_desktop.model import box_shape
from bench.fixtures import fill_store
from bench.stats import summary


def run(edits: int = 500) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(Path(tmp), 20)
        shapes = []
        samples = []
        for i in range(edits):
            item_id = 1 + i % 20
            shapes = shapes[-6:] + [box_shape("car", 10 + i % 100, 20, 300 + i % 100, 200)]
            t0 = time.perf_counter()
            store.save_shapes(item_id, shapes, 500)
            samples.append((time.perf_counter() - t0) * 1000)
            if i % 50 == 49:
                store.take_outbox(100)  # as a sync would: later edits then write new revisions
        store.close()
    return f"autosave of one change            {summary(samples)}   budget p95 ≤ 2 ms"


if __name__ == "__main__":
    print(run())
