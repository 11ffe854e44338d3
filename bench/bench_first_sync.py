"""A lead's (and an annotator's) first sync against an office with a long history (issue 12).

The server holds ``--annotations`` revisions of history: ``annotations / edits`` items in
batches of 500, each item edited ``--edits`` times by the annotator holding its batch (in
rounds over all items, as an office works: a first pass, then fixes), and a share of the
final revisions accepted by the lead. The rows are seeded straight into the database in
bulk — the same rows, data and entity ids the server's own writers make — then served by
``aidou-server serve``. A new PC's first sync runs through ``aidou_desktop.sync.sync_once``:
compact (ADR 0021), and as a whole replay (a client that never asks compact, as before).

``python -m bench first_sync`` runs ``run()``; ``python -m bench.bench_first_sync
--annotations 1000000 [--whole-at N] [--db URL | --postgresql]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, func, select  # noqa: E402

from aidou_desktop.store import Store  # noqa: E402
from aidou_desktop.sync import CLI_POLICY, SyncClient, sync_once  # noqa: E402
from sync_server.db.accounts import create_office, create_user  # noqa: E402
from sync_server.db.bulk import JSON_TEXT, execute_many  # noqa: E402
from sync_server.db.clock import to_iso, utc_now  # noqa: E402
from sync_server.db.engine import make_engine, read_connection, write_transaction  # noqa: E402
from sync_server.db.feed import log_encoded_changes, page_query  # noqa: E402
from sync_server.db.feed_entities import review_entity, revision_entity  # noqa: E402
from sync_server.db.push import feed_json  # noqa: E402
from sync_server.db.reviews import review_wire  # noqa: E402
from sync_server.db.tables import annotations, batches, blobs, changes, items, leases, orders, reviews  # noqa: E402
from sync_server.protocol import (  # noqa: E402
    MAX_CHANGES_PAGE, TASK_BBOX, Batch, Item, Label, LabelSchema, Order, UserInfo, to_wire, uuid7,
)  # fmt: skip

PASSWORD = "bench123"
BATCH_SIZE = 500
SCHEMA = LabelSchema(1, [Label(name, name, "#e6194b") for name in ("car", "truck", "bus", "pedestrian")])
DISPLAY_SHA, ORIGINAL_SHA = "d" * 64, "e" * 64
CHUNK = 20_000  # rows a statement


@dataclass
class Office:
    """Ids of what the seed made."""

    office: int
    lead: int
    annotators: list[int]
    order: int
    batches: dict[int, list[int]] = field(default_factory=dict)  # batch id → item ids
    holder: dict[int, int] = field(default_factory=dict)  # batch id → annotator


# ---------------------------------------------------------------------- seeding


def seed(url: str, data_dir: Path, item_count: int, edits: int, annotator_count: int, reviewed: float) -> Office:
    """The office and its history, in bulk, in the server's own row shapes."""
    data_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    try:
        with write_transaction(engine) as conn:
            office = _people_and_order(conn, item_count, annotator_count)
        with write_transaction(engine) as conn:
            _import_feed(conn, office)
            _lease_all(conn, office)
        heads: dict[int, str] = {}
        for round_no in range(edits):
            with write_transaction(engine) as conn:
                heads = _edit_round(conn, office, heads, round_no)
        with write_transaction(engine) as conn:
            _accept_some(conn, office, heads, reviewed)
    finally:
        engine.dispose()
    return office


def _people_and_order(conn, item_count: int, annotator_count: int) -> Office:
    office_id = create_office(conn, "压测基地")
    lead = create_user(conn, office_id, "lead", "组长", "lead", PASSWORD)
    people = [create_user(conn, office_id, f"anno{n}", f"标注员{n}", "annotator", PASSWORD)
              for n in range(1, annotator_count + 1)]  # fmt: skip
    conn.execute(blobs.insert(), [{"sha256": DISPLAY_SHA, "size": 40_000, "kind": "display"},
                                  {"sha256": ORIGINAL_SHA, "size": 400_000, "kind": "original"}])  # fmt: skip
    order_id = conn.execute(orders.insert().values(
        office_id=office_id, name="压测订单", task_kind=TASK_BBOX, schema=to_wire(SCHEMA), guidelines="框出车辆",
        price_cents=12, created_at=utc_now(),
    )).inserted_primary_key[0]  # fmt: skip
    office = Office(office_id, lead, people, order_id)
    count = -(-item_count // BATCH_SIZE)
    conn.execute(batches.insert(), [{"order_id": order_id, "name": f"批次 {n:04d}"} for n in range(1, count + 1)])
    batch_ids = conn.execute(select(batches.c.id).where(batches.c.order_id == order_id).order_by(batches.c.id))
    batch_ids = batch_ids.scalars().all()
    keys = ("order_id", "batch_id", "name", "width", "height", "original_sha256", "display_sha256", "display_size",
            "display_width", "display_height")  # fmt: skip
    rows = [(order_id, batch_ids[n // BATCH_SIZE], f"img{n:07d}.jpg", 1920, 1080, ORIGINAL_SHA, DISPLAY_SHA,
             40_000, 1280, 720) for n in range(item_count)]  # fmt: skip
    for start in range(0, len(rows), CHUNK):
        execute_many(conn, items.insert(), keys, rows[start : start + CHUNK])
    for batch_id, item_id in conn.execute(select(items.c.batch_id, items.c.id).order_by(items.c.id)):
        office.batches.setdefault(batch_id, []).append(item_id)
    return office


def _item_wire(office: Office, batch_id: int, item_id: int) -> str:
    return orjson.dumps(to_wire(Item(item_id, office.order, batch_id, f"img{item_id:07d}.jpg", 1920, 1080,
                                     DISPLAY_SHA, 40_000, 1280, 720))).decode()  # fmt: skip


def _order_wire(office: Office) -> str:
    return orjson.dumps(to_wire(Order(office.order, "压测订单", TASK_BBOX, SCHEMA, "框出车辆", 12))).decode()


def _batch_wire(office: Office, batch_id: int, holder: int | None, until: str | None) -> str:
    batch = Batch(batch_id, office.order, f"批次 {batch_id:04d}", holder, until, office.batches[batch_id])
    return orjson.dumps(to_wire(batch)).decode()


def _log(conn, office: Office, entries: Iterator[tuple]) -> int:
    """Feed rows in chunks, in the order given; how many."""
    chunk, written = [], 0
    for entry in entries:
        chunk.append(entry)
        if len(chunk) == CHUNK:
            log_encoded_changes(conn, office.office, chunk)
            written, chunk = written + len(chunk), []
    log_encoded_changes(conn, office.office, chunk)
    return written + len(chunk)


def _import_feed(conn, office: Office) -> None:
    def entries():
        yield "order", _order_wire(office), None, f"order:{office.order}"
        for batch_id, item_ids in office.batches.items():
            yield "batch", _batch_wire(office, batch_id, None, None), None, f"batch:{batch_id}"
            for item_id in item_ids:
                yield "item", _item_wire(office, batch_id, item_id), None, f"item:{item_id}"

    _log(conn, office, entries())


def _lease_all(conn, office: Office) -> None:
    """Batches dealt round robin; each lease as ``lease_batch`` writes it."""
    until = utc_now() + timedelta(days=30)
    for n, batch_id in enumerate(office.batches):
        office.holder[batch_id] = office.annotators[n % len(office.annotators)]
    conn.execute(leases.insert(), [{"batch_id": b, "annotator_id": a, "leased_at": utc_now(), "until": until}
                                   for b, a in office.holder.items()])  # fmt: skip
    execute_many(conn, batches.update().where(batches.c.id == bindparam("b_id"))
                 .values(annotator_id=bindparam("b_holder"), lease_until=bindparam("b_until")),
                 ("b_id", "b_holder", "b_until"), [(b, a, until) for b, a in office.holder.items()])  # fmt: skip

    def entries():
        seen_order: set[int] = set()
        for batch_id, holder in office.holder.items():
            data = _batch_wire(office, batch_id, holder, to_iso(until))
            yield "batch", data, None, f"batch:{batch_id}"
            if holder not in seen_order:
                seen_order.add(holder)
                yield "order", _order_wire(office), holder, f"order:{office.order}"
            yield "batch", data, holder, f"batch:{batch_id}"
            for item_id in office.batches[batch_id]:
                yield "item", _item_wire(office, batch_id, item_id), holder, f"item:{item_id}"

    _log(conn, office, entries())


_INSERT_REVISION = annotations.insert().values(shapes=bindparam("shapes_json", type_=JSON_TEXT))
_REVISION_KEYS = ("id", "item_id", "batch_id", "annotator_id", "base_id", "schema_version", "time_spent_ms",
                  "client_time", "received_at", "conflict", "shapes_json")  # fmt: skip


def _edit_round(conn, office: Office, heads: dict[int, str], round_no: int) -> dict[int, str]:
    """One revision of every item by its batch's holder, based on the item's head."""
    now = utc_now()
    new_heads: dict[int, str] = {}
    revision_rows, feed_entries = [], []
    for batch_id, item_ids in office.batches.items():
        holder = office.holder[batch_id]
        for item_id in item_ids:
            row = _revision(item_id, batch_id, holder, heads.get(item_id), round_no, now)
            new_heads[item_id] = row["id"]
            shapes = orjson.dumps(row["shapes"]).decode()
            revision_rows.append(tuple(row[k] for k in _REVISION_KEYS[:-1]) + (shapes,))
            data, entity = feed_json(row, shapes), revision_entity(row["id"], item_id, holder, False)
            feed_entries += [("annotation", data, None, entity), ("annotation", data, holder, entity)]
    for start in range(0, len(revision_rows), CHUNK):
        execute_many(conn, _INSERT_REVISION, _REVISION_KEYS, revision_rows[start : start + CHUNK])
    execute_many(conn, items.update().where(items.c.id == bindparam("b_item"))
                 .values(head_annotation_id=bindparam("b_head"), head_annotator_id=bindparam("b_by")),
                 ("b_item", "b_head", "b_by"),
                 [(i, new_heads[i], office.holder[b]) for b, ids in office.batches.items() for i in ids])  # fmt: skip
    _log(conn, office, iter(feed_entries))
    return new_heads


def _revision(item_id: int, batch_id: int, holder: int, base: str | None, round_no: int, now) -> dict:
    x = 100 + (item_id * 37 + round_no * 11) % 1500
    shapes = [{"kind": "box", "label": "car", "points": [[x, 200.5], [x + 180, 390]]},
              {"kind": "box", "label": "bus", "points": [[x + 40, 500], [x + 300.5, 760]]}]  # fmt: skip
    return {"id": uuid7(), "item_id": item_id, "batch_id": batch_id, "annotator_id": holder, "base_id": base,
            "shapes": shapes, "schema_version": 1, "time_spent_ms": 20_000 + item_id % 9_000,
            "client_time": to_iso(now), "received_at": now, "conflict": False, "device_id": None,
            "flag": None}  # fmt: skip


def _accept_some(conn, office: Office, heads: dict[int, str], share: float) -> None:
    """The lead accepts every n-th item's head (``share`` of them), as ``apply_reviews`` writes it."""
    if share <= 0:
        return
    step, now = max(1, round(1 / share)), utc_now()
    rows, entries = [], []
    for batch_id, item_ids in office.batches.items():
        for item_id in item_ids[::step]:
            row = {"id": uuid7(), "annotation_id": heads[item_id], "item_id": item_id, "reviewer_id": office.lead,
                   "verdict": "accept", "comment": None, "client_time": None, "device_id": None,
                   "received_at": now}  # fmt: skip
            rows.append(row)
            data, entity = orjson.dumps(review_wire(row)).decode(), review_entity(item_id, True)
            entries += [("review", data, None, entity), ("review", data, office.holder[batch_id], entity)]
    for start in range(0, len(rows), CHUNK):
        conn.execute(reviews.insert(), rows[start : start + CHUNK])
    verdict = items.update().where(items.c.id == bindparam("b_item")).values(
        review_verdict=bindparam("b_verdict"), review_annotation_id=bindparam("b_rev"),
        reviewer_id=bindparam("b_by"), reviewed_at=bindparam("b_at"),
    )  # fmt: skip
    execute_many(conn, verdict, ("b_item", "b_verdict", "b_rev", "b_by", "b_at"),
                 [(r["item_id"], "accept", r["annotation_id"], office.lead, now) for r in rows])  # fmt: skip
    _log(conn, office, iter(entries))


# ---------------------------------------------------------------------- measuring


class WholeFeedClient(SyncClient):
    """A PC that never asks for the compact feed: every first sync before ADR 0021."""

    def changes(self, since: str = "", limit: int = MAX_CHANGES_PAGE, compact: bool = False):
        return super().changes(since, limit)


@dataclass
class FirstSync:
    user: str
    compact: bool
    seconds: float
    rows: int
    pages: int
    slowest_page_s: float
    wire_bytes: int
    local_bytes: int
    revisions_held: int


def first_sync(url: str, pc_dir: Path, user: str, compact: bool) -> FirstSync:
    store = Store(pc_dir)
    client = (SyncClient if compact else WholeFeedClient)(url, timeout=(5, 120))
    store.remember_login(url, PASSWORD, client.login(user, PASSWORD))
    pages: list[float] = []
    real = client.changes

    def timed(*args, **kwargs):
        t0 = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            pages.append(time.perf_counter() - t0)

    client.changes = timed
    wire = [0]  # gzip bodies as sent (Content-Length): what a slow office link carries
    client.http.hooks["response"].append(lambda resp, **_: wire.__setitem__(
        0, wire[0] + int(resp.headers.get("Content-Length") or 0)))  # fmt: skip
    t0 = time.perf_counter()
    report = sync_once(store, client, policy=CLI_POLICY)
    seconds = time.perf_counter() - t0
    held = store.db.execute("SELECT count(*) FROM annotations").fetchone()[0]
    store.close()
    client.close()
    local = sum(p.stat().st_size for p in pc_dir.glob("aidou.db*"))
    return FirstSync(user, compact, seconds, report.pulled, len(pages), max(pages), wire[0], local, held)


def server_figures(url: str, office: Office) -> dict:
    engine = make_engine(url)
    try:
        with read_connection(engine) as conn:
            rows = conn.execute(select(func.count()).select_from(changes)).scalar()
            revisions = conn.execute(select(func.count()).select_from(annotations)).scalar()
            lead = UserInfo(office.lead, "lead", "组长", "lead", office.office, "")
            query = page_query(lead, 0, MAX_CHANGES_PAGE + 1, compact=True)
            sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            plan = _plan(conn, sql)
            t0 = time.perf_counter()
            conn.execute(query).all()
            first_page = time.perf_counter() - t0
    finally:
        engine.dispose()
    return {"rows": rows, "revisions": revisions, "plan": plan, "first_page_s": first_page}


def _plan(conn, sql: str) -> list[str]:
    if conn.dialect.name == "sqlite":
        return [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    return [row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql)]


# ---------------------------------------------------------------------- running


def _database(url: str | None, postgresql: bool, scratch: Path):
    """(url, cleanup): the given one, a throw-away PostgreSQL cluster, or SQLite in ``scratch``."""
    if url:
        return url, None
    if postgresql:
        from tests.db_engines import PostgresCluster

        cluster = PostgresCluster().start()
        cluster.admin_sql("CREATE DATABASE first_sync")
        return cluster.url("first_sync"), cluster.stop
    return f"sqlite:///{scratch / 'server' / 'server.db'}", None


def measure(annotation_count: int, edits: int = 4, annotators: int = 50, reviewed: float = 0.2,
            whole_at: int | None = None, url: str | None = None, postgresql: bool = False) -> str:  # fmt: skip
    """Seed an office of ``annotation_count`` revisions and time first syncs; the whole
    replay on an office of ``whole_at`` revisions instead when given (it is slow)."""
    lines = []
    for size, which in _runs(annotation_count, whole_at):
        scratch = Path(tempfile.mkdtemp(prefix="aidou-first-sync-"))
        db_url, cleanup = _database(url, postgresql, scratch)
        try:
            lines += _measure_office(scratch, db_url, size, edits, annotators, reviewed, which)
        finally:
            if cleanup:
                cleanup()
            shutil.rmtree(scratch, ignore_errors=True)
    return "\n".join(lines)


def _runs(size: int, whole_at: int | None) -> list[tuple[int, tuple[bool, ...]]]:
    if whole_at is None or whole_at == size:
        return [(size, (True, False))]
    return [(size, (True,)), (whole_at, (False,))]


def _measure_office(scratch: Path, db_url: str, size: int, edits: int, annotators: int, reviewed: float,
                    which: tuple[bool, ...]) -> list[str]:  # fmt: skip
    from tests.desktop.server_process import ServerProcess  # aidou-server serve, its log kept for a failure

    server_dir = scratch / "server"
    t0 = time.perf_counter()
    office = seed(db_url, server_dir, size // edits, edits, annotators, reviewed)
    seeded = time.perf_counter() - t0
    figures = server_figures(db_url, office)
    engine = db_url.split(":", 1)[0].split("+")[0]
    lines = [f"office on {engine}: {size // edits:,} items × {edits} edits = {figures['revisions']:,} revisions, "
             f"{figures['rows']:,} feed rows, {annotators} annotators, {reviewed:.0%} accepted "
             f"(seeded in {seeded:.0f} s)",
             f"  compact page query, lead, from the start: {figures['first_page_s'] * 1000:.0f} ms; plan: "
             + " | ".join(figures["plan"])]  # fmt: skip
    os.environ.pop("AIDOU_DB_URL", None)
    if not db_url.startswith("sqlite"):
        os.environ["AIDOU_DB_URL"] = db_url
    server = ServerProcess(server_dir)
    server.start(timeout=180)
    try:
        for compact in which:
            for user in ("lead", "anno1"):
                result = first_sync(server.url, scratch / f"pc-{user}-{compact}", user, compact)
                lines.append(_describe(result))
    finally:
        server.stop()
    return lines


def _describe(r: FirstSync) -> str:
    how = "compact    " if r.compact else "whole feed "
    return (f"  {r.user:5} first sync, {how}: {r.seconds:6.1f} s, {r.rows:>9,} rows in {r.pages:,} pages "
            f"(slowest {r.slowest_page_s:.2f} s), {r.wire_bytes / 2**20:6.1f} MiB on the wire, "
            f"local database {r.local_bytes / 2**20:6.1f} MiB, {r.revisions_held:,} revisions held")  # fmt: skip


def run() -> str:
    """``python -m bench first_sync``: 1,000,000 revisions, compact and whole, on SQLite."""
    return measure(1_000_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotations", type=int, default=1_000_000, help="revisions of history (default 1M)")
    parser.add_argument("--edits", type=int, default=4, help="revisions per item (default 4)")
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--reviewed", type=float, default=0.2, help="share of items the lead accepted")
    parser.add_argument("--whole-at", type=int, help="time the whole replay on an office of this many revisions")
    parser.add_argument("--db", help="a database URL to seed (default: SQLite in a temporary folder)")
    parser.add_argument("--postgresql", action="store_true", help="a throw-away PostgreSQL cluster")
    args = parser.parse_args(argv)
    print(measure(args.annotations, args.edits, args.annotators, args.reviewed, args.whole_at, args.db,
                  args.postgresql))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
