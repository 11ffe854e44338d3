"""The server database's own id (ADR 0013): made once, carried by every answer clients rely on."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, select

from sync_server.db.clock import utc_now
from sync_server.db.tables import server_info


def ensure_server_id(conn: Connection) -> str:
    """This database's id, made (a uuid4) the first time the database is opened."""
    found = server_id(conn)
    if found is None:
        found = str(uuid.uuid4())
        conn.execute(server_info.insert().values(id=1, database_id=found, created_at=utc_now()))
    return found


def server_id(conn: Connection) -> str | None:
    return conn.execute(select(server_info.c.database_id).where(server_info.c.id == 1)).scalar()
