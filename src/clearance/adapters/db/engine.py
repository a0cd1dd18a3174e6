"""``make_engine(url)``: one engine per process, with the pragmas each backend needs.

SQLite: WAL journal, ``synchronous=FULL`` (an acknowledged commit survives power loss), foreign keys
on, a busy timeout, and ``BEGIN IMMEDIATE`` for every transaction so writers serialise at BEGIN
rather than failing at COMMIT (this also serialises audit-log appends). PostgreSQL: psycopg 3,
READ COMMITTED; audit appends serialise on the ``audit_head`` row lock.

Both: ``hide_parameters`` — SQL logging (``CLEARANCE_DB_ECHO``) and error messages never carry the
bound values, which may be vetting data (tests/reliability/test_log_canaries.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from clearance.adapters.security import private_file


def make_engine(url: str, *, echo: bool = False) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            private_file(Path(parsed.database))  # 0600 in a 0700 directory: vetting data
        engine = create_engine(
            url, echo=echo, hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30},
        )  # fmt: skip
        _configure_sqlite(engine)
        return engine
    return create_engine(url, echo=echo, hide_parameters=True, pool_pre_ping=True, pool_size=10,
                         max_overflow=20)  # fmt: skip


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from the sqlite3 module so we can BEGIN IMMEDIATE ourselves.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
