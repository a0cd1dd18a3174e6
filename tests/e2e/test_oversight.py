"""Oversight through the API on both databases: the annual report against a hand-computed fixture,
inspections and correction requests, the whistle-blowing intake, timeliness, reminders and contacts,
and who may use each route."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_assessment_authz import ACCOUNTS
from tests.e2e.test_cesi import CHECKLIST

# 2025-12-31 23:00 JST: one hour before the reported year begins.
START = dt.datetime(2025, 12, 31, 14, 0, tzinfo=dt.UTC)
PREFIXES = ("/api/v1/reports", "/api/v1/timeliness", "/api/v1/inspections",
            "/api/v1/whistle-reports", "/api/v1/reminders", "/api/v1/contacts", "/api/v1/jobs")  # fmt: skip


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


def designate(f: Flow, number: str, start: dt.date, expires: dt.date) -> str:
    d = f.post("meti.manager", "/designations", {
        "category_code": "A1", "document_number": number, "title": number, "marking": "mark",
        "start_on": start.isoformat(), "expires_on": expires.isoformat()}, 201)  # fmt: skip
    return str(d["id"])


def build_2026(f: Flow) -> dict[str, Any]:
    """The fixture: what happened, with the figures a person counts by hand (in the comments)."""
    d1 = designate(f, "D1", dt.date(2025, 12, 31), dt.date(2026, 6, 30))  # 2025: not counted
    f.wait(hours=2)  # 2026-01-01 01:00 JST
    d2 = designate(f, "D2", dt.date(2026, 1, 1), dt.date(2027, 3, 31))  # designate 1
    designate(f, "D3", dt.date(2026, 1, 1), dt.date(2026, 3, 31))  # designate 2; expires in 2026
    d4 = designate(f, "D4", dt.date(2026, 1, 1), dt.date(2028, 1, 1))  # designate 3
    f.post("meti.manager", f"/designations/{d2}/extension", {"expires_on": "2027-06-30"})
    f.post("meti.manager", f"/designations/{d4}/cancellation", {"reason": "公知化"})  # cancel 1
    f.post(
        "meti.manager",
        f"/designations/{d2}/provisions",
        {"basis": "art8", "recipient_name": "X国政府"},
        201,
    )  # provision art8: 1 (fmt: skip)
    i = f.post("inspector", "/inspections", {"designation_id": d2, "findings": "表示の確認"}, 201)
    f.post(
        "inspector", f"/inspections/{i['id']}/steps/request_correction", {"text": "表示が不十分"}
    )  # correction request 1 (fmt: skip)
    f.post("meti.manager", f"/inspections/{i['id']}/steps/respond", {"text": "是正しました"})
    f.post("suzuki.misaki", "/whistle-reports", {"text": "指定が不適切と思われる"}, 201)  # 1
    aid = f.favourable()  # issue_notice 1, request_investigation 1, favourable 1 (operator)
    c = f.post(
        "tanaka.hanako",
        f"/assessments/{aid}/complaints",
        {"subject": "process", "text": "面接が長かった"},
        201,
    )  # filed 1 (fmt: skip)
    f.post("meti.complaints", f"/complaints/{c['id']}/review")
    f.post("meti.complaints", f"/complaints/{c['id']}/answer", {"text": "改善します"})  # answered 1
    staff = f.post("meti.officer", "/assessments", {"person_id": f.persons["misaki"]}, 201)
    f.post("meti.officer", f"/assessments/{staff['id']}/notice")  # issue_notice 2 (agency staff)
    f.post("suzuki.misaki", f"/assessments/{staff['id']}/refuse")  # refuse 1 (agency staff)
    cert = f.post("meti.certification", "/certifications", {"operator_id": f.orgs["SAKURA-HI"]},
                  201)  # fmt: skip
    f.post("sakura.security", f"/certifications/{cert['id']}/application", {"checklist": CHECKLIST})
    f.post("meti.certification", f"/certifications/{cert['id']}/steps/start_review")
    f.post("meti.certification", f"/certifications/{cert['id']}/steps/certify")  # certify 1
    f.clock.advance(days=200)  # 2026-07-20: D1 and D3 have expired (expired 2)
    f._headers.clear()
    f.post(
        "meti.manager",
        "/incidents",
        {"kind": "leak", "occurred_at": f.clock.now().isoformat(), "text": "漏えいの疑い"},
        201,
    )  # incidents leak 1 (fmt: skip)
    f.clock.advance(days=200)  # 2027-02: the year is over
    f._headers.clear()
    _ = d1
    return {"aid": aid}


EXPECTED = {
    "designations": {"designate": 3, "extend": 1, "cancel": 1, "expired": 2, "in_force": 1},
    "provisions": {"art6": 0, "art8": 1, "art9": 0, "art10": 0},
    "assessments": {"issue_notice": 2, "request_investigation": 1, "reuse_investigation": 0,
                    "refuse": 1, "withdraw": 0},
    "results": {"favourable": 1, "unfavourable": 0},
    "complaints": {"filed": 1, "answered": 1},
    "certifications": {"apply": 1, "certify": 1, "refuse": 0, "suspend": 0, "cancel": 0},
    "incidents": {"loss": 0, "leak": 1, "suspected_leak": 0, "discrepancy": 0},
    "oversight": {"correction_requests": 1, "whistle_reports": 1},
}  # fmt: skip


def test_the_annual_report_equals_the_hand_computed_fixture(client: TestClient,
                                                             clock: FakeClock) -> None:  # fmt: skip
    f = Flow(client, clock)
    build_2026(f)
    report = f.get("inspector", "/reports/annual/2026")
    assert report["totals"] == EXPECTED
    assert report["by_origin"]["operator_employee"]["results"] == {"favourable": 1}
    assert report["by_origin"]["agency_staff"]["assessments"] == {"issue_notice": 1, "refuse": 1}
    assert report["by_agency"]["METI"]["designations"]["designate"] == 3
    assert report["by_category"]["A1"]["in_force"] == 1
    # The year before holds only D1's designation; the year after nothing of this.
    assert f.get("inspector", "/reports/annual/2025")["totals"]["designations"]["designate"] == 1
    r = client.get("/api/v1/reports/annual/2026/csv", headers=f.h("inspector"))
    assert r.content.startswith("\ufeff".encode())  # Excel on Japanese Windows reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sum(int(x["count"]) for x in rows if x["figure"] == "designate") == 3
    assert all(set(x) == {"year", "section", "agency_code", "agency", "figure", "breakdown",
                          "count"} for x in rows)  # fmt: skip
    text = r.text + str(report)
    for secret in ("面接が長かった", "指定が不適切", "田中", "花子"):  # aggregates only
        assert secret not in text
    r = client.get("/api/v1/reports/annual/2024", headers=f.h("inspector"))
    assert r.status_code == 422


def test_whistle_blowing_is_sealed_and_only_the_inspector_opens_it(client: TestClient,
                                                                    clock: FakeClock) -> None:  # fmt: skip
    f = Flow(client, clock)
    made = f.post("sakura.security", "/whistle-reports",
                  {"text": "保管が杜撰", "contact": "公衆電話から再連絡"}, 201)  # fmt: skip
    assert set(k for k, v in made.items() if v) == {"id"}
    [listed] = f.get("inspector", "/whistle-reports")
    assert listed["text"] is None and listed["reporter"] is None
    opened = f.get("inspector", f"/whistle-reports/{made['id']}")
    assert opened["text"] == "保管が杜撰" and opened["reporter"] == "sakura.security"
    for who in ("meti.manager", "meti.head", "sakura.security", "admin"):
        assert client.get(f"/api/v1/whistle-reports/{made['id']}",
                          headers=f.h(who)).status_code in (403, 404)  # fmt: skip
    entries = f.get("admin", "/audit/entries", limit=200)
    filed = [e for e in entries if e["action"] == "whistle:file"]
    assert filed and all("sakura" not in e["actor"] for e in filed)  # the log does not name them
    assert all("保管が杜撰" not in str(e) for e in entries)


def test_inspections_follow_their_states(client: TestClient, clock: FakeClock) -> None:
    f = Flow(client, clock)
    d = designate(f, "I-1", clock.now().date(), clock.now().date() + dt.timedelta(days=300))
    i = f.post("inspector", "/inspections", {"designation_id": d, "findings": "確認"}, 201)
    r = client.post(f"/api/v1/inspections/{i['id']}/steps/respond", json={"text": "x"},
                    headers=f.h("meti.manager"))  # fmt: skip
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    f.post("inspector", f"/inspections/{i['id']}/steps/request_correction", {"text": "是正を"})
    [seen] = f.get("meti.manager", "/inspections")
    assert seen["status"] == "correction_requested" and seen["request"] == "是正を"
    f.post("meti.manager", f"/inspections/{i['id']}/steps/respond", {"text": "対応済み"})
    closed = f.post("inspector", f"/inspections/{i['id']}/steps/close", {"text": ""})
    assert closed["status"] == "closed"
    assert f.get("sakura.security", "/inspections", expect=403)


def test_timeliness_gives_median_p90_and_flags_late_cases(client: TestClient,
                                                         clock: FakeClock) -> None:  # fmt: skip
    f = Flow(client, clock)
    start = clock.now()
    fast = f.operator_candidate()
    f.to_consent(fast)  # consent within the same day
    slow = f.operator_candidate(person="kenichi")
    f.post("meti.officer", f"/assessments/{slow}/notice")
    f.wait(days=20)  # consent target: 14 days
    f.post("meti.officer", f"/assessments/{slow}/consent", {"paper_reference": "紙-7"})
    until = clock.now() + dt.timedelta(days=1)
    t = f.get("meti.head", "/timeliness", since=start.isoformat(), until=until.isoformat())
    consent = next(s for s in t["stages"] if s["stage"] == "consent")
    assert consent["finished"] == 2 and consent["target_days"] == 14
    assert consent["p90_days"] >= 20 and consent["median_days"] < 20
    assert consent["over_target"] == 1
    assert [c["assessment_id"] for c in t["late"] if c["stage"] == "consent"] == [slow]
    f.get("sakura.security", "/timeliness", expect=403, since=start.isoformat(),
          until=until.isoformat())  # fmt: skip


def test_contacts_and_reminders_through_the_api(client: TestClient, clock: FakeClock) -> None:
    f = Flow(client, clock)
    designate(f, "R-1", clock.now().date(), clock.now().date() + dt.timedelta(days=20))
    f.put("meti.manager", f"/contacts/{f.orgs['METI']}", {"email": "office@meti.example.go.jp"})
    r = client.put(f"/api/v1/contacts/{f.orgs['METI']}", json={"email": "not-an-address"},
                   headers=f.h("meti.manager"))  # fmt: skip
    assert r.status_code == 422
    r = client.put(f"/api/v1/contacts/{f.orgs['METI']}", json={"email": "x@example.jp"},
                   headers=f.h("sakura.security"))  # fmt: skip
    assert r.status_code == 403
    report = f.post("admin", "/jobs/run")
    assert report["reminders_added"] == 1
    [reminder] = f.get("meti.manager", "/reminders")
    assert reminder["kind"] == "designation_expiry" and "R-1" in reminder["subject"]
    assert f.get("sakura.security", "/reminders") == []


ROUTES: list[tuple[str, str, set[str]]] = [
    ("GET", "/reports/annual/2026", {"inspector", "admin"}),
    ("GET", "/reports/annual/2026/csv", {"inspector", "admin"}),
    ("GET", "/timeliness?since=2026-01-01T00:00:00Z&until=2027-01-01T00:00:00Z",
     {"meti.head", "meti.officer", "meti.adjudicator", "cao.investigator", "inspector"}),
    ("POST", "/inspections", {"inspector"}),
    ("GET", "/inspections", {"inspector", "meti.manager", "meti.head"}),
    ("POST", "/inspections/{i}/steps/close", {"inspector"}),
    ("POST", "/whistle-reports", set(ACCOUNTS) | {"meti.certification"}),
    ("GET", "/whistle-reports", {"inspector"}),
    ("GET", "/whistle-reports/{w}", {"inspector"}),
    ("GET", "/reminders", set(ACCOUNTS) - {"admin", "tanaka.hanako", "suzuki.misaki"}
     | {"meti.certification"}),
    ("PUT", "/contacts/{meti}", {"meti.manager", "meti.admin", "admin"}),
    ("POST", "/jobs/run", {"admin"}),
]  # fmt: skip


def is_oversight_route(path: str) -> bool:
    return path.startswith(PREFIXES)


def test_every_oversight_route_refuses_everyone_else(client: TestClient, clock: FakeClock) -> None:
    f = Flow(client, clock)
    d = designate(f, "A-1", clock.now().date(), clock.now().date() + dt.timedelta(days=300))
    i = f.post("inspector", "/inspections", {"designation_id": d, "findings": "x"}, 201)
    w = f.post("suzuki.misaki", "/whistle-reports", {"text": "x"}, 201)
    names = {"i": i["id"], "w": w["id"], "meti": f.orgs["METI"]}
    bodies = {"/inspections": {"designation_id": d, "findings": "y"},
              "/inspections/{i}/steps/close": {"text": ""}, "/whistle-reports": {"text": "z"},
              "/contacts/{meti}": {"email": "a@b.example"}}  # fmt: skip
    everyone = set(ACCOUNTS) | {"meti.certification"}
    for method, template, allowed in ROUTES:
        path = "/api/v1" + template.format(**names)
        for who in sorted(everyone - allowed):
            r = client.request(method, path, json=bodies.get(template), headers=f.h(who))
            assert r.status_code in (401, 403, 404), (who, method, path, r.status_code, r.text)
        for who in sorted(allowed)[:2]:
            r = client.request(method, path, json=bodies.get(template), headers=f.h(who))
            assert r.status_code < 400, (who, method, path, r.status_code, r.text)
    spec = client.get("/openapi.json").json()["paths"]
    ours = {(m.upper(), p) for p, ops in spec.items() for m in ops if is_oversight_route(p)}
    subst = {"2026/csv": "{year}/csv", "/2026": "/{year}", "{i}": "{inspection_id}",
             "{w}": "{report_id}", "{meti}": "{org_id}", "/steps/close": "/steps/{command}"}  # fmt: skip
    covered = set()
    for method, template, _ in ROUTES:
        path = "/api/v1" + template.split("?")[0]
        for a, b in subst.items():
            path = path.replace(a, b)
        covered.add((method, path))
    assert ours == covered, ours ^ covered


def test_a_whistle_report_naming_an_unknown_agency_is_refused(client: TestClient,
                                                              clock: FakeClock) -> None:  # fmt: skip
    """Found by the OpenAPI fuzzer: this was a 500 (a foreign key), now a 422 that says why."""
    f = Flow(client, clock)
    r = client.post("/api/v1/whistle-reports", headers=f.h("tanaka.hanako"),
                    json={"text": "x", "agency_id": "e3e70682-c209-1cac-a29f-6fbed82c07cd"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_agency"
