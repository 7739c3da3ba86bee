"""caller ids: a caller-chosen credential id may be issued more than once

The `url` of a credential is unique no more: a VC API caller may issue its own id again
(each issuance is its own row). Ids this service builds (`{base}/credentials/{uuid}`) stay
unique through a partial index over the rows whose `caller_id` is false.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("caller_id", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # The service builds `{base}/credentials/{uuid}` with the row's own uuid; any other url
    # was the caller's choice.
    op.execute("UPDATE credentials SET caller_id = (url NOT LIKE ('%/credentials/' || id))")
    _drop_url_unique()
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.create_index("ix_credentials_url", ["url"], unique=False)
        batch_op.create_index(
            "uq_credentials_own_url",
            ["url"],
            unique=True,
            sqlite_where=sa.text("NOT caller_id"),
            postgresql_where=sa.text("NOT caller_id"),
        )


def downgrade() -> None:
    """Fails if an id was issued twice meanwhile: delete the older copies first."""
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index("uq_credentials_own_url")
        batch_op.drop_index("ix_credentials_url")
    with op.batch_alter_table(
        "credentials", schema=None, naming_convention=_SQLITE_NAMES
    ) as batch_op:
        batch_op.create_unique_constraint("uq_credentials_url", ["url"])
        batch_op.drop_column("caller_id")


def _drop_url_unique() -> None:
    """Drop the unique constraint 0001 put on `url` (unnamed there, so found by its column)."""
    bind = op.get_bind()
    found = [
        constraint["name"]
        for constraint in sa.inspect(bind).get_unique_constraints("credentials")
        if constraint["column_names"] == ["url"]
    ]
    if bind.dialect.name == "sqlite":
        # SQLite cannot drop a constraint: batch mode copies the table, and the naming
        # convention gives the unnamed constraint the name dropped here.
        with op.batch_alter_table(
            "credentials", schema=None, recreate="always", naming_convention=_SQLITE_NAMES
        ) as batch_op:
            if found:
                batch_op.drop_constraint(found[0] or "uq_credentials_url", type_="unique")
        return
    for name in found:
        op.drop_constraint(name or "credentials_url_key", "credentials", type_="unique")
