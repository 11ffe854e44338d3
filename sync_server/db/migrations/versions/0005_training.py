"""Training and certification: courses of gold items, attempts, certificates, and orders
that lease only to certified annotators (issue 11, ADR 0027).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09

New tables and one new column with a default: every stored order keeps leasing as before.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# as tables.py spells it, written out here: a migration keeps doing what it did when it shipped
_Int = sa.Integer().with_variant(sa.BigInteger(), "postgresql")
_When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column(
        "orders", sa.Column("requires_certification", sa.Boolean, nullable=False, server_default=sa.false())
    )
    op.create_table(
        "courses",
        sa.Column("id", _Int, primary_key=True),
        sa.Column("office_id", _Int, sa.ForeignKey("offices.id"), nullable=False, index=True),
        sa.Column("order_id", _Int, sa.ForeignKey("orders.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("task_kind", sa.String(30), nullable=False),
        sa.Column("pass_mark", sa.Float, nullable=False),
        sa.Column("created_at", _When, nullable=False),
    )
    op.create_table(
        "course_items",
        sa.Column("course_id", _Int, sa.ForeignKey("courses.id"), primary_key=True),
        sa.Column("item_id", _Int, sa.ForeignKey("items.id"), primary_key=True, index=True),
        sa.Column("position", _Int, nullable=False),
    )
    op.create_table(
        "training_attempts",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("course_id", _Int, sa.ForeignKey("courses.id"), nullable=False, index=True),
        sa.Column("user_id", _Int, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("answers", sa.JSON, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("client_time", sa.String(40)),
        sa.Column("device_id", sa.String(64)),
        sa.Column("received_at", _When, nullable=False),
    )
    op.create_table(
        "certificates",
        sa.Column("user_id", _Int, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("task_kind", sa.String(30), primary_key=True),
        sa.Column("course_id", _Int, sa.ForeignKey("courses.id"), nullable=False),
        sa.Column("attempt_id", sa.String(36), sa.ForeignKey("training_attempts.id"), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("certified_at", _When, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("certificates")
    op.drop_table("training_attempts")
    op.drop_table("course_items")
    op.drop_table("courses")
    op.drop_column("orders", "requires_certification")
