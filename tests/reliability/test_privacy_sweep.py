"""The privacy sweep (issue 7, item 6), on SQLite and PostgreSQL: unique canaries in every
sensitive field and every secret travel through the real server (uvicorn, access log on), with
refused and malformed requests among them; then every place a value could leak is searched:

- every log record the process wrote;
- every audit entry (the raw table is part of the database dump);
- every error response (the problem documents of the refused and malformed requests);
- the raw database (SQLite's files with their WAL, or every row of every PostgreSQL table);
- an encrypted backup (`clearance backup`), and the checkpoint directory.

Nothing sensitive goes into a URL (searches by name are POSTs), so URLs, which access logs record
by design, carry no canary here. Sensitive fields: questionnaire answers, inquiry and interview notes, findings and opinion,
decision reasons, a complaint, a whistle-blowing report and its contact. Secrets: a password, the
TOTP seed issued with it, an API token, a session token, the installation secret and the checkpoint
signing key. The vetting values must be readable through the right door (the adjudicator's
purpose-bound read), so the sweep is not passing on data that was never stored.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
from typer.testing import CliRunner

from clearance.bootstrap import AppContext
from clearance.cli.main import app
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_assessment_privacy import _raw_dump
from tests.reliability.test_log_canaries import Collect, logs  # noqa: F401 - the fixture
from tests.ui.conftest import LiveServer


def test_no_canary_or_secret_leaks_anywhere(
    live: LiveServer, seeded: AppContext, clock: FakeClock, logs: Collect,  # noqa: F811
    db_url: str, tmp_path: Path,
) -> None:  # fmt: skip
    text = {name: f"CANARY{name}{uuid.uuid4().hex[:10]}" for name in
            ("answers", "reasons", "complaint", "whistle", "contact")}  # fmt: skip
    secrets: dict[str, str] = {"password": f"Pw-{uuid.uuid4().hex}"}
    errors: list[str] = []
    with httpx.Client(base_url=live.url, timeout=30) as client:
        f = Flow(client, clock)  # type: ignore[arg-type]
        aid = f.reported(canary=text["answers"])  # answers, inquiry, interview, findings, opinion
        f.decide(aid, outcome="unfavourable", reasons=f"理由 {text['reasons']}")
        f.post("tanaka.hanako", f"/assessments/{aid}/complaints",
               {"subject": "result", "text": f"苦情 {text['complaint']}"}, 201)  # fmt: skip
        f.post("suzuki.misaki", "/whistle-reports",
               {"text": f"通報 {text['whistle']}", "contact": text["contact"]}, 201)  # fmt: skip
        made = f.post("admin", "/accounts", {
            "username": "canary.user", "display_name": "canary", "password": secrets["password"],
            "roles": ["assessment_officer"], "org_id": f.orgs["METI"]}, 201)  # fmt: skip
        secrets["totp"] = made["totp_secret"]
        secrets["api_token"] = f.post("meti.officer", "/auth/tokens", {"name": "sweep"},
                                      201)["token"]  # fmt: skip
        secrets["session"] = f.h("meti.head")["Authorization"].removeprefix("Bearer ")
        # The values are stored and readable through the right door, for the right purpose.
        records = f.get("meti.adjudicator", f"/assessments/{aid}/records", purpose="assessment")
        assert text["answers"] in json.dumps(records, ensure_ascii=False)
        # Refused and malformed requests carrying canaries: their answers must not echo them.
        probes = [
            ("POST", "/api/v1/persons", {"family_name": text["answers"] * 20}, "meti.officer"),
            ("POST", "/api/v1/persons", {"date_of_birth": text["reasons"]}, "meti.officer"),
            ("PUT", f"/api/v1/assessments/{aid}/questionnaire/identity",
             {"address": text["answers"], "unknown": text["reasons"]}, "tanaka.hanako"),
            ("POST", f"/api/v1/assessments/{aid}/complaints",
             {"subject": text["complaint"], "text": text["complaint"]}, "sakura.security"),
            ("POST", "/api/v1/auth/login",
             {"username": text["contact"], "password": secrets["password"], "totp": "0"}, None),
            ("GET", f"/api/v1/assessments/{uuid.uuid4()}", None, "meti.officer"),
            ("POST", "/api/v1/whistle-reports", {"text": text["whistle"] * 5000}, "suzuki.misaki"),
        ]  # fmt: skip
        for method, path, body, who in probes:
            r = client.request(method, path, json=body, headers=f.h(who) if who else {})
            assert 400 <= r.status_code < 500, (path, r.status_code)
            errors.append(r.text)
    secrets["installation_secret"] = (seeded.settings.data_dir / "keys" / "secret.key").read_text(
        "utf-8").strip()  # fmt: skip
    key_pem = seeded.settings.effective_checkpoint_key_file.read_text("utf-8")
    secrets["signing_key"] = "".join(key_pem.splitlines()[1:-1])

    # A checkpoint and an encrypted backup of the installation as it now is.
    env = {"CLEARANCE_DATA_DIR": str(seeded.settings.data_dir), "CLEARANCE_DATABASE_URL": db_url}
    assert CliRunner().invoke(app, ["audit", "checkpoint"], env=env).exit_code == 0
    passphrase = tmp_path / "pass.txt"
    passphrase.write_text("a long backup passphrase", "utf-8")
    backup = tmp_path / "sweep.backup"
    made_backup = CliRunner().invoke(
        app, ["backup", str(backup), "--passphrase-file", str(passphrase)], env=env)  # fmt: skip
    assert made_backup.exit_code == 0, made_backup.output
    live.stop()
    seeded.close()  # SQLite: the WAL is folded into the files read below

    checkpoint_files = list(seeded.settings.effective_checkpoint_dir.iterdir())
    places = {
        "logs": "\n".join(logs.lines).encode(),
        "error responses": "\n".join(errors).encode(),
        "database": _raw_dump(db_url),
        "backup": backup.read_bytes(),
        "checkpoints": b"".join(p.read_bytes() for p in checkpoint_files),
    }
    assert len(places["logs"]) > 1000 and b"audit_log" not in places["backup"]
    leaks = []
    for place, content in places.items():
        for name, value in {**text, **secrets}.items():
            for encoded in {value.encode(), value.encode("utf-16-le")}:
                if encoded in content:
                    leaks.append((place, name))
    assert not leaks, leaks
