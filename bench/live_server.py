"""A real sync server (uvicorn subprocess, SQLite) and a real desktop store for the
wire benchmarks: one office, one annotator, an order of many tiny-image items
leased to them, and a local store holding one queued annotation per item.

Building that takes a while (10,000 autosaves), so it is built once and copied
for every run: each run starts from the same server database and outbox.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Self

import cv2
import numpy as np
import requests
from sqlalchemy import select

from aidou_desktop.model import box_shape
from aidou_desktop.store import Store
from aidou_desktop.sync.client import SyncClient
from aidou_desktop.sync.engine import push_outbox
from sync_server.db.accounts import create_office, create_user
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.db.tables import batches
from sync_server.orders import importing
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import MAX_PUSH_RECORDS, TASK_BBOX, Label, LabelSchema

ROOT = Path(__file__).resolve().parents[1]
USER, PASSWORD = "bench", "bench123"
LABELS = ["car", "truck", "bus", "pedestrian", "cyclist"]
SCHEMA = LabelSchema(1, [Label(name, name, "#e6194b") for name in LABELS])
ORIGINAL_W, ORIGINAL_H, DISPLAY_W = 1920, 1080, 1280


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed_server(data_dir: Path, count: int) -> None:
    """An office, an annotator and ``count`` items of a 1920×1080 order, all leased to them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="aidou-bench-img-"))
    try:
        # every item points at one tiny file: the push benchmark needs items, not pixels;
        # the header says 1920×1080 so shapes are checked against a real image size
        image = scratch / "frame.png"
        cv2.imwrite(str(image), np.zeros((ORIGINAL_H, ORIGINAL_W, 3), np.uint8))
        engine = make_engine(default_db_url(data_dir))
        with _one_decode_per_file(), write_transaction(engine) as conn:
            office = create_office(conn, "bench office")
            user_id = create_user(conn, office, USER, "压测员", "annotator", PASSWORD)
            order = import_order(conn, BlobStore(data_dir / "blobs"), office, "bench", TASK_BBOX, SCHEMA, "",
                                 [image] * count, batch_size=MAX_PUSH_RECORDS)  # fmt: skip
            until = utc_now() + timedelta(days=7)
            for (batch_id,) in conn.execute(select(batches.c.id).where(batches.c.order_id == order)):
                lease_batch(conn, batch_id, user_id, until)
        engine.dispose()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _one_decode_per_file():
    """Decode and re-encode the one shared file once, not once per item (50 ms each)."""
    decode, copy = importing.decode_upright, importing.display_copy
    decoded: dict[bytes, object] = {}
    copies: dict[int, tuple] = {}
    importing.decode_upright = lambda data: decoded[data] if data in decoded else decoded.setdefault(data, decode(data))
    importing.display_copy = lambda pixels, original=None: copies.get(id(pixels)) or copies.setdefault(
        id(pixels), copy(pixels, original))
    try:
        yield
    finally:
        importing.decode_upright, importing.display_copy = decode, copy


class LiveServer:
    """``aidou-server serve`` on a loopback port, as an admin would run it."""

    def __init__(self, data_dir: Path):
        self.data_dir, self.port = data_dir, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        cmd = [sys.executable, "-m", "sync_server.cli", "serve", "--data-dir", str(self.data_dir),
               "--host", "127.0.0.1", "--port", str(self.port)]  # fmt: skip
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("bench server did not start")

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=15)
            self.proc = None


def annotation_shapes(rng: np.random.Generator, boxes: int = 3) -> list:
    """Boxes as the canvas makes them: display-pixel clicks scaled to original pixels
    (1920/1280 = 1.5, so half the coordinates have a .5)."""
    scale = ORIGINAL_W / DISPLAY_W
    shapes = []
    for _ in range(boxes):
        x, y = int(rng.integers(0, DISPLAY_W - 120)), int(rng.integers(0, 600))
        w, h = int(rng.integers(10, 120)), int(rng.integers(10, 120))
        shapes.append(box_shape(LABELS[int(rng.integers(0, 5))], x * scale, y * scale, (x + w) * scale, (y + h) * scale))
    return shapes


def pull_all(store: Store, client: SyncClient) -> None:
    """The change feed into the store, page by page (what sync_once's pull does, minus retries)."""
    while True:
        page = client.changes(store.cursor())
        store.apply_changes(page.changes, page.cursor)
        if not page.has_more:
            return


def push_all(store: Store, client: SyncClient) -> int:
    """The outbox to the server as a sync pushes it (``push_outbox``: the requests sized to
    the link, up to 500 records, the next rows taken while one is with the server);
    returns how many the server accepted."""
    return push_outbox(store, client).accepted


def build(root: Path, count: int) -> tuple[Path, Path]:
    """Server data dir and desktop data dir, the outbox holding ``count`` annotations."""
    server_dir, desktop_dir = root / "server", root / "desktop"
    seed_server(server_dir, count)
    with LiveServer(server_dir) as server:
        client = SyncClient(server.url)
        store = Store(desktop_dir)
        store.remember_login(server.url, PASSWORD, client.login(USER, PASSWORD))
        pull_all(store, client)
        rng = np.random.default_rng(5)
        for item_id in range(1, count + 1):
            store.save_shapes(item_id, annotation_shapes(rng), int(rng.integers(2000, 60000)))
        assert store.outbox_count() == count
        store.close()
        client.close()
    return server_dir, desktop_dir


def fresh_copy(snapshot: Path, dest: Path) -> Path:
    shutil.copytree(snapshot, dest)
    return dest


class CountingRelay:
    """A TCP relay between client and server that counts every byte each way:
    HTTP headers, chunking and gzip bodies included — what the link carries."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.up = self.down = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, way: str) -> None:
        try:
            while data := src.recv(65536):
                with self.lock:
                    setattr(self, way, getattr(self, way) + len(data))
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()
