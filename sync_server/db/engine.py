"""The database engine: SQLite by default (WAL, foreign keys), PostgreSQL later.

Writes run in ``write_transaction``: on SQLite it starts with BEGIN IMMEDIATE so a
push that reads then writes takes the one write lock up front instead of failing
halfway with "database is locked". It also makes change-feed seqs commit in
order, so a reader never skips a change committed late.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, inspect, make_url

from sync_server.db.identity import ensure_server_id
from sync_server.db.private_files import private_database
from sync_server.db.tables import metadata

DB_FILE_NAME = "server.db"
BUSY_TIMEOUT_MS = 10_000


def default_db_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / DB_FILE_NAME}"


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the schema created; SQLite gets its pragmas, and its
    file (with ``-wal``/``-shm``) mode 0600."""
    _private_sqlite_file(url)
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)
    # A first release: the schema is created whole. Later changes come as named migrations.
    metadata.create_all(engine)
    _add_new_columns(engine)
    with write_transaction(engine) as conn:
        ensure_server_id(conn)
    return engine


def _private_sqlite_file(url: str) -> None:
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return
    if database.startswith("file:") or parsed.query.get("mode") == "memory":
        return  # a URI filename: SQLite decides; not how the server is run
    private_database(Path(database))


def _add_new_columns(engine: Engine) -> None:
    """Nullable columns added since a database was made (``create_all`` makes only missing
    tables). A stop-gap until the server's schema moves to named migrations."""
    inspector = inspect(engine)
    with write_transaction(engine) as conn:
        for table in metadata.sorted_tables:
            have = {c["name"] for c in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in have and column.nullable:
                    kind = column.type.compile(dialect=engine.dialect)
                    conn.exec_driver_sql(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}')


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own is deferred and late)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable across app crashes
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get("aidou_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed when the block ends, rolled back on error."""
    with engine.connect() as conn:
        conn = conn.execution_options(aidou_write=True)
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        with conn.begin():
            yield conn
