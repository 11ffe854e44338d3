"""Revision 0003 on a database holding work: image items, revisions and reviews referencing
them stay as they were, and an item without an image can be stored afterwards."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import create_database_engine, make_engine, schema_transaction, write_transaction
from sync_server.db.migrate import alembic_config, current_revision, head_revision
from sync_server.protocol import uuid7
from tests import db_engines


@pytest.fixture
def blank_url(db_engine, tmp_path) -> str:
    if db_engine == "postgresql":
        return db_engines.new_database("template0")[1]
    return f"sqlite:///{tmp_path / 'blank.db'}"


def test_image_less_items_after_an_upgrade_from_0002_with_work_in_it(blank_url):
    engine = create_database_engine(blank_url)
    now, revision, sha = utc_now(), uuid7(), "ab" * 32
    with schema_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), "0002")
        conn.execute(tables.offices.insert().values(id=1, name="老基地"))
        conn.execute(tables.users.insert().values(id=1, office_id=1, username="a", display_name="a", role="annotator",
                                                  password_hash="x"))  # fmt: skip
        conn.execute(tables.orders.insert().values(id=1, office_id=1, name="o", task_kind="bbox", schema={}, guidelines="",
                                                   price_cents=0, created_at=now))  # fmt: skip
        conn.execute(tables.blobs.insert().values(sha256=sha, size=3, kind="original"))
        conn.execute(tables.items.insert().values(id=1, order_id=1, name="i.jpg", width=4, height=3, original_sha256=sha,
                                                  display_sha256=sha, display_size=3, display_width=4,
                                                  display_height=3, head_annotation_id=revision))  # fmt: skip
        conn.execute(tables.annotations.insert().values(id=revision, item_id=1, annotator_id=1, shapes=[],
                                                        time_spent_ms=5, received_at=now, conflict=False))  # fmt: skip
        conn.execute(tables.reviews.insert().values(id=uuid7(), annotation_id=revision, item_id=1, reviewer_id=1,
                                                    verdict="accept", received_at=now))  # fmt: skip
    engine.dispose()

    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            item = conn.execute(select(tables.items).where(tables.items.c.id == 1)).mappings().one()
            assert (item["original_sha256"], item["head_annotation_id"], item["text"], item["meta"]) == (sha, revision, None, None)
            assert conn.execute(select(tables.annotations.c.ocr_cer, tables.annotations.c.time_spent_ms)).one() == (None, 5)
            if conn.dialect.name == "sqlite":
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        with write_transaction(engine) as conn:
            conn.execute(tables.items.insert().values(id=2, order_id=1, name="t", width=0, height=0, display_size=0,
                                                      display_width=0, display_height=0, text="一段文字"))  # fmt: skip
            conn.execute(tables.annotations.insert().values(id=uuid7(), item_id=2, annotator_id=1, shapes=[],
                                                            received_at=now, conflict=False, ocr_cer=0.5))  # fmt: skip
            with pytest.raises(Exception, match="(?i)foreign key"):  # an unknown blob is still refused
                with conn.begin_nested():
                    conn.execute(tables.items.update().where(tables.items.c.id == 2).values(display_sha256="cd" * 32))
    finally:
        engine.dispose()


def test_downgrade_to_0002_refuses_while_text_items_exist(blank_url):
    engine = make_engine(blank_url)
    try:
        with write_transaction(engine) as conn:
            conn.execute(tables.offices.insert().values(id=1, name="基地"))
            conn.execute(tables.orders.insert().values(id=1, office_id=1, name="o", task_kind="ner", schema={},
                                                       guidelines="", price_cents=0, created_at=utc_now()))  # fmt: skip
            conn.execute(tables.items.insert().values(id=1, order_id=1, name="t", width=0, height=0, display_size=0,
                                                      display_width=0, display_height=0, text="文字"))  # fmt: skip
        with pytest.raises(RuntimeError, match="1 text items have no image"), schema_transaction(engine) as conn:
            command.downgrade(alembic_config(conn), "0002")
        with write_transaction(engine) as conn:
            conn.execute(tables.items.delete())
        with schema_transaction(engine) as conn:
            command.downgrade(alembic_config(conn), "0002")
            columns = {c["name"]: c for c in inspect(conn).get_columns("items")}
            assert "text" not in columns and columns["original_sha256"]["nullable"] is False
    finally:
        engine.dispose()
