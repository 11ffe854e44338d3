"""``insert_many``: a push's rows go in as they were given, in order, whatever way the
engine takes them (SQLite: INSERTs of many rows each; PostgreSQL: COPY)."""

from __future__ import annotations

import json

from sqlalchemy import select

from sync_server.db import bulk
from sync_server.db.engine import read_connection, write_transaction
from sync_server.db.feed import log_encoded_changes
from sync_server.db.tables import changes


def test_rows_go_in_whole_and_in_order_across_several_inserts(engine, world, monkeypatch):
    monkeypatch.setattr(bulk, "_ROWS_PER_INSERT", 7)  # many statements, and a short last one
    with read_connection(engine) as conn:
        first = conn.execute(select(changes.c.seq).order_by(changes.c.seq.desc()).limit(1)).scalar() or 0
    entries = [
        ("annotation", json.dumps({"n": n, "text": "标注 'quoted' \"twice\" ?, (?)"}), world.anno1 if n % 3 else None,
         f"rev:{n}")
        for n in range(45)
    ]  # fmt: skip
    with write_transaction(engine) as conn:
        log_encoded_changes(conn, world.office, entries)
    with read_connection(engine) as conn:
        stored = conn.execute(
            select(changes.c.seq, changes.c.kind, changes.c.office_id, changes.c.audience_user_id, changes.c.data,
                   changes.c.entity_id).where(changes.c.seq > first).order_by(changes.c.seq)  # fmt: skip
        ).all()
    assert [(kind, office, audience, data, entity) for _seq, kind, office, audience, data, entity in stored] == [
        (kind, world.office, audience, json.loads(text), entity) for kind, text, audience, entity in entries
    ]
    seqs = [row[0] for row in stored]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(entries)


def test_a_failing_row_takes_its_whole_transaction_back(engine, world):
    with read_connection(engine) as conn:
        before = conn.execute(select(changes.c.seq)).all()
    entries = [("annotation", "{}", None, "rev:a"), ("annotation", "{}", 987654321, "rev:b")]  # no such user
    try:
        with write_transaction(engine) as conn:
            log_encoded_changes(conn, world.office, entries)
    except Exception as error:  # the engine's foreign-key error, whichever it is
        assert "foreign key" in str(error).lower()
    else:
        raise AssertionError("a row naming no user was stored")
    with read_connection(engine) as conn:
        assert conn.execute(select(changes.c.seq)).all() == before
