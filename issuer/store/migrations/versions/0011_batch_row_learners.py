"""batch_rows.learner: each roster row's learner key, indexed, so a batch finds the learners
with more than one row in the database (not by holding every learner in memory)

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("batch_rows", schema=None) as batch_op:
        batch_op.add_column(sa.Column("learner", sa.String(length=16), nullable=True))
        batch_op.create_index("ix_batch_rows_learner", ["batch_id", "learner"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("batch_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_rows_learner")
        batch_op.drop_column("learner")
