"""Text items and OCR figures: items.text, items.meta, annotations.ocr_cer, image-less items.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Items of text orders (text_class, ner) have a text and no image, so the two blob columns
may now be NULL (the sizes stay NOT NULL, 0 for a text item).

PostgreSQL drops the NOT NULL in place. SQLite has no ALTER COLUMN, and the usual table
copy cannot run here: the migration runs inside the caller's transaction with foreign keys
on, where dropping ``items`` fails on the annotations and reviews that reference it. So the
constraints are removed the way SQLite documents for dropping a NOT NULL
(https://sqlite.org/lang_altertable.html, "making other kinds of table schema changes"):
the stored CREATE TABLE text is edited under ``writable_schema`` and the schema version
bumped. No row is rewritten; the edit is checked before the transaction commits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BLOB_COLUMNS = ("original_sha256", "display_sha256")


def upgrade() -> None:
    op.add_column("items", sa.Column("text", sa.Text))
    op.add_column("items", sa.Column("meta", sa.JSON))
    op.add_column("annotations", sa.Column("ocr_cer", sa.Float))
    _set_not_null("items", _BLOB_COLUMNS, False)


def downgrade() -> None:
    textual = op.get_bind().execute(sa.text("SELECT count(*) FROM items WHERE original_sha256 IS NULL")).scalar()
    if textual:
        raise RuntimeError(f"{textual} text items have no image: a server before revision 0003 cannot hold them")
    _set_not_null("items", _BLOB_COLUMNS, True)
    op.drop_column("annotations", "ocr_cer")
    op.drop_column("items", "meta")
    op.drop_column("items", "text")


def _set_not_null(table: str, columns: tuple[str, ...], not_null: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        for column in columns:
            op.alter_column(table, column, existing_type=sa.String(64), nullable=not not_null)
        return
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    for column in columns:
        # the column's own line of the CREATE TABLE text (not a FOREIGN KEY clause naming it)
        line = re.compile(rf'^([ \t]*"?{column}"?[ \t]+VARCHAR\(64\))( NOT NULL)?(?=[ \t]*,?[ \t]*$)', re.MULTILINE)
        sql, found = line.subn(rf"\1{' NOT NULL' if not_null else ''}", sql)
        if found != 1:
            raise RuntimeError(f"cannot find the column {table}.{column} in its CREATE TABLE text")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (sql, table))
        bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    info = {row[1]: row[3] for row in bind.exec_driver_sql(f"PRAGMA table_info({table})")}
    if any(bool(info[column]) != not_null for column in columns):
        raise RuntimeError(f"the NOT NULL of {table}.{', '.join(columns)} did not change")
