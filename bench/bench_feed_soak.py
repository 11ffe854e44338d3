"""Feed soak: several server processes on one database, annotators pushing, leads pulling.

ADR 0012's promise under real concurrency: a reader that stores the highest seq it saw
never skips a change that commits later. Four ``aidou-server serve`` processes share
one database (PostgreSQL by default, a throw-away cluster unless ``--db`` names one);
annotator threads push revisions of their items through all four, round robin, while
lead threads pull the office feed through all four; when the pushes stop, the readers
drain the feed, and every stored revision must have reached every reader exactly once,
in increasing seq order.

``run()`` (``python -m bench feed_soak``) pushes ≥ 100,000 revisions on PostgreSQL;
``tests/server/test_pg_feed_order.py`` runs 10,000 on each engine. ``python -m
bench.bench_feed_soak --no-feed-lock`` starts the servers with the feed lock taken
out, to show the gap the lock closes (the issue measured 136 and 236 missed of 18,000).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import cv2
import numpy as np
import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sync_server.db.accounts import create_office, create_user, issue_token  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import make_engine, write_transaction  # noqa: E402
from sync_server.db.tables import batches, items  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.protocol import PROTOCOL_VERSION, TASK_BBOX, VERSION_HEADER, Label, LabelSchema, uuid7  # noqa: E402

SCHEMA = LabelSchema(1, [Label("car", "轿车", "#e6194b"), Label("bus", "公交车", "#4363d8")])
WIDTH, HEIGHT = 64, 48
# the servers, as an admin would run them; the control run patches the feed lock away first
_SERVE = "from sync_server.cli import main; import sys; sys.exit(main(sys.argv[1:]))"
_SERVE_WITHOUT_LOCK = "import sync_server.db.feed as feed; feed.lock_feed = lambda conn: None; " + _SERVE


@dataclass
class SoakWorld:
    lead_tokens: list[str]
    annotators: dict[str, tuple[str, int, list[int]]]  # name → (token, batch id, item ids)


@dataclass
class Reader:
    name: str
    seen: Counter = field(default_factory=Counter)
    seqs: list[int] = field(default_factory=list)
    pages: int = 0
    out_of_order: int = 0
    cursor: str = ""


def build_world(url: str, data_dir: Path, annotators: int, items_each: int, leads: int = 2) -> SoakWorld:
    """An office, ``leads`` leads, ``annotators`` annotators each leasing a batch of
    ``items_each`` tiny items; bearer tokens issued directly (no argon2 per login)."""
    from bench.live_server import _one_decode_per_file

    data_dir.mkdir(parents=True, exist_ok=True)
    image = data_dir.parent / "soak-frame.png"
    cv2.imwrite(str(image), np.zeros((HEIGHT, WIDTH, 3), np.uint8))
    engine = make_engine(url)
    try:
        with _one_decode_per_file(), write_transaction(engine) as conn:
            office = create_office(conn, "压测基地")
            lead_tokens = [issue_token(conn, create_user(conn, office, f"lead{n}", f"组长{n}", "lead", "pw123456"))
                           for n in range(1, leads + 1)]  # fmt: skip
            order = import_order(conn, BlobStore(data_dir / "blobs"), office, "压测订单", TASK_BBOX, SCHEMA, "",
                                 [image] * (annotators * items_each), batch_size=items_each)  # fmt: skip
            batch_ids = conn.execute(select(batches.c.id).where(batches.c.order_id == order)
                                     .order_by(batches.c.id)).scalars().all()  # fmt: skip
            until = utc_now() + timedelta(days=7)
            people = {}
            for n, batch_id in enumerate(batch_ids, 1):
                user_id = create_user(conn, office, f"anno{n}", f"标注员{n}", "annotator", "pw123456")
                lease_batch(conn, batch_id, user_id, until)
                item_ids = conn.execute(select(items.c.id).where(items.c.batch_id == batch_id)
                                        .order_by(items.c.id)).scalars().all()  # fmt: skip
                people[f"anno{n}"] = (issue_token(conn, user_id), batch_id, item_ids)
    finally:
        engine.dispose()
    return SoakWorld(lead_tokens, people)


class Servers:
    """``count`` ``aidou-server serve`` processes on loopback ports, one database."""

    def __init__(self, data_dir: Path, url: str, count: int, feed_lock: bool = True) -> None:
        from tests.desktop.server_process import free_port

        self.ports = [free_port() for _ in range(count)]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        env = dict(os.environ, PYTHONPATH=str(ROOT), AIDOU_DB_URL=url)
        env.pop("AIDOU_DATA_DIR", None)
        code = _SERVE if feed_lock else _SERVE_WITHOUT_LOCK
        self.logs = [data_dir.parent / f"soak-server-{port}.log" for port in self.ports]
        self.procs = []
        for port, log in zip(self.ports, self.logs):
            with open(log, "wb") as out:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-c", code, "serve", "--data-dir", str(data_dir), "--host", "127.0.0.1",
                     "--port", str(port)], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT))  # fmt: skip
        try:
            self._wait()
        except BaseException:
            self.stop()
            raise

    def _wait(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        for url, proc, log in zip(self.urls, self.procs, self.logs):
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"a soak server exited: {log.read_text(errors='replace')[-2000:]}")
                try:
                    if requests.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"a soak server did not answer: {log.read_text(errors='replace')[-2000:]}")
                time.sleep(0.1)

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


def _headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", VERSION_HEADER: str(PROTOCOL_VERSION)}


def _revision(item_id: int, batch_id: int, base_id: str | None, n: int) -> dict:
    x = n % (WIDTH - 20)
    return {
        "id": uuid7(), "item_id": item_id, "batch_id": batch_id, "base_id": base_id,
        "shapes": [{"kind": "box", "label": "car", "points": [[x, 2], [x + 15, 30]]}],
        "time_spent_ms": 1000 + n, "client_time": "2026-11-30T10:00:00Z",
    }  # fmt: skip


def soak(url: str, data_dir: Path, revisions: int, servers: int = 4, annotators: int = 4, readers: int = 2,
         records_per_push: int = 25, feed_lock: bool = True, page: int = 200, log=print) -> dict:  # fmt: skip
    """Push ``revisions`` revisions through ``servers`` processes while ``readers`` leads
    pull; the figures, and every revision a reader missed or saw twice."""
    world = build_world(url, data_dir, annotators, records_per_push, leads=readers)
    fleet = Servers(data_dir, url, servers, feed_lock=feed_lock)
    stored: list[str] = []
    stored_lock = threading.Lock()
    errors: list[BaseException] = []
    writers_done = threading.Event()
    per_writer = -(-revisions // (annotators * records_per_push))  # pushes each, rounded up
    push_seconds: list[float] = []
    server_turn = itertools.count()

    def annotate(name: str) -> None:
        token, batch_id, item_ids = world.annotators[name]
        heads: dict[int, str | None] = dict.fromkeys(item_ids)
        http = requests.Session()
        try:
            for round_ in range(per_writer):
                records = [_revision(item, batch_id, heads[item], round_) for item in item_ids]
                target = fleet.urls[next(server_turn) % len(fleet.urls)]
                t0 = time.perf_counter()
                answer = http.post(target + "/api/v1/push", json={"annotations": records}, headers=_headers(token),
                                   timeout=120)  # fmt: skip
                push_seconds.append(time.perf_counter() - t0)
                answer.raise_for_status()
                kept = []
                for record, result in zip(records, answer.json()["results"]):
                    if result["status"] not in ("accepted", "conflict"):
                        raise AssertionError(f"push refused {record['id']}: {result}")
                    kept.append(record["id"])
                    if result["status"] == "accepted":
                        heads[record["item_id"]] = record["id"]
                with stored_lock:
                    stored.extend(kept)
        except BaseException as exc:  # noqa: BLE001 — reported by soak()
            errors.append(exc)
        finally:
            http.close()

    def pull(reader: Reader, token: str, drain: bool) -> int:
        """One page from the next server; the number of rows it carried."""
        target = fleet.urls[next(server_turn) % len(fleet.urls)]
        answer = reader_http[reader.name].get(target + "/api/v1/changes", params={"since": reader.cursor, "limit": page},
                                              headers=_headers(token), timeout=120)  # fmt: skip
        answer.raise_for_status()
        body = answer.json()
        for change in body["changes"]:
            if reader.seqs and change["seq"] <= reader.seqs[-1]:
                reader.out_of_order += 1
            reader.seqs.append(change["seq"])
            if change["kind"] == "annotation":
                reader.seen[change["data"]["id"]] += 1
        reader.cursor = body["cursor"]
        reader.pages += 1
        return len(body["changes"]) + (1 if body["has_more"] else 0)

    reader_http = {}

    def read(reader: Reader, token: str) -> None:
        reader_http[reader.name] = requests.Session()
        try:
            while not writers_done.is_set():
                if pull(reader, token, drain=False) == 0:
                    time.sleep(0.005)
            while pull(reader, token, drain=True):  # everything is committed now: read to the end
                pass
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    the_readers = [Reader(f"lead{n}") for n in range(1, readers + 1)]
    reader_threads = [threading.Thread(target=read, args=(r, t)) for r, t in zip(the_readers, world.lead_tokens)]
    writer_threads = [threading.Thread(target=annotate, args=(name,)) for name in world.annotators]
    try:
        for t in reader_threads:
            t.start()
        t0 = time.perf_counter()
        for t in writer_threads:
            t.start()
        for t in writer_threads:
            t.join()
        push_elapsed = time.perf_counter() - t0
        writers_done.set()
        for t in reader_threads:
            t.join()
    finally:
        writers_done.set()
        fleet.stop()
        for http in reader_http.values():
            http.close()
    if errors:
        raise errors[0]
    wanted = set(stored)
    result = {
        "engine": url.split(":", 1)[0].split("+", 1)[0],
        "servers": servers,
        "annotators": annotators,
        "readers": readers,
        "feed_lock": feed_lock,
        "revisions": len(stored),
        "push_seconds": push_elapsed,
        "revisions_per_s": len(stored) / push_elapsed,
        "pushes_per_s": len(push_seconds) / push_elapsed,
        "push_p50_ms": 1000 * sorted(push_seconds)[len(push_seconds) // 2],
        "missed": {r.name: len(wanted - set(r.seen)) for r in the_readers},
        "seen_twice": {r.name: sum(1 for i in wanted if r.seen[i] > 1) for r in the_readers},
        "out_of_order": {r.name: r.out_of_order for r in the_readers},
        "pages": {r.name: r.pages for r in the_readers},
    }
    return result


def describe(result: dict) -> str:
    missed = sum(result["missed"].values())
    return (
        f"{result['engine']}, {result['servers']} server processes, {result['annotators']} annotators pushing, "
        f"{result['readers']} leads pulling{'' if result['feed_lock'] else ' — WITHOUT the feed lock'}:\n"
        f"  {result['revisions']:,} revisions pushed in {result['push_seconds']:.1f} s: "
        f"{result['revisions_per_s']:,.0f} revisions/s, {result['pushes_per_s']:.1f} pushes/s "
        f"(p50 {result['push_p50_ms']:.0f} ms a push)\n"
        f"  missed by readers: {result['missed']} (total {missed} of {result['revisions'] * result['readers']:,} "
        f"deliveries); seen twice: {result['seen_twice']}; seqs out of order: {result['out_of_order']}; "
        f"pages read: {result['pages']}"
    )


@dataclass
class _Database:
    url: str
    cleanup: object = None


def _database(url: str | None) -> _Database:
    if url:
        return _Database(url)
    from tests.db_engines import PostgresCluster

    cluster = PostgresCluster().start()
    cluster.admin_sql("CREATE DATABASE soak")
    return _Database(cluster.url("soak"), cluster.stop)


def run(revisions: int = 100_000, url: str | None = None, feed_lock: bool = True) -> str:
    database = _database(url)
    scratch = Path(tempfile.mkdtemp(prefix="aidou-soak-"))
    try:
        result = soak(database.url, scratch / "data", revisions, feed_lock=feed_lock)
    finally:
        if database.cleanup:
            database.cleanup()
        shutil.rmtree(scratch, ignore_errors=True)
    return describe(result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--revisions", type=int, default=100_000)
    parser.add_argument("--db", help="a database URL to soak (default: a throw-away PostgreSQL cluster)")
    parser.add_argument("--no-feed-lock", action="store_true", help="servers without the feed lock: shows the gap")
    args = parser.parse_args(argv)
    print(run(args.revisions, args.db, feed_lock=not args.no_feed_lock))
    return 0


if __name__ == "__main__":
    sys.exit(main())
