"""The HTTP API end to end: login with a second factor, sessions, tokens, errors, headers."""

from __future__ import annotations

import re

import pyotp
import pytest
from fastapi.testclient import TestClient

from clearance.bootstrap import AppContext
from clearance.services import demo
from tests.conftest import FakeClock, login, totp_now

PW = demo.DEMO_PASSWORD


def test_health_ready_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    spec = client.get("/openapi.json").json()
    assert "/api/v1/auth/login" in spec["paths"]
    assert client.get("/docs").status_code == 404  # no CDN-backed Swagger UI


def test_every_response_carries_security_headers(client: TestClient) -> None:
    for r in (client.get("/healthz"), client.get("/nope"), client.get("/login")):
        assert "script-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_login_needs_the_second_factor(client: TestClient, clock: FakeClock) -> None:
    clock.advance(seconds=31)
    base = {"username": "admin", "password": PW}
    assert client.post("/api/v1/auth/login", json={**base, "totp": "000000"}).status_code == 401
    clock.advance(seconds=31)
    ok = client.post("/api/v1/auth/login", json={**base, "totp": totp_now("admin", clock)})
    assert ok.status_code == 200
    token = ok.json()["token"]
    assert len(token) >= 22  # 16 random bytes, base64url
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["roles"] == ["system_admin"]


def test_a_totp_code_cannot_be_replayed(client: TestClient, clock: FakeClock) -> None:
    clock.advance(seconds=31)
    body = {"username": "admin", "password": PW, "totp": totp_now("admin", clock)}
    assert client.post("/api/v1/auth/login", json=body).status_code == 200
    assert client.post("/api/v1/auth/login", json=body).status_code == 401


def test_unknown_user_and_wrong_password_get_the_same_answer(
    client: TestClient, clock: FakeClock
) -> None:
    a = client.post(
        "/api/v1/auth/login", json={"username": "nobody", "password": PW, "totp": "123456"}
    )
    b = client.post("/api/v1/auth/login", json={"username": "admin", "password": "wrong-password!", "totp": "123456"})  # fmt: skip
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json()
    assert a.headers["content-type"] == "application/problem+json"


def test_throttling_slows_guessing_but_expires(client: TestClient, clock: FakeClock) -> None:
    bad = {"username": "meti.admin", "password": "wrong-password!", "totp": "123456"}
    codes = [client.post("/api/v1/auth/login", json=bad).status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and 429 in codes[5:]
    r = client.post("/api/v1/auth/login", json=bad)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    # The block is bounded: after the maximum lock-out the real user gets in.
    clock.advance(minutes=16)
    login(client, clock, "meti.admin")


def test_session_idle_and_absolute_limits(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "inspector")
    clock.advance(minutes=14, seconds=59)
    assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401
    h = login(client, clock, "inspector")
    for _ in range(51):  # stay active every 14 minutes: 11 h 54 min in all
        clock.advance(minutes=14)
        assert client.get("/api/v1/auth/me", headers=h).status_code == 200
    clock.advance(minutes=7)  # 12 h 01 min: over the absolute limit however active
    assert client.get("/api/v1/auth/me", headers=h).status_code == 401


def test_each_login_gets_a_new_token_and_logout_ends_it(
    client: TestClient, clock: FakeClock
) -> None:
    h1 = login(client, clock, "inspector")
    h2 = login(client, clock, "inspector")
    assert h1 != h2
    assert client.post("/api/v1/auth/logout", headers=h1).status_code == 204
    assert client.get("/api/v1/auth/me", headers=h1).status_code == 401
    assert client.get("/api/v1/auth/me", headers=h2).status_code == 200


def test_disabling_an_account_ends_every_session_and_token(
    client: TestClient, clock: FakeClock
) -> None:
    admin = login(client, clock, "admin")
    s1 = login(client, clock, "meti.officer")
    s2 = login(client, clock, "meti.officer")
    tok = client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=s1).json()["token"]
    api = {"Authorization": f"Bearer {tok}"}
    assert client.get("/api/v1/auth/me", headers=api).json()["via"] == "api_token"
    me = client.get("/api/v1/auth/me", headers=s1).json()
    accounts = client.get("/api/v1/accounts", params={"limit": 200}, headers=admin).json()["items"]
    target = next(a for a in accounts if a["username"] == "meti.officer")
    assert me["username"] == target["username"]
    r = client.post(f"/api/v1/accounts/{target['id']}/disable", headers=admin)
    assert r.status_code == 200 and r.json()["disabled"] is True
    for h in (s1, s2, api):
        assert client.get("/api/v1/auth/me", headers=h).status_code == 401
    clock.advance(seconds=31)
    body = {"username": "meti.officer", "password": PW, "totp": totp_now("meti.officer", clock)}
    assert client.post("/api/v1/auth/login", json=body).status_code == 401


def test_api_token_revocation(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "inspector")
    made = client.post(
        "/api/v1/auth/tokens", json={"name": "ci", "expires_in_days": 1}, headers=h
    ).json()
    api = {"Authorization": f"Bearer {made['token']}"}
    assert client.get("/api/v1/auth/me", headers=api).status_code == 200
    assert client.delete(f"/api/v1/auth/tokens/{made['id']}", headers=h).status_code == 204
    assert client.get("/api/v1/auth/me", headers=api).status_code == 401
    clock.advance(days=2)


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b'{"username": "a", ', "application/json", 400, "malformed_request"),
        (b'{"username": 5, "password": "x", "totp": "1"}', "application/json", 422, "validation_failed"),
        (b'{"username": "a", "password": "x", "totp": "1", "admin": true}', "application/json", 422, "validation_failed"),
        (b"[]", "application/json", 422, "validation_failed"),
        (b"null", "application/json", 422, "validation_failed"),
    ],
)  # fmt: skip
def test_bad_bodies_get_problem_details(
    client: TestClient, body: bytes, content_type: str, status: int, code: str
) -> None:
    r = client.post("/api/v1/auth/login", content=body, headers={"content-type": content_type})
    assert r.status_code == status
    problem = r.json()
    assert problem["code"] == code and problem["status"] == status
    assert r.headers["content-type"] == "application/problem+json"
    assert "Traceback" not in r.text


def test_oversize_body_is_refused_with_413(client: TestClient) -> None:
    big = b'{"username": "' + b"a" * 2_000_000 + b'"}'
    r = client.post("/api/v1/auth/login", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65536

    r = client.post(
        "/api/v1/auth/login", content=chunks(), headers={"content-type": "application/json"}
    )
    assert r.status_code == 413


def test_missing_or_malformed_authentication(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nope"},
                    {"Authorization": "Bearer clr_nope"}):  # fmt: skip
        r = client.get("/api/v1/organisations", headers=headers)
        assert r.status_code == 401 and r.json()["code"] == "authentication_required"


def test_unknown_route_method_and_bad_ids(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "admin")
    assert client.get("/api/v1/nothing", headers=h).json()["code"] == "not_found"
    r = client.put("/api/v1/organisations", headers=h, json={})
    assert (r.status_code, r.json()["code"]) == (405, "method_not_allowed")
    r = client.get("/api/v1/persons/not-a-uuid", headers=h)
    assert (r.status_code, r.json()["code"]) == (422, "validation_failed")
    r = client.get("/api/v1/persons/00000000-0000-4000-8000-000000000000", headers=h)
    assert r.status_code == 404


def test_create_person_reports_every_problem_at_once(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "admin")
    r = client.post(
        "/api/v1/persons",
        headers=h,
        json={"family_name": "", "given_name": "太郎", "family_name_kana": "Yamada",
              "given_name_kana": "タロウ", "date_of_birth": "2099-01-01"},
    )  # fmt: skip
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"family_name", "family_name_kana", "date_of_birth"}


def test_duplicate_organisation_code_is_a_conflict(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "admin")
    body = {"kind": "administrative_organ", "code": "METI", "name_ja": "x", "name_en": "x"}
    r = client.post("/api/v1/organisations", json=body, headers=h)
    assert (r.status_code, r.json()["code"]) == (409, "conflict")


def test_account_creation_checks_roles_against_the_organisation_kind(
    client: TestClient, clock: FakeClock
) -> None:
    h = login(client, clock, "admin")
    orgs = {
        o["code"]: o["id"] for o in client.get("/api/v1/organisations", headers=h).json()["items"]
    }
    body = {"username": "new.user", "display_name": "New", "password": "a-long-password-1",
            "roles": ["investigator"], "org_id": orgs["METI"]}  # fmt: skip
    r = client.post("/api/v1/accounts", json=body, headers=h)
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "role_not_allowed"
    body["roles"] = ["cesi_manager"]
    r = client.post("/api/v1/accounts", json=body, headers=h)
    assert r.status_code == 201
    secret = r.json()["totp_secret"]
    clock.advance(seconds=31)
    code = pyotp.TOTP(secret).at(clock.now())
    r = client.post("/api/v1/auth/login", json={"username": "new.user", "password": "a-long-password-1", "totp": code})  # fmt: skip
    assert r.status_code == 200


def test_cookie_sessions_need_the_csrf_token_for_changes(
    client: TestClient, clock: FakeClock, seeded: AppContext
) -> None:
    clock.advance(seconds=31)
    r = client.post("/api/v1/auth/login", json={"username": "inspector", "password": PW, "totp": totp_now("inspector", clock)})  # fmt: skip
    csrf = r.json()["csrf_token"]
    assert "clearance_session" in r.headers["set-cookie"].lower()
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=strict" in r.headers["set-cookie"].lower()
    assert client.get("/api/v1/auth/me").status_code == 200  # the cookie works for reads
    r = client.post("/api/v1/auth/tokens", json={"name": "x"})
    assert (r.status_code, r.json()["code"]) == (403, "csrf_failed")
    r = client.post("/api/v1/auth/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_browser_login_form_uses_csrf_and_sets_the_session(
    client: TestClient, clock: FakeClock
) -> None:
    page = client.get("/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert not re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page.text)  # no inline script
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    clock.advance(seconds=31)
    form = {"username": "inspector", "password": PW, "totp": totp_now("inspector", clock)}
    r = client.post("/login", data={**form, "csrf_token": "forged"}, follow_redirects=False)
    assert r.status_code == 403
    r = client.post("/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    home = client.get("/")
    assert "inspector" in home.text
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    assert client.get("/", follow_redirects=False).status_code == 303


def test_every_change_is_audited_and_denials_too(client: TestClient, clock: FakeClock) -> None:
    admin = login(client, clock, "admin")
    before = client.get("/api/v1/audit/entries", headers=admin).json()[0]["seq"]
    officer = login(client, clock, "sakura.security")
    body = {"kind": "platform", "code": "EVIL", "name_ja": "x", "name_en": "x"}
    assert client.post("/api/v1/organisations", json=body, headers=officer).status_code == 403
    entries = client.get("/api/v1/audit/entries", headers=admin).json()
    new = [e for e in entries if e["seq"] > before]
    kinds = [(e["action"], e["decision"]) for e in reversed(new)]
    assert ("auth:login", "allow") in kinds
    assert ("organisation:create", "deny") in kinds
    r = client.post("/api/v1/audit/verify", json={}, headers=admin)
    assert r.json()["ok"] is True


def test_audit_checkpoint_and_proof_over_http(client: TestClient, clock: FakeClock) -> None:
    import base64

    from clearance.audit.merkle import leaf_hash, verify_inclusion

    h = login(client, clock, "inspector")
    cp = client.post("/api/v1/audit/checkpoints", headers=h)
    assert cp.status_code == 201
    text = cp.json()["checkpoint"]
    r = client.post("/api/v1/audit/verify", json={"checkpoint": text}, headers=h)
    assert r.json()["ok"] and r.json()["checked_against"] == cp.json()["size"]
    p = client.get("/api/v1/audit/entries/3/proof", headers=h).json()
    assert p["tree_size"] == cp.json()["size"]
    leaf = leaf_hash(p["entry"].encode())
    proof = [base64.b64decode(x) for x in p["proof"]]
    assert verify_inclusion(2, p["tree_size"], leaf, proof, base64.b64decode(p["root_hash"]))
    bad = client.post("/api/v1/audit/verify", json={"checkpoint": "garbage"}, headers=h)
    assert bad.status_code == 422


def test_regime_is_served_with_sources(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "tanaka.hanako")
    regime = client.get("/api/v1/regime", headers=h).json()
    p = regime["parameters"]["eligibility_validity_years"]
    assert p["value"] == 10 and p["status"] == "verified" and "12(1)" in p["source"]
    assert len(regime["matters"]) == 7 and len(regime["categories"]) == 19


def test_an_out_of_range_sequence_number_is_a_422(client: TestClient, clock: FakeClock) -> None:
    """Found by the OpenAPI fuzzer at 100 examples: a number past SQLite's integers was a 500."""
    h = login(client, clock, "admin")
    r = client.get("/api/v1/audit/entries", params={"before": 10**20}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


def test_a_roster_that_is_not_csv_is_a_422(client: TestClient, clock: FakeClock) -> None:
    """Found by the OpenAPI fuzzer: a bare carriage return inside a field was a 500."""
    h = login(client, clock, "sakura.security")
    agency = next(o["id"] for o in client.get("/api/v1/organisations", headers=h).json()["items"]
                  if o["code"] == "METI")  # fmt: skip
    r = client.post(f"/api/v1/rosters/import?agency_id={agency}", headers={
        **h, "Content-Type": "text/csv"}, content=b"family_name\n\"unterminated\rfield")  # fmt: skip
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


def test_the_nul_character_is_refused_alike_on_both_databases(
    client: TestClient, clock: FakeClock
) -> None:
    """PostgreSQL cannot store U+0000 (the PostgreSQL fuzz run found it as a server error)."""
    h = login(client, clock, "meti.manager")
    r = client.post("/api/v1/training/modules", headers=h, json={
        "code": "x\u0000y", "title_ja": "研修", "title_en": "Training"})  # fmt: skip
    assert r.status_code == 422 and "U+0000" in r.text
    r = client.get("/api/v1/organisations", headers=h, params={"q": "a\u0000b"})
    assert r.status_code in (200, 422), r.text  # SQLite finds nothing; PostgreSQL refuses it
    if r.status_code == 422:
        assert "U+0000" in r.text
