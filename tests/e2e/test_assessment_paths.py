"""Every path of the suitability assessment through the JSON API, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from clearance.domain.periods import period_end
from tests.conftest import FakeClock
from tests.e2e.flows import Flow, years_ago

EMPLOYER_KEYS = {"assessment_id", "person_id", "agency_id", "status", "eligible_until"}


@pytest.fixture
def flow(client: TestClient, clock: FakeClock) -> Flow:
    return Flow(client, clock)


def test_favourable_result_for_an_operator_employee(flow: Flow) -> None:
    aid = flow.favourable()
    case = flow.get("meti.officer", f"/assessments/{aid}")
    assert case["status"] == "result_notified" and case["outcome"] == "favourable"
    assert [e["to_status"] for e in case["events"]][:4] == [
        "listing_consent_pending", "listed", "roster_submitted", "consent_pending"]  # fmt: skip
    # Eligible for 10 years from the notice, for this agency.
    person = flow.persons["hanako"]
    [e] = flow.get("meti.officer", f"/persons/{person}/eligibility")
    notified = dt.datetime.fromisoformat(case["notified_at"])
    assert e["eligible_now"] and e["source"] == "cesi"
    assert dt.datetime.fromisoformat(e["valid_until"]) == period_end(notified, 10)
    # The employer learns the result and eligible-until only.
    view = flow.get("sakura.security", f"/employer/assessments/{aid}")
    assert set(view) == EMPLOYER_KEYS and view["status"] == "favourable"
    assert view["eligible_until"] is not None
    employer_notices = flow.get("sakura.security", f"/assessments/{aid}/notices")
    assert [(n["recipient"], n["result"]) for n in employer_notices] == [("employer", "favourable")]
    # The employer cannot read the case file, the answers or the records.
    flow.get("sakura.security", f"/assessments/{aid}", expect=403)
    flow.get(
        "sakura.security", f"/assessments/{aid}/questionnaire", expect=403, purpose="assessment"
    )
    flow.get("sakura.security", f"/assessments/{aid}/records", expect=403, purpose="assessment")


def test_refusal_ends_the_case_and_the_employer_learns_not_conducted(flow: Flow) -> None:
    aid = flow.operator_candidate()
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    person_view = flow.get("tanaka.hanako", f"/assessments/{aid}")
    assert person_view["who_acts_next"] == "person"
    flow.post("tanaka.hanako", f"/assessments/{aid}/refuse")
    r = flow.c.post(f"/api/v1/assessments/{aid}/investigation", headers=flow.h("meti.head"))
    assert r.status_code == 409 and r.json()["code"] == "invalid_transition"
    assert "consent_refused" in r.json()["detail"]
    view = flow.get("sakura.security", f"/employer/assessments/{aid}")
    assert view["status"] == "not_conducted"
    [notice] = flow.get("sakura.security", f"/assessments/{aid}/notices")
    assert notice["result"] == "not_conducted" and notice["kind"] == "not_conducted"


def test_withdrawal_mid_investigation_stops_it(flow: Flow) -> None:
    aid = flow.operator_candidate()
    flow.to_consent(aid)
    flow.post("meti.head", f"/assessments/{aid}/investigation")
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    flow.fill_questionnaire(aid)
    today = flow.clock.now().date().isoformat()
    inquiry = {"target": "区役所", "matter": 7, "date": today, "outcome": "照会中"}
    flow.post("cao.investigator", f"/assessments/{aid}/inquiries", inquiry)
    flow.post("tanaka.hanako", f"/assessments/{aid}/withdraw")
    r = flow.c.post(f"/api/v1/assessments/{aid}/inquiries", json=inquiry,
                    headers=flow.h("cao.investigator"))  # fmt: skip
    assert r.status_code == 409 and "withdrawn" in r.json()["detail"]
    assert flow.get("sakura.security", f"/employer/assessments/{aid}")["status"] == "not_conducted"
    # Withdrawn cases leave the investigation queue.
    queue = flow.get("cao.investigator", "/assessments")
    assert aid not in [c["id"] for c in queue["items"]]


def test_unfavourable_with_reasons_and_a_complaint(flow: Flow) -> None:
    aid = flow.reported()
    r = flow.c.post(f"/api/v1/assessments/{aid}/decision", json={"outcome": "unfavourable"},
                    headers=flow.h("meti.adjudicator"))  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reasons"
    flow.decide(aid, "unfavourable", reasons="多額の債務があり、外国からの働きかけの懸念がある")
    [notice] = flow.get("tanaka.hanako", f"/assessments/{aid}/notices")[-1:]
    assert notice["result"] == "unfavourable" and notice["reasons_included"]
    assert "多額の債務" in notice["reasons"]
    employer = flow.get("sakura.security", f"/assessments/{aid}/notices")
    assert all("reasons" not in n or n["reasons"] is None for n in employer)
    assert flow.get("sakura.security", f"/employer/assessments/{aid}")["eligible_until"] is None
    assert flow.get("meti.officer", f"/persons/{flow.persons['hanako']}/eligibility") == []
    # The complaint, tracked to an answer.
    c = flow.post("tanaka.hanako", f"/assessments/{aid}/complaints",
                  {"subject": "result", "text": "債務は完済済みです"}, 201)  # fmt: skip
    assert "不利益" in c["no_disadvantage"]
    queue = flow.get("meti.complaints", "/complaints", status="filed")
    assert [x["id"] for x in queue["items"]] == [c["id"]]
    detail = flow.get("meti.complaints", f"/complaints/{c['id']}", purpose="complaint_handling")
    assert detail["texts"][0]["content"]["text"] == "債務は完済済みです"
    flow.get("meti.complaints", f"/complaints/{c['id']}", expect=403, purpose="assessment")
    flow.post("meti.complaints", f"/complaints/{c['id']}/review")
    done = flow.post("meti.complaints", f"/complaints/{c['id']}/answer", {"text": "再検討した"})
    assert done["status"] == "answered" and done["answered_at"]
    r = flow.c.post(f"/api/v1/complaints/{c['id']}/review", headers=flow.h("meti.complaints"))
    assert r.status_code == 409
    export = flow.get("tanaka.hanako", "/me/export")
    [case] = export["assessments"]
    assert case["complaints"][0]["status"] == "answered"
    assert case["questionnaire"]["identity"]["family_name"] == "田中"
    assert case["records_not_disclosed"] == {"inquiry": 1, "interview": 1, "report": 1}


def test_reasons_withheld_with_a_recorded_justification(flow: Flow) -> None:
    aid = flow.reported()
    flow.decide(aid, "unfavourable", reasons="情報源に関わる理由", withhold=True)
    notice = flow.get("tanaka.hanako", f"/assessments/{aid}/notices")[-1]
    assert notice["result"] == "unfavourable" and not notice["reasons_included"]
    assert notice.get("reasons") is None
    records = flow.get("meti.adjudicator", f"/assessments/{aid}/records", purpose="assessment")
    kinds = {r["kind"]: r["content"] for r in records}
    assert kinds["withholding"]["justification"] == "調査手法の秘匿"
    assert kinds["reasons"]["reasons"] == "情報源に関わる理由"


def test_reuse_of_a_prior_cabinet_office_investigation(flow: Flow) -> None:
    first = flow.favourable()
    flow.add_agency("MOD")
    for name, role in (("mod.officer", "assessment_officer"), ("mod.head", "agency_head_delegate"),
                       ("mod.adjudicator", "adjudicator")):  # fmt: skip
        flow.add_account(name, role, "MOD")
    aid = flow.operator_candidate(agency="MOD")
    flow.to_consent(aid, officer="mod.officer")
    case = flow.post("mod.head", f"/assessments/{aid}/investigation", {"reuse": True})
    assert case["status"] == "reported" and case["reused_from_id"] == first
    records = flow.get("mod.adjudicator", f"/assessments/{aid}/records", purpose="assessment")
    assert {r["kind"] for r in records} == {"inquiry", "interview", "report"}  # not METI's decision
    # The other agency's case itself stays invisible.
    flow.get("mod.adjudicator", f"/assessments/{first}", expect=404)
    flow.decide(aid, adjudicator="mod.adjudicator", confirmer="mod.head", notifier="mod.officer")
    eligibility = flow.get("mod.officer", f"/persons/{flow.persons['hanako']}/eligibility")
    assert [e["agency_id"] for e in eligibility] == [flow.orgs["MOD"]]


def test_sds_reciprocity_counts_for_five_years(flow: Flow) -> None:
    person = flow.persons["makoto"]  # METI staff
    today = flow.clock.now().date()
    sds_on = years_ago(today, 4)
    e = flow.post("meti.officer", "/eligibility/sds", {
        "person_id": person, "sds_notified_on": sds_on.isoformat(), "reference": "SDS-2022-17"},
        201)  # fmt: skip
    assert e["source"] == "sds" and e["eligible_now"] and e["sds_reference"] == "SDS-2022-17"
    r = flow.c.post("/api/v1/eligibility/sds", headers=flow.h("meti.officer"), json={
        "person_id": person, "sds_notified_on": years_ago(today, 6).isoformat(),
        "reference": "old"})  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "expired"
    flow.clock.current = dt.datetime.fromisoformat(e["valid_until"])
    flow._headers.clear()
    [after] = flow.get("meti.officer", f"/persons/{person}/eligibility")
    assert not after["eligible_now"]


def test_doubt_suspends_and_a_reassessment_restores(flow: Flow) -> None:
    first = flow.favourable()
    person = flow.persons["hanako"]
    r = flow.post("sakura.security", f"/persons/{person}/change-reports", {
        "agency_id": flow.orgs["METI"], "summary": "海外の団体から接触があったと本人が申告",
        "raises_doubt": True}, 201)  # fmt: skip
    again = r["reassessment_id"]
    [e] = flow.get("meti.officer", f"/persons/{person}/eligibility")
    assert not e["eligible_now"] and e["suspended_at"]
    assert flow.get("sakura.security", f"/employer/assessments/{first}")["status"] == "suspended"
    case = flow.get("meti.officer", f"/assessments/{again}")
    assert case["trigger"] == "doubt" and case["previous_id"] == first
    flow.to_consent(again)
    flow.post("meti.head", f"/assessments/{again}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{again}/questionnaire")
    sections = flow.get("tanaka.hanako", f"/assessments/{again}/questionnaire", purpose="own_data")
    assert all(s["carried_over"] and not s["confirmed"] for s in sections)
    problems = flow.get("tanaka.hanako", f"/assessments/{again}/questionnaire/problems")
    assert {p["code"] for p in problems} == {"unconfirmed"} and len(problems) == 12
    for s in sections:
        if s["section"] == "foreign":
            flow.put(
                "tanaka.hanako",
                f"/assessments/{again}/questionnaire/foreign",
                {"accounts": [{"country": "SG", "institution": "DBS"}], "residences": []},
            )
        else:
            flow.post("tanaka.hanako",
                      f"/assessments/{again}/questionnaire/{s['section']}/confirm")  # fmt: skip
    flow.post("tanaka.hanako", f"/assessments/{again}/questionnaire-submission")
    changes = flow.get("cao.investigator", f"/assessments/{again}/questionnaire/changes",
                       purpose="assessment")  # fmt: skip
    assert changes["foreign"] == ["foreign.accounts.0"] and changes["identity"] == []
    today = flow.clock.now().date().isoformat()
    flow.post("cao.investigator", f"/assessments/{again}/inquiries",
              {"target": "金融機関", "matter": 1, "date": today, "outcome": "確認"})  # fmt: skip
    flow.post("cao.investigator", f"/assessments/{again}/interview",
              {"held_on": today, "summary": "説明を受けた"})  # fmt: skip
    flow.post("cao.investigator", f"/assessments/{again}/report",
              {"findings": {str(n): "問題なし" for n in range(1, 8)}, "opinion": "問題なし"})  # fmt: skip
    flow.decide(again)
    records = flow.get("meti.officer", f"/persons/{person}/eligibility")
    old, new = sorted(records, key=lambda e: e["ended_at"] is None)
    assert old["end_reason"] == "superseded" and not old["eligible_now"]
    assert new["eligible_now"] and new["source"] == "cesi"


def test_eligibility_expires_exactly_at_ten_years(flow: Flow) -> None:
    aid = flow.favourable()
    person = flow.persons["hanako"]
    notified = dt.datetime.fromisoformat(
        flow.get("meti.officer", f"/assessments/{aid}")["notified_at"]
    )
    boundary = period_end(notified, 10)
    assert boundary.astimezone(dt.timezone(dt.timedelta(hours=9))).time() == dt.time(0, 0)
    cases = ((boundary - dt.timedelta(microseconds=1), True, 200), (boundary, False, 40))
    for at, expected, lead in cases:
        flow.clock.current = at - dt.timedelta(seconds=lead)  # log in anew, shortly before
        flow._headers.clear()
        flow.h("meti.officer")
        flow.clock.current = at
        [e] = flow.get("meti.officer", f"/persons/{person}/eligibility")
        assert e["eligible_now"] is expected, at


ROSTER = (
    "family_name,given_name,family_name_kana,given_name_kana,date_of_birth,listing_consent_date\n"
    "山本,一郎,ヤマモト,イチロウ,1985-05-05,2026-03-01\n"
    "中村,二郎,ナカムラ,ジロウ,1990-06-06,2026-03-02\n"
    "小林,三郎,コバヤシ,サブロウ,1975-07-07,2026-03-03\n"
)


def test_roster_import_with_one_bad_row_imports_nothing(flow: Flow) -> None:
    headers = {**flow.h("sakura.security"), "Content-Type": "text/csv"}
    url = f"/api/v1/rosters/import?agency_id={flow.orgs['METI']}"
    persons_before = flow.get("sakura.security", "/persons")["total"]
    bad = ROSTER.replace("ナカムラ", "Nakamura").replace("1975-07-07", "1975-13-07")
    r = flow.c.post(url, content=bad.encode(), headers=headers)
    assert r.status_code == 422, r.text
    fields = [p["field"] for p in r.json()["errors"]]
    assert fields == ["rows.3.date_of_birth", "rows.2.family_name_kana"] or set(fields) == {
        "rows.2.family_name_kana", "rows.3.date_of_birth"}  # fmt: skip
    assert flow.get("sakura.security", "/employer/assessments")["total"] == 0
    assert flow.get("sakura.security", "/persons")["total"] == persons_before
    r = flow.c.post(url, content=ROSTER.encode(), headers=headers)
    assert r.status_code == 201, r.text
    assert r.json()["size"] == 3 and len(r.json()["assessment_ids"]) == 3
    listed = flow.get("sakura.security", "/employer/assessments")
    assert listed["total"] == 3 and {i["status"] for i in listed["items"]} == {"in_progress"}
    # The same file again: those people already have open cases; still all or nothing.
    r = flow.c.post(url, content=ROSTER.encode(), headers=headers)
    assert r.status_code == 409
    assert flow.get("sakura.security", "/employer/assessments")["total"] == 3


def test_nomination_is_for_own_staff_and_the_staff_member_consents(flow: Flow) -> None:
    staff, employee = flow.persons["misaki"], flow.persons["hanako"]
    # A company's employee the agency has no dealings with is unknown to it, like a missing id.
    r = flow.c.post(
        "/api/v1/assessments", json={"person_id": employee}, headers=flow.h("meti.officer")
    )
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    # Once her employer has nominated her, the agency knows her: she is not its staff.
    flow.operator_candidate()
    r = flow.c.post(
        "/api/v1/assessments", json={"person_id": employee}, headers=flow.h("meti.officer")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "not_staff"
    r = flow.c.post("/api/v1/assessments", json={"person_id": staff},
                    headers=flow.h("sakura.security"))  # fmt: skip
    assert r.status_code == 403
    case = flow.post("meti.officer", "/assessments", {"person_id": staff}, 201)
    assert case["status"] == "roster_submitted" and case["origin"] == "agency_staff"
    r = flow.c.post(
        "/api/v1/assessments", json={"person_id": staff}, headers=flow.h("meti.officer")
    )
    assert r.status_code == 409
    flow.to_consent(case["id"], person="suzuki.misaki")
    mine = flow.get("suzuki.misaki", "/assessments")
    assert [c["id"] for c in mine["items"]] == [case["id"]]
    assert mine["items"][0]["who_acts_next"] == "agency"
    # An officer recording a paper consent must name the signed form.
    other = flow.post("meti.officer", "/assessments", {"person_id": flow.persons["makoto"]}, 201)
    flow.post("meti.officer", f"/assessments/{other['id']}/notice")
    r = flow.c.post(f"/api/v1/assessments/{other['id']}/consent", headers=flow.h("meti.officer"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "paper_reference"
    done = flow.post("meti.officer", f"/assessments/{other['id']}/consent",
                     {"paper_reference": "同意書-2026-001"})  # fmt: skip
    assert done["status"] == "consented"


def test_questionnaire_validation_and_return_of_chosen_sections(flow: Flow) -> None:
    aid = flow.operator_candidate()
    flow.to_consent(aid)
    flow.post("meti.head", f"/assessments/{aid}/investigation")
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    r = flow.c.put(f"/api/v1/assessments/{aid}/questionnaire/identity",
                   json={"religion": "x"}, headers=flow.h("tanaka.hanako"))  # fmt: skip
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "unknown_field"
    flow.put("tanaka.hanako", f"/assessments/{aid}/questionnaire/identity", {"family_name": "田中"})
    r = flow.c.post(f"/api/v1/assessments/{aid}/questionnaire-submission",
                    headers=flow.h("tanaka.hanako"))  # fmt: skip
    assert r.status_code == 422 and len(r.json()["errors"]) >= 12  # every problem at once
    flow.fill_questionnaire(aid)
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire-return",
              {"sections": ["travel"], "note": "渡航の日付を確認してください"})  # fmt: skip
    r = flow.c.put(f"/api/v1/assessments/{aid}/questionnaire/identity", json={},
                   headers=flow.h("tanaka.hanako"))  # fmt: skip
    assert r.status_code == 409 and "only the sections" in r.json()["detail"]
    states = {s["section"]: s["state"] for s in flow.get(
        "tanaka.hanako", f"/assessments/{aid}/questionnaire", purpose="own_data")}  # fmt: skip
    assert [k for k, v in states.items() if v == "open"] == ["travel"]
    flow.put("tanaka.hanako", f"/assessments/{aid}/questionnaire/travel", {"entries": []})
    case = flow.post("tanaka.hanako", f"/assessments/{aid}/questionnaire-submission")
    assert case["status"] == "questionnaire_submitted"


def test_every_step_the_api_accepts_is_listed_before_it_is_taken(flow: Flow) -> None:
    """``allowed_commands`` is the list of what the case admits now: walking a whole case, the step
    about to be taken is always in it (a further inquiry in ``inquiries`` was missing: issue 15)."""
    today = flow.clock.now().date().isoformat()
    inquiry = {"target": "警視庁", "matter": 2, "date": today, "outcome": "記録なし"}
    aid = flow.operator_candidate()
    steps = [  # (name listed, who takes it, path, body)
        ("issue_notice", "meti.officer", "notice", None),
        ("consent", "tanaka.hanako", "consent", None),
        ("request_investigation", "meti.head", "investigation", {"reuse": False}),
        ("issue_questionnaire", "cao.investigator", "questionnaire", None),
    ]
    for name, who, path, body in steps:
        listed = flow.get("meti.officer", f"/assessments/{aid}")["allowed_commands"]
        assert name in listed, (name, listed)
        flow.post(who, f"/assessments/{aid}/{path}", body)
    flow.fill_questionnaire(aid)
    for name, path, body in [
        ("start_inquiries", "inquiries", inquiry),
        ("record_inquiry", "inquiries", inquiry),
        ("record_interview", "interview", {"held_on": today, "summary": "面接"}),
        ("record_inquiry", "inquiries", inquiry),
        ("report", "report", {"findings": {str(n): "なし" for n in range(1, 8)}, "opinion": "可"}),
    ]:
        listed = flow.get("cao.investigator", f"/assessments/{aid}")["allowed_commands"]
        assert name in listed, (name, listed)
        flow.post("cao.investigator", f"/assessments/{aid}/{path}", body)
    listed = flow.get("cao.investigator", f"/assessments/{aid}")["allowed_commands"]
    assert "record_inquiry" not in listed  # after the report, no further inquiry
    r = flow.c.post(f"/api/v1/assessments/{aid}/inquiries", json=inquiry,
                    headers=flow.h("cao.investigator"))  # fmt: skip
    assert r.status_code == 409
