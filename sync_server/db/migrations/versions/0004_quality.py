"""Quality: overlap copies, the order's IoU threshold, gold answers (issue 11, ADR 0026).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-08

Only new nullable columns and a new table: SQLite adds them with ALTER TABLE, no table
copy, and every row already stored means what it meant (no overlap, the default IoU, no
gold answers).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# as tables.py spells it, written out here: a migration keeps doing what it did when it shipped
_Int = sa.Integer().with_variant(sa.BigInteger(), "postgresql")


def upgrade() -> None:
    op.add_column("orders", sa.Column("overlap", _Int))
    op.add_column("orders", sa.Column("overlap_share", sa.Float))
    op.add_column("orders", sa.Column("iou_threshold", sa.Float))
    op.add_column("items", sa.Column("overlap_group", _Int))
    op.create_index("ix_items_overlap_group", "items", ["overlap_group"])
    op.create_table(
        "gold_answers",
        sa.Column("item_id", _Int, sa.ForeignKey("items.id"), primary_key=True, autoincrement=False),
        sa.Column("shapes", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    copies = op.get_bind().execute(sa.text("SELECT count(*) FROM items WHERE overlap_group IS NOT NULL")).scalar()
    if copies:
        raise RuntimeError(f"{copies} items are overlap copies: a server before revision 0004 cannot tell them apart")
    op.drop_table("gold_answers")
    op.drop_index("ix_items_overlap_group", table_name="items")
    op.drop_column("items", "overlap_group")
    op.drop_column("orders", "iou_threshold")
    op.drop_column("orders", "overlap_share")
    op.drop_column("orders", "overlap")
