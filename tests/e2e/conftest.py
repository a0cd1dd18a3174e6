"""Fixtures shared by the CLI tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.main import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, db_url: str) -> dict[str, str]:
    e = {
        "CLEARANCE_DATA_DIR": str(tmp_path / "data"),
        "CLEARANCE_DATABASE_URL": db_url,
        "CLEARANCE_ARGON2_MEMORY_KIB": "64",
        "CLEARANCE_ARGON2_TIME_COST": "1",
    }
    r = runner.invoke(app, ["demo"], env=e)
    assert r.exit_code == 0, r.output
    assert "TOTP secret" in r.output and "admin" in r.output
    return e
