"""``clearance backup`` / ``clearance restore`` on both databases: a restored installation passes
``audit verify`` against the last checkpoint, its people can log in (their secrets were encrypted
under the restored key), and a wrong passphrase, a truncated or altered file, or a non-empty target
are refused without writing anything. The file holds no plaintext."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from clearance.bootstrap import build_context
from clearance.cli.main import app
from clearance.config import load_settings
from clearance.services import auth, demo

runner = CliRunner()


@pytest.fixture
def target(tmp_path: Path, db_url: str, pg_server: str | None) -> Iterator[dict[str, str]]:
    """A second, empty installation on the same kind of database."""
    env = {"CLEARANCE_DATA_DIR": str(tmp_path / "restored"), "CLEARANCE_ARGON2_MEMORY_KIB": "64",
           "CLEARANCE_ARGON2_TIME_COST": "1"}  # fmt: skip
    if db_url.startswith("sqlite"):
        env["CLEARANCE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'restored.db'}"
        yield env
        return
    assert pg_server
    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    env["CLEARANCE_DATABASE_URL"] = f"{pg_server.rsplit('/', 1)[0]}/{name}"
    yield env
    with admin.connect() as c:
        c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_and_restore(env: dict[str, str], target: dict[str, str], tmp_path: Path) -> None:
    secret = tmp_path / "pass.txt"
    secret.write_text("correct horse battery staple\n", "utf-8")
    assert runner.invoke(app, ["audit", "checkpoint"], env=env).exit_code == 0
    backup = tmp_path / "clearance.backup"
    r = runner.invoke(app, ["backup", str(backup), "--passphrase-file", str(secret)], env=env)
    assert r.exit_code == 0, r.output
    blob = backup.read_bytes()
    for plain in ("田中".encode(), b"METI", b"meti.manager", b"audit_log", b"BEGIN PRIVATE"):
        assert plain not in blob  # encrypted (and compressed) throughout
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all", "utf-8")
    r = runner.invoke(app, ["restore", str(backup), "--passphrase-file", str(wrong)], env=target)
    assert r.exit_code == 2 and "Wrong passphrase" in " ".join(r.output.split())
    cut = tmp_path / "cut.backup"
    cut.write_bytes(blob[: len(blob) // 2])
    r = runner.invoke(app, ["restore", str(cut), "--passphrase-file", str(secret)], env=target)
    assert r.exit_code == 2 and "truncated" in r.output
    r = runner.invoke(app, ["restore", str(backup), "--passphrase-file", str(secret)], env=target)
    assert r.exit_code == 0, r.output
    checkpoint = Path(target["CLEARANCE_DATA_DIR"]) / "checkpoints" / "latest.txt"
    r = runner.invoke(app, ["audit", "verify", "--checkpoint", str(checkpoint)], env=target)
    assert r.exit_code == 0 and "consistent with the checkpoint" in " ".join(r.output.split())
    ctx = build_context(load_settings(environ=target))
    try:  # the restored installation works: a person logs in with the same second factor
        result = auth.login(ctx.deps, username="meti.manager", password=demo.DEMO_PASSWORD,
                            code=pyotp.TOTP(demo.demo_totp_secret("meti.manager")).now(),
                            client="test")  # fmt: skip
        assert result.token
    finally:
        ctx.close()
    r = runner.invoke(app, ["restore", str(backup), "--passphrase-file", str(secret)], env=target)
    assert r.exit_code == 2 and "not empty" in r.output  # never over a live installation
