"""Load: the real sync server on loopback and N simulated annotators at once.

One office, N annotators, each leasing a batch of ``ITEMS_EACH`` items whose display copies
are real 720×540 WebPs of ~30 kB (16 distinct pictures). Seeded straight into the database
before the server starts, then ``aidou-server serve`` runs as an admin would: on SQLite
one process; on PostgreSQL ``--workers`` processes (4) on one database, each on its own
port, every annotator kept to one of them (as behind a load balancer).

Every annotator is a thread (``bench/load_clients.py``) from its own loopback address:
it logs in, pulls the feed from the start, downloads its batch's images; when the whole
office has, all of them loop together: push 20 revisions (``push_body``, as the desktop
sends them), pull the feed to its end, and every third round download the next image.
Nobody waits between requests, so the figures are the server's capacity under N people,
not a day's pace. After ``WARMUP_SECONDS`` the answers are counted for ``--seconds``;
``MAX_REQUESTS`` ends a configuration early whatever the speed.

The clients share this machine's cores with the server: their CPU is shown beside the
figures. Server RSS is the sum over the server processes and their children, read from
/proc every 0.2 s; its peak is shown for the load and for the start-up (argon2 logins).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import resource
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
from sqlalchemy import create_engine, make_url, select, text

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_feed_soak import Servers, _database  # noqa: E402
from bench.bench_login import _percentile, rss_bytes  # noqa: E402
from bench.live_server import SCHEMA, _one_decode_per_file  # noqa: E402
from bench.load_clients import RECORDS_PER_PUSH, TIMEOUT, Annotator, Sample, Tally  # noqa: E402
from sync_server.db import accounts  # noqa: E402
from sync_server.db.accounts import create_office, create_user  # noqa: E402
from sync_server.db.blobs import BlobStore  # noqa: E402
from sync_server.db.clock import utc_now  # noqa: E402
from sync_server.db.engine import DB_FILE_NAME, make_engine, write_transaction  # noqa: E402
from sync_server.db.tables import batches  # noqa: E402
from sync_server.orders.importing import import_order  # noqa: E402
from sync_server.orders.leasing import lease_batch  # noqa: E402
from sync_server.protocol import TASK_BBOX  # noqa: E402

CLIENTS = (50, 200)
ENGINES = ("sqlite", "postgresql")
SECONDS = 20.0
WARMUP_SECONDS = 3.0
PG_WORKERS = 4
MAX_REQUESTS = 100_000  # a configuration's hard cap, whatever the speed
ITEMS_EACH = 2 * RECORDS_PER_PUSH  # at least RECORDS_PER_PUSH: a push never carries an item twice
PICTURES = 16
PASSWORD = "load-pass-1"
SAMPLE_EVERY = 0.2  # seconds between RSS readings
MIB = 1024 * 1024


# ------------------------------------------------------------------ the office


def make_pictures(folder: Path) -> list[Path]:
    """``PICTURES`` 800×600 JPEGs, detailed enough for display copies of ~30 kB (the budget is 40 kB)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    paths = []
    for n in range(PICTURES):
        blotches = rng.integers(0, 256, (15, 20, 3), dtype=np.uint8)  # smooth colour, then grain on top
        coarse = cv2.resize(blotches, (800, 600), interpolation=cv2.INTER_CUBIC)
        path = folder / f"picture-{n:02}.jpg"
        cv2.imwrite(str(path), cv2.add(coarse, rng.integers(0, 40, coarse.shape, dtype=np.uint8)))
        paths.append(path)
    return paths


@contextmanager
def _one_hash_per_password():
    """Every annotator has the same password: hash it once, not at ~0.1 s an account."""
    hasher = accounts.password_hasher
    accounts.password_hasher = SimpleNamespace(hash=functools.cache(hasher.hash))
    try:
        yield
    finally:
        accounts.password_hasher = hasher


def seed(url: str, data_dir: Path, pictures: list[Path], clients: int) -> list[str]:
    """One office, ``clients`` annotators each leasing a batch of ``ITEMS_EACH`` items; their usernames."""
    data_dir.mkdir(parents=True, exist_ok=True)
    paths = [pictures[n % len(pictures)] for n in range(clients * ITEMS_EACH)]
    engine = make_engine(url)
    names = []
    try:
        with _one_decode_per_file(), _one_hash_per_password(), write_transaction(engine) as conn:
            office = create_office(conn, "压测基地")
            order = import_order(conn, BlobStore(data_dir / "blobs"), office, "压测订单", TASK_BBOX, SCHEMA, "",
                                 paths, batch_size=ITEMS_EACH)  # fmt: skip
            batch_ids = conn.execute(select(batches.c.id).where(batches.c.order_id == order)
                                     .order_by(batches.c.id)).scalars().all()  # fmt: skip
            until = utc_now() + timedelta(days=7)
            for n, batch_id in enumerate(batch_ids, 1):
                names.append(f"anno{n:03}")
                user_id = create_user(conn, office, names[-1], f"标注员{n}", "annotator", PASSWORD)
                lease_batch(conn, batch_id, user_id, until)
    finally:
        engine.dispose()
    return names


@contextmanager
def fresh_database(engine: str, base_url: str | None, data_dir: Path, name: str):
    """The URL of an empty database for one configuration: SQLite in the data dir, or a new
    PostgreSQL database beside ``base_url``'s, dropped afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{data_dir / DB_FILE_NAME}"
        return
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


# ------------------------------------------------------------------ the server's memory


class RssPeaks:
    """The summed RSS of the server processes (each with its children) every
    ``SAMPLE_EVERY`` seconds in a thread; the peak of each phase."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.phase = pids, "start-up"
        self.peaks: Counter = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(rss_bytes(pid) for pid in self.pids)
            self.peaks[self.phase] = max(self.peaks[self.phase], total)
            self._stop.wait(SAMPLE_EVERY)

    def __enter__(self) -> RssPeaks:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------ one configuration


def _address(n: int) -> str:
    """The nth annotator's loopback address: one PC each, so no address's login limit is shared."""
    return f"127.0.{2 + n // 250}.{1 + n % 250}"


def _life(annotator: Annotator, synced: threading.Barrier, stop: threading.Event) -> None:
    try:
        annotator.start_up()
    except Exception as exc:  # noqa: BLE001 — an answer this benchmark cannot read: reported, never a hang
        annotator.tally.add("crash", 0.0, error=f"start-up: {exc!r}")
    synced.wait()  # the loop starts when the whole office has synced once
    try:
        if annotator.started:
            annotator.work(stop)
    except Exception as exc:  # noqa: BLE001
        annotator.tally.add("crash", 0.0, error=f"load: {exc!r}")
    finally:
        annotator.close()


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _window(tally: Tally, seconds: float) -> tuple[float, float, float]:
    """Wait out the warm-up, then the counted seconds: their start, their end, and this
    process's CPU over them (the clients' share of the machine)."""
    time.sleep(WARMUP_SECONDS)
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    while time.perf_counter() - t0 < seconds and not tally.full():
        time.sleep(0.1)
    t1 = time.perf_counter()
    return t0, t1, (_cpu_seconds() - cpu0) / (t1 - t0)


def load(url: str, data_dir: Path, pictures: list[Path], clients: int, seconds: float, processes: int) -> dict:
    """Seed, serve, run ``clients`` annotators; the figures of the counted window."""
    load_before = os.getloadavg()[0]  # what else this machine was doing
    names = seed(url, data_dir, pictures, clients)
    fleet = Servers(data_dir, url, processes)
    tally = Tally(MAX_REQUESTS)
    annotators = [Annotator(fleet.urls[n % processes], name, PASSWORD, _address(n), tally, seed=n)
                  for n, name in enumerate(names)]  # fmt: skip
    synced, stop = threading.Barrier(clients + 1), threading.Event()
    threads = [threading.Thread(target=_life, args=(a, synced, stop), daemon=True) for a in annotators]
    try:
        with RssPeaks([proc.pid for proc in fleet.procs]) as rss:
            begin = time.perf_counter()
            for thread in threads:
                thread.start()
            synced.wait()
            start_up = time.perf_counter() - begin
            rss.phase = "load"
            t0, t1, client_cpu = _window(tally, seconds)
            load_avg = os.getloadavg()[0]
            stop.set()
            deadline = t1 + TIMEOUT[0] + TIMEOUT[1] + 5  # a request under way ends by then
            for thread in threads:
                thread.join(max(0.0, deadline - time.perf_counter()))
    finally:
        stop.set()
        fleet.stop()
    return {
        **figures(tally.samples, t0, t1),
        "clients": clients, "working": sum(a.started for a in annotators), "processes": processes,
        "start_up": start_up, "capped": tally.full(),
        "client_cpu": client_cpu, "load_avg": (load_before, load_avg), "rss_load": rss.peaks["load"],
        "rss_start": rss.peaks["start-up"], "server_log": server_problems(fleet.logs),
    }  # fmt: skip


def figures(samples: list[Sample], t0: float, t1: float) -> dict:
    """Throughput and latency of the answers that came in between ``t0`` and ``t1``;
    errors and logins over the whole run."""
    window = [s for s in samples if t0 <= s.end <= t1 and s.kind in ("push", "pull", "image")]
    ms = {kind: [1000 * s.seconds for s in window if s.kind == kind] for kind in ("push", "pull", "image")}
    logins = [1000 * s.seconds for s in samples if s.kind == "login"]
    pct = lambda values, q: _percentile(values, q) if values else float("nan")  # noqa: E731
    return {
        "annotations_s": sum(s.accepted for s in window) / (t1 - t0),
        "requests_s": len(window) / (t1 - t0),
        "push_p50": pct(ms["push"], 0.5), "push_p99": pct(ms["push"], 0.99),
        "pull_p50": pct(ms["pull"], 0.5), "pull_p99": pct(ms["pull"], 0.99),
        "image_p50": pct(ms["image"], 0.5), "login_p50": pct(logins, 0.5), "login_p99": pct(logins, 0.99),
        "requests": len(samples),
        "errors": Counter(s.error for s in samples if s.error),
    }  # fmt: skip


_REFUSED = re.compile(r'HTTP/1\.1" [45]\d\d ')  # an access line of a 4xx or 5xx answer
_CLIENT = re.compile(r"127\.0\.\d+\.\d+:\d+")


def server_problems(logs: list[Path]) -> Counter:
    """What went wrong by the servers' logs: 4xx/5xx access lines, ERROR and WARNING lines,
    and each traceback's exception line (its frames left out); the client's address and
    port taken out, so that alike lines count together."""
    found: Counter = Counter()
    for log in logs:
        in_traceback = False
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("Traceback"):
                in_traceback = True
            elif in_traceback and line and not line[0].isspace():
                found[line[:200]] += 1  # the exception that ended it
                in_traceback = False
            elif not in_traceback and (line.startswith(("ERROR", "WARNING", "CRITICAL")) or _REFUSED.search(line)):
                found[_CLIENT.sub("127.0.x.x", line)[:200]] += 1
    return found


# ------------------------------------------------------------------ the printout


def report(rows: list[dict], seconds: float) -> str:
    out = [
        f"load: N annotators on loopback, each in a closed loop of push {RECORDS_PER_PUSH} revisions / pull to "
        f"the end / every 3rd round the next image; {seconds:.0f} s counted after {WARMUP_SECONDS:.0f} s warm-up; "
        f"{os.cpu_count()} cores shared by clients and server",
        "  engine      procs clients  annot/s  req/s  push p50   p99  pull p50   p99  image p50  errors"
        "  RSS load  start-up   load avg  client CPU",
        *map(_row, rows),
    ]
    for r in rows:
        out += _notes(r)
    out.append("  procs: server processes (PostgreSQL: one database, each annotator kept to one process); "
               "RSS: peak of their sum, load phase / start-up phase (argon2 logins); "
               "load avg: 1 min, before seeding → at the end; client CPU: this process, % of one core")  # fmt: skip
    return "\n".join(out)


def _row(r: dict) -> str:
    return (
        f"  {r['engine']:<11} {r['processes']:5} {r['clients']:7} {r['annotations_s']:8.0f} {r['requests_s']:6.0f}"
        f" {r['push_p50']:6.0f} ms {r['push_p99']:5.0f} {r['pull_p50']:6.0f} ms {r['pull_p99']:5.0f}"
        f" {r['image_p50']:7.0f} ms {sum(r['errors'].values()):7}"
        f" {r['rss_load'] / MIB:5.0f} MiB {r['rss_start'] / MIB:5.0f} MiB"
        f" {r['load_avg'][0]:5.1f}→{r['load_avg'][1]:<4.1f} {100 * r['client_cpu']:8.0f} %"
    )  # fmt: skip


def _notes(r: dict) -> list[str]:
    """The start-up of one configuration, and what went wrong in it."""
    capped = " — stopped at the request cap" if r["capped"] else ""
    return [
        f"  {r['engine']} × {r['clients']}: {r['working']} of {r['clients']} logged in, pulled and fetched their "
        f"images in {r['start_up']:.1f} s (login p50 {r['login_p50']:.0f} ms, p99 {r['login_p99']:.0f} ms); "
        f"{r['requests']:,} requests{capped}",
        *(f"    client saw {n}× {error}" for error, n in r["errors"].most_common(5)),
        *(f"    server log {n}× {line}" for line, n in r["server_log"].most_common(5)),
    ]


def run(clients: tuple[int, ...] = CLIENTS, engines: tuple[str, ...] = ENGINES, seconds: float = SECONDS,
        workers: int = PG_WORKERS, db: str | None = None) -> str:  # fmt: skip
    scratch = Path(tempfile.mkdtemp(prefix="aidou-load-"))
    rows = []
    try:
        pictures = make_pictures(scratch / "pictures")
        for engine in engines:
            postgres = _database(db) if engine == "postgresql" else None
            try:
                for count in clients:
                    data_dir = scratch / f"{engine}-{count}" / "data"
                    with fresh_database(engine, postgres and postgres.url, data_dir, f"load_{count}") as url:
                        row = load(url, data_dir, pictures, count, seconds, workers if postgres else 1)
                    rows.append({**row, "engine": engine})
            finally:
                if postgres and postgres.cleanup:
                    postgres.cleanup()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report(rows, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=list(CLIENTS), help="annotators at once, per run")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--seconds", type=float, default=SECONDS, help="counted seconds per configuration")
    parser.add_argument("--workers", type=int, default=PG_WORKERS, help="server processes on PostgreSQL (SQLite: 1)")
    parser.add_argument("--db", help="a PostgreSQL URL to create the databases beside (default: a throw-away cluster)")
    args = parser.parse_args(argv)
    print(run(tuple(args.clients), tuple(args.engines), args.seconds, args.workers, args.db))
    return 0


if __name__ == "__main__":
    sys.exit(main())
