"""Push throughput: 10,000 queued annotations from a real desktop store through the real
``SyncClient`` to a real server subprocess (uvicorn, SQLite), 500 records a request.

Each run starts from copies of one prepared server database and outbox, so every
run pushes the same 10,000 new revisions. ``python -m bench.bench_push --profile``
adds a cProfile of the client side of one run.
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aidou_desktop.gc_tuning import tune_gc
from aidou_desktop.store import Store
from aidou_desktop.sync.engine import client_for
from bench.live_server import LiveServer, build, fresh_copy, push_all

COUNT = 10_000
RUNS = 3


def _one_run(snapshots: tuple[Path, Path], scratch: Path, profile: bool = False) -> dict:
    server_dir = fresh_copy(snapshots[0], scratch / "server")
    desktop_dir = fresh_copy(snapshots[1], scratch / "desktop")
    with LiveServer(server_dir) as server:
        store = Store(desktop_dir)
        client = client_for(store)
        client.server_url = server.url  # the copy was logged in against the build's port
        waits: list[float] = []  # request sent → answer headers back: the server's share
        client.http.hooks["response"].append(lambda resp, *a, **k: waits.append(resp.elapsed.total_seconds()))
        profiler = cProfile.Profile() if profile else None
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        accepted = push_all(store, client)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - t0
        left = store.outbox_count()
        store.close()
        client.close()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    assert accepted == COUNT and left == 0, f"push incomplete: {accepted} accepted, {left} left"
    return {"seconds": seconds, "server_seconds": sum(waits), "requests": len(waits)}


def run(runs: int = RUNS, profile: bool = False) -> str:
    root = Path(tempfile.mkdtemp(prefix="aidou-bench-push-"))
    tune_gc()  # the client side runs here, in the app's process settings (aidou_desktop.app.main)
    try:
        snapshots = build(root / "snapshot", COUNT)
        results = []
        for i in range(runs):
            results.append(_one_run(snapshots, root / f"run{i}", profile and i == 0))
            shutil.rmtree(root / f"run{i}", ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = statistics.median(r["seconds"] for r in results)
    server = statistics.median(r["server_seconds"] for r in results)
    rate, server_rate = COUNT / total, COUNT / server
    runs_text = ", ".join(f"{r['seconds']:.2f}" for r in results)
    return "\n".join([
        f"push {COUNT:,} annotations (store → client → server, {results[0]['requests']} requests)",
        f"  whole push          median {total:6.2f} s  ({rate:9,.0f} /s)   budget ≤ 1 s      → {total:.2f}× budget   runs: {runs_text} s",
        f"  server side         median {server:6.2f} s  ({server_rate:9,.0f} /s)   budget ≥ 20,000/s → {server_rate / 20000:.2f}× budget",
        f"  client side         median {total - server:6.2f} s  (outbox read, encode, gzip, answers stored)",
    ])  # fmt: skip


if __name__ == "__main__":
    print(run(profile="--profile" in sys.argv))
