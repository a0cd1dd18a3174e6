"""SQLAlchemy 2 storage for SQLite and PostgreSQL 15 (portable column types only)."""
