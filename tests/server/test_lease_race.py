"""A free batch is leased exactly once, however many ask for it at the same moment, from
threads of one server or from separate server processes, on each engine.

On SQLite the write lock (BEGIN IMMEDIATE) serialises the askers; on PostgreSQL the
batch row is locked (``SELECT … FOR UPDATE``) before its holder is read, so the second
asker waits, then sees the first one's lease and is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from sync_server.db.clock import utc_now
from sync_server.db.engine import default_db_url, make_engine, read_connection, write_transaction
from sync_server.db.tables import batches, changes, leases, users
from sync_server.orders.assignment import BatchLeased, assign_batch, assign_idle, unassign_batch
from tests.faults.world import build_world
from tests.all_at_once import all_at_once

ROOT = Path(__file__).resolve().parents[2]
ASKERS = 8


def _world(tmp_path, annotators: int = ASKERS):
    """``annotators`` annotators, each holding a batch; batch 1 then released: free."""
    data = tmp_path / "srv"
    ids = build_world(data, annotators=annotators, batch_size=1)
    engine = make_engine(default_db_url(data))
    with write_transaction(engine) as conn:
        first = conn.execute(select(func.min(batches.c.id))).scalar()
        unassign_batch(conn, None, first)
    return data, ids, engine, first


def _lease_rows(engine, batch_id: int) -> list[int]:
    with read_connection(engine) as conn:
        return list(conn.execute(select(leases.c.annotator_id).where(leases.c.batch_id == batch_id)
                                 .order_by(leases.c.id)).scalars())  # fmt: skip


def test_threads_racing_for_one_free_batch_lease_it_once(tmp_path):
    data, ids, engine, batch_id = _world(tmp_path)
    annotators = [ids[f"anno{n}"] for n in range(1, ASKERS + 1)]
    before = _lease_rows(engine, batch_id)
    with read_connection(engine) as conn:
        feed_before = conn.execute(select(func.count()).select_from(changes)).scalar()
    until = utc_now() + timedelta(days=1)

    def ask(annotator_id: int) -> tuple[bool, int]:
        try:
            with write_transaction(engine) as conn:
                assign_batch(conn, None, batch_id, annotator_id, until)
            return True, annotator_id
        except BatchLeased:
            return False, annotator_id

    answers, errors = all_at_once(ask, [(a,) for a in annotators])
    won = [a for leased, a in answers if leased]
    refused = [a for leased, a in answers if not leased]
    try:
        assert not errors, errors
        assert len(won) == 1 and len(refused) == ASKERS - 1
        with read_connection(engine) as conn:
            holder = conn.execute(select(batches.c.annotator_id).where(batches.c.id == batch_id)).scalar()
            feed_after = conn.execute(select(func.count()).select_from(changes)).scalar()
        assert holder == won[0]
        assert _lease_rows(engine, batch_id) == [*before, won[0]]  # one new lease in the history
        with write_transaction(engine) as conn:  # the feed told of one lease: as a lone assignment does
            unassign_batch(conn, None, batch_id)
        with read_connection(engine) as conn:
            after_release = conn.execute(select(func.count()).select_from(changes)).scalar()
        with write_transaction(engine) as conn:
            assign_batch(conn, None, batch_id, won[0], until)
        with read_connection(engine) as conn:
            one_lease = conn.execute(select(func.count()).select_from(changes)).scalar() - after_release
        assert feed_after - feed_before == one_lease
    finally:
        engine.dispose()


def test_two_assign_idle_at_once_never_lease_a_batch_twice(tmp_path):
    data, ids, engine, _first = _world(tmp_path, annotators=4)
    with write_transaction(engine) as conn:  # every batch free, every annotator idle
        for batch_id in conn.execute(select(batches.c.id)).scalars().all():
            unassign_batch(conn, None, batch_id)
        order_id = conn.execute(select(batches.c.order_id)).scalars().first()
        leases_before = conn.execute(select(func.count()).select_from(leases)).scalar()
    until = utc_now() + timedelta(days=1)

    def idle() -> list[tuple[int, int]]:
        with write_transaction(engine) as conn:
            return assign_idle(conn, None, order_id, until)

    results, errors = all_at_once(idle, [()] * 3)
    try:
        assert not errors, errors
        pairs = [pair for result in results for pair in result]
        assert len(pairs) == 4  # four batches to four annotators, by whichever call came first
        assert len({batch for batch, _ in pairs}) == 4 and len({who for _, who in pairs}) == 4
        with read_connection(engine) as conn:
            assert conn.execute(select(func.count()).select_from(leases)).scalar() == leases_before + 4
    finally:
        engine.dispose()


_ASK = """
import sys, time
from datetime import timedelta
from sync_server.db.clock import utc_now
from sync_server.db.engine import make_engine, write_transaction
from sync_server.orders.assignment import BatchLeased, assign_batch
url, batch_id, annotator_id, go_at = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
engine = make_engine(url)
time.sleep(max(0.0, go_at - time.time()))
try:
    with write_transaction(engine) as conn:
        assign_batch(conn, None, batch_id, annotator_id, utc_now() + timedelta(days=1))
    print("WON")
except BatchLeased:
    print("REFUSED")
"""


def test_server_processes_racing_for_one_free_batch_lease_it_once(tmp_path):
    import time

    data, ids, engine, batch_id = _world(tmp_path, annotators=4)
    url = default_db_url(data)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    go_at = time.time() + 6  # every process has opened its database by then
    procs = [
        subprocess.Popen([sys.executable, "-c", _ASK, url, str(batch_id), str(ids[f"anno{n}"]), str(go_at)],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        for n in range(1, 5)
    ]
    answers = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        answers.append(out.strip())
    try:
        assert sorted(answers) == ["REFUSED"] * 3 + ["WON"]
        with read_connection(engine) as conn:
            holder = conn.execute(select(batches.c.annotator_id).where(batches.c.id == batch_id)).scalar()
            name = conn.execute(select(users.c.username).where(users.c.id == holder)).scalar()
        assert answers[int(name.removeprefix("anno")) - 1] == "WON"
    finally:
        engine.dispose()
