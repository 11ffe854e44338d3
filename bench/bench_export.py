"""COCO export of a big order: wall time and peak memory of the real ``aidou-server export``.

An order of N items is written straight into a SQLite server database (SQLAlchemy
Core executemany, no HTTP, no image decoding): a mix of finished, "no objects",
unfinished, only-conflicted and conflicted items, a third accepted, 1–4 boxes a
finished item, some duplicate names (so unique file names are made), and 16 small
original JPEGs shared by the items (one with an EXIF turn, re-encoded on export).

The export runs in a child process (``python -m sync_server.cli export``) under a
small wrapper whose ``RUSAGE_CHILDREN`` peak RSS is the export's own (see
``_WRAPPER``). Full export (images copied) and ``--annotations-only``, for 200k
items, and for 1M when ``AIDOU_BENCH_EXPORT_1M=1``: building that database takes
about a minute and a half, but its full export writes 930,000 image files, which
take minutes to write and as long again to delete on a disk
(``AIDOU_BENCH_EXPORT_1M=1 python -m bench export``).
``python -m bench.bench_export 50000`` runs the sizes you name.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import cv2
import numpy as np
from sqlalchemy import func, select

from sync_server.db.accounts import create_office, create_user
from sync_server.db.blobs import BlobStore, record_blob
from sync_server.db.engine import default_db_url, make_engine, write_transaction
from sync_server.db.tables import annotations, batches, items, offices, orders, users
from sync_server.protocol import TASK_BBOX, Label, LabelSchema, to_wire

ROOT = Path(__file__).resolve().parents[1]
SIZES = (200_000,)
BIG = 1_000_000
BIG_ENV = "AIDOU_BENCH_EXPORT_1M"
BUDGET_MIB = 300  # issue 12: 1M items in ≤ 300 MiB peak RSS
LABELS = ["car", "truck", "bus", "pedestrian", "cyclist"]
ORDER_NAME = "导出压测"
OFFICE = "压测基地"
FILES = 16
CHUNK = 20_000
BATCH_SIZE = 100


def _with_exif_orientation(jpeg: bytes, orientation: int) -> bytes:
    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack("<I", 0)
    payload = b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def _originals() -> list[bytes]:
    """``FILES`` small JPEGs (64×48); the last carries EXIF orientation 6 (turned 90°)."""
    rng = np.random.default_rng(12)
    out = []
    for i in range(FILES):
        jpeg = cv2.imencode(".jpg", rng.integers(0, 255, (48, 64, 3), dtype=np.uint8))[1].tobytes()
        out.append(_with_exif_orientation(jpeg, 6) if i == FILES - 1 else jpeg)
    return out


def _revision_id(order_id: int, n: int) -> str:
    return f"{order_id:08x}-0000-7000-8000-{n:012x}"


def _boxes(i: int) -> list[dict]:
    shapes = []
    for k in range(1 + i % 4):
        x, y = (i * 7 + k * 131) % 1700 + 0.5, (i * 13 + k * 71) % 900
        label = LABELS[(i + k) % len(LABELS)]
        shapes.append({"kind": "box", "label": label, "points": [[x, y], [x + 40 + k * 9, y + 30.5]]})
    return shapes


def _office_and_people(conn) -> tuple[int, int, int]:
    """The bench office, its annotator and its lead: made once per database."""
    office = conn.execute(select(offices.c.id).where(offices.c.name == OFFICE)).scalar()
    if office is None:
        office = create_office(conn, OFFICE)
        create_user(conn, office, "bench_anno", "标注员一", "annotator", "bench123")
        create_user(conn, office, "bench_lead", "组长", "lead", "bench123")
    people = dict(conn.execute(select(users.c.username, users.c.id).where(users.c.office_id == office)).all())
    return office, people["bench_anno"], people["bench_lead"]


def build_order(data_dir: Path, count: int) -> int:
    """One order of ``count`` items with their annotations in the server database of
    ``data_dir`` (``default_db_url``: SQLite in the folder, or ``$AIDOU_DB_URL``); its id.
    Another call adds another order (PostgreSQL tests share one database).

    The item at position i (1-based) is: unfinished when i % 20 == 0; only conflicted
    when i % 50 == 1; "no objects" when i % 25 == 2; else finished with 1–4 boxes, and
    accepted by the lead when i % 3 == 0, with an open conflict too when i % 40 == 3.
    Items at i % 1000 == 7 repeat the name of the item before (cam2/frame_0000006.jpg),
    and the original of i % 16 == 15 carries an EXIF turn."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(default_db_url(data_dir))
    blob_store = BlobStore(data_dir / "blobs")
    now = datetime.now(timezone.utc)
    with write_transaction(engine) as conn:
        office, anno, lead = _office_and_people(conn)
        shas = []
        for data in _originals():
            sha = blob_store.put(data)
            record_blob(conn, sha, len(data), "original")
            shas.append(sha)
        schema = LabelSchema(1, [Label(name, name, "#e6194b") for name in LABELS])
        order_id = conn.execute(
            orders.insert().values(office_id=office, name=ORDER_NAME, task_kind=TASK_BBOX, schema=to_wire(schema),
                                   guidelines="", price_cents=10, created_at=now)  # fmt: skip
        ).inserted_primary_key[0]
        first_batch = (conn.execute(select(func.max(batches.c.id))).scalar() or 0) + 1
        before = conn.execute(select(func.max(items.c.id))).scalar() or 0  # item ids: before + position
        batch_count = -(-count // BATCH_SIZE)
        conn.execute(batches.insert(), [{"id": first_batch + b, "order_id": order_id, "name": f"批次 {b + 1:05d}",
                                         "annotator_id": anno, "lease_until": now} for b in range(batch_count)])  # fmt: skip
    # a transaction a chunk: one of a million rows would grow SQLite's WAL past a gigabyte
    revision = 0
    for start in range(1, count + 1, CHUNK):
        item_rows, annotation_rows = [], []
        for i in range(start, min(start + CHUNK, count + 1)):
            batch_id = first_batch + (i - 1) // BATCH_SIZE
            n = i - (i % 1000 == 7)
            row = {"id": before + i, "order_id": order_id, "batch_id": batch_id, "name": f"cam{n % 4}/frame_{n:07d}.jpg",
                   "width": 64, "height": 48, "original_sha256": shas[i % FILES], "display_sha256": shas[i % FILES],
                   "display_size": 1000, "display_width": 64, "display_height": 48, "head_annotation_id": None,
                   "head_annotator_id": None, "review_verdict": None, "review_annotation_id": None,
                   "reviewer_id": None, "reviewed_at": None}  # fmt: skip
            revisions = []  # (shapes, conflict)
            if i % 20 == 0:
                pass
            elif i % 50 == 1:
                revisions.append((_boxes(i), True))
            else:
                revisions.append(([] if i % 25 == 2 else _boxes(i), False))
                if i % 40 == 3:
                    revisions.append((_boxes(i + 1), True))
            for shapes, conflict in revisions:
                revision += 1
                rid = _revision_id(order_id, revision)
                annotation_rows.append({
                    "id": rid, "item_id": before + i, "batch_id": batch_id, "annotator_id": anno, "base_id": None,
                    "shapes": shapes, "schema_version": 1, "time_spent_ms": 5000, "client_time": None,
                    "received_at": now, "conflict": conflict, "conflict_code": "not_head" if conflict else None,
                    "conflict_reason": "base is not the head" if conflict else None, "device_id": "bench",
                    "resolved_by": None, "resolved_at": None, "flag": None,
                })  # fmt: skip
                if not conflict:
                    row.update(head_annotation_id=rid, head_annotator_id=anno)
                    if i % 3 == 0:
                        row.update(review_verdict="accept", review_annotation_id=rid, reviewer_id=lead,
                                   reviewed_at=now)  # fmt: skip
            item_rows.append(row)
        with write_transaction(engine) as conn:
            conn.execute(items.insert(), item_rows)
            conn.execute(annotations.insert(), annotation_rows)
    engine.dispose()
    return order_id


def expected_exported(count: int) -> int:
    return sum(1 for i in range(1, count + 1) if i % 20 != 0 and i % 50 != 1)


# The export runs under this small wrapper, whose RUSAGE_CHILDREN peak is the export's
# alone. Spawned straight from the bench, a child's ru_maxrss would start from the
# bench's own high-water mark (Linux carries it across the vfork and exec), and the
# bench holds hundreds of MB after building a big order.
_WRAPPER = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - t0
with open(sys.argv[1], "w") as f:
    f.write(f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {seconds}")
sys.exit(code)
"""


def run_export(data_dir: Path, order: str, out: Path, *options: str, code_root: Path = ROOT) -> dict:
    """``aidou-server export`` in a child process: its wall time, peak RSS (MiB), and output."""
    env = dict(os.environ, PYTHONPATH=str(code_root) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    cmd = [sys.executable, "-m", "sync_server.cli", "export", order, "--format", "coco", "--out", str(out),
           "--data-dir", str(data_dir), *options]  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        figures = Path(scratch) / "figures"
        done = subprocess.run([sys.executable, "-c", _WRAPPER, str(figures), *cmd], cwd=code_root, env=env,
                              capture_output=True, text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(f"export failed ({done.returncode}): {done.stderr[-2000:]}")
        max_rss_kib, seconds = figures.read_text().split()
    report = json.loads((out / "export_report.json").read_text(encoding="utf-8"))
    return {"seconds": float(seconds), "peak_mib": int(max_rss_kib) / 1024, "counts": report["counts"],
            "stdout": done.stdout, "json_mib": (out / "annotations.json").stat().st_size / 2**20}  # fmt: skip


def _row(label: str, count: int, result: dict) -> str:
    per_item = result["peak_mib"] * 2**20 / count
    budget = f"  ({result['peak_mib'] / BUDGET_MIB:.2f}× the 300 MiB budget)" if count >= BIG else ""
    return (f"  {label:<24} {result['seconds']:7.1f} s   peak RSS {result['peak_mib']:7.1f} MiB"
            f"  ({per_item:6.0f} B/item)   annotations.json {result['json_mib']:6.0f} MiB{budget}")  # fmt: skip


def bench_size(root: Path, count: int, modes: tuple[tuple[str, tuple[str, ...]], ...]) -> list[str]:
    data_dir = root / f"data{count}"
    t0 = time.perf_counter()
    order_id = build_order(data_dir, count)
    lines = [f"export {count:,} items (built in {time.perf_counter() - t0:.0f} s)"]
    for label, options in modes:
        out = root / f"out{count}"
        result = run_export(data_dir, str(order_id), out, *options)
        assert result["counts"]["items"] == count, result["counts"]
        assert result["counts"]["exported"] == expected_exported(count), result["counts"]
        lines.append(_row(label, count, result))
        shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(data_dir, ignore_errors=True)
    return lines


MODES = (("full (images copied)", ()), ("--annotations-only", ("--annotations-only",)))


def run(sizes: tuple[int, ...] | None = None) -> str:
    if sizes is None:
        sizes = SIZES + ((BIG,) if os.environ.get(BIG_ENV) == "1" else ())
    root = Path(tempfile.mkdtemp(prefix="aidou-bench-export-"))
    lines = []
    try:
        for count in sizes:
            lines += bench_size(root, count, MODES)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if BIG not in sizes:
        lines.append(f"  (1M items: set {BIG_ENV}=1; budget ≤ {BUDGET_MIB} MiB peak RSS)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(run(tuple(int(n) for n in sys.argv[1:]) or None))
