"""Every API route x every role: the expected answer is written here by hand (not derived from the
policy), so a change of the policy that widens access makes this test fail.

A route is "allowed" for a role when the answer is not 401/403. Object routes use an object of the
caller's own organisation where one exists.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from clearance.bootstrap import AppContext
from clearance.web.app import create_app
from tests.conftest import FakeClock, login
from tests.e2e.test_assessment_authz import is_assessment_route
from tests.e2e.test_cesi_authz import is_cesi_route  # the other route groups have their own
from tests.e2e.test_oversight import is_oversight_route

ROLES = {  # demo account -> role
    "admin": "system_admin",
    "meti.admin": "agency_admin",
    "meti.head": "agency_head_delegate",
    "meti.adjudicator": "adjudicator",
    "meti.officer": "assessment_officer",
    "meti.manager": "cesi_manager",
    "cao.investigator": "investigator",
    "sakura.security": "security_officer",
    "inspector": "inspector",
    "tanaka.hanako": "assessed_person",
}
EVERYONE = set(ROLES)
AUDITORS = {"admin", "inspector"}
PEOPLE_KEEPERS = {"admin", "meti.admin", "meti.officer", "sakura.security"}
ACCOUNT_ADMINS = {"admin", "meti.admin"}

# (method, path template, json body, who may) — "{org}", "{person}", "{account}" are filled with the
# caller's own organisation, a person of the caller's organisation, and the caller's own account.
MATRIX = [
    ("GET", "/api/v1/auth/me", None, EVERYONE),
    ("POST", "/api/v1/auth/tokens", {"name": "m"}, EVERYONE),
    ("GET", "/api/v1/organisations", None, EVERYONE),
    ("GET", "/api/v1/organisations/{org}", None, EVERYONE),
    ("POST", "/api/v1/organisations", {"kind": "oversight_body", "code": "X{n}", "name_ja": "x", "name_en": "x"}, {"admin"}),
    ("GET", "/api/v1/persons", None, PEOPLE_KEEPERS | {"meti.manager"}),
    ("POST", "/api/v1/persons/search", {"q": "田中"}, PEOPLE_KEEPERS | {"meti.manager"}),
    ("GET", "/api/v1/persons/{person}", None, PEOPLE_KEEPERS | {"tanaka.hanako", "meti.manager"}),
    ("POST", "/api/v1/persons", {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ", "given_name_kana": "タロウ", "date_of_birth": "1990-01-01", "employer_id": "{org}"}, PEOPLE_KEEPERS),
    ("GET", "/api/v1/accounts", None, ACCOUNT_ADMINS),
    ("GET", "/api/v1/accounts/{account}", None, EVERYONE),
    ("POST", "/api/v1/audit/verify", {}, AUDITORS),
    ("POST", "/api/v1/audit/checkpoints", None, AUDITORS),
    ("GET", "/api/v1/audit/entries", None, AUDITORS),
    ("GET", "/api/v1/audit/entries/1/proof", None, AUDITORS),
    ("GET", "/api/v1/regime", None, EVERYONE),
    ("GET", "/api/v1/tasks", None, EVERYONE),  # each caller's own list (test_steps_and_tasks.py)
    ("GET", "/api/v1/auth/webauthn/keys", None, EVERYONE),
    ("POST", "/api/v1/auth/webauthn/registration-options", None, EVERYONE),
    # official documents: the register of the caller's organisation; its issuer profile
    ("GET", "/api/v1/documents", None, EVERYONE - {"admin", "tanaka.hanako"}),
    ("PUT", "/api/v1/documents/settings", {"number_format": "第{n}号", "title_ja": "長"}, {"admin", "meti.admin", "meti.manager", "sakura.security"}),
]  # fmt: skip


def test_matrix_covers_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    routes = {
        (m.upper(), p) for p, ops in spec.items() for m in ops
        if p.startswith("/api/v1") and not is_assessment_route(p) and not is_cesi_route(p)
        and not is_oversight_route(p)
    }  # fmt: skip
    covered = {(m, p.replace("{org}", "{org_id}").replace("{person}", "{person_id}")
                .replace("{account}", "{account_id}").replace("/entries/1/", "/entries/{seq}/"))
               for m, p, _, _ in MATRIX}  # fmt: skip
    exempt = {  # public, or exercised with their own fixtures in test_api.py
        ("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/logout"),
        ("DELETE", "/api/v1/auth/tokens/{token_id}"), ("POST", "/api/v1/accounts"),
        ("POST", "/api/v1/accounts/{account_id}/disable"),
        ("POST", "/api/v1/accounts/{account_id}/enable"),
        # security keys: public login steps and owner-only key management, in test_webauthn.py
        ("POST", "/api/v1/auth/webauthn/login-options"), ("POST", "/api/v1/auth/webauthn/login"),
        ("POST", "/api/v1/auth/webauthn/keys"), ("DELETE", "/api/v1/auth/webauthn/keys/{key_id}"),
        # reissue needs a document of the caller's organisation: tests/e2e/test_documents.py
        ("POST", "/api/v1/documents/{document_id}/reissue"),
    }  # fmt: skip
    assert routes - exempt == covered


@pytest.fixture
def world(client: TestClient, clock: FakeClock, seeded: AppContext) -> dict[str, dict[str, str]]:
    admin = login(client, clock, "admin")
    orgs = {
        o["code"]: o["id"]
        for o in client.get("/api/v1/organisations", headers=admin).json()["items"]
    }
    people = client.get("/api/v1/persons", headers=admin).json()["items"]
    accounts = client.get("/api/v1/accounts", params={"limit": 200}, headers=admin).json()["items"]
    info = {}
    for acc in accounts:
        org_id = acc["org_id"]
        own = [p["id"] for p in people if p["employer_id"] == org_id]
        fallback = people[0]["id"] if acc["username"] == "admin" else str(uuid.uuid4())
        person = acc["person_id"] or (own[0] if own else fallback)
        info[acc["username"]] = {
            "org": org_id or orgs["SAKURA-HI"],
            "person": person,
            "account": acc["id"],
        }
    return info


@pytest.mark.parametrize("username", sorted(ROLES))
def test_route_by_role(
    username: str, seeded: AppContext, clock: FakeClock, world: dict[str, dict[str, str]]
) -> None:
    with TestClient(create_app(seeded), raise_server_exceptions=False) as c:
        h = login(c, clock, username)
        for n, (method, template, body, allowed) in enumerate(MATRIX):
            values = {**world[username], "n": str(n)}
            path = template.format(**values)
            payload = None
            if body is not None:
                payload = {
                    k: (v.format(**values) if isinstance(v, str) else v) for k, v in body.items()
                }
                if username == "tanaka.hanako" and "employer_id" in payload:
                    payload["employer_id"] = world["sakura.security"]["org"]
            r = c.request(method, path, json=payload, headers=h)
            assert r.status_code < 500, (method, path, r.text)
            granted = r.status_code not in (401, 403, 404)
            assert granted == (username in allowed), (username, method, path, r.status_code, r.text)


def test_cross_organisation_access_is_refused(
    client: TestClient, clock: FakeClock, world: dict[str, dict[str, str]]
) -> None:
    officer = login(client, clock, "sakura.security")
    meti_person = world["meti.officer"]["person"]
    # Another organisation's person: same answer as a person that does not exist.
    other = client.get(f"/api/v1/persons/{meti_person}", headers=officer)
    missing = client.get(f"/api/v1/persons/{uuid.uuid4()}", headers=officer)
    assert other.status_code == missing.status_code == 404
    assert other.json()["code"] == missing.json()["code"]
    r = client.get(
        "/api/v1/persons", params={"employer_id": world["meti.officer"]["org"]}, headers=officer
    )
    assert r.status_code == 403
    meti_admin = login(client, clock, "meti.admin")
    r = client.post(
        f"/api/v1/accounts/{world['sakura.security']['account']}/disable", headers=meti_admin
    )
    assert r.status_code == 404  # another organisation's account: like a missing one
