"""The schema by Alembic migrations, on each engine: a new database, one made before
migrations (by ``create_all``) adopted without losing a row, servers starting together,
and the migrations matching ``tables.py`` exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select

from sync_server.db import tables
from sync_server.db.clock import utc_now
from sync_server.db.engine import DatabaseUrlError, create_database_engine, database_url, make_engine, write_transaction
from sync_server.db.identity import server_id
from sync_server.db.migrate import BASELINE_REVISION, HEAD_REVISION, AdoptError, current_revision, head_revision
from tests import db_engines
from tests.all_at_once import all_at_once
from tests.rollback_writer import start_rollback_writer


@pytest.fixture
def blank_url(db_engine, tmp_path) -> str:
    """A database with nothing in it, not even the schema."""
    if db_engine == "postgresql":
        return db_engines.new_database("template0")[1]
    return f"sqlite:///{tmp_path / 'blank.db'}"


def _tables_without(*dropped: str) -> MetaData:
    """The schema of revision 0001 (what ``create_all`` made before migrations) as the server
    made it before ``dropped`` ("table.column") existed."""
    from sync_server.db.migrations.baseline import metadata as baseline

    old = MetaData()
    for table in baseline.sorted_tables:
        table.to_metadata(old)
    for name in dropped:
        table_name, column_name = name.split(".")
        table = old.tables[table_name]
        table._columns.remove(table.c[column_name])  # noqa: SLF001 — a schema from before that column
    return old


def test_a_new_database_is_made_by_the_migrations_and_matches_tables_py(blank_url):
    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            # autogenerate's comparison: nothing in tables.py that the migrations did not make
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata)
            assert diff == []
            assert server_id(conn)
    finally:
        engine.dispose()


def test_opening_again_changes_nothing(blank_url):
    make_engine(blank_url).dispose()
    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            first = server_id(conn)
            assert current_revision(conn) == head_revision()
        engine.dispose()
        engine = make_engine(blank_url)
        with engine.connect() as conn:
            assert server_id(conn) == first
    finally:
        engine.dispose()


def test_a_database_from_before_migrations_is_adopted_with_its_data(blank_url):
    # as the server made it before Alembic: create_all, and without a column added since
    old = _tables_without("users.bundle_key")
    engine = create_database_engine(blank_url)
    old.create_all(engine)
    with write_transaction(engine) as conn:
        conn.execute(old.tables["offices"].insert().values(id=1, name="老基地"))
        conn.execute(old.tables["users"].insert().values(
            id=7, office_id=1, username="laowang", display_name="老王", role="annotator", password_hash="x"))  # fmt: skip
        conn.execute(old.tables["server_info"].insert().values(id=1, database_id="old-db-id", created_at=utc_now()))
    engine.dispose()

    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert "bundle_key" in {c["name"] for c in inspect(conn).get_columns("users")}
            row = conn.execute(select(tables.users).where(tables.users.c.id == 7)).mappings().one()
            assert (row["username"], row["display_name"], row["bundle_key"]) == ("laowang", "老王", None)
            assert server_id(conn) == "old-db-id"  # the same database to its clients (ADR 0013)
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), tables.metadata)
            assert diff == []
        with write_transaction(engine) as conn:  # and it works as any other: the new column too
            conn.execute(tables.users.update().where(tables.users.c.id == 7).values(bundle_key="ab" * 32))
    finally:
        engine.dispose()


def test_a_database_without_a_required_column_is_refused_not_changed(blank_url):
    old = _tables_without("users.password_hash")
    engine = create_database_engine(blank_url)
    old.create_all(engine)
    engine.dispose()
    with pytest.raises(AdoptError, match="password_hash"):
        make_engine(blank_url)
    engine = create_database_engine(blank_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) is None  # not stamped: nothing was claimed
    finally:
        engine.dispose()


def test_servers_starting_together_migrate_once(blank_url):
    engines, errors = all_at_once(make_engine, [(blank_url,)] * 4)
    try:
        assert not errors, errors
        ids = set()
        for engine in engines:
            with engine.connect() as conn:
                ids.add(server_id(conn))
                assert current_revision(conn) == head_revision()
        assert len(ids) == 1  # one database, one id
    finally:
        for engine in engines:
            engine.dispose()


@pytest.mark.engines("sqlite", reason="WAL and rollback journals are SQLite's")
def test_a_server_waits_while_another_writes_a_blank_file_in_rollback_mode(tmp_path):
    """SQLite refuses the switch to WAL at once, without its busy wait, while another
    connection writes a file still in rollback mode: a server starting beside one that
    is creating the file must wait, not exit with "database is locked"."""
    path = tmp_path / "blank.db"
    done = start_rollback_writer(path)
    engine = make_engine(f"sqlite:///{path}")
    try:
        assert done.is_set()
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert current_revision(conn) == head_revision()
    finally:
        engine.dispose()


def test_the_baseline_is_the_first_revision():
    from alembic.script import ScriptDirectory

    from sync_server.db.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    assert script.get_base() == BASELINE_REVISION
    assert script.get_revision(BASELINE_REVISION).down_revision is None
    assert script.get_current_head() == HEAD_REVISION  # the fast path at start trusts this constant


def test_a_database_from_a_newer_server_is_refused(blank_url):
    from sqlalchemy import text

    make_engine(blank_url).dispose()
    engine = create_database_engine(blank_url)
    with write_transaction(engine) as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(RuntimeError, match="revision 9999, which this server does not know"):
        make_engine(blank_url)


def test_the_url_chooses_the_engine(db_engine):
    assert database_url("postgresql://u@h/db").drivername == "postgresql+psycopg"  # psycopg 3, not psycopg2
    assert database_url("postgresql+psycopg://u@h/db").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.db").drivername == "sqlite"
    with pytest.raises(DatabaseUrlError, match="unsupported database 'mysql'"):
        database_url("mysql://u@h/db")
    with pytest.raises(DatabaseUrlError):
        database_url("not a url")


def test_postgresql_without_its_driver_says_what_to_install(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now fails
    with pytest.raises(DatabaseUrlError, match=r"pip install .*postgres"):
        database_url("postgresql://u@h/db")


def test_default_is_sqlite_in_the_data_dir_unless_aidou_db_url(monkeypatch, tmp_path: Path):
    from sync_server.db.engine import default_db_url

    monkeypatch.delenv("AIDOU_DB_URL", raising=False)
    assert default_db_url(tmp_path) == f"sqlite:///{tmp_path / 'server.db'}"
    monkeypatch.setenv("AIDOU_DB_URL", "postgresql+psycopg://aidou@db/aidou")
    assert default_db_url(tmp_path) == "postgresql+psycopg://aidou@db/aidou"



def test_a_feed_at_revision_0001_gets_entity_ids_and_reads_compact(blank_url):
    """A server upgraded from 0001 keeps its feed and serves it compact at once: the rows
    already there get their entity ids from their kind and data (issue 12, ADR 0021)."""
    from alembic import command

    from sync_server.db.engine import schema_transaction
    from sync_server.db.feed import changes_since
    from sync_server.db.migrate import alembic_config
    from sync_server.db.migrations import baseline
    from sync_server.protocol import UserInfo, uuid7

    engine = create_database_engine(blank_url)
    r1, r2, rival, v1, v2 = (uuid7() for _ in range(5))
    revision = {"item_id": 5, "annotator_id": 2, "shapes": []}
    feed = [  # (kind, data, audience): as the server of revision 0001 wrote them
        ("order", {"id": 1, "name": "订单"}, None),
        ("item", {"id": 5, "order_id": 1}, None),
        ("annotation", {"id": r1, **revision}, None),
        ("annotation", {"id": r1, **revision}, 2),
        ("annotation", {"id": rival, **revision, "status": "conflict"}, None),
        ("annotation", {"id": r2, **revision, "base_id": r1}, None),
        ("annotation", {"id": r2, **revision, "base_id": r1}, 2),
        ("review", {"id": v1, "annotation_id": r2, "item_id": 5, "verdict": "reject"}, None),
        ("review", {"id": v2, "annotation_id": r2, "item_id": 5, "verdict": "accept"}, None),
        ("order", {"id": 1, "name": "订单 v2"}, None),
        ("order", {"note": "a row that names nothing"}, None),
    ]
    with schema_transaction(engine) as conn:
        command.upgrade(alembic_config(conn), BASELINE_REVISION)
        conn.execute(baseline.offices.insert().values(id=1, name="老基地"))
        conn.execute(baseline.users.insert(), [
            {"id": n, "office_id": 1, "username": name, "display_name": name, "role": role, "password_hash": "x"}
            for n, name, role in ((1, "lead", "lead"), (2, "anno", "annotator"))
        ])  # fmt: skip
        conn.execute(baseline.changes.insert(), [
            {"kind": kind, "office_id": 1, "audience_user_id": audience, "data": data} for kind, data, audience in feed
        ])  # fmt: skip
    engine.dispose()

    engine = make_engine(blank_url)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            keys = conn.execute(select(tables.changes.c.entity_id).order_by(tables.changes.c.seq)).scalars().all()
            assert keys == ["order:1", "item:5", "work:5:2", "work:5:2", f"rev:{rival}", "work:5:2", "work:5:2",
                            f"review:{r2}", f"review:{r2}", "order:1", None]  # fmt: skip
            lead = UserInfo(1, "lead", "lead", "lead", 1, "老基地")
            page = changes_since(conn, lead, "", 500, compact=True)
            assert [(c.kind, c.data.get("id")) for c in page.changes] == [
                ("item", 5), ("annotation", rival), ("annotation", r2), ("review", v2), ("order", 1), ("order", None)
            ]
            assert page.changes[-2].data["name"] == "订单 v2"
            anno = UserInfo(2, "anno", "anno", "annotator", 1, "老基地")
            assert [c.data["id"] for c in changes_since(conn, anno, "", 500, compact=True).changes] == [r2]
            assert len(changes_since(conn, lead, "", 500).changes) == 9  # and the whole feed is still there
    finally:
        engine.dispose()
