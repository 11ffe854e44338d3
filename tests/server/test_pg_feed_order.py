"""The change feed never skips a change that commits late, on each engine (ADR 0012).

A reader stores the highest seq it saw. On PostgreSQL two writers run side by side and
an identity value is taken at INSERT time, so without care writer A takes seq N, B
takes N+1 and commits, a reader moves its cursor to N+1, and N, committed after, is
never read. The server takes a transaction-level advisory lock before a transaction's
first change row (``sync_server.db.feed.lock_feed``); SQLite's BEGIN IMMEDIATE does
the same for it. These tests hold one push open between its change rows and its
commit and check that a second push waits and a reader sees neither; that taking the
lock out shows the skip (so the first test can fail); that no code inserts change
rows but through the lock; and a soak of four server processes on one database.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from server_helpers import record
from sync_server.db import feed as feed_module
from sync_server.db.accounts import user_info
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.feed import changes_since, cursor_at
from sync_server.db.push import apply_push
from sync_server.db.tables import changes
from sync_server.protocol import AnnotationRecord, Shape

ROOT = Path(__file__).resolve().parents[2]
# PostgreSQL's is the one the lock is for; SQLite's write lock needs less to show it holds
SOAK_REVISIONS = {"postgresql": 10_000, "sqlite": 2_000}


def _record(item_id: int) -> AnnotationRecord:
    wire = record(item_id)
    return AnnotationRecord(wire["id"], item_id, None, None, [Shape("box", "car", [[10, 10], [50, 40]])],
                            time_spent_ms=1500)  # fmt: skip


def _lead_cursor(engine, world):
    with read_connection(engine) as conn:
        lead = user_info(conn, world.lead)
        last = conn.execute(select(func.max(changes.c.seq))).scalar()
        return lead, last, cursor_at(conn, last)


def _ids(page) -> list[str]:
    return [c.data["id"] for c in page.changes if c.kind == "annotation"]


def test_a_push_held_open_keeps_later_pushes_and_readers_behind_it(engine, world):
    lead, last, since = _lead_cursor(engine, world)
    with read_connection(engine) as conn:
        anno1, anno2 = user_info(conn, world.anno1), user_info(conn, world.anno2)
    slow_record, fast_record = _record(world.batch1_items[0]), _record(world.batch2_items[0])
    holding, release, order, errors = threading.Event(), threading.Event(), [], []

    def slow_push():  # its change rows are in, its commit is late
        try:
            with write_transaction(engine) as conn:
                apply_push(conn, anno1, [slow_record])
                holding.set()
                release.wait(20)
            order.append("slow")
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
            holding.set()

    def fast_push():  # another annotator, other rows: nothing but the feed to wait for
        try:
            with write_transaction(engine) as conn:
                apply_push(conn, anno2, [fast_record])
            order.append("fast")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    slow = threading.Thread(target=slow_push)
    slow.start()
    assert holding.wait(20)
    fast = threading.Thread(target=fast_push)
    fast.start()
    time.sleep(0.5)
    with read_connection(engine) as conn:
        seen = changes_since(conn, lead, since, 100)
    assert seen.changes == [] and seen.cursor == since  # nothing visible, the cursor stays put
    assert order == []  # the fast push waits: its change cannot commit before the slow one
    release.set()
    slow.join(20)
    fast.join(20)
    assert not errors, errors
    assert order == ["slow", "fast"]
    with read_connection(engine) as conn:
        seen = changes_since(conn, lead, since, 100)
    assert _ids(seen) == [slow_record.id, fast_record.id]
    assert [c.seq for c in seen.changes] == sorted(c.seq for c in seen.changes)
    assert seen.changes[0].seq > last


@pytest.mark.engines("postgresql", reason="SQLite runs one writer at a time: without a lock there is nothing to take out")
def test_without_the_feed_lock_a_reader_skips_a_late_commit(engine, world, monkeypatch):
    """The first test, with the lock taken out: the gap is real, and that test would see it."""
    monkeypatch.setattr(feed_module, "lock_feed", lambda conn: None)
    lead, _last, since = _lead_cursor(engine, world)
    with read_connection(engine) as conn:
        anno1, anno2 = user_info(conn, world.anno1), user_info(conn, world.anno2)
    slow_record, fast_record = _record(world.batch1_items[0]), _record(world.batch2_items[0])
    holding, release = threading.Event(), threading.Event()

    def slow_push():
        with write_transaction(engine) as conn:
            apply_push(conn, anno1, [slow_record])
            holding.set()
            release.wait(20)

    slow = threading.Thread(target=slow_push)
    slow.start()
    assert holding.wait(20)
    with write_transaction(engine) as conn:  # not held back: commits seq N+1 while N is open
        apply_push(conn, anno2, [fast_record])
    with read_connection(engine) as conn:
        early = changes_since(conn, lead, since, 100)
    assert _ids(early) == [fast_record.id]  # the later seq, visible first
    release.set()
    slow.join(20)
    with read_connection(engine) as conn:
        after = changes_since(conn, lead, early.cursor, 100)
    assert slow_record.id not in _ids(after)  # behind the cursor: never read
    with read_connection(engine) as conn:
        everything = changes_since(conn, lead, since, 100)
    assert _ids(everything) == [slow_record.id, fast_record.id]  # it is there, below the cursor


def test_change_rows_are_inserted_in_one_place_only():
    """Every change row goes through feed._append, which takes the lock first."""
    offenders = []
    for path in sorted((ROOT / "sync_server").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\bchanges\.insert\(", r"insert\(\s*changes\b", r"(?i)insert\s+into\s+\"?changes\b"):
            for match in re.finditer(pattern, text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(ROOT)}:{line}")
    assert offenders == ["sync_server/db/feed.py:" + str(n) for n in _insert_lines()], offenders


def _insert_lines() -> list[int]:
    """feed.py's own inserts: in ``_append`` (by name) and the statement it runs."""
    text = (ROOT / "sync_server/db/feed.py").read_text(encoding="utf-8")
    lines = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"\bchanges\.insert\(", text)]
    body = text[text.index("def _append"):text.index("\ndef ", text.index("def _append") + 1)]
    assert "lock_feed(conn)" in body
    return lines


def test_four_server_processes_lose_no_change(db_engine, tmp_path):
    """Annotators push through four ``aidou-server serve`` processes on one database while
    two leads pull through them: every revision reaches both leads once, in seq order.
    (``bench/bench_feed_soak.py`` runs ≥ 100,000 on PostgreSQL.)"""
    from bench.bench_feed_soak import describe, soak
    from tests import db_engines

    data_dir = tmp_path / "data"
    url = db_engines.new_server_database(data_dir)
    result = soak(url, data_dir, SOAK_REVISIONS[db_engine], servers=4, annotators=4, readers=2)
    print(describe(result))
    assert result["revisions"] >= SOAK_REVISIONS[db_engine]
    assert result["missed"] == {"lead1": 0, "lead2": 0}, describe(result)
    assert result["seen_twice"] == {"lead1": 0, "lead2": 0}
    assert result["out_of_order"] == {"lead1": 0, "lead2": 0}
