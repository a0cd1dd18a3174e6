"""Object-level authorization (issue 7, item 2): every API operation that names an object × every
role of another organisation × {another organisation's object, a non-existent object} × its
method (read or write), on SQLite and PostgreSQL.

The objects belong to the world of tests/e2e/test_cesi (METI, Sakura, Tanaka Hanako). The callers
are a second agency with an account for every agency role, a second certified-operator candidate
with its security officer and management, and another person's portal account. For each request:

- no success (2xx) for anyone but the object's own side, except the short list of reads that are
  public by design (``PUBLIC``);
- never a 500;
- "forbidden" and "not found" answer identically (status and problem code): an outsider cannot
  tell whether an object exists.

The own side (the object's organisation, by role) is the hand-written matrices of
test_authz_matrix, test_assessment_authz, test_cesi_authz and test_oversight.
"""

from __future__ import annotations

import collections
import datetime as dt
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import CHECKLIST, World

OUTSIDERS = {  # username -> (role, organisation code)
    "mod.admin": ("agency_admin", "MOD"),
    "mod.head": ("agency_head_delegate", "MOD"),
    "mod.adjudicator": ("adjudicator", "MOD"),
    "mod.officer": ("assessment_officer", "MOD"),
    "mod.manager": ("cesi_manager", "MOD"),
    "mod.complaints": ("complaints_officer", "MOD"),
    "mod.certification": ("certification_officer", "MOD"),
    "kaede.security": ("security_officer", "KAEDE"),
    "kaede.management": ("operator_management", "KAEDE"),
    "kaede.admin": ("operator_admin", "KAEDE"),
}
PERSON_OUTSIDER = "suzuki.misaki"  # another person's portal account (METI staff)
# Reads that are not object-scoped by design: the directory of organisations.
PUBLIC = {("GET", "/api/v1/organisations/{org_id}")}
# Reads answered for the caller's own agency only: allowed, and the same empty answer for another
# organisation's person and for a missing one.
OWN_AGENCY_VIEW = {
    ("GET", "/api/v1/persons/{person_id}/eligibility"),
    ("GET", "/api/v1/access/persons/{person_id}/materials"),
}
NOT_OBJECTS = {"seq", "section", "command", "year"}  # path parameters that name no object
VALUES = {"section": "identity", "year": "2026", "seq": "1"}


def _objects(w: World) -> dict[str, str]:
    """One object of the world per path parameter, made through the API by its owners."""
    f = w.f
    incident = f.post("sakura.security", "/incidents", {
        "kind": "loss", "occurred_at": f.clock.now().isoformat(), "text": "所在不明"}, 201)  # fmt: skip
    inspection = f.post("inspector", "/inspections", {
        "designation_id": w.designation, "findings": "表示の確認"}, 201)  # fmt: skip
    training = f.post("sakura.security", "/training/assignments", {
        "person_id": w.person, "module_code": "handling_rules",
        "due_on": f.clock.now().date().isoformat()}, 201)  # fmt: skip
    report = f.post("sakura.security", "/whistle-reports", {"text": "確認願います"}, 201)
    unfavourable = f.reported()
    f.decide(unfavourable, "unfavourable", reasons="財産状況")
    complaint = f.post("tanaka.hanako", f"/assessments/{unfavourable}/complaints",
                       {"subject": "result", "text": "再考を求めます"}, 201)  # fmt: skip
    f.post("meti.manager", f"/designations/{w.designation}/cancellation", {"reason": "要件"})
    [notice] = f.get("sakura.security", "/designation-notices")
    account = next(a["id"] for a in f.get("admin", "/accounts", limit=200)["items"]
                   if a["username"] == "sakura.security")  # fmt: skip
    return {
        "org_id": f.orgs["SAKURA-HI"], "person_id": w.person, "account_id": account,
        "assessment_id": w.assessment, "complaint_id": complaint["id"],
        "designation_id": w.designation, "notice_id": notice["notice"]["id"], "cert_id": w.cert,
        "contract_id": w.contract, "record_id": training["id"], "handler_id": w.handler,
        "material_id": w.material, "incident_id": incident["id"],
        "inspection_id": inspection["id"], "report_id": report["id"],
    }  # fmt: skip


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    ops = []
    for path, methods in spec["paths"].items():
        params = set(re.findall(r"{(\w+)}", path))
        if not params - NOT_OBJECTS or {"token_id", "key_id"} & params:
            continue  # no object, or the caller's own credentials (test_api, test_webauthn)
        ops += [(m.upper(), path, op) for m, op in methods.items()]
    return ops


def _example(schema: dict[str, Any], spec: dict[str, Any], today: dt.date) -> Any:
    """A deterministic value that satisfies ``schema`` (required fields only), so that requests
    reach the authorization check instead of stopping at the schema."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return _example(spec["components"]["schemas"][name], spec, today)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [o for o in schema[key] if o.get("type") != "null"]
            return _example(options[0], spec, today)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _example(props.get(k, {}), spec, today) for k in schema.get("required", [])}
    if kind == "array":
        return [_example(schema.get("items", {}), spec, today)]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return today.isoformat()
    if fmt == "date-time":
        return dt.datetime.combine(today, dt.time(9), dt.UTC).isoformat()
    return "確認" * max(1, schema.get("minLength", 1))


# Bodies whose content the services check before authorizing: valid ones, so that the check
# under test is the authorization.
BODIES = {
    "/api/v1/assessments/{assessment_id}/questionnaire-return": {"sections": ["identity"],
                                                                  "note": "確認"},
    "/api/v1/assessments/{assessment_id}/report": {
        "findings": {str(n): "なし" for n in range(1, 8)}, "opinion": "可"},
    "/api/v1/certifications/{cert_id}/application": {"checklist": CHECKLIST},
    "/api/v1/contacts/{org_id}": {"email": "security@example.jp"},
}  # fmt: skip


def _request_parts(op: dict[str, Any], spec: dict[str, Any], today: dt.date) -> tuple[Any, Any]:
    body = None
    content = op.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _example(content["application/json"]["schema"], spec, today)
        if isinstance(body, dict) and "end_on" in body:
            body["end_on"] = (today + dt.timedelta(days=365)).isoformat()
    query = {p["name"]: _example(p.get("schema", {}), spec, today)
             for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")}  # fmt: skip
    return body, query


@pytest.fixture
def world(client: TestClient, clock: FakeClock) -> World:
    flow = Flow(client, clock)
    flow.add_agency("MOD")
    r = client.post("/api/v1/organisations", headers=flow.h("admin"), json={
        "kind": "qualified_operator", "code": "KAEDE", "name_ja": "楓", "name_en": "Kaede"})  # fmt: skip
    assert r.status_code == 201, r.text
    flow.orgs["KAEDE"] = r.json()["id"]
    return World(flow)


def test_outsiders_get_nothing_and_cannot_tell_forbidden_from_missing(
    world: World, client: TestClient
) -> None:
    f = world.f
    objects = _objects(world)
    for username, (role, org) in OUTSIDERS.items():
        f.add_account(username, role, org)
    callers = [*OUTSIDERS, PERSON_OUTSIDER]
    spec = client.get("/openapi.json").json()
    operations = _operations(spec)
    assert len(operations) >= 60, len(operations)
    leaks, successes, errors, checked = [], [], [], 0
    outcomes: collections.Counter[str] = collections.Counter()
    for method, path, op in operations:
        names = set(re.findall(r"{(\w+)}", path))
        other = {n: objects.get(n, str(uuid.uuid4())) for n in names}
        missing = {n: str(uuid.uuid4()) for n in names}
        for n in names & NOT_OBJECTS:
            other[n] = missing[n] = VALUES.get(n, "certify" if "cert" in path else "respond")
        body, params = _request_parts(op, spec, f.clock.now().date())
        body = BODIES.get(path, body)
        for who in callers:
            answers, bodies = [], []
            for ids in (other, missing):
                r = client.request(method, "/api" + path.removeprefix("/api").format(**ids),
                                   headers=f.h(who), json=body, params=params)  # fmt: skip
                code = r.json().get("code") if r.headers.get("content-type", "").startswith(
                    "application/problem+json") else None  # fmt: skip
                answers.append((r.status_code, code))
                bodies.append(r.content)
                checked += 1
                if r.status_code >= 500:
                    errors.append((who, method, path, r.status_code, r.text[:200]))
            outcomes[str(answers[0][0])] += 1
            if (method, path) in OWN_AGENCY_VIEW and answers[0][0] == 200:
                assert bodies == [b"[]", b"[]"], (who, path, bodies)
                continue
            if 200 <= answers[0][0] < 300 and (method, path) not in PUBLIC:
                successes.append((who, method, path, answers[0][0]))
            if (method, path) not in PUBLIC and answers[0] != answers[1]:
                leaks.append((who, method, path, answers))
    assert not errors, errors
    assert not successes, successes
    # Most requests must reach the authorization check, not stop at the schema.
    assert outcomes["422"] <= outcomes["404"] // 10, outcomes
    assert not leaks, leaks[:20]
    assert checked >= 2 * 11 * 60
