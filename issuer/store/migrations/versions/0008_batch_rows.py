"""batch_rows: a batch's roster rows in a table of their own (no longer a JSON column of
the batch row, which each progress update rewrote on SQLite: 20 MB at 100,000 rows)

Revision ID: 0008
Revises: 0007
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_CHUNK = 1000


def upgrade() -> None:
    batch_rows = op.create_table(
        "batch_rows",
        sa.Column("batch_id", sa.String(length=36), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "number"),
    )
    conn = op.get_bind()
    ids = conn.execute(sa.text("SELECT id FROM batches")).scalars().all()
    for batch_id in ids:
        text = conn.execute(
            sa.text("SELECT rows_json FROM batches WHERE id = :id"), {"id": batch_id}
        ).scalar_one()
        rows = [
            {"batch_id": batch_id, "number": row["number"], "data": json.dumps(row)}
            for row in json.loads(text)
        ]
        for start in range(0, len(rows), _CHUNK):
            op.bulk_insert(batch_rows, rows[start : start + _CHUNK])
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_column("rows_json")


def downgrade() -> None:
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rows_json", sa.Text(), nullable=False, server_default="[]"))
    conn = op.get_bind()
    ids = conn.execute(sa.text("SELECT id FROM batches")).scalars().all()
    for batch_id in ids:
        data = conn.execute(
            sa.text("SELECT data FROM batch_rows WHERE batch_id = :id ORDER BY number"),
            {"id": batch_id},
        ).scalars()
        conn.execute(
            sa.text("UPDATE batches SET rows_json = :rows WHERE id = :id"),
            {"id": batch_id, "rows": "[" + ",".join(data) + "]"},
        )
    op.drop_table("batch_rows")
