"""Bytes on the wire per annotation: everything the link carries for a push of
10,000 annotations (request and response, HTTP headers, gzip bodies), counted on
the socket by a relay between the real client and the real server.

Also shows where the bytes go: one annotation's JSON written in full (every
field, as ``dataclasses.asdict`` would) against ``to_wire``'s compact form, each
raw and gzipped inside a 500-record request; and the change feed's bytes per
item when the desktop pulls the batches.
"""

from __future__ import annotations

import dataclasses
import gzip
import shutil
import tempfile
from pathlib import Path

from aidou_desktop.store import Store
from aidou_desktop.sync.client import SyncClient, dumps
from aidou_desktop.sync.engine import client_for
from bench.live_server import (
    PASSWORD,
    USER,
    CountingRelay,
    LiveServer,
    build,
    fresh_copy,
    pull_all,
    push_all,
)
from sync_server.protocol import MAX_PUSH_RECORDS, PushRequest, to_wire

COUNT = 10_000
BUDGET = 120  # bytes per annotation, design.md


def _dumps(data) -> bytes:
    return dumps(data)  # what the client sends: compact UTF-8 JSON (orjson, ADR 0020)


def codec_figures(records) -> list[str]:
    """Per annotation, in a 500-record request: full vs compact JSON, raw and gzipped."""
    chunk = records[:MAX_PUSH_RECORDS]
    # every field, shapes as Shapes (the outbox's records keep theirs as the saved text)
    full = _dumps(dataclasses.asdict(PushRequest([dataclasses.replace(r, shapes=list(r.shapes)) for r in chunk])))
    compact = _dumps(to_wire(PushRequest(chunk)))
    n = len(chunk)
    one = _dumps(to_wire(chunk[0])).decode()
    return [
        f"  push body, every field     {len(full) / n:6.1f} B raw   {len(gzip.compress(full, 6)) / n:6.1f} B gzip",
        f"  push body, to_wire compact {len(compact) / n:6.1f} B raw   {len(gzip.compress(compact, 6)) / n:6.1f} B gzip",
        f"  one record, compact: {one}",
    ]


def _measured_push(snapshots, scratch: Path) -> tuple[int, int, int, list]:
    server_dir = fresh_copy(snapshots[0], scratch / "server")
    desktop_dir = fresh_copy(snapshots[1], scratch / "desktop")
    with LiveServer(server_dir) as server:
        relay = CountingRelay(server.port)
        store = Store(desktop_dir)
        records = store.take_outbox(COUNT)  # marks them sending; they are sent again as they are
        client = client_for(store)
        client.server_url = f"http://127.0.0.1:{relay.port}"
        accepted = push_all(store, client)
        client.close()  # the relay counts what the closed connection still carried
        up, down = relay.up, relay.down
        relay.close()
        store.close()
    assert accepted == COUNT, f"only {accepted} accepted"
    return up, down, accepted, records


def _measured_pull(server_dir: Path, scratch: Path) -> tuple[int, int]:
    """Feed bytes a fresh desktop pulls for the order (items, batches) — per item."""
    with LiveServer(fresh_copy(server_dir, scratch / "server-pull")) as server:
        relay = CountingRelay(server.port)
        client = SyncClient(f"http://127.0.0.1:{relay.port}")
        store = Store(scratch / "desktop-pull")
        store.remember_login(server.url, PASSWORD, client.login(USER, PASSWORD))
        before = relay.up + relay.down
        pull_all(store, client)
        client.close()
        total = relay.up + relay.down - before
        relay.close()
        store.close()
    return total, COUNT


def run() -> str:
    root = Path(tempfile.mkdtemp(prefix="aidou-bench-wire-"))
    try:
        snapshots = build(root / "snapshot", COUNT)
        up, down, accepted, records = _measured_push(snapshots, root / "run")
        pulled, items = _measured_pull(snapshots[0], root / "pull")
    finally:
        shutil.rmtree(root, ignore_errors=True)
    per = (up + down) / accepted
    return "\n".join([
        (f"bytes on the wire per annotation   {per:6.1f} B   budget ≤ {BUDGET} B → {per / BUDGET:.2f}× budget"
         f"   (push of {accepted:,}: {up / accepted:.1f} B up, {down / accepted:.1f} B down, headers included)"),
        *codec_figures(records),
        (f"  feed pulled per item       {pulled / items:6.1f} B   (order, batches, {items:,} items; gzip, headers"
         " included; the items here share one image: real ones add ≈ 33 B each for a sha256 gzip cannot shrink)"),
    ])  # fmt: skip


if __name__ == "__main__":
    print(run())
