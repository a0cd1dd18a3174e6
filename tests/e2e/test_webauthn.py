"""Security keys (WebAuthn) as a second factor, against a software authenticator."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from clearance.services import demo
from tests.conftest import FakeClock, login
from tests.softkey import SoftKey

API = "/api/v1/auth/webauthn"


def register(
    client: TestClient, headers: dict[str, str], key: SoftKey, name: str = "YubiKey"
) -> Any:
    begin = client.post(f"{API}/registration-options", headers=headers)
    assert begin.status_code == 200, begin.text
    options = begin.json()["options"]
    assert options["rp"]["id"] == "localhost" and options["attestation"] == "none"
    return client.post(f"{API}/keys", headers=headers, json={
        "handle": begin.json()["handle"], "name": name, "credential": key.create(options)})  # fmt: skip


def key_login(client: TestClient, key: SoftKey, username: str = "meti.officer", **kw: Any) -> Any:
    begin = client.post(f"{API}/login-options",
                        json={"username": username, "password": demo.DEMO_PASSWORD})  # fmt: skip
    assert begin.status_code == 200, begin.text
    answer = key.get(begin.json()["options"], **kw)
    return client.post(
        f"{API}/login", json={"handle": begin.json()["handle"], "credential": answer}
    )


def test_register_then_log_in_with_the_key(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "meti.officer")
    key = SoftKey()
    r = register(client, h, key)
    assert r.status_code == 201, r.text
    keys = client.get(f"{API}/keys", headers=h).json()
    assert [k["name"] for k in keys] == ["YubiKey"]
    r = key_login(client, key)
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["username"] == "meti.officer"
    assert client.get(f"{API}/keys", headers=h).json()[0]["sign_count"] == 1
    entries = client.get("/api/v1/audit/entries", headers=login(client, clock, "admin")).json()
    logins = [e for e in entries if e["action"] == "auth:login" and e["decision"] == "allow"]
    assert any(e["payload"].get("second_factor") == "webauthn" for e in logins)


def test_wrong_origin_replay_and_cloned_keys_are_refused(
    client: TestClient, clock: FakeClock
) -> None:
    h = login(client, clock, "meti.officer")
    key = SoftKey()
    assert register(client, h, key).status_code == 201
    # A phishing site's origin.
    r = key_login(client, key, origin="https://evil.example")
    assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    # Replaying an answer: the challenge is spent.
    begin = client.post(f"{API}/login-options",
                        json={"username": "meti.officer", "password": demo.DEMO_PASSWORD}).json()  # fmt: skip
    answer = key.get(begin["options"])
    first = client.post(f"{API}/login", json={"handle": begin["handle"], "credential": answer})
    again = client.post(f"{API}/login", json={"handle": begin["handle"], "credential": answer})
    assert first.status_code == 200 and again.status_code == 401
    # A clone whose counter went backwards.
    r = key_login(client, key, count=1)
    assert r.status_code == 401
    # Someone else's key does not log this account in.
    other = SoftKey()
    h2 = login(client, clock, "meti.head")
    assert register(client, h2, other).status_code == 201
    assert key_login(client, other, "meti.officer").status_code == 401


def test_password_step_gives_one_answer_for_every_failure(
    client: TestClient, clock: FakeClock
) -> None:
    for body in (
        {"username": "meti.officer", "password": "wrong-password-1"},
        {"username": "nobody.here", "password": demo.DEMO_PASSWORD},
        {"username": "meti.officer", "password": demo.DEMO_PASSWORD},
    ):  # no key yet
        r = client.post(f"{API}/login-options", json=body)
        assert r.status_code == 401 and r.json()["code"] == "invalid_credentials"
    for _ in range(10):
        client.post(
            f"{API}/login-options", json={"username": "meti.head", "password": "bad-pass-123"}
        )
    r = client.post(
        f"{API}/login-options", json={"username": "meti.head", "password": "bad-pass-123"}
    )
    assert r.status_code == 429


def test_keys_are_managed_by_their_owner_only(client: TestClient, clock: FakeClock) -> None:
    h = login(client, clock, "meti.officer")
    key = SoftKey()
    kid = register(client, h, key).json()["id"]
    assert register(client, h, key).status_code in (409, 422)  # same key twice
    h2 = login(client, clock, "meti.head")
    assert client.delete(f"{API}/keys/{kid}", headers=h2).status_code == 404
    assert client.delete(f"{API}/keys/{kid}", headers=h).status_code == 204
    r = client.post(f"{API}/login-options",
                    json={"username": "meti.officer", "password": demo.DEMO_PASSWORD})  # fmt: skip
    assert r.status_code == 401  # no key left: the security-key login is not offered
    bad = client.post(f"{API}/keys", headers=h, json={
        "handle": "nope", "name": "x", "credential": {"id": "AA"}})  # fmt: skip
    assert bad.status_code == 422
