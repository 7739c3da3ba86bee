"""oid4vci: offers made together (group_id), a used pre-authorized code, wrong tx_code count;
OpenID4VCI access tokens (digests) and nonces

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("code_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("tx_code_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.create_index(batch_op.f("ix_offers_group_id"), ["group_id"], unique=False)
    op.create_table(
        "oid4vci_access_tokens",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("offer_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token_sha256"),
    )
    with op.batch_alter_table("oid4vci_access_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_access_tokens_offer_id"), ["offer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oid4vci_access_tokens_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "oid4vci_nonces",
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("nonce"),
    )
    with op.batch_alter_table("oid4vci_nonces", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_nonces_expires_at"), ["expires_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oid4vci_nonces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_nonces_expires_at"))
    op.drop_table("oid4vci_nonces")
    with op.batch_alter_table("oid4vci_access_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_access_tokens_expires_at"))
        batch_op.drop_index(batch_op.f("ix_oid4vci_access_tokens_offer_id"))
    op.drop_table("oid4vci_access_tokens")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_group_id"))
        batch_op.drop_column("tx_code_failures")
        batch_op.drop_column("code_used_at")
        batch_op.drop_column("group_id")
