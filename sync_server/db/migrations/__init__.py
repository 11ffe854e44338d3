"""The server schema's Alembic migrations, run at start by ``sync_server.db.migrate``.

``env.py`` takes the connection it is given (``Config.attributes["connection"]``);
there is no ``alembic.ini``. A new revision: change ``sync_server/db/tables.py``, then
``python -m sync_server.db.migrate revision -m "what changed" [--db URL]`` writes one
into ``versions/`` from the difference (check it by hand: autogenerate misses renames).
"""
