"""checked_rosters: a roster checked in the console, kept to issue it without a new upload

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checked_rosters",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("source_name", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("options", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checked_rosters", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checked_rosters_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("checked_rosters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checked_rosters_expires_at"))
    op.drop_table("checked_rosters")
