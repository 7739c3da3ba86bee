"""status_sets: each status-list set's permutation seed and cursor (replaces
status_allocations); the sets made before are closed as full

Allocation no longer reads the indices taken (issue 13): a set hands out its indices in
the order of a keyed permutation, and only a cursor is stored. The indices of sets made
before were drawn at random and recorded one by one in `status_allocations`; those sets
are marked full here (their credentials, lists and bits stay as they are, and keep being
served and updated), so every new index comes from a new set.

Revision ID: 0007
Revises: 0006
"""

import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    status_sets = op.create_table(
        "status_sets",
        sa.Column("set_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=64), nullable=False),
        sa.Column("next_position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("set_number"),
    )
    conn = op.get_bind()
    existing = conn.execute(
        sa.text("SELECT set_number, MAX(length) FROM status_lists GROUP BY set_number")
    ).all()
    now = datetime.now(UTC)
    if existing:
        op.bulk_insert(
            status_sets,
            [
                {
                    "set_number": number,
                    "length": length,
                    "seed": os.urandom(32).hex(),
                    "next_position": length,  # full: no index of it is handed out again
                    "created_at": now,
                }
                for number, length in existing
            ],
        )
    op.drop_table("status_allocations")


def downgrade() -> None:
    op.create_table(
        "status_allocations",
        sa.Column("set_number", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("allocated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("set_number", "status_index"),
    )
    op.execute(
        "INSERT INTO status_allocations (set_number, status_index, allocated_at)"
        " SELECT status_set, status_index, issued_at FROM credentials"
        " WHERE status_set IS NOT NULL AND status_index IS NOT NULL"
    )
    op.drop_table("status_sets")
