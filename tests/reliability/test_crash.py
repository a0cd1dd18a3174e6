"""Crash safety in CI: 20 SIGKILL cycles per database (200 by the documented command)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.reliability.harness import run

CYCLES = 20


def test_kill_9_on_sqlite_loses_no_acknowledged_write(tmp_path: Path) -> None:
    result = run(CYCLES, None, tmp_path)
    assert result["cycles"] == CYCLES and result["designations"] > CYCLES
    assert result["assessments"] > 0 and result["materials"] > CYCLES


@pytest.mark.postgres
def test_kill_9_on_postgresql_loses_no_acknowledged_write(tmp_path: Path,
                                                          pg_server: str | None) -> None:  # fmt: skip
    if pg_server is None:
        pytest.skip("no PostgreSQL server")
    name = f"crash_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        result = run(CYCLES, f"{pg_server.rsplit('/', 1)[0]}/{name}", tmp_path)
        assert result["cycles"] == CYCLES and result["designations"] > CYCLES
        assert result["assessments"] > 0 and result["materials"] > CYCLES
    finally:
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
