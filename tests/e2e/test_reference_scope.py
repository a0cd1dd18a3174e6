"""Ids in request bodies and query parameters are scoped like ids in paths (issue 15 §1).

test_object_matrix covers the ids in paths. This test covers every id-typed field of every request
body and query parameter in the OpenAPI document: each is classified below, and the test fails
when the document has an id field the table does not know, so a new field must be classified.

For each classified field, every account of the METI / Sakura side sends a request that is valid
in every other respect (its own objects everywhere else) with the field set to

- an object of the other side (the MOD agency and the Aoba company, with their own designation,
  material, contract, candidate and employee), and
- an id that names nothing.

The two answers must be identical (status and problem code; for a list filter, the same body), and
neither may be a success: naming another organisation's object must not act on it, and must not
tell the caller that it exists. A positive control then sends the valid request as its owner and
expects success, so the refusals above are the reference check and not a broken request.

Fields that may by design name any organisation of a kind (the directory is public: an agency to
nominate to, an operator to certify, an agency to tell about a whistle-blowing report) are listed
in ``DIRECTORY`` with the reason; the test still checks that a missing id and an organisation of
the wrong kind are refused alike.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import CHECKLIST, World

# The METI / Sakura side: every account that could send these requests. The system administrator
# and the Inspector are platform-wide by design (tests/e2e/test_oversight).
CALLERS = (
    "meti.admin",
    "meti.head",
    "meti.adjudicator",
    "meti.officer",
    "meti.manager",
    "meti.complaints",
    "meti.certification",
    "cao.investigator",
    "sakura.security",
    "tanaka.hanako",
)

Body = Callable[["Objects"], dict[str, Any]]


class Objects:
    """The world of test_cesi (METI, Sakura, Tanaka Hanako) and the other side: MOD designates
    and certifies Aoba, Aoba nominates Ito Shota to MOD, MOD holds a material."""

    def __init__(self, w: World) -> None:
        f = self.f = w.f
        self.w = w
        today = self.today = f.clock.now().date()
        f.add_agency("MOD")
        f.add_account("mod.manager", "cesi_manager", "MOD")
        f.add_account("mod.certification", "certification_officer", "MOD")
        self.mod_designation = f.post(
            "mod.manager",
            "/designations",
            {
                "category_code": "A3",
                "document_number": "MOD-2026-001",
                "title": "防衛装備の情報",
                "marking": "mark",
                "start_on": today.isoformat(),
                "expires_on": today.replace(year=today.year + 5).isoformat(),
            },
            201,
        )["id"]
        [m] = f.post(
            "mod.manager",
            "/materials",
            {
                "designation_id": self.mod_designation,
                "kind": "document",
                "title": "装備資料",
                "copy_total": 1,
                "location": "金庫B",
            },
            201,
        )
        self.mod_material = m["id"]
        cert = f.post(
            "mod.certification", "/certifications", {"operator_id": f.orgs["AOBA-EL"]}, 201
        )["id"]
        f.post("aoba.security", f"/certifications/{cert}/application", {"checklist": CHECKLIST})
        f.post("mod.certification", f"/certifications/{cert}/steps/start_review")
        f.post("mod.certification", f"/certifications/{cert}/steps/certify")
        self.mod_contract = f.post(
            "mod.certification",
            f"/certifications/{cert}/contracts",
            {
                "reference": "契約-M01",
                "designation_ids": [self.mod_designation],
                "departments": ["設計部"],
                "start_on": today.isoformat(),
                "end_on": today.replace(year=today.year + 3).isoformat(),
            },
            201,
        )["id"]
        self.ito = f.persons["shota"]
        self.aoba_candidate = f.post(
            "aoba.security",
            "/assessments/candidates",
            {"person_id": self.ito, "agency_id": f.orgs["MOD"]},
            201,
        )["assessment_id"]
        # Own objects of the METI / Sakura side beyond the world's.
        self.sato = f.persons["kenichi"]  # a second Sakura employee
        self.suzuki = f.persons["misaki"]  # METI staff
        self.takahashi = f.persons["makoto"]  # METI staff
        self.meti_designation_2 = w.designate(
            "METI-2026-002", today, today.replace(year=today.year + 5)
        )
        self.contract_2 = f.post(
            "meti.certification",
            f"/certifications/{w.cert}/contracts",
            {
                "reference": "契約-002",
                "designation_ids": [self.meti_designation_2],
                "departments": ["開発部"],
                "start_on": today.isoformat(),
                "end_on": today.replace(year=today.year + 3).isoformat(),
            },
            201,
        )["id"]
        self.sakura_candidate = f.post(
            "sakura.security",
            "/assessments/candidates",
            {"person_id": self.sato, "agency_id": f.orgs["METI"]},
            201,
        )["assessment_id"]
        f.post(
            "sakura.security",
            f"/assessments/{self.sakura_candidate}/listing-consent",
            {"given": True},
        )

    def foreign(self, kind: str) -> str:
        """The other side's object of ``kind``."""
        found: dict[str, str] = {
            "person": self.ito,
            "org": self.f.orgs["AOBA-EL"],
            "agency": self.f.orgs["MOD"],
            "designation": self.mod_designation,
            "material": self.mod_material,
            "contract": self.mod_contract,
            "assessment": self.aoba_candidate,
        }
        return found[kind]


def _iso(day: dt.date) -> str:
    return day.isoformat()


# (method, path, field) -> (kind of object, owner, path ids, valid body or query). ``field`` is a
# dotted body field ("body.x", "body.x[]") or a query parameter ("query.x").
OPS: dict[tuple[str, str, str], tuple[str, str, Callable[[Objects], dict[str, str]], Body]] = {}
ROUTES: dict[tuple[str, str], tuple[str, Callable[[Objects], dict[str, str]], Body]] = {
    ("POST", "/api/v1/persons"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "family_name": "木村",
            "given_name": "拓也",
            "family_name_kana": "キムラ",
            "given_name_kana": "タクヤ",
            "date_of_birth": "1985-06-01",
            "employer_id": o.f.orgs["SAKURA-HI"],
        },
    ),
    ("POST", "/api/v1/accounts"): (
        "meti.admin",
        lambda o: {},
        lambda o: {
            "username": f"staff.{uuid.uuid4().hex[:6]}",
            "display_name": "職員",
            "password": "correct horse battery staple 2026",
            "roles": ["cesi_manager"],
            "org_id": o.f.orgs["METI"],
        },
    ),
    ("POST", "/api/v1/assessments"): (
        "meti.officer",
        lambda o: {},
        lambda o: {"person_id": o.takahashi},
    ),
    ("POST", "/api/v1/assessments/candidates"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "person_id": o.f.persons["hanako"],
            "agency_id": o.f.orgs["MOD"],
            "dispatching_employer_id": None,
        },
    ),
    ("POST", "/api/v1/rosters"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"agency_id": o.f.orgs["METI"], "assessment_ids": [o.sakura_candidate]},
    ),
    ("POST", "/api/v1/eligibility/sds"): (
        "meti.officer",
        lambda o: {},
        lambda o: {"person_id": o.suzuki, "sds_notified_on": _iso(o.today), "reference": "特秘-1"},
    ),
    ("POST", "/api/v1/persons/{person_id}/change-reports"): (
        "sakura.security",
        lambda o: {"person_id": o.w.person},
        lambda o: {"agency_id": o.f.orgs["METI"], "summary": "住所変更", "raises_doubt": False},
    ),
    ("POST", "/api/v1/designations/{designation_id}/provisions"): (
        "meti.manager",
        lambda o: {"designation_id": o.meti_designation_2},
        lambda o: {
            "basis": "art10",
            "recipient_org_id": o.f.orgs["SAKURA-HI"],
            "contract_id": o.contract_2,
        },
    ),
    ("POST", "/api/v1/certifications/{cert_id}/contracts"): (
        "meti.certification",
        lambda o: {"cert_id": o.w.cert},
        lambda o: {
            "reference": "契約-003",
            "designation_ids": [o.meti_designation_2],
            "departments": ["開発部"],
            "start_on": _iso(o.today),
            "end_on": _iso(o.today + dt.timedelta(days=400)),
        },
    ),
    ("POST", "/api/v1/training/assignments"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "person_id": o.sato,
            "module_code": "handling_rules",
            "due_on": _iso(o.today + dt.timedelta(days=30)),
        },
    ),
    ("POST", "/api/v1/handlers/acknowledgements"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"person_id": o.sato, "paper_reference": "誓約書-2"},
    ),
    ("POST", "/api/v1/materials"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "designation_id": o.w.designation,
            "kind": "document",
            "title": "写し",
            "copy_total": 1,
            "location": "金庫A",
        },
    ),
    ("POST", "/api/v1/materials/{material_id}/destruction"): (
        "sakura.security",
        lambda o: {"material_id": o.w.material},
        lambda o: {"destroyer_id": o.w.person, "witness_id": o.sato, "method": "裁断"},
    ),
    ("POST", "/api/v1/inventories"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"found": [o.w.material]},
    ),
    ("POST", "/api/v1/incidents"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "kind": "loss",
            "occurred_at": o.f.clock.now().isoformat(),
            "material_ids": [o.w.material],
            "text": "所在不明",
        },
    ),
    ("POST", "/api/v1/access/decisions"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"person_id": o.w.person, "material_id": o.w.material, "action": "read"},
    ),
    ("POST", "/api/v1/handlers"): (
        "sakura.security",
        lambda o: {},
        lambda o: {
            "designation_id": o.meti_designation_2,
            "person_id": o.w.person,
            "department": "開発部",
        },
    ),
    ("GET", "/api/v1/persons"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"employer_id": o.f.orgs["SAKURA-HI"]},
    ),
    ("POST", "/api/v1/persons/search"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"q": "田中", "employer_id": o.f.orgs["SAKURA-HI"]},
    ),
    ("GET", "/api/v1/accounts"): (
        "meti.admin",
        lambda o: {},
        lambda o: {"org_id": o.f.orgs["METI"]},
    ),
    ("GET", "/api/v1/persons/{person_id}/eligibility"): (
        "sakura.security",
        lambda o: {"person_id": o.w.person},
        lambda o: {"agency_id": o.f.orgs["METI"]},
    ),
    ("GET", "/api/v1/designations"): (
        "meti.manager",
        lambda o: {},
        lambda o: {"agency_id": o.f.orgs["METI"]},
    ),
    ("GET", "/api/v1/handlers/register"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"org_id": o.f.orgs["SAKURA-HI"], "designation_id": o.w.designation},
    ),
    ("GET", "/api/v1/materials"): (
        "sakura.security",
        lambda o: {},
        lambda o: {"org_id": o.f.orgs["SAKURA-HI"]},
    ),
}

# Fields whose valid request differs from the route's (a portal account names a person and no
# organisation).
FIELD_BODIES: dict[tuple[str, str, str], Body] = {
    ("POST", "/api/v1/accounts", "body.person_id"): lambda o: {
        "username": f"portal.{uuid.uuid4().hex[:6]}",
        "display_name": "職員",
        "password": "correct horse battery staple 2026",
        "roles": ["assessed_person"],
        "person_id": o.takahashi,
    },
}

# (method, path, field) -> kind of object the field names.
FIELDS: dict[tuple[str, str, str], str] = {
    ("POST", "/api/v1/persons", "body.employer_id"): "org",
    ("POST", "/api/v1/accounts", "body.org_id"): "org",
    ("POST", "/api/v1/accounts", "body.person_id"): "person",
    ("POST", "/api/v1/assessments", "body.person_id"): "person",
    ("POST", "/api/v1/assessments/candidates", "body.person_id"): "person",
    ("POST", "/api/v1/assessments/candidates", "body.dispatching_employer_id"): "agency",
    ("POST", "/api/v1/rosters", "body.assessment_ids[]"): "assessment",
    ("POST", "/api/v1/eligibility/sds", "body.person_id"): "person",
    ("POST", "/api/v1/persons/{person_id}/change-reports", "body.agency_id"): "agency",
    ("POST", "/api/v1/designations/{designation_id}/provisions", "body.contract_id"): "contract",
    ("POST", "/api/v1/certifications/{cert_id}/contracts", "body.designation_ids[]"): "designation",
    ("POST", "/api/v1/training/assignments", "body.person_id"): "person",
    ("POST", "/api/v1/handlers", "body.designation_id"): "designation",
    ("POST", "/api/v1/handlers", "body.person_id"): "person",
    ("POST", "/api/v1/handlers/acknowledgements", "body.person_id"): "person",
    ("POST", "/api/v1/materials", "body.designation_id"): "designation",
    ("POST", "/api/v1/materials/{material_id}/destruction", "body.destroyer_id"): "person",
    ("POST", "/api/v1/materials/{material_id}/destruction", "body.witness_id"): "person",
    ("POST", "/api/v1/inventories", "body.found[]"): "material",
    ("POST", "/api/v1/incidents", "body.material_ids[]"): "material",
    ("POST", "/api/v1/access/decisions", "body.person_id"): "person",
    ("POST", "/api/v1/access/decisions", "body.material_id"): "material",
    ("GET", "/api/v1/persons", "query.employer_id"): "org",
    ("POST", "/api/v1/persons/search", "body.employer_id"): "org",
    ("GET", "/api/v1/accounts", "query.org_id"): "org",
    ("GET", "/api/v1/persons/{person_id}/eligibility", "query.agency_id"): "agency",
    ("GET", "/api/v1/designations", "query.agency_id"): "agency",
    ("GET", "/api/v1/handlers/register", "query.org_id"): "org",
    ("GET", "/api/v1/handlers/register", "query.designation_id"): "designation",
    ("GET", "/api/v1/materials", "query.org_id"): "org",
}

# Fields that name an organisation from the public directory by design, or that another test
# covers with its own rules. Each with the reason.
DIRECTORY = {
    (
        "POST",
        "/api/v1/assessments/candidates",
        "body.agency_id",
    ): "an operator nominates to any agency it has work with; the agency checks the roster",
    ("POST", "/api/v1/rosters", "body.agency_id"): "as for candidates",
    ("POST", "/api/v1/rosters/import", "query.agency_id"): "as for candidates",
    (
        "POST",
        "/api/v1/certifications",
        "body.operator_id",
    ): "an agency may certify any qualified operator (Art. 10(1))",
    (
        "POST",
        "/api/v1/designations/{designation_id}/provisions",
        "body.recipient_org_id",
    ): "any organisation may receive a provision; Arts. 6 and 10 are checked on the provision",
    (
        "POST",
        "/api/v1/materials/{material_id}/transfer",
        "body.to_org_id",
    ): "the recipient must hold a provision of the designation (test_cesi)",
    (
        "POST",
        "/api/v1/materials/{material_id}/transfer",
        "body.custodian_id",
    ): "a person of the recipient; the recipient is named by to_org_id (test_cesi)",
    (
        "POST",
        "/api/v1/persons/{person_id}/departure",
        "body.agency_id",
    ): "the agencies for which the person holds eligibility (test_cesi)",
    (
        "POST",
        "/api/v1/inspections",
        "body.designation_id",
    ): "only the Inspector records inspections, of any agency's designation (test_oversight)",
    (
        "POST",
        "/api/v1/whistle-reports",
        "body.agency_id",
    ): "anyone may report to any agency (Art. 30 channel)",
}


# Callers who may read the other side's object of a kind anyway: for them a denial is a 403, as in
# test_object_matrix (checked below: the object answers their GET).
KNOWS = {("cao.investigator", "assessment"): "/api/v1/assessments/{}"}


def _id_fields(spec: dict[str, Any]) -> set[tuple[str, str, str]]:
    def walk(schema: dict[str, Any], at: str) -> set[str]:
        if "$ref" in schema:
            return walk(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], at)
        out = {at} if schema.get("format") == "uuid" else set()
        for key in ("anyOf", "oneOf", "allOf"):
            for option in schema.get(key, []):
                out |= walk(option, at)
        for name, sub in schema.get("properties", {}).items():
            out |= walk(sub, f"{at}.{name}")
        if "items" in schema:
            out |= walk(schema["items"], at + "[]")
        return out

    found = set()
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            content = op.get("requestBody", {}).get("content", {}).get("application/json")
            if content:
                found |= {(method.upper(), path, f) for f in walk(content["schema"], "body")}
            for p in op.get("parameters", []):
                if p["in"] == "query" and walk(p.get("schema", {}), "x"):
                    found.add((method.upper(), path, f"query.{p['name']}"))
    return found


def _with(payload: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    name = field.split(".", 1)[1]
    out = dict(payload)
    if name.endswith("[]"):
        out[name[:-2]] = [value]
    else:
        out[name] = value
    return out


def _answer(r: Any) -> tuple[int, Any]:
    problem = r.headers.get("content-type", "").startswith("application/problem+json")
    return r.status_code, (r.json().get("code") if problem else r.content)


@pytest.fixture
def objects(client: TestClient, clock: FakeClock) -> Objects:
    return Objects(World(Flow(client, clock)))


def test_every_id_field_is_classified(client: TestClient) -> None:
    found = _id_fields(client.get("/openapi.json").json())
    assert found == set(FIELDS) | set(DIRECTORY), (
        sorted(found - set(FIELDS) - set(DIRECTORY)),
        sorted(set(FIELDS) | set(DIRECTORY) - found),
    )
    assert {(m, p) for m, p, _ in FIELDS} <= set(ROUTES)


def test_ids_in_bodies_and_queries_name_only_the_callers_objects(
    objects: Objects, client: TestClient
) -> None:
    o, f = objects, objects.f
    successes, leaks, errors = [], [], []
    for (method, path, field), kind in FIELDS.items():
        owner, ids, valid = ROUTES[(method, path)]
        valid = FIELD_BODIES.get((method, path, field), valid)
        url = path.format(**ids(o))
        for who in CALLERS:
            answers = []
            for value in (o.foreign(kind), str(uuid.uuid4())):
                payload = _with(valid(o), field, value)
                if field.startswith("query."):
                    r = client.request(method, url, headers=f.h(who), params=payload)
                else:
                    r = client.request(method, url, headers=f.h(who), json=payload)
                answers.append(_answer(r))
                if r.status_code >= 500:
                    errors.append((who, method, path, field, r.text[:200]))
            if answers[0][0] < 300 and not field.startswith("query."):
                successes.append((who, method, path, field, answers[0]))
            if answers[0] != answers[1] and (who, kind) not in KNOWS:
                leaks.append((who, method, path, field, answers))
    report = [*sorted({w[1:4] for w in successes}), "leaks:", *sorted({x[1:4] for x in leaks})]
    assert not errors, errors
    assert not successes and not leaks, "\n".join(map(str, report))
    for (who, kind), url in KNOWS.items():
        assert client.get(url.format(o.foreign(kind)), headers=f.h(who)).status_code == 200
    # The requests were valid but for the field under test: each succeeds as its owner.
    valid_requests = [(m, p, owner, ids, body) for (m, p), (owner, ids, body) in ROUTES.items()]
    valid_requests += [
        (m, p, ROUTES[(m, p)][0], ROUTES[(m, p)][1], body)
        for (m, p, _), body in FIELD_BODIES.items()
    ]
    for method, path, owner, ids, body in valid_requests:
        kwargs = {"params" if method == "GET" else "json": body(o)}
        r = client.request(method, path.format(**ids(o)), headers=f.h(owner), **kwargs)
        assert r.status_code < 300, (owner, method, path, r.status_code, r.text[:300])


def test_a_list_filter_on_another_organisation_answers_like_a_missing_one(
    objects: Objects, client: TestClient
) -> None:
    """Query filters: the same answer for another organisation's object and for nothing."""
    o, f = objects, objects.f
    for (method, path, field), kind in FIELDS.items():
        if not field.startswith("query."):
            continue
        owner, ids, valid = ROUTES[(method, path)]
        url = path.format(**ids(o))
        bodies = [
            client.request(
                method, url, headers=f.h(owner), params=_with(valid(o), field, value)
            ).content
            for value in (o.foreign(kind), str(uuid.uuid4()))
        ]
        assert bodies[0] == bodies[1], (owner, path, field, bodies)
        assert not re.search(rb"MOD-2026|\xe8\xa3\x85\xe5\x82\x99", bodies[0]), (path, field)


def test_another_accounts_token_answers_like_a_missing_one(
    client: TestClient, clock: FakeClock
) -> None:
    """Credentials in paths: another account's API token is not revoked and looks missing."""
    f = Flow(client, clock)
    made = f.post("sakura.security", "/auth/tokens", {"name": "連携"}, 201)
    for who in ("meti.admin", "aoba.security", "tanaka.hanako"):
        answers = [
            _answer(client.delete(f"/api/v1/auth/tokens/{tid}", headers=f.h(who)))
            for tid in (made["id"], str(uuid.uuid4()))
        ]
        assert answers[0] == answers[1] == (404, "not_found"), (who, answers)
    r = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {made['token']}"})
    assert r.status_code == 200, r.text  # still valid
