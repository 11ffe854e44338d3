"""changes.entity_id: what each feed row is about, for compact first syncs (ADR 0021).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05

Rows already in the feed get their key from their kind and data, as
``sync_server.db.feed_entities.entity_of`` gives it (a review's key names its
revision: whether it judged the head when written is not in the row). A row whose
data does not say stays NULL: never skipped. The keys are spelled out here, not
imported: a migration must keep doing what it did when it shipped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_changes = sa.table(
    "changes", sa.column("kind", sa.String), sa.column("data", sa.JSON), sa.column("entity_id", sa.String)
)


def _field(name: str):
    return _changes.c.data[name].as_string()


def _key(prefix: str, *parts) -> sa.ColumnElement:
    """``prefix`` and the parts joined by ":"; NULL when a part is (SQL's || does that on both engines)."""
    text = sa.literal(prefix, sa.String)
    for n, part in enumerate(parts):
        text = text + (sa.literal(":", sa.String) + part if n else part)
    return text


def _backfill_entities() -> None:
    key = sa.case(
        (_changes.c.kind == "order", _key("order:", _field("id"))),
        (_changes.c.kind == "batch", _key("batch:", _field("id"))),
        (_changes.c.kind == "item", _key("item:", _field("id"))),
        (
            (_changes.c.kind == "annotation") & _field("status").is_(None),
            _key("work:", _field("item_id"), _field("annotator_id")),
        ),
        (_changes.c.kind == "annotation", _key("rev:", _field("id"))),
        (_changes.c.kind == "review", _key("review:", _field("annotation_id"))),
    )
    op.execute(_changes.update().values(entity_id=key))


def upgrade() -> None:
    op.add_column("changes", sa.Column("entity_id", sa.String(60)))  # SQLite: ALTER TABLE, no table copy
    _backfill_entities()
    op.create_index("ix_changes_entity", "changes", ["entity_id", "audience_user_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_changes_entity", table_name="changes")
    op.drop_column("changes", "entity_id")
