"""outbox ↔ entries link; entries indexed by reporter contact

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 12:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outboxentry",
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entry.id"]),
        sa.ForeignKeyConstraint(["outbox_id"], ["outboxmessage.id"]),
        sa.PrimaryKeyConstraint("outbox_id", "entry_id"),
    )
    with op.batch_alter_table("outboxentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outboxentry_entry_id"), ["entry_id"], unique=False)
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_entry_reporter_contact"), ["reporter_contact"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entry_reporter_contact"))
    with op.batch_alter_table("outboxentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outboxentry_entry_id"))
    op.drop_table("outboxentry")
