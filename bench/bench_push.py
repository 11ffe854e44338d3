"""Push throughput: 10,000 queued annotations from a real desktop store, pushed as a sync
pushes them (``push_outbox``: requests sized to the link from 32 up to 500 records, the
next rows taken while one request is with the server) to a real server subprocess
(uvicorn, SQLite).

Each run starts from copies of one prepared server database and outbox, so every
run pushes the same 10,000 new revisions. Besides the wall-clock figures, the server
process's own CPU time is read from /proc (Linux): on a busy machine the wall clock
also counts the time the server waited for a core, its CPU time does not.

``python -m bench.bench_push --profile`` adds a cProfile of the client side of one run;
``--profile-server`` profiles the server side instead: the same 20 request bodies the
client sends, through the ASGI app in this process (its thread pool run inline, so
the profile sees the routes), one stage per line (ADR 0020 has such a profile).
"""

from __future__ import annotations

import asyncio
import cProfile
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from aidou_desktop.gc_tuning import tune_gc
from aidou_desktop.store import Store
from aidou_desktop.sync.client import push_body
from aidou_desktop.sync.engine import client_for
from bench.live_server import LiveServer, build, fresh_copy, push_all
from sync_server.protocol import API_PREFIX, MAX_PUSH_RECORDS, PROTOCOL_VERSION, VERSION_HEADER

COUNT = 10_000
RUNS = 3


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` so far (Linux /proc); None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


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
        server_cpu0, client_cpu0 = _cpu_seconds(server.proc.pid), time.process_time()
        t0 = time.perf_counter()
        if profiler:
            profiler.enable()
        accepted = push_all(store, client)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - t0
        client_cpu, server_cpu1 = time.process_time() - client_cpu0, _cpu_seconds(server.proc.pid)
        left = store.outbox_count()
        store.close()
        client.close()
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    assert accepted == COUNT and left == 0, f"push incomplete: {accepted} accepted, {left} left"
    server_cpu = None if server_cpu0 is None or server_cpu1 is None else server_cpu1 - server_cpu0
    return {"seconds": seconds, "server_seconds": sum(waits), "requests": len(waits), "server_cpu": server_cpu,
            "client_cpu": client_cpu}  # fmt: skip


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
    lines = [
        f"push {COUNT:,} annotations (store → client → server, {results[0]['requests']} requests)",
        f"  whole push          median {total:6.2f} s  ({rate:9,.0f} /s)   budget ≤ 1 s      → {total:.2f}× budget   runs: {runs_text} s",
        f"  server side         median {server:6.2f} s  ({server_rate:9,.0f} /s)   budget ≥ 20,000/s → {server_rate / 20000:.2f}× budget",
        f"  client side         median {total - server:6.2f} s  (the client's work not hidden behind the server's)",
    ]  # fmt: skip
    if all(r["server_cpu"] for r in results):
        cpu = statistics.median(r["server_cpu"] for r in results)
        lines.append(f"  server CPU          median {cpu:6.2f} s  ({COUNT / cpu:9,.0f} /s)   its own CPU time: what a busy machine's wall clock hides")  # fmt: skip
    client_cpu = statistics.median(r["client_cpu"] for r in results)
    lines.append(f"  client CPU          median {client_cpu:6.2f} s  ({COUNT / client_cpu:9,.0f} /s)   this process: store, encode, gzip, HTTP")  # fmt: skip
    lines.append(f"  machine load        {os.getloadavg()[0]:.1f} (1-minute average, {os.cpu_count()} cores)")
    return "\n".join(lines)


# ---------------------------------------------------------------- the server side, profiled in process


async def _asgi_push(app, body: bytes, token: str) -> int:
    """One push through the ASGI app as uvicorn would hand it over (64 KiB body chunks)."""
    path = f"{API_PREFIX}/push"
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), (b"content-encoding", b"gzip"),
               (b"content-length", str(len(body)).encode()), (b"authorization", f"Bearer {token}".encode()),
               (VERSION_HEADER.lower().encode(), str(PROTOCOL_VERSION).encode()), (b"accept-encoding", b"gzip")]  # fmt: skip
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": headers,
             "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000)}  # fmt: skip
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    status = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


def profile_server(top: int = 30) -> str:
    """cProfile of the server side of one 10,000-annotation push, in this process."""
    import fastapi.dependencies.utils
    import fastapi.routing
    import starlette.concurrency

    from sync_server.api.app import create_app
    from sync_server.cli import _tune_gc

    async def inline(func, *args, **kwargs):  # the routes run here, where the profiler looks
        return func(*args, **kwargs)

    for module in (starlette.concurrency, fastapi.dependencies.utils, fastapi.routing):
        module.run_in_threadpool = inline
    root = Path(tempfile.mkdtemp(prefix="aidou-bench-push-profile-"))
    try:
        server_dir, desktop_dir = build(root / "snapshot", COUNT)
        store = Store(desktop_dir)
        _url, token, _user = store.session()
        records = store.take_outbox(COUNT)
        store.close()
        bodies = [push_body(records[i : i + MAX_PUSH_RECORDS]) for i in range(0, len(records), MAX_PUSH_RECORDS)]
        app = create_app(fresh_copy(server_dir, root / "server"))
        _tune_gc()  # as ``aidou-server serve`` does
        loop = asyncio.new_event_loop()
        profiler = cProfile.Profile()
        cpu0 = time.process_time()
        profiler.enable()
        statuses = [loop.run_until_complete(_asgi_push(app, body, token)) for body in bodies]
        profiler.disable()
        cpu = time.process_time() - cpu0
        loop.close()
        app.state.database.engine.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    assert statuses == [200] * len(bodies), statuses
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return f"server side, in process, under cProfile: {cpu:.2f} s CPU for {COUNT:,} annotations ({COUNT / cpu:,.0f} /s)"


if __name__ == "__main__":
    print(profile_server() if "--profile-server" in sys.argv else run(profile="--profile" in sys.argv))
