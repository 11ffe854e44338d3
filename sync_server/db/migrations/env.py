"""Alembic's environment for the server schema: online only, on the caller's connection.

``sync_server.db.migrate`` opens a write transaction (SQLite: BEGIN IMMEDIATE;
PostgreSQL: an advisory lock), puts its connection in ``config.attributes`` and runs
the commands; the migrations join that transaction, which the caller commits.
"""

from __future__ import annotations

from alembic import context

from sync_server.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None or context.is_offline_mode():
    raise RuntimeError("the server's migrations run on a connection: use sync_server.db.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    # SQLite alters most of a table only by copying it: let alembic do that ("batch" mode)
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
