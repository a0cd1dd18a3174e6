"""The employer learns the result, and nothing else (Act Art. 12(6), 16; issue 15 §2).

A company whose employee has been through every kind of outcome (a favourable result at one
agency, a refused consent at another, an SDS eligibility recorded for her, a change report that
suspended her) is read by every company-side account through everything it can reach:

- every GET operation of the API (from the OpenAPI document), with every id the company knows;
- every page reachable from its home page by links, and the PDF notices and CSV/xlsx registers
  they link to.

Checks, on SQLite and PostgreSQL:

- every JSON field name is in ``ALLOWED`` (a new field in a company-visible answer fails the test
  until it is added deliberately), and the fields in ``NULL_FOR_EMPLOYER`` are null;
- no answer names another account (a login, an official's or the person's) or an actor identity
  (``session:…``, ``token:…``), and none says how a case ended beyond the result;
- the person's own export carries the reasons of her unfavourable result (the notice says so).
"""

from __future__ import annotations

import io
import itertools
import json
import re
import subprocess
import uuid
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from clearance.services import demo
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.ui.browserless import Browser
from tests.ui.test_every_page import crawl

COMPANY = ("sakura.security", "sakura.management", "sakura.admin")
# Every field name a company-side account may receive from the API, anywhere in an answer.
FIELDS = """
items total limit offset type title status detail code errors field message instance id kind
name_ja name_en username display_name roles org_id org_kind person_id family_name given_name
family_name_kana given_name_kana date_of_birth employer_id created_at disabled has_webauthn
email contact assessment_id agency_id eligible_until recipient recipient_org_id result
reasons_included issued_at issued_by valid_from valid_until eligible_now source suspended_at
ended_at end_reason sds_reference operator_id checklist met note status_since version reference
designation_ids departments sites start_on end_on designation_id document_number category_code
marking expires_on cancelled_at basis recipient_name contract_id provided_at department start
end assigned_by module_code assigned_at due_on completed_at name required holder_org_id copy_no
copy_total location events at by incidents occurred_at reported_at material_ids timeline text
agency_notified_at closed_at statement_version acknowledged_at paper_reference notice notices
designation cancellation reason cancelled_on read_at sent_at due tasks label href count
expires_at last_used_at token audit entries via more certification_id reasons
"""
ALLOWED = set(FIELDS.split())
# Present in an answer the employer gets, but null for it: the agency's and the person's only.
NULL_FOR_EMPLOYER = {
    "issued_by",
    "source",
    "suspended_at",
    "ended_at",
    "end_reason",
    "sds_reference",
    "reasons",
}
ACTOR = re.compile(r"(?:session|token|api_token):[\w.]+")
HOW = re.compile(r"\b(?:refuse|withdraw|refused|withdrawn)\b")


def _company_world(
    client: TestClient, clock: FakeClock
) -> tuple[Flow, World, list[dict[str, str]]]:
    f = Flow(client, clock)
    w = World(f)  # Tanaka Hanako: favourable at METI, a handler of Sakura's provision
    f.add_account("sakura.management", "operator_management", "SAKURA-HI")
    f.add_account("sakura.admin", "operator_admin", "SAKURA-HI")
    f.add_agency("MOD")
    f.add_account("mod.officer", "assessment_officer", "MOD")
    refused = f.operator_candidate(agency="MOD")
    f.post("mod.officer", f"/assessments/{refused}/notice")
    f.post("tanaka.hanako", f"/assessments/{refused}/refuse")
    f.post(
        "meti.officer",
        "/eligibility/sds",
        {"person_id": w.person, "sds_notified_on": w.today.isoformat(), "reference": "特秘-7"},
        201,
    )
    f.post(
        "sakura.security",
        f"/persons/{w.person}/change-reports",
        {"agency_id": f.orgs["METI"], "summary": "多額の借入れ", "raises_doubt": True},
        201,
    )
    ids = {
        "person_id": w.person,
        "assessment_id": w.assessment,
        "designation_id": w.designation,
        "material_id": w.material,
        "cert_id": w.cert,
        "contract_id": w.contract,
        "handler_id": w.handler,
        "org_id": f.orgs["SAKURA-HI"],
    }
    return f, w, [ids, ids | {"assessment_id": refused}]


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):  # a checklist's keys are its items (data), not fields
        return set(value) | {k for n, v in value.items() if n != "checklist" for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _non_null(value: Any, names: set[str]) -> list[str]:
    if isinstance(value, dict):
        found = [k for k, v in value.items() if k in names and v not in (None, [], {})]
        return found + [k for v in value.values() for k in _non_null(v, names)]
    if isinstance(value, list):
        return [k for v in value for k in _non_null(v, names)]
    return []


def _others(who: str) -> re.Pattern[str]:
    """Logins the company must never see: everyone's but its own accounts'."""
    logins = [a[0] for a in demo.ACCOUNTS] + [p[0] for p in demo.PORTAL_ACCOUNTS] + ["mod.officer"]
    names = "|".join(re.escape(u) for u in logins if u not in COMPANY and u != who)
    return re.compile(rf"(?<![\w.])(?:{names})(?![\w.])")


# Reference data published to every account: the regime file (categories, periods, citations).
PUBLIC_DATA = {"/api/v1/regime"}


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return out.stdout.decode()


def _xlsx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return " ".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))


def test_the_employer_learns_the_result_and_nothing_else(
    client: TestClient, clock: FakeClock
) -> None:
    f, _w, known = _company_world(client, clock)
    spec = client.get("/openapi.json").json()
    problems: list[tuple[str, str, str]] = []
    answered = 0
    gets = [p for p, methods in spec["paths"].items() if "get" in methods and "/api/v1" in p]
    for who, ids, path in itertools.product(COMPANY, known, gets):
        if any(n not in ids for n in re.findall(r"{(\w+)}", path)):
            continue
        r = client.get(path.format(**ids), headers=f.h(who))
        if r.status_code != 200:
            continue
        answered += 1
        text = r.text
        if r.headers.get("content-type", "").startswith("application/json") and (
            path not in PUBLIC_DATA
        ):
            body = r.json()
            problems += [(who, path, f"field {k}") for k in _keys(body) - ALLOWED]
            problems += [(who, path, f"not null: {k}") for k in _non_null(body, NULL_FOR_EMPLOYER)]
            text = json.dumps(body, ensure_ascii=False)
        problems += [(who, path, f"login {u}") for u in _others(who).findall(text)]
        problems += [(who, path, f"actor {m}") for m in ACTOR.findall(text)]
        problems += [(who, path, f"how {m}") for m in HOW.findall(text)]
    assert answered >= 3 * 15, answered
    assert not problems, "\n".join(map(str, sorted(set(problems))))


def test_the_employers_pages_and_documents_name_nobody_else(
    client: TestClient, clock: FakeClock
) -> None:
    f, _w, _ids = _company_world(client, clock)
    problems: list[tuple[str, str, str]] = []
    documents = 0
    for who in COMPANY:
        b = Browser(client.app, clock, who, "ja", secret=f.secrets.get(who))
        linked: set[str] = set()
        for path, html in crawl(b, limit=60):
            problems += [(who, path, f"login {u}") for u in _others(who).findall(html)]
            problems += [(who, path, f"actor {m}") for m in ACTOR.findall(html)]
            linked |= {
                h.replace("&amp;", "&")
                for h in re.findall(r'href="(/[^"#]*\.(?:pdf|csv|xlsx)[^"#]*)"', html)
            }
        for href in sorted(linked):
            r = b.c.get(href)
            if r.status_code != 200:
                continue
            documents += 1
            if href.split("?")[0].endswith(".pdf"):
                text = _pdf_text(r.content)
            elif href.split("?")[0].endswith(".xlsx"):
                text = _xlsx_text(r.content)
            else:
                text = r.content.decode("utf-8-sig", errors="replace")
            problems += [(who, href, f"login {u}") for u in _others(who).findall(text)]
            problems += [(who, href, f"actor {m}") for m in ACTOR.findall(text)]
    assert documents >= 3, documents
    assert not problems, "\n".join(map(str, sorted(set(problems))))


def test_the_persons_export_carries_the_reasons_her_notice_gave(
    client: TestClient, clock: FakeClock
) -> None:
    f = Flow(client, clock)
    aid = f.reported()
    f.decide(aid, "unfavourable", reasons="財産状況に関する懸念")
    exported = f.get("tanaka.hanako", "/me/export")
    [case] = [a for a in exported["assessments"] if a["id"] == aid]
    [notice] = [n for n in case["notices"] if n["kind"] == "result"]
    assert notice["reasons_included"] and notice["reasons"] == "財産状況に関する懸念"
    assert notice["issued_by"] is None  # who signed in at the agency is not hers to know
    # The employer's copy of the same notice says the result only.
    employer = f.get("sakura.security", f"/assessments/{aid}/notices")
    assert [n["result"] for n in employer] == ["unfavourable"]
    assert all(n["issued_by"] is None and n.get("reasons") is None for n in employer)


@pytest.mark.parametrize("path", ["/api/v1/persons"])
def test_a_name_never_travels_in_a_url(client: TestClient, clock: FakeClock, path: str) -> None:
    """Name search is a POST; the GET has no search parameter left to put a name in."""
    f = Flow(client, clock)
    spec = client.get("/openapi.json").json()
    assert not [
        p["name"] for p in spec["paths"][path]["get"].get("parameters", []) if p["name"] == "q"
    ]
    found = f.post("sakura.security", "/persons/search", {"q": "田中"})
    assert [p["family_name"] for p in found["items"]] == ["田中"]
    assert uuid.UUID(found["items"][0]["id"]).version == 4
