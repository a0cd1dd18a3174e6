"""Designations, operators, handlers, custody, incidents and access decisions through the API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow

CHECKLIST = {k: {"met": True, "note": "確認済"} for k in (
    "internal_rules", "responsible_persons", "training", "facilities",
    "foreign_ownership_influence")}  # fmt: skip


class World:
    """METI designates; Sakura Heavy Industries is certified, contracted and provided the CESI;
    Tanaka Hanako (Sakura, 開発部) is eligible, trained, has acknowledged, and is a handler."""

    def __init__(self, flow: Flow) -> None:
        self.f = flow
        today = flow.clock.now().date()
        self.today = today
        self.designation = self.designate(
            "METI-2026-001", today, today.replace(year=today.year + 5)
        )
        cert = flow.post("meti.certification", "/certifications",
                         {"operator_id": flow.orgs["SAKURA-HI"]}, 201)  # fmt: skip
        self.cert = cert["id"]
        flow.post("sakura.security", f"/certifications/{self.cert}/application",
                  {"checklist": CHECKLIST})  # fmt: skip
        flow.post("meti.certification", f"/certifications/{self.cert}/steps/start_review")
        flow.post("meti.certification", f"/certifications/{self.cert}/steps/certify")
        self.contract = flow.post("meti.certification", f"/certifications/{self.cert}/contracts", {
            "reference": "契約-001", "designation_ids": [self.designation], "departments": ["開発部"],
            "sites": ["横浜工場"], "start_on": today.isoformat(),
            "end_on": today.replace(year=today.year + 3).isoformat()}, 201)["id"]  # fmt: skip
        flow.post("meti.manager", f"/designations/{self.designation}/provisions", {
            "basis": "art10", "recipient_org_id": flow.orgs["SAKURA-HI"],
            "contract_id": self.contract}, 201)  # fmt: skip
        self.assessment = flow.favourable()
        self.person = flow.persons["hanako"]
        for module in ("handling_rules", "social_media", "foreign_approaches"):
            r = flow.post("sakura.security", "/training/assignments", {
                "person_id": self.person, "module_code": module,
                "due_on": (today + dt.timedelta(days=30)).isoformat()}, 201)  # fmt: skip
            flow.post("sakura.security", f"/training/assignments/{r['id']}/completion")
        flow.post("tanaka.hanako", "/handlers/acknowledgements", {"person_id": self.person}, 201)
        self.handler = flow.post("sakura.security", "/handlers", {
            "designation_id": self.designation, "person_id": self.person,
            "department": "開発部"}, 201)["id"]  # fmt: skip
        [material] = flow.post("sakura.security", "/materials", {
            "designation_id": self.designation, "kind": "document", "title": "脆弱性評価報告書",
            "copy_total": 1, "location": "金庫A"}, 201)  # fmt: skip
        self.material = material["id"]

    def designate(self, number: str, start: dt.date, expires: dt.date) -> str:
        d = self.f.post("meti.manager", "/designations", {
            "category_code": "A3", "document_number": number, "title": "電力設備の脆弱性情報",
            "marking": "mark", "start_on": start.isoformat(), "expires_on": expires.isoformat()},
            201)  # fmt: skip
        return str(d["id"])

    def decide(self, at: dt.datetime | None = None, action: str = "read") -> dict[str, Any]:
        body = {"person_id": self.person, "material_id": self.material, "action": action}
        if at is not None:
            body["at"] = at.isoformat()
        return self.f.post("sakura.security", "/access/decisions", body)  # type: ignore[no-any-return]


@pytest.fixture
def world(client: TestClient, clock: FakeClock) -> World:
    return World(Flow(client, clock))


def codes(decision: dict[str, Any]) -> set[str]:
    return {r["code"] for r in decision["reasons"]}


def test_all_conditions_met_permits_and_the_decision_is_audited(world: World) -> None:
    d = world.decide()
    assert d == {"permit": True, "reasons": []}
    entries = world.f.get("admin", "/audit/entries", limit=50)
    assert any(e["action"] == "access:decide" and e["payload"]["permit"] is True for e in entries)


@pytest.mark.parametrize(
    "removed", ["eligibility", "handler", "training", "contract", "designation"]
)
def test_removing_one_condition_denies_with_that_reason(world: World, removed: str) -> None:
    f = world.f
    at = None
    if removed == "eligibility":
        f.post("sakura.security", f"/persons/{world.person}/departure")
        expected = "no_eligibility"
    elif removed == "handler":
        f.post("sakura.security", f"/handlers/{world.handler}/end", {"reason": "異動"})
        expected = "not_handler"
    elif removed == "training":
        at = f.clock.now() + dt.timedelta(days=400)  # training lapses after 12 months; nothing else
        expected = "training_overdue"
    elif removed == "contract":
        outstanding = f.post("meti.certification", f"/contracts/{world.contract}/end")
        assert [m["id"] for m in outstanding] == [world.material]
        expected = "contract_not_in_force"
    else:
        f.post("meti.manager", f"/designations/{world.designation}/cancellation",
               {"reason": "要件を満たさなくなった"})  # fmt: skip
        expected = "designation_not_in_force"
    d = world.decide(at)
    assert not d["permit"] and codes(d) == {expected}, d
    reason = next(r for r in d["reasons"] if r["code"] == expected)
    assert "Art." in reason["article"] or "rules" in reason["article"]


def test_history_before_and_after_a_suspension(world: World) -> None:
    f = world.f
    before = f.clock.now()
    f.wait(hours=1)
    f.post("sakura.security", f"/persons/{world.person}/change-reports", {
        "agency_id": f.orgs["METI"], "summary": "疑義のある事情", "raises_doubt": True}, 201)  # fmt: skip
    f.wait(hours=1)
    after = f.clock.now()
    who = f"/access/materials/{world.material}/who"
    assert f.get("meti.manager", who, at=before.isoformat()) == [world.person]
    assert f.get("meti.manager", who, at=after.isoformat()) == []
    what = f"/access/persons/{world.person}/materials"
    assert f.get("inspector", what, at=before.isoformat()) == [world.material]
    assert f.get("inspector", what, at=after.isoformat()) == []
    d = world.decide()
    assert codes(d) == {"suspended"}


def test_designation_terms_and_the_thirty_year_cap(world: World) -> None:
    f, today = world.f, world.today
    five = today.replace(year=today.year + 5)
    world.designate("METI-2026-010", today, five)  # exactly five years: accepted
    r = f.c.post("/api/v1/designations", headers=f.h("meti.manager"), json={
        "category_code": "A1", "document_number": "METI-2026-011", "title": "x", "marking": "mark",
        "start_on": today.isoformat(), "expires_on": (five + dt.timedelta(days=1)).isoformat()})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "term_too_long"
    d = world.designation
    for years in (10, 15, 20, 25, 30):
        f.post("meti.manager", f"/designations/{d}/extension",
               {"expires_on": today.replace(year=today.year + years).isoformat()})  # fmt: skip
    beyond = (today.replace(year=today.year + 30) + dt.timedelta(days=1)).isoformat()
    r = f.c.post(f"/api/v1/designations/{d}/extension", headers=f.h("meti.manager"),
                 json={"expires_on": beyond})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "cabinet_approval_required"
    r = f.c.post(f"/api/v1/designations/{d}/extension", headers=f.h("meti.manager"), json={
        "expires_on": today.replace(year=today.year + 36).isoformat()})  # fmt: skip
    assert r.status_code == 422  # more than five years in one extension, and no approval
    # An approval dated in the future or before the designation approves nothing (issue 15 §3);
    # a date without a reference (or the reverse) is refused, not silently ignored.
    for on, ref in [(today + dt.timedelta(days=1), "閣議決定"), (dt.date(1990, 4, 1), "閣議決定"),
                    (today, ""), (None, "閣議決定")]:  # fmt: skip
        r = f.c.post(f"/api/v1/designations/{d}/extension", headers=f.h("meti.manager"), json={
            "expires_on": beyond, "cabinet_approval_on": on and on.isoformat(),
            "cabinet_approval_ref": ref})  # fmt: skip
        assert r.status_code == 422, (on, ref, r.text)
        codes = {e["code"] for e in r.json()["errors"]}
        assert codes & {"date_range", "required"}, (on, ref, codes)
    [listed] = [x for x in f.get("meti.manager", "/designations") if x["id"] == d]
    assert listed["cabinet_approval_on"] is None
    ok = f.post("meti.manager", f"/designations/{d}/extension", {
        "expires_on": beyond, "cabinet_approval_on": today.isoformat(),
        "cabinet_approval_ref": "閣議決定 令和8年第12号"})  # fmt: skip
    assert ok["cabinet_approval_ref"] == "閣議決定 令和8年第12号"


def test_cancellation_and_expiry_notify_every_recipient_until_acknowledged(world: World) -> None:
    f = world.f
    f.post("meti.manager", f"/designations/{world.designation}/cancellation", {"reason": "公知化"})
    [notice] = f.get("meti.manager", f"/designations/{world.designation}/notices")
    assert notice["reason"] == "cancelled" and notice["acknowledged_at"] is None
    [received] = f.get("sakura.security", "/designation-notices")  # the recipient's own list
    assert received["notice"]["id"] == notice["id"] and received["document_number"]
    assert f.get("meti.manager", "/designation-notices") == []  # addressed to the operator only
    f.post("sakura.security", f"/designation-notices/{notice['id']}/acknowledgement")
    [notice] = f.get("meti.manager", f"/designations/{world.designation}/notices")
    assert notice["acknowledged_by"] == "session:sakura.security"
    other = world.designate("METI-2026-020", world.today, world.today + dt.timedelta(days=10))
    f.post("meti.manager", f"/designations/{other}/provisions", {
        "basis": "art8", "recipient_name": "Government of X"}, 201)  # fmt: skip
    assert f.post("meti.manager", "/designations/expiry-run") == 0
    f.wait(days=11)
    assert f.post("meti.manager", "/designations/expiry-run") == 1
    assert f.post("meti.manager", "/designations/expiry-run") == 0  # sent once
    [n] = f.get("meti.manager", f"/designations/{other}/notices")
    assert n["reason"] == "expired"


def test_transfer_to_an_operator_whose_contract_ended_is_refused(world: World) -> None:
    f = world.f
    [m] = f.post("meti.manager", "/materials", {
        "designation_id": world.designation, "kind": "medium", "title": "USB-01",
        "copy_total": 1, "location": "保管庫"}, 201)  # fmt: skip
    body = {"to_org_id": f.orgs["SAKURA-HI"], "custodian_id": world.person}
    f.post("meti.certification", f"/contracts/{world.contract}/end")
    r = f.c.post(f"/api/v1/materials/{m['id']}/transfer", json=body, headers=f.h("meti.manager"))
    assert r.status_code == 422
    assert "contract_not_in_force" in {p["code"] for p in r.json()["errors"]}


def test_transfer_copy_return_and_receipt(world: World) -> None:
    f = world.f
    [m] = f.post("meti.manager", "/materials", {
        "designation_id": world.designation, "kind": "medium", "title": "USB-02",
        "copy_total": 2, "location": "保管庫"}, 201)[:1]  # fmt: skip
    moved = f.post("meti.manager", f"/materials/{m['id']}/transfer",
                   {"to_org_id": f.orgs["SAKURA-HI"], "custodian_id": world.person})  # fmt: skip
    assert moved["status"] == "in_transit"
    held = f.post("sakura.security", f"/materials/{m['id']}/receipt", {"location": "金庫B"})
    assert held["holder_org_id"] == f.orgs["SAKURA-HI"] and held["status"] == "held"
    c = f.post("sakura.security", f"/materials/{m['id']}/copies", {"location": "金庫B"}, 201)
    assert (c["copy_no"], c["copy_total"]) == (3, 3)
    f.post("sakura.security", f"/materials/{m['id']}/return")
    back = f.post("meti.manager", f"/materials/{m['id']}/receipt", {})
    assert back["holder_org_id"] == f.orgs["METI"]
    # More copies of the same title continue the series (found by the state machine).
    more = f.post("meti.manager", "/materials", {
        "designation_id": world.designation, "kind": "medium", "title": "USB-02",
        "copy_total": 2, "location": "保管庫"}, 201)  # fmt: skip
    assert [(x["copy_no"], x["copy_total"]) for x in more] == [(4, 5), (5, 5)]
    series = [x for x in f.get("meti.manager", "/materials", designation_id=world.designation)
              if x["title"] == "USB-02"]  # fmt: skip
    assert sorted(x["copy_no"] for x in series) == [1, 2, 4, 5]  # copy 3 is at Sakura
    assert {x["copy_total"] for x in series} == {5}


def test_destruction_needs_a_distinct_witness(world: World) -> None:
    f = world.f
    same = {"destroyer_id": world.person, "witness_id": world.person, "method": "裁断"}
    r = f.c.post(f"/api/v1/materials/{world.material}/destruction", json=same,
                 headers=f.h("sakura.security"))  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "same_person"
    ok = f.post("sakura.security", f"/materials/{world.material}/destruction",
                {**same, "witness_id": f.persons["kenichi"]})  # fmt: skip
    assert ok["status"] == "destroyed"
    assert "material_not_held" in codes(world.decide())


def test_an_inventory_discrepancy_opens_an_incident(world: World) -> None:
    f = world.f
    clean = f.post("sakura.security", "/inventories", {"found": [world.material]})
    assert clean["incident_id"] is None and clean["missing"] == []
    short = f.post("sakura.security", "/inventories", {"found": []})
    assert short["missing"] == [world.material] and short["incident_id"]
    [incident] = f.get("meti.manager", "/incidents")
    assert incident["kind"] == "discrepancy" and incident["agency_id"] == f.orgs["METI"]
    f.post("sakura.security", f"/incidents/{incident['id']}/steps",
           {"command": "notify_agency", "text": "経産省へ電話で第一報"})  # fmt: skip
    done = f.post("meti.manager", f"/incidents/{incident['id']}/steps",
                  {"command": "close", "text": "所在を確認"})  # fmt: skip
    assert done["status"] == "closed" and done["agency_notified_at"] and len(done["timeline"]) == 3


def test_handler_register_and_overdue_training(world: World) -> None:
    f = world.f
    r = f.c.get("/api/v1/handlers/register", headers=f.h("sakura.security"))
    assert r.status_code == 200 and "田中,花子,開発部" in r.text and ",yes," in r.text
    assert r.content.startswith("\ufeff".encode())  # opens in Excel on Japanese Windows
    [row] = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert row["start"] == (world.f.clock.now() + dt.timedelta(hours=9)).date().isoformat()
    f.wait(days=400)
    r = f.c.get("/api/v1/handlers/register", headers=f.h("sakura.security"))
    assert ",no,training_overdue" in r.text
    r = f.c.post("/api/v1/handlers", headers=f.h("sakura.security"), json={
        "designation_id": world.designation, "person_id": f.persons["kenichi"],
        "department": "営業部"})  # fmt: skip
    assert r.status_code == 422
    assert {p["code"] for p in r.json()["errors"]} == {
        "no_eligibility", "department_not_authorised", "training_overdue"}  # fmt: skip


def test_certification_rules(world: World) -> None:
    f = world.f
    r = f.c.post(
        f"/api/v1/certifications/{world.cert}/steps/certify", headers=f.h("meti.certification")
    )
    assert r.status_code == 409 and "certified" in r.json()["detail"]
    f.post("sakura.security", f"/certifications/{world.cert}/change-reports",
           {"summary": "外国資本の出資比率が変わる"})  # fmt: skip
    assert world.decide()["permit"]  # a reported change does not stop the contract
    f.post("meti.certification", f"/certifications/{world.cert}/steps/suspend", {"note": "調査中"})
    assert codes(world.decide()) == {"contract_not_in_force"}
    f.post("meti.certification", f"/certifications/{world.cert}/steps/resume")
    assert world.decide()["permit"]
    r = f.c.post(f"/api/v1/certifications/{world.cert}/application", headers=f.h("meti.manager"),
                 json={"checklist": CHECKLIST})  # fmt: skip
    assert r.status_code == 403
    # A certification never applied for: any decision step is a 409 (not "criteria not met").
    proposed = f.post("meti.certification", "/certifications", {"operator_id": f.orgs["AOBA-EL"]},
                      201)["id"]  # fmt: skip
    for step in ("certify", "refuse", "start_review", "suspend"):
        r = f.c.post(f"/api/v1/certifications/{proposed}/steps/{step}",
                     headers=f.h("meti.certification"))  # fmt: skip
        assert r.status_code == 409 and r.json()["code"] == "invalid_transition", (step, r.text)


def test_rules_that_refuse_bad_steps(world: World) -> None:
    f, today = world.f, world.today

    def refused(who: str, path: str, body: Any, status: int = 422) -> set[str]:
        r = f.c.post(f"/api/v1{path}", json=body, headers=f.h(who))
        assert r.status_code == status, (path, r.text)
        return {p["code"] for p in r.json().get("errors", [])}

    assert refused("meti.manager", "/designations", {
        "category_code": "Z9", "document_number": "N-1", "title": "t", "marking": "mark",
        "start_on": today.isoformat(), "expires_on": today.isoformat()}) >= {"date_order"}  # fmt: skip
    assert "basis" in refused("meti.manager", f"/designations/{world.designation}/provisions",
                              {"basis": "art6", "recipient_org_id": f.orgs["SAKURA-HI"]})  # fmt: skip
    assert "basis" in refused("meti.manager", f"/designations/{world.designation}/provisions",
                              {"basis": "art8"})  # fmt: skip
    cert = f.post(
        "meti.certification", "/certifications", {"operator_id": f.orgs["SAKURA-HI"]}, 409
    )
    assert "already" in cert["detail"]
    f.add_agency("MOD")
    f.add_account("mod.certification", "certification_officer", "MOD")
    c = f.post("mod.certification", "/certifications", {"operator_id": f.orgs["SAKURA-HI"]}, 201)
    partial = {k: v for k, v in CHECKLIST.items() if k != "facilities"}
    assert refused("sakura.security", f"/certifications/{c['id']}/application",
                   {"checklist": partial}) == {"required"}  # fmt: skip
    f.post("sakura.security", f"/certifications/{c['id']}/application",
           {"checklist": {**CHECKLIST, "facilities": {"met": False, "note": "工事中"}}})  # fmt: skip
    f.post("mod.certification", f"/certifications/{c['id']}/steps/start_review")
    assert refused("mod.certification", f"/certifications/{c['id']}/steps/certify", None) == {
        "criterion_unmet"}  # fmt: skip
    assert refused("tanaka.hanako", "/handlers/acknowledgements", {"person_id": world.person},
                   409) == set()  # already acknowledged  # fmt: skip
    assert refused("sakura.security", "/handlers/acknowledgements",
                   {"person_id": f.persons["kenichi"]}) == {"required"}  # needs the signed form  # fmt: skip
    f.post("sakura.security", f"/materials/{world.material}/destruction", {
        "destroyer_id": world.person, "witness_id": f.persons["kenichi"], "method": "溶解"})  # fmt: skip
    r = f.c.post(
        f"/api/v1/materials/{world.material}/copies", json={}, headers=f.h("sakura.security")
    )
    assert r.status_code == 409 and "destroyed" in r.json()["detail"]
