"""credentials.document compressed with lz4 on PostgreSQL (14 and later, built with lz4)

PostgreSQL compresses a text value over about 2 KB when it stores it; with its default
method (pglz) a signed credential (about 6 KB) costs the server some 60 us of CPU more
than with lz4, which stores it about a tenth larger. Rows stored before keep their
method (both are read alike). SQLite does not compress: nothing to do.

Revision ID: 0012
Revises: 0011
"""

from alembic import op
from sqlalchemy import text

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

LZ4_AVAILABLE = text(
    "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
)


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    if connection.execute(LZ4_AVAILABLE).first() is None:
        return  # before PostgreSQL 14, or built without lz4: its default stays
    op.execute("ALTER TABLE credentials ALTER COLUMN document SET COMPRESSION lz4")


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql" and connection.execute(LZ4_AVAILABLE).first():
        op.execute("ALTER TABLE credentials ALTER COLUMN document SET COMPRESSION pglz")
