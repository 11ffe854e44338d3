"""The database engine: SQLite by default (WAL, foreign keys), or PostgreSQL by URL.

The URL chooses: ``--db``, else ``$AIDOU_DB_URL``, else ``server.db`` in the data dir.
``postgresql://…`` and ``postgresql+psycopg://…`` both use psycopg 3 (the ``postgres``
extra: ``pip install -e ".[postgres]"``). Opening a database brings its schema to the
newest migration (``sync_server.db.migrate``) and gives it its id.

Writes run in ``write_transaction``: on SQLite it starts with BEGIN IMMEDIATE so a
push that reads then writes takes the one write lock up front instead of failing
halfway with "database is locked". That also makes change-feed seqs commit in order.
PostgreSQL runs writers in parallel; ``sync_server.db.feed`` takes a transaction-level
advisory lock before a transaction's first change row, which keeps the same promise
(ADR 0012). Reads run in ``read_connection``: one snapshot for the whole block
(SQLite's WAL read transaction; REPEATABLE READ on PostgreSQL).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url

from sync_server.db.identity import ensure_server_id
from sync_server.db.private_files import private_database
from sync_server.db.wal_checkpoint import autocheckpoint_pages

DB_FILE_NAME = "server.db"
DB_URL_ENV = "AIDOU_DB_URL"
BUSY_TIMEOUT_MS = 10_000
SUPPORTED = ("sqlite", "postgresql")
POSTGRES_EXTRA_HINT = 'PostgreSQL needs the psycopg driver: pip install "aidou-desktop[postgres]" (psycopg[binary])'


class DatabaseUrlError(ValueError):
    """A database URL the server cannot use; the message says why, for people."""


def default_db_url(data_dir: Path) -> str:
    """The database a server on ``data_dir`` uses when not told otherwise: ``$AIDOU_DB_URL``
    if set (a PostgreSQL server, say), else ``server.db`` in the data dir."""
    return os.environ.get(DB_URL_ENV) or f"sqlite:///{Path(data_dir) / DB_FILE_NAME}"


def database_url(url: str | URL) -> URL:
    """``url`` parsed and checked: SQLite or PostgreSQL (psycopg 3 unless another driver is named)."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # noqa: BLE001 — sqlalchemy's ArgumentError, or a bad port
        raise DatabaseUrlError(f"not a database URL: {exc}") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        raise DatabaseUrlError(f"unsupported database {backend!r}: use sqlite:///FILE or postgresql+psycopg://…")
    if backend == "postgresql" and parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.drivername == "postgresql+psycopg":
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise DatabaseUrlError(POSTGRES_EXTRA_HINT) from None
    return parsed


def create_database_engine(url: str | URL) -> Engine:
    """An engine for ``url``, tuned for its engine; the schema is not touched (``make_engine`` does)."""
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        _private_sqlite_file(parsed)
        engine = create_engine(parsed)
        _tune_sqlite(engine)
    else:
        # SQLAlchemy's pool (5, and 10 more at a peak) per server process: four processes stay
        # well inside PostgreSQL's default 100 connections; pre-ping outlives a database restart
        engine = create_engine(parsed, pool_pre_ping=True)
        _tune_postgresql(engine)
    return engine


def make_engine(url: str | URL) -> Engine:
    """An engine for ``url`` with its schema at the newest migration and its id made;
    a SQLite file (with ``-wal``/``-shm``) gets mode 0600."""
    from sync_server.db.migrate import upgrade_schema

    engine = create_database_engine(url)
    try:
        with schema_transaction(engine) as conn:
            upgrade_schema(conn)
            ensure_server_id(conn)
    except BaseException:
        engine.dispose()
        raise
    return engine


open_database = make_engine


def is_postgresql(conn: Connection | Engine) -> bool:
    return conn.dialect.name == "postgresql"


def _private_sqlite_file(parsed: URL) -> None:
    database = parsed.database
    if not database or database == ":memory:":
        return
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return  # a URI filename: SQLite decides; not how the server is run
    private_database(Path(database))


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred and late)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # the wait first: switching a new database to WAL takes a lock that servers
        # starting together (or one migrating it) may hold for a while
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        _switch_to_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        # a running server checkpoints on a thread of its own, not in a push's commit (ADR 0028)
        cursor.execute(f"PRAGMA wal_autocheckpoint={int(autocheckpoint_pages(engine))}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("aidou_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _switch_to_wal(cursor) -> None:
    """WAL, waiting as long as any busy wait: a new file that another connection is
    writing in rollback mode answers "locked" at once, without SQLite's busy handler
    (servers starting together on a blank file meet that)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _tune_postgresql(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # times come back in UTC, as the server stores and sends them
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.autocommit = autocommit


# the pg_advisory_xact_lock key of schema changes: "AIDUSCHM" (feed.FEED_LOCK_KEY is "AIDUFEED")
SCHEMA_LOCK_KEY = 0x4149_4455_5343_484D


@contextmanager
def schema_transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the schema lock: servers starting together on one
    PostgreSQL database migrate it one after the other (SQLite: BEGIN IMMEDIATE does it)."""
    with write_transaction(engine) as conn:
        if is_postgresql(conn):
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})")
        yield conn


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on error."""
    with engine.connect() as conn:
        conn = conn.execution_options(aidou_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """One read transaction: every statement in the block sees the same snapshot."""
    with engine.connect() as conn:
        if is_postgresql(conn):
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn
