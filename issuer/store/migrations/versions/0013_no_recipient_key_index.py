"""credentials.recipient_key no longer indexed: a learner's credentials are found by wallet

Every credential with a recipient key has the wallet of that key (`Issuer._write` stores
them together), and `wallet_id` is indexed: the search by learner looks the wallet up
first. One random index less to update for each credential stored (a batch: about 5% of
the main process's CPU on SQLite). Rows that lack their wallet get it here.

Revision ID: 0013
Revises: 0012
"""

import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


_WALLETS = sa.table(
    "wallets",
    sa.column("id", sa.String()),
    sa.column("recipient_key", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    bind = op.get_bind()
    missing = (
        bind.execute(
            sa.text(
                "SELECT DISTINCT recipient_key FROM credentials WHERE wallet_id IS NULL"
                " AND recipient_key IS NOT NULL"
                " AND recipient_key NOT IN (SELECT recipient_key FROM wallets)"
            )
        )
        .scalars()
        .all()
    )
    if missing:
        now = datetime.now(UTC)
        bind.execute(
            sa.insert(_WALLETS),
            [
                {"id": secrets.token_urlsafe(24), "recipient_key": k, "created_at": now}
                for k in missing
            ],
        )
    bind.execute(
        sa.text(
            "UPDATE credentials SET wallet_id = (SELECT id FROM wallets"
            " WHERE wallets.recipient_key = credentials.recipient_key)"
            " WHERE wallet_id IS NULL AND recipient_key IS NOT NULL"
        )
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("ix_credentials_recipient_key")


def downgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index("ix_credentials_recipient_key", ["recipient_key"], unique=False)
