"""offers: credentials offered to learners' wallets, each bound to at most one holder

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "offers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("credential_id", sa.String(length=36), nullable=False),
        sa.Column("challenge", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.Text(), nullable=False),
        sa.Column("pre_authorized_code_sha256", sa.String(length=64), nullable=True),
        sa.Column("tx_code_sha256", sa.String(length=64), nullable=True),
        sa.Column("holder_did", sa.Text(), nullable=True),
        sa.Column("bound_credential_id", sa.String(length=36), nullable=True),
        sa.Column("bound_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pre_authorized_code_sha256"),
    )
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offers_credential_id"), ["credential_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_offers_bound_credential_id"), ["bound_credential_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_bound_credential_id"))
        batch_op.drop_index(batch_op.f("ix_offers_credential_id"))
    op.drop_table("offers")
