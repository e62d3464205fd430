"""box sessions; confidential entries

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from aduan.models.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "boxsession",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("opened_by", sa.String(), nullable=False),
        sa.Column("counted", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_boxsession_opened_at"), "boxsession", ["opened_at"], unique=False)
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("box_session_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_entry_box_session_id"), ["box_session_id"], unique=False
        )
        batch_op.create_foreign_key(
            "fk_entry_box_session_id_boxsession", "boxsession", ["box_session_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("entry", schema=None) as batch_op:
        batch_op.drop_constraint("fk_entry_box_session_id_boxsession", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_entry_box_session_id"))
        batch_op.drop_column("box_session_id")
        batch_op.drop_column("confidential")
    op.drop_index(op.f("ix_boxsession_opened_at"), table_name="boxsession")
    op.drop_table("boxsession")
