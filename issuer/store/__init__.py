"""Persistence with SQLAlchemy: SQLite by default, PostgreSQL by `ISSUER_DATABASE_URL`."""
