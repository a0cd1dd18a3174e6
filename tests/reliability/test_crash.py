"""Crash safety in CI: 20 SIGKILL cycles per database (200 by the documented command).

Each cycle kills the server only after every kind of write was acknowledged in it (progress, not
time: the harness waits for it), so "more designations than cycles" holds by construction on a
slow machine too; what is checked is that nothing acknowledged was lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.harness import run

CYCLES = 20


def test_kill_9_on_sqlite_loses_no_acknowledged_write(tmp_path: Path) -> None:
    result = run(CYCLES, None, tmp_path)
    assert result["cycles"] == CYCLES and result["designations"] > CYCLES
    assert result["assessments"] > 0 and result["materials"] > CYCLES


@pytest.mark.postgres
def test_kill_9_on_postgresql_loses_no_acknowledged_write(
    tmp_path: Path, empty_pg_url: str
) -> None:
    result = run(CYCLES, empty_pg_url, tmp_path)
    assert result["cycles"] == CYCLES and result["designations"] > CYCLES
    assert result["assessments"] > 0 and result["materials"] > CYCLES
