"""The CLI end to end, and the audit acceptance: any tampering makes `clearance audit verify` exit 1
and name the entry; the untouched database exits 0."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from clearance.audit.merkle import leaf_hash, verify_inclusion
from clearance.cli.main import app

runner = CliRunner()


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    r = runner.invoke(app, list(args), env=env)
    return r.exit_code, r.output


def tamper(db_url: str, sql: str) -> None:
    """Act as an attacker with full database access (on PostgreSQL: a superuser who switches the
    append-only triggers off for the session)."""
    engine = create_engine(db_url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET session_replication_role = replica"))
        conn.execute(text(sql))
    engine.dispose()


def test_untouched_log_verifies(env: dict[str, str]) -> None:
    code, out = run(env, "audit", "verify")
    assert code == 0 and "intact" in out


@pytest.mark.parametrize(
    ("sql", "bad"),
    [
        ("UPDATE audit_log SET actor = actor || 'x' WHERE seq = 7", 7),
        ("UPDATE audit_log SET payload = replace(payload, '\"', '''') WHERE seq = 3", 3),
        ("UPDATE audit_log SET occurred_at = replace(occurred_at, '2026', '2025') WHERE seq = 12", 12),
        ("UPDATE audit_log SET tree_root = replace(tree_root, substr(tree_root, 1, 1), 'g') WHERE seq = 5", 5),
        ("DELETE FROM audit_log WHERE seq = 9", 9),
        ("UPDATE audit_log SET action = CASE seq WHEN 4 THEN (SELECT action FROM audit_log WHERE seq = 10) ELSE (SELECT action FROM audit_log WHERE seq = 4) END WHERE seq IN (4, 10)", 4),
    ],
)  # fmt: skip
def test_tampering_is_detected_and_named(
    env: dict[str, str], db_url: str, sql: str, bad: int
) -> None:
    tamper(db_url, sql)
    code, out = run(env, "audit", "verify")
    assert code == 1, out
    assert f"entry {bad}" in out


def test_swapping_two_whole_entries_is_detected(env: dict[str, str], db_url: str) -> None:
    cols = "occurred_at, actor, action, target, purpose, decision, rule, payload, tree_root"
    tamper(db_url, f"CREATE TABLE swap AS SELECT seq, {cols} FROM audit_log WHERE seq IN (6, 8)")
    for col in cols.split(", "):
        tamper(
            db_url,
            f"UPDATE audit_log SET {col} = (SELECT {col} FROM swap WHERE swap.seq = "
            f"CASE audit_log.seq WHEN 6 THEN 8 ELSE 6 END) WHERE seq IN (6, 8)",
        )
    code, out = run(env, "audit", "verify")
    assert code == 1 and "entry 6" in out


def test_truncation_and_rollback_are_detected_against_a_checkpoint(
    env: dict[str, str], db_url: str, tmp_path: Path
) -> None:
    code, out = run(env, "audit", "checkpoint")
    assert code == 0, out
    latest = tmp_path / "data" / "checkpoints" / "latest.txt"
    size = int(latest.read_text().split("\n")[1])
    tamper(db_url, f"DELETE FROM audit_log WHERE seq > {size - 3}")
    assert run(env, "audit", "verify")[0] == 0  # self-consistent without the checkpoint
    code, out = run(env, "audit", "verify", "--checkpoint", str(latest))
    assert code == 1 and f"entry {size - 2}" in out


def test_checkpoint_from_another_key_is_refused(env: dict[str, str], tmp_path: Path) -> None:
    other = dict(env, CLEARANCE_DATA_DIR=str(tmp_path / "other"))
    other["CLEARANCE_DATABASE_URL"] = f"sqlite:///{tmp_path / 'other.db'}"
    assert run(other, "audit", "checkpoint")[0] == 0
    code, out = run(
        env, "audit", "verify", "--checkpoint", str(tmp_path / "other/checkpoints/latest.txt")
    )
    assert code == 2 and "signature" in out


def test_prove_prints_a_proof_an_independent_verifier_accepts(env: dict[str, str]) -> None:
    assert run(env, "audit", "checkpoint")[0] == 0
    code, out = run(env, "audit", "prove", "5")
    assert code == 0, out
    p = json.loads(out)
    ok = verify_inclusion(
        p["leaf_index"], p["tree_size"], leaf_hash(p["entry"].encode()),
        [base64.b64decode(x) for x in p["proof"]], base64.b64decode(p["root_hash"]),
    )  # fmt: skip
    assert ok
    assert run(env, "audit", "prove", "999999")[0] == 2


def test_users_and_orgs_commands(env: dict[str, str]) -> None:
    code, out = run(env, "orgs", "create", "--kind", "qualified_operator", "--code", "NEWCO",
                    "--name-ja", "新会社", "--name-en", "NewCo")  # fmt: skip
    assert code == 0, out
    r = runner.invoke(
        app, ["users", "create", "--username", "newco.sec", "--display-name", "NewCo security",
              "--role", "security_officer", "--org", "NEWCO", "--password-stdin"],
        input="a-long-enough-password\n", env=env,
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "TOTP secret" in r.output
    r = runner.invoke(
        app, ["users", "create", "--username", "x1", "--display-name", "X", "--role", "investigator",
              "--org", "NEWCO", "--password-stdin"], input="short\n", env=env,
    )  # fmt: skip
    assert r.exit_code == 2 and "password" in r.output and "roles" in r.output
    assert run(env, "users", "disable", "newco.sec")[0] == 0
    assert run(env, "users", "disable", "nobody")[0] == 2
    code, out = run(env, "orgs", "list")
    assert code == 0 and "NEWCO" in out
    assert run(env, "demo")[0] == 2  # only into an empty database


def test_totp_helper(env: dict[str, str]) -> None:
    code, out = run(env, "totp", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    assert code == 0 and out.strip().isdigit()
    assert run(env, "totp", "not base32!")[0] == 2


def test_postgres_refuses_update_delete_and_truncate_on_the_log(
    env: dict[str, str], db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("the database-level guard is PostgreSQL's; SQLite relies on verification")
    engine = create_engine(db_url)
    for sql in ("UPDATE audit_log SET actor = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1",
                "TRUNCATE audit_log"):  # fmt: skip
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    engine.dispose()
    assert run(env, "audit", "verify")[0] == 0


def test_production_mode_refuses_placeholder_secrets(tmp_path: Path) -> None:
    r = runner.invoke(app, ["audit", "verify"], env={"CLEARANCE_MODE": "production",
                                                     "CLEARANCE_SECRET_KEY": "changeme"})  # fmt: skip
    assert r.exit_code == 2
    assert "CLEARANCE_SECRET_KEY" in r.output and "CLEARANCE_DATABASE_URL" in r.output


def test_vetting_purge_command(env: dict[str, str]) -> None:
    code, out = run(env, "vetting", "purge")
    assert code == 0 and "Purged the vetting data of 0 person(s)" in out, out
    code, out = run(env, "audit", "verify")
    assert code == 0
