"""The inspector's offline checks (no database, only the public key and a copy of the checkpoint
directory), on both databases: consistency between checkpoints, inclusion of an entry, and the
failures they must catch: a checkpoint from another log, a forked history, a rolled-back database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.main import app
from tests.e2e.test_cli import run, tamper

runner = CliRunner()


def checkpoints(env: dict[str, str]) -> Path:
    return Path(env["CLEARANCE_DATA_DIR"]) / "checkpoints"


def write_checkpoint(env: dict[str, str]) -> Path:
    code, out = run(env, "audit", "checkpoint")
    assert code == 0, out
    return max(checkpoints(env).glob("checkpoint-*.txt"))  # the newest (names sort by size)


def grow(env: dict[str, str], n: int = 3) -> None:
    for i in range(n):
        code, out = run(env, "orgs", "create", "--kind", "administrative_organ",
                        "--code", f"AG{i}{len(list(checkpoints(env).glob('*')))}",
                        "--name-ja", "庁", "--name-en", "Agency")  # fmt: skip
        assert code == 0, out


def test_an_inspector_verifies_a_copy_offline(env: dict[str, str], tmp_path: Path) -> None:
    first = write_checkpoint(env)
    grow(env)
    second = write_checkpoint(env)
    grow(env)
    third = write_checkpoint(env)
    copy = tmp_path / "inspector-copy"
    shutil.copytree(checkpoints(env), copy)
    offline = {"PATH": "", "CLEARANCE_DATABASE_URL": "postgresql://nowhere.invalid/none"}
    r = runner.invoke(app, ["audit", "consistency", str(copy / first.name),
                            str(copy / third.name)], env=offline)  # fmt: skip
    assert r.exit_code == 0, r.output
    said = " ".join(r.output.split())
    assert "extends" in said and "2 proof(s)" in said  # through the middle checkpoint
    _ = second
    code, proof = run(env, "audit", "prove", "2")
    assert code == 0
    (tmp_path / "proof.json").write_text(proof, "utf-8")
    latest = copy / "latest.txt"
    r = runner.invoke(app, ["audit", "check-inclusion", str(tmp_path / "proof.json"),
                            str(latest)], env=offline)  # fmt: skip
    assert r.exit_code == 0, r.output


def test_a_checkpoint_from_another_log_is_refused(env: dict[str, str], tmp_path: Path,
                                                  db_url: str) -> None:  # fmt: skip
    first = write_checkpoint(env)
    grow(env)
    write_checkpoint(env)
    # Another installation: its own key, its own log.
    other_env = {**env, "CLEARANCE_DATA_DIR": str(tmp_path / "other"),
                 "CLEARANCE_DATABASE_URL": f"sqlite:///{tmp_path / 'other.db'}"}  # fmt: skip
    _ = db_url
    r = runner.invoke(app, ["demo"], env=other_env)
    assert r.exit_code == 0, r.output
    foreign = write_checkpoint(other_env)
    r = runner.invoke(app, ["audit", "consistency", str(first), str(foreign),
                            "--key", str(checkpoints(env) / "verifier-key.txt")])  # fmt: skip
    assert r.exit_code == 1 and "another log" in " ".join(r.output.split())


def test_a_rolled_back_database_is_detected(env: dict[str, str], db_url: str) -> None:
    grow(env)
    cp = write_checkpoint(env)  # published; the inspector keeps a copy
    code, out = run(env, "audit", "verify", "--checkpoint", str(cp))
    assert code == 0, out
    # Restore an older backup: the newest entries are gone.
    tamper(db_url, "DELETE FROM audit_log WHERE seq > 5")
    tamper(db_url, "UPDATE audit_head SET size = 5")
    code, out = run(env, "audit", "verify", "--checkpoint", str(cp))
    said = " ".join(out.split())
    assert code == 1 and ("rolled back" in said or "truncated" in said), out


def test_a_forked_history_is_refused_offline(env: dict[str, str], db_url: str,
                                             tmp_path: Path) -> None:  # fmt: skip
    first = write_checkpoint(env)
    grow(env, 2)
    # An insider rewrites an early entry and re-signs (the key is on the server): the new
    # checkpoint is validly signed but does not extend the published one.
    tamper(db_url, "UPDATE audit_log SET actor = 'cli:someone-else' WHERE seq = 2")
    from clearance.adapters.db.engine import make_engine
    from clearance.audit.checkpoint import Checkpoint
    from clearance.audit.merkle import leaf_hash, root_of
    from clearance.bootstrap import build_context
    from clearance.config import load_settings

    ctx = build_context(load_settings(environ=env))
    try:
        with ctx.deps.uow() as uow:
            leaves = [leaf_hash(e.canonical_bytes()) for e, _ in uow.audit.entries()]
        forged = Checkpoint(ctx.deps.signer.name, len(leaves), root_of(leaves))
        text = ctx.deps.signer.sign(forged)
    finally:
        ctx.close()
    _ = make_engine
    # ...and a consistency proof computed from the rewritten history, as a forger would.
    import base64
    import json

    from clearance.audit.merkle import consistency_proof
    from clearance.audit.offline import proof_name

    first_size = int(first.name.split("-")[1])
    (checkpoints(env) / proof_name(first_size, len(leaves))).write_text(json.dumps({
        "proof": [base64.b64encode(p).decode() for p in consistency_proof(first_size, leaves)]}),
        "utf-8")  # fmt: skip
    fork = tmp_path / "forged.txt"
    fork.write_text(text, "utf-8")
    honest_proof_dir = checkpoints(env)
    published = honest_proof_dir / f"checkpoint-{len(leaves):012d}-forged.txt"
    shutil.copy(fork, published)
    r = runner.invoke(app, ["audit", "consistency", str(first), str(published),
                            "--key", str(honest_proof_dir / "verifier-key.txt")])  # fmt: skip
    assert r.exit_code == 1, r.output
    said = " ".join(r.output.split())
    assert "rewritten" in said, said


@pytest.mark.parametrize("bad", ["not a checkpoint", ""])
def test_garbage_is_refused_with_a_message(tmp_path: Path, bad: str) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(bad, "utf-8")
    b.write_text(bad, "utf-8")
    r = runner.invoke(app, ["audit", "consistency", str(a), str(b), "--key",
                            "x+00000000+AAAA"])  # fmt: skip
    assert r.exit_code == 1 and "FAILED" in r.output
