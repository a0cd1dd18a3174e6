"""Alembic migrations (script_location ``clearance:migrations``). Run with ``clearance db upgrade``."""
