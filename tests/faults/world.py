"""A fresh server data dir for fault tests: an office, a lead, annotators, one order.

Built in-process with the server's own functions (``import_order``, ``lease_batch``)
from small generated JPEGs, then served by the real ``aidou-server serve`` subprocess.
On a PostgreSQL run each world gets a database of its own (``tests/db_engines.py``).
"""

from __future__ import annotations

import sqlite3
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sync_server.db.accounts import create_office, create_user
from sync_server.db.blobs import BlobStore
from sync_server.db.clock import utc_now
from sync_server.db.engine import make_engine, write_transaction
from sync_server.db.tables import batches
from sync_server.orders.importing import import_order
from sync_server.orders.leasing import lease_batch
from sync_server.protocol import TASK_BBOX, Label, LabelSchema
from tests import db_engines

PASSWORD = "pw123456"
LEAD = "lead"
SCHEMA = LabelSchema(1, [Label("car", "轿车", "#e6194b"), Label("bus", "公交车", "#4363d8")])


def make_images(folder: Path, count: int, seed: int = 1, size: tuple[int, int] = (320, 240)) -> list[Path]:
    """``count`` distinct small JPEGs (≈ 10 kB each: some noise keeps them honest)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    width, height = size
    paths = []
    for i in range(count):
        img = np.zeros((height, width, 3), np.uint8)
        img[:] = (i * 7 % 255, i * 13 % 255, 128)
        for _ in range(4):
            x, y = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 30))
            color = tuple(int(c) for c in rng.integers(0, 255, 3))
            cv2.rectangle(img, (x, y), (x + 40, y + 30), color, -1)
        cv2.putText(img, str(i), (10, height - 40), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        img = cv2.add(img, rng.integers(0, 16, img.shape, dtype=np.uint8))
        path = folder / f"img{i:05d}.jpg"
        cv2.imwrite(str(path), img, [cv2.IMWRITE_JPEG_QUALITY, 85])
        paths.append(path)
    return paths


def build_world(data_dir: Path, annotators: int = 3, batch_size: int = 20, seed: int = 1,
                price_cents: int = 0, db_url: str | None = None) -> dict[str, int]:  # fmt: skip
    """One batch of ``batch_size`` images per annotator (anno1…annoN), leased for 30 days,
    in a new database (``db_url``, else the engine's own: ``db_engines.new_server_database``).

    Returns user ids by name."""
    data_dir.mkdir(parents=True, exist_ok=True)
    images = make_images(data_dir.parent / f"{data_dir.name}-images", annotators * batch_size, seed)
    engine = make_engine(db_url or db_engines.new_server_database(data_dir))
    try:
        with write_transaction(engine) as conn:
            office = create_office(conn, "故障测试基地")
            ids = {LEAD: create_user(conn, office, LEAD, "组长", "lead", PASSWORD)}
            for n in range(1, annotators + 1):
                ids[f"anno{n}"] = create_user(conn, office, f"anno{n}", f"标注员{n}", "annotator", PASSWORD)
            order = import_order(conn, BlobStore(data_dir / "blobs"), office, "故障测试订单", TASK_BBOX,
                                 SCHEMA, "框出车辆", images, batch_size=batch_size, price_cents=price_cents)  # fmt: skip
            batch_ids = conn.execute(batches.select().with_only_columns(batches.c.id)
                                     .where(batches.c.order_id == order).order_by(batches.c.id)).scalars().all()  # fmt: skip
            until = utc_now() + timedelta(days=30)
            for n, batch_id in enumerate(batch_ids, 1):
                lease_batch(conn, batch_id, ids[f"anno{n}"], until)
    finally:
        engine.dispose()
    return ids


def server_annotation_ids(data_dir: Path) -> Counter:
    """How many rows each annotation id has in the server's database (opened read-only)."""
    return Counter(r[0] for r in server_rows(data_dir, "SELECT id FROM annotations"))


def server_rows(data_dir: Path, sql: str, params=()) -> list[tuple]:
    """Rows of ``sql`` (``?`` placeholders) from the database of ``data_dir``'s server;
    SQLite's opened read-only. Booleans come back as 0/1 on both engines."""
    url = db_engines.url_for(data_dir)
    if url.startswith("postgresql"):
        return db_engines.pg_rows(url, sql.replace("?", "%s"), tuple(params))
    conn = sqlite3.connect(f"file:{data_dir / 'server.db'}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
