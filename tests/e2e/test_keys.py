"""Key rotation (issue 7, item 8) on SQLite and PostgreSQL.

The installation secret: values sealed under the old secret stay readable while it is listed as a
previous secret, ``rewrap`` moves every one to the new key, and afterwards the old secret can go.
The checkpoint signing key: the handover checkpoint carries both signatures, checkpoints made
before the rotation still verify (online and offline), and the retired key cannot vouch for a tree
larger than the one it handed over.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from clearance.audit.checkpoint import Checkpoint, parse, sign
from clearance.bootstrap import AppContext, build_context, cli_subject
from clearance.cli.main import app
from clearance.services import demo, keys
from clearance.web.app import create_app
from tests.conftest import FakeClock, make_settings, totp_now
from tests.e2e.flows import Flow

runner = CliRunner()


def _client(ctx: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(ctx), raise_server_exceptions=False) as c:
        yield c


def _reads(client: TestClient, clock: FakeClock, report_id: str) -> None:
    """Everything sealed under the secret opens: TOTP seeds (log-ins), a person's data key (their
    export), a whistle report's key (the inspector opens it)."""
    f = Flow(client, clock)
    export = f.get("tanaka.hanako", "/me/export")
    assert export["assessments"][0]["questionnaire"]["identity"]["family_name"] == "田中"
    assert f.get("inspector", f"/whistle-reports/{report_id}")["text"] == "鍵の交換前の通報"


def test_secret_rotation_keeps_every_sealed_value_readable(
    seeded: AppContext, client: TestClient, clock: FakeClock, tmp_path: Path, db_url: str
) -> None:
    f = Flow(client, clock)
    f.reported()  # vetting data under tanaka.hanako's data key
    report = f.post("sakura.security", "/whistle-reports", {"text": "鍵の交換前の通報"}, 201)["id"]
    old_secret = (tmp_path / "data" / "keys" / "secret.key").read_text().strip()
    old_id = seeded.deps.box.current_key_id
    before = keys.status(seeded.deps, cli_subject())
    assert set(before) == {"person_key", "totp_secret", "whistle_key"}
    assert all(set(per) == {old_id} and sum(per.values()) >= 1 for per in before.values())

    new_secret = base64.urlsafe_b64encode(b"n" * 32).decode()
    rotated = build_context(make_settings(tmp_path, db_url, secret_key=new_secret,
                                          previous_secret_keys=old_secret), clock=clock)  # fmt: skip
    try:
        assert rotated.deps.box.current_key_id != old_id
        for c in _client(rotated):  # before the rewrap: old values still open
            _reads(c, clock, report)
        done = keys.rewrap(rotated.deps, cli_subject(), batch=2)  # several batches
        assert done == {k: sum(v.values()) for k, v in before.items()}
        after = keys.status(rotated.deps, cli_subject())
        assert all(set(per) == {rotated.deps.box.current_key_id} for per in after.values())
        assert keys.rewrap(rotated.deps, cli_subject()) == {k: 0 for k in before}  # idempotent
        with rotated.deps.uow() as uow:
            entries = [e for e, _ in uow.audit.entries() if e.action == "keys:manage"]
        assert {e.target for e in entries} >= {"keys:person_key", "keys:totp_secret"}
    finally:
        rotated.close()

    # The old secret can go now: nothing needs it.
    only_new = build_context(make_settings(tmp_path, db_url, secret_key=new_secret), clock=clock)
    try:
        for c in _client(only_new):
            _reads(c, clock, report)
    finally:
        only_new.close()
    # And the old secret alone no longer opens anything: a clear 503, never a 500.
    only_old = build_context(make_settings(tmp_path, db_url, secret_key=old_secret), clock=clock)
    try:
        for c in _client(only_old):
            clock.advance(seconds=31)
            r = c.post("/api/v1/auth/login", json={"username": "admin", "password": demo.DEMO_PASSWORD,
                                                   "totp": totp_now("admin", clock)})  # fmt: skip
            assert r.status_code == 503, r.text
            assert r.json()["code"] == "infrastructure"
            assert "CLEARANCE_PREVIOUS_SECRET_KEYS" not in r.text  # no internals to the client
    finally:
        only_old.close()


def test_rotate_secret_command_in_development(env: dict[str, str]) -> None:
    keys_dir = Path(env["CLEARANCE_DATA_DIR"]) / "keys"
    old = (keys_dir / "secret.key").read_text().strip()
    r = runner.invoke(app, ["keys", "rotate-secret"], env=env)
    assert r.exit_code == 0, r.output
    assert "Re-sealed under key" in r.output and "totp_secret" in r.output
    assert (keys_dir / "secret.key").read_text().strip() != old
    assert (keys_dir / "secret.previous").read_text().strip() == old
    r = runner.invoke(app, ["keys", "status"], env=env)
    assert r.exit_code == 0 and "(current)" in r.output and "older key" not in r.output
    r = runner.invoke(app, ["keys", "rotate-secret"], env={**env, "CLEARANCE_SECRET_KEY": "x" * 40})
    assert r.exit_code == 2 and "CLEARANCE_PREVIOUS_SECRET_KEYS" in r.output


def _sig_count(text: str) -> int:
    return len(parse(text)[1])


def test_signing_key_rotation_keeps_old_checkpoints_verifiable(
    env: dict[str, str], tmp_path: Path
) -> None:
    data = Path(env["CLEARANCE_DATA_DIR"])
    key_file, cps = data / "keys" / "checkpoint-ed25519.pem", data / "checkpoints"
    running = build_context(make_settings(tmp_path, env["CLEARANCE_DATABASE_URL"]))
    try:
        assert runner.invoke(app, ["audit", "checkpoint"], env=env).exit_code == 0
        old_cp = (cps / "latest.txt").read_text()
        old_pem, old_vkey = key_file.read_bytes(), running.deps.signer.verifier_key()

        r = runner.invoke(app, ["keys", "rotate-signing"], env=env)
        assert r.exit_code == 0, r.output
        handover = (cps / "latest.txt").read_text()
        assert _sig_count(handover) == 2 and key_file.read_bytes() != old_pem
        assert not key_file.with_name(key_file.name + ".next").exists()
        # A server started before the rotation signs with the new key from now on.
        assert running.deps.signer.verifier_key() != old_vkey
        assert runner.invoke(app, ["orgs", "list"], env=env).exit_code == 0
        assert runner.invoke(app, ["audit", "checkpoint"], env=env).exit_code == 0
        new_cp = (cps / "latest.txt").read_text()
        assert _sig_count(new_cp) == 1

        old_file, *_, new_file = sorted(cps.glob("checkpoint-*.txt"))
        assert (old_file.read_text(), new_file.read_text()) == (old_cp, new_cp)
        for cp in (old_file, new_file):
            r = runner.invoke(app, ["audit", "verify", "--checkpoint", str(cp)], env=env)
            assert r.exit_code == 0 and "consistent with the checkpoint" in r.output, r.output
        # Offline, with only the published verifier keys (the retired one has its limit).
        published = (cps / "verifier-keys.txt").read_text()
        assert old_vkey in published and "max-size=" in published
        r = runner.invoke(app, ["audit", "consistency", str(old_file), str(new_file),
                                "--key", str(cps / "verifier-keys.txt")])  # fmt: skip
        assert r.exit_code == 0, r.output
        old_size = parse(old_cp)[0].size
        proof = tmp_path / "proof.json"
        r = runner.invoke(app, ["audit", "prove", "1", "--size", str(old_size)], env=env)
        proof.write_text(r.output)
        r = runner.invoke(app, ["audit", "check-inclusion", str(proof), str(old_file),
                                "--key", str(cps / "verifier-keys.txt")])  # fmt: skip
        assert r.exit_code == 0, r.output

        # Whoever kept the retired private key cannot sign a later tree with it.
        old_key = load_pem_private_key(old_pem, password=None)
        assert isinstance(old_key, Ed25519PrivateKey)
        later = parse(new_cp)[0]
        forged = tmp_path / "forged.txt"
        forged.write_text(sign(Checkpoint(later.origin, later.size, later.root),
                               name=later.origin, key=old_key))  # fmt: skip
        r = runner.invoke(app, ["audit", "verify", "--checkpoint", str(forged)], env=env)
        assert r.exit_code != 0 and "retired" in " ".join(r.output.split())
        r = runner.invoke(app, ["audit", "consistency", str(old_file), str(forged),
                                "--key", str(cps / "verifier-keys.txt")])  # fmt: skip
        assert r.exit_code == 1 and "retired" in " ".join(r.output.split())
        r = runner.invoke(app, ["audit", "verify"], env=env)
        assert r.exit_code == 0, r.output
    finally:
        running.close()
