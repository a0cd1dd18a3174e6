"""Designation, operator and custody routes x every demo account: each account outside the
expected set is refused (401/403/404) and nothing changes. The allowed paths themselves are
exercised in test_cesi.py. Expectations are written by hand."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_assessment_authz import ACCOUNTS
from tests.e2e.test_cesi import CHECKLIST, World

ALL = set(ACCOUNTS) | {"meti.certification"}
PREFIXES = ("/api/v1/designations", "/api/v1/designation-notices", "/api/v1/certifications",
            "/api/v1/contracts", "/api/v1/training", "/api/v1/handlers", "/api/v1/materials",
            "/api/v1/inventories", "/api/v1/incidents", "/api/v1/access")  # fmt: skip

# (method, path, body, who may) - "{d}" designation, "{c}" certification, "{k}" contract,
# "{m}" material, "{p}" person, "{h}" handler, "{i}" incident, "{n}" notice, "{t}" training record,
# "{sakura}" the operator.
ROUTES: list[tuple[str, str, Any, set[str]]] = [
    ("POST", "/designations", {"category_code": "A1", "document_number": "X-1", "title": "t", "marking": "mark", "start_on": "{today}", "expires_on": "{next_year}"}, {"meti.manager"}),
    ("GET", "/designations", None, {"meti.manager", "meti.head", "meti.certification", "inspector"}),
    ("POST", "/designations/{d}/extension", {"expires_on": "{far}"}, {"meti.manager"}),
    ("POST", "/designations/{d}/cancellation", {"reason": "r"}, {"meti.manager"}),
    ("POST", "/designations/expiry-run", None, {"meti.manager"}),
    ("POST", "/designations/{d}/provisions", {"basis": "art8", "recipient_name": "X"}, {"meti.manager"}),
    ("GET", "/designations/{d}/notices", None, {"meti.manager", "meti.head", "meti.certification", "inspector"}),
    ("GET", "/designation-notices", None, {"meti.manager", "sakura.security"}),
    ("POST", "/designation-notices/{n}/acknowledgement", None, {"sakura.security"}),
    ("POST", "/certifications", {"operator_id": "{sakura}"}, {"meti.certification"}),
    ("GET", "/certifications", None, {"meti.certification", "meti.head", "meti.manager", "sakura.security"}),
    ("POST", "/certifications/{c}/application", {"checklist": CHECKLIST}, {"sakura.security"}),
    ("POST", "/certifications/{c}/change-reports", {"summary": "s"}, {"sakura.security"}),
    ("POST", "/certifications/{c}/steps/suspend", None, {"meti.certification"}),
    ("POST", "/certifications/{c}/contracts", {"reference": "r", "designation_ids": [], "departments": ["x"], "start_on": "{today}", "end_on": "{next_year}"}, {"meti.certification"}),
    ("GET", "/certifications/{c}/contracts", None, {"meti.certification", "meti.head", "meti.manager", "sakura.security"}),
    ("POST", "/contracts/{k}/end", None, {"meti.certification"}),
    ("POST", "/training/modules", {"code": "c1", "title_ja": "t", "title_en": "t"}, {"meti.manager", "sakura.security"}),
    ("POST", "/training/assignments", {"person_id": "{p}", "module_code": "social_media", "due_on": "{next_year}"}, {"sakura.security"}),
    ("POST", "/training/assignments/{t}/completion", None, {"sakura.security"}),
    ("POST", "/handlers", {"designation_id": "{d}", "person_id": "{p}", "department": "開発部"}, {"sakura.security"}),
    ("POST", "/handlers/{h}/end", {"reason": "r"}, {"sakura.security"}),
    ("POST", "/handlers/acknowledgements", {"person_id": "{p}"}, {"sakura.security", "tanaka.hanako"}),
    ("GET", "/handlers/register", None, {"meti.manager", "sakura.security", "inspector"}),
    ("GET", "/handlers/register?org_id={sakura}", None, {"sakura.security", "inspector"}),
    ("POST", "/materials", {"designation_id": "{d}", "kind": "file", "title": "t", "location": "l"}, {"meti.manager", "sakura.security"}),
    ("GET", "/materials", None, {"meti.manager", "sakura.security", "inspector"}),
    ("GET", "/materials?org_id={sakura}", None, {"sakura.security", "inspector"}),
    ("POST", "/materials/{m}/copies", {}, {"sakura.security"}),
    ("POST", "/materials/{m}/transfer", {"to_org_id": "{meti}", "custodian_id": "{p}"}, {"sakura.security"}),
    ("POST", "/materials/{m}/return", None, {"sakura.security"}),
    ("POST", "/materials/{m}/receipt", {}, set()),  # nothing is in transit
    ("POST", "/materials/{m}/destruction", {"destroyer_id": "{p}", "witness_id": "{p}", "method": "x"}, {"sakura.security"}),
    ("POST", "/inventories", {"found": []}, {"meti.manager", "sakura.security"}),
    ("POST", "/incidents", {"kind": "loss", "occurred_at": "{now}", "text": "t"}, {"meti.manager", "sakura.security"}),
    ("GET", "/incidents", None, {"meti.manager", "sakura.security"}),
    ("POST", "/incidents/{i}/steps", {"command": "note", "text": "t"}, {"meti.manager", "sakura.security"}),
    ("POST", "/access/decisions", {"person_id": "{p}", "material_id": "{m}", "action": "read"}, {"meti.manager", "sakura.security", "inspector"}),
    ("GET", "/access/materials/{m}/who?at={now}", None, {"meti.manager", "inspector"}),
    ("GET", "/access/persons/{p}/materials?at={now}", None, {"meti.manager", "inspector"}),
]  # fmt: skip


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def test_every_route_refuses_everyone_else(client: TestClient, clock: FakeClock) -> None:
    w = World(Flow(client, clock))
    f = w.f
    f.post("meti.manager", f"/designations/{w.designation}/provisions",
           {"basis": "art8", "recipient_name": "Y"}, 201)  # fmt: skip
    incident = f.post("sakura.security", "/incidents", {
        "kind": "suspected_leak", "occurred_at": clock.now().isoformat(), "text": "x"}, 201)  # fmt: skip
    records = f.post("sakura.security", "/training/assignments", {
        "person_id": w.person, "module_code": "social_media", "due_on": "2027-01-01"}, 201)  # fmt: skip
    other = w.designate("METI-2026-099", w.today, w.today.replace(year=w.today.year + 1))
    f.post(
        "meti.manager",
        f"/designations/{other}/provisions",
        {"basis": "art10", "recipient_org_id": f.orgs["SAKURA-HI"], "contract_id": w.contract},
        422,
    )
    f.post(
        "meti.manager",
        f"/designations/{other}/provisions",
        {"basis": "art6", "recipient_org_id": f.orgs["SAKURA-HI"]},
        422,
    )  # not an agency
    second = f.post("meti.certification", f"/certifications/{w.cert}/contracts", {
        "reference": "契約-002", "designation_ids": [other], "departments": ["開発部"],
        "start_on": w.today.isoformat(), "end_on": "2027-12-31"}, 201)  # fmt: skip
    f.post(
        "meti.manager",
        f"/designations/{other}/provisions",
        {"basis": "art10", "recipient_org_id": f.orgs["SAKURA-HI"], "contract_id": second["id"]},
        201,
    )
    f.post("meti.manager", f"/designations/{other}/cancellation", {"reason": "r"})
    notices = f.get("meti.manager", f"/designations/{other}/notices")
    names = {
        "d": w.designation, "c": w.cert, "k": w.contract, "m": w.material, "p": w.person,
        "h": w.handler, "i": incident["id"], "n": notices[0]["id"],
        "t": records["id"], "sakura": f.orgs["SAKURA-HI"], "meti": f.orgs["METI"],
        "today": w.today.isoformat(), "now": clock.now().isoformat().replace("+00:00", "Z"),
        "next_year": w.today.replace(year=w.today.year + 1).isoformat(),
        "far": w.today.replace(year=w.today.year + 9).isoformat(),
    }  # fmt: skip
    for method, template, body, allowed in ROUTES:
        path = "/api/v1" + template.format(**names)
        data = _fill(body, names)
        for who in sorted(ALL - allowed):
            r = client.request(method, path, json=data, headers=f.h(who))
            assert r.status_code in (401, 403, 404), (who, method, path, r.status_code, r.text)
    assert w.decide()["permit"]  # nothing the refused calls tried took effect


def is_cesi_route(path: str) -> bool:
    return path.startswith(PREFIXES)


def test_routes_cover_every_cesi_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    ours = {(m.upper(), p) for p, ops in spec.items() for m in ops if is_cesi_route(p)}
    subst = {"{d}": "{designation_id}", "{c}": "{cert_id}", "{k}": "{contract_id}",
             "{m}": "{material_id}", "{p}": "{person_id}", "{h}": "{handler_id}",
             "{i}": "{incident_id}", "{n}": "{notice_id}", "{t}": "{record_id}",
             "/steps/suspend": "/steps/{command}"}  # fmt: skip
    covered = set()
    for method, template, _, _ in ROUTES:
        path = "/api/v1" + template.split("?")[0]
        for a, b in subst.items():
            path = path.replace(a, b)
        covered.add((method, path))
    assert ours == covered
