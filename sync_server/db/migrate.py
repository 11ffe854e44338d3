"""The server schema, brought to the newest Alembic revision when the server opens its database.

The migrations live in ``sync_server/db/migrations`` (``env.py`` and ``versions/``) and
run through Alembic's command API on the caller's connection: no ``alembic.ini``.
Everything happens in one write transaction, so servers started together on one
database migrate it once: SQLite's BEGIN IMMEDIATE, and on PostgreSQL an advisory
lock, make the second wait and then find the work done.

A database made before migrations (``metadata.create_all``, with the "add missing
nullable columns" step of the time) has the tables but no ``alembic_version``. It is
adopted: missing tables and nullable columns of revision 0001 are added (the data is
left as it is), then it is stamped 0001 and upgraded like any other.

``python -m sync_server.db.migrate current|upgrade|revision -m MESSAGE [--db URL]``
does the same by hand; ``revision`` writes a new file from the difference between
``tables.py`` and a database at head (autogenerate: read it before committing it).
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
BASELINE_REVISION = "0001"
# The newest revision in versions/. Opening a database at it needs no Alembic at all (a
# server or command starts faster); tests/server/test_migrations.py keeps it honest.
HEAD_REVISION = "0006"
VERSION_TABLE = "alembic_version"


class AdoptError(RuntimeError):
    """A database from before migrations that cannot be brought to revision 0001 safely."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision, as Alembic reads ``versions/``."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (None: none recorded), read with plain SQL."""
    if not inspect(conn).has_table(VERSION_TABLE):
        return None
    return conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade_schema(conn: Connection) -> str | None:
    """Bring the database to head inside ``conn``'s write transaction (which must hold
    the schema lock: ``sync_server.db.engine.make_engine`` takes it). Returns the
    revision it started from (None: an empty database, or one adopted from before)."""
    start = current_revision(conn)
    if start == HEAD_REVISION:
        return start
    from alembic import command
    from alembic.script import ScriptDirectory

    known = {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if start is not None and start not in known:
        raise RuntimeError(f"this database's schema is at revision {start}, which this server does not know: "
                           "a newer server made it; run that version (or newer)")  # fmt: skip
    if start is None and _has_server_tables(conn):
        adopt_unversioned(conn)
    command.upgrade(alembic_config(conn), "head")
    return start


def _has_server_tables(conn: Connection) -> bool:
    from sync_server.db.migrations.baseline import metadata as baseline

    return bool(set(inspect(conn).get_table_names()) & set(baseline.tables))


def adopt_unversioned(conn: Connection) -> list[str]:
    """Bring a database made by ``create_all`` (before migrations) to revision 0001 and
    stamp it: create the tables it lacks, add the nullable columns it lacks. Never drops
    or rewrites anything. Returns what was added, as ``table`` or ``table.column``."""
    from alembic import command
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from sync_server.db.migrations.baseline import metadata as baseline

    inspector = inspect(conn)
    have_tables = set(inspector.get_table_names())
    added: list[str] = []
    missing = [table for table in baseline.sorted_tables if table.name not in have_tables]
    if missing:
        baseline.create_all(conn, tables=missing)
        added.extend(table.name for table in missing)
    ops = Operations(MigrationContext.configure(conn))
    for table in baseline.sorted_tables:
        if table.name not in have_tables:
            continue
        have = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            if not column.nullable or column.primary_key:
                raise AdoptError(
                    f"table {table.name} lacks the required column {column.name}: this database is not one the "
                    "server made; restore it from a backup or move its data by hand"
                )
            ops.add_column(table.name, column._copy())
            added.append(f"{table.name}.{column.name}")
    command.stamp(alembic_config(conn), BASELINE_REVISION)
    return added


# ---------------------------------------------------------------------- by hand


def main(argv: list[str] | None = None) -> int:
    from alembic import command
    from alembic.script import ScriptDirectory

    from sync_server.db.engine import create_database_engine, open_database, schema_transaction

    parser = argparse.ArgumentParser(prog="python -m sync_server.db.migrate", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["current", "upgrade", "revision", "history"])
    parser.add_argument("--db", default="sqlite://", help="database URL (default: a new in-memory SQLite)")
    parser.add_argument("-m", "--message", default="schema change", help="the new revision's title")
    args = parser.parse_args(argv)
    if args.action == "history":
        for script in ScriptDirectory.from_config(alembic_config()).walk_revisions():
            print(f"{script.revision}  {script.doc}")
        return 0
    if args.action == "current":
        engine = create_database_engine(args.db)
        with engine.connect() as conn:
            print(current_revision(conn) or "(none)")
        return 0
    engine = open_database(args.db)  # upgrades to head
    if args.action == "revision":
        with schema_transaction(engine) as conn:
            command.revision(alembic_config(conn), message=args.message, autogenerate=True)
    else:
        with engine.connect() as conn:
            print(f"at {current_revision(conn)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
