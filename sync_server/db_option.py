"""The ``--db`` option's help, shared by every ``aidou-server`` command (no heavy imports:
the CLI parses its arguments before it loads the server)."""

DB_HELP = (
    "database URL, e.g. postgresql+psycopg://aidou@localhost/aidou "
    "(default: $AIDOU_DB_URL, else SQLite server.db in the data dir)"
)
