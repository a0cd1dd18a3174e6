"""Assessment routes x every demo account: at each step of a case, every account that should not act
tries first and must be refused (401/403/404) without changing anything; then the expected account
acts. Expectations are written by hand, not derived from the policy."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow, valid_answers

ACCOUNTS = (
    "admin", "meti.head", "meti.adjudicator", "meti.officer", "meti.manager",
    "meti.complaints", "cao.investigator", "sakura.security", "inspector", "tanaka.hanako",
    "suzuki.misaki",
)  # fmt: skip

# (who acts, who else may, method, path, body). "{a}" is the case, "{c}" the complaint,
# "{p}" the person, "{meti}" the agency. Reads are tried by everyone and must be refused for the rest.
STEPS: list[tuple[str, set[str], str, str, Any]] = [
    ("sakura.security", set(), "POST", "/assessments/{a}/listing-consent", {"given": True}),
    ("sakura.security", set(), "POST", "/rosters", {"agency_id": "{meti}", "assessment_ids": ["{a}"]}),
    ("meti.officer", set(), "POST", "/assessments/{a}/notice", None),
    ("tanaka.hanako", {"meti.officer"}, "POST", "/assessments/{a}/consent", None),
    ("meti.head", set(), "POST", "/assessments/{a}/investigation", {"reuse": False}),
    ("cao.investigator", set(), "POST", "/assessments/{a}/questionnaire", None),
    ("tanaka.hanako", set(), "PUT", "/assessments/{a}/questionnaire/{section}", "{answers}"),
    ("tanaka.hanako", set(), "GET", "/assessments/{a}/questionnaire/problems", None),
    ("tanaka.hanako", set(), "POST", "/assessments/{a}/questionnaire/identity/confirm", None),
    ("tanaka.hanako", set(), "POST", "/assessments/{a}/questionnaire-submission", None),
    ("cao.investigator", set(), "POST", "/assessments/{a}/questionnaire-return", {"sections": ["travel"], "note": "日付を確認"}),
    ("tanaka.hanako", set(), "POST", "/assessments/{a}/questionnaire-submission", None),
    ("cao.investigator", {"meti.head", "meti.adjudicator"}, "GET", "/assessments/{a}/questionnaire?purpose=assessment", None),
    ("cao.investigator", {"meti.head", "meti.adjudicator"}, "GET", "/assessments/{a}/questionnaire/changes?purpose=assessment", None),
    ("cao.investigator", set(), "POST", "/assessments/{a}/inquiries", {"target": "区役所", "matter": 1, "date": "{today}", "outcome": "照会済"}),
    ("cao.investigator", set(), "POST", "/assessments/{a}/interview", {"held_on": "{today}", "summary": "面接"}),
    ("cao.investigator", set(), "POST", "/assessments/{a}/report", {"findings": {str(n): "なし" for n in range(1, 8)}, "opinion": "可"}),
    ("meti.adjudicator", {"cao.investigator", "meti.head", "meti.complaints"}, "GET", "/assessments/{a}/records?purpose=assessment", None),
    ("meti.adjudicator", set(), "POST", "/assessments/{a}/decision", {"outcome": "unfavourable", "reasons": "理由"}),
    ("meti.head", {"meti.adjudicator"}, "POST", "/assessments/{a}/decision/send-back", None),
    ("meti.adjudicator", set(), "POST", "/assessments/{a}/decision", {"outcome": "unfavourable", "reasons": "理由"}),
    ("meti.head", set(), "POST", "/assessments/{a}/decision/confirm", None),
    ("meti.officer", {"meti.head"}, "POST", "/assessments/{a}/notify", None),
    ("meti.officer", {"meti.head", "meti.adjudicator", "meti.complaints", "cao.investigator", "tanaka.hanako"}, "GET", "/assessments/{a}", None),
    ("meti.officer", {"meti.head", "meti.adjudicator", "meti.complaints", "cao.investigator", "tanaka.hanako", "sakura.security"}, "GET", "/assessments/{a}/notices", None),
    ("sakura.security", set(), "GET", "/employer/assessments/{a}", None),
    ("tanaka.hanako", set(), "POST", "/assessments/{a}/complaints", {"subject": "result", "text": "異議"}),
    ("meti.complaints", {"meti.head"}, "GET", "/complaints/{c}?purpose=complaint_handling", None),
    ("meti.complaints", {"meti.head"}, "POST", "/complaints/{c}/review", None),
    ("meti.complaints", {"meti.head"}, "POST", "/complaints/{c}/answer", {"text": "回答"}),
    ("tanaka.hanako", {"meti.officer"}, "POST", "/assessments/{a}/withdraw", None),  # 409: result given
    ("meti.officer", set(), "POST", "/eligibility/sds", {"person_id": "{p}", "sds_notified_on": "2024-01-10", "reference": "SDS-1"}),
    ("meti.officer", {"meti.head", "meti.adjudicator", "meti.manager", "tanaka.hanako", "sakura.security"}, "GET", "/persons/{p}/eligibility", None),
    ("sakura.security", {"meti.officer"}, "POST", "/persons/{p}/change-reports", {"agency_id": "{meti}", "summary": "変更", "raises_doubt": False}),
    ("tanaka.hanako", {"suzuki.misaki"}, "GET", "/me/export", None),  # each their own
    ("tanaka.hanako", {"suzuki.misaki"}, "GET", "/me/invitations", None),
    ("tanaka.hanako", {"suzuki.misaki"}, "PUT", "/me/contact", {"email": "hanako@example.jp"}),
    ("admin", set(), "POST", "/vetting/purge", None),
    ("sakura.security", {"meti.officer"}, "POST", "/persons/{p}/departure", None),
]  # fmt: skip
LISTS = {  # list routes: who gets an answer at all (each sees only their own scope)
    "/assessments": {"meti.head", "meti.adjudicator", "meti.officer",
                     "meti.complaints", "cao.investigator", "tanaka.hanako", "suzuki.misaki"},
    "/employer/assessments": {"sakura.security"},
    "/complaints": {"meti.head", "meti.complaints"},
}  # fmt: skip
EXPECTED_STATUS = {"/assessments/{a}/withdraw": 409}


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        return value.format(**names) if "{" in value else value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def test_every_step_refuses_everyone_else(client: TestClient, clock: FakeClock) -> None:
    flow = Flow(client, clock)
    body = {"person_id": flow.persons["hanako"], "agency_id": flow.orgs["METI"]}
    for who in ACCOUNTS:  # only the employer's security officer may select candidates
        r = client.post("/api/v1/assessments/candidates", json=body, headers=flow.h(who))
        assert (r.status_code == 201) == (who == "sakura.security"), (who, r.text)
    aid = flow.get("sakura.security", "/employer/assessments")["items"][0]["assessment_id"]
    names = {"a": aid, "p": flow.persons["hanako"], "meti": flow.orgs["METI"],
             "today": clock.now().date().isoformat(), "c": ""}  # fmt: skip
    answers = valid_answers(clock.now().date())
    for actor, also, method, template, payload in STEPS:
        bodies = [(section, a) for section, a in answers.items()] if payload == "{answers}" else [
            ("", payload)]  # fmt: skip
        for section, raw in bodies:
            path = "/api/v1" + template.format(**names, section=section or "identity")
            data = raw if payload == "{answers}" else _fill(raw, names)
            before = flow.get("meti.officer", f"/assessments/{aid}")["version"]
            for who in ACCOUNTS:
                if who == actor or who in also:
                    continue
                r = client.request(method, path, json=data, headers=flow.h(who))
                assert r.status_code in (401, 403, 404), (who, method, path, r.status_code, r.text)
            assert flow.get("meti.officer", f"/assessments/{aid}")["version"] == before, path
            r = client.request(method, path, json=data, headers=flow.h(actor))
            expected = EXPECTED_STATUS.get(template)
            assert r.status_code == expected if expected else r.status_code < 300, (
                actor, path, r.text)  # fmt: skip
            if template.endswith("/complaints"):
                names["c"] = r.json()["id"]


def test_lists_answer_only_their_audience(client: TestClient, clock: FakeClock) -> None:
    flow = Flow(client, clock)
    for path, audience in LISTS.items():
        for who in ACCOUNTS:
            r = client.get(f"/api/v1{path}", headers=flow.h(who))
            assert (r.status_code == 200) == (who in audience), (who, path, r.status_code)


def is_assessment_route(path: str) -> bool:
    """Routes whose authorization this module checks (test_authz_matrix checks the rest)."""
    return path.startswith(
        ("/api/v1/assessments", "/api/v1/rosters", "/api/v1/complaints", "/api/v1/employer",
         "/api/v1/eligibility", "/api/v1/me/", "/api/v1/vetting")
    ) or (path.startswith("/api/v1/persons/")
          and path.endswith(("/eligibility", "/change-reports", "/departure")))  # fmt: skip


def test_steps_cover_every_assessment_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()["paths"]
    ours = {(m.upper(), p) for p, ops in spec.items() for m in ops if is_assessment_route(p)}

    def norm(path: str) -> str:
        path = path.split("?")[0]
        path = re.sub(r"\{a\}", "{assessment_id}", path)
        path = re.sub(r"\{c\}", "{complaint_id}", path)
        path = re.sub(r"\{p\}", "{person_id}", path)
        path = path.replace("/questionnaire/identity/", "/questionnaire/{section}/")
        return "/api/v1" + path

    covered = {(m, norm(t)) for _, _, m, t, _ in STEPS} | {("GET", "/api/v1" + p) for p in LISTS}
    covered |= {
        ("POST", "/api/v1/assessments/candidates"),  # tried by everyone above
        ("POST", "/api/v1/assessments"),  # test_nomination_is_for_own_staff
        ("POST", "/api/v1/rosters/import"),  # test_assessment_paths roster import
        ("POST", "/api/v1/assessments/{assessment_id}/refuse"),
    }  # test_assessment_paths
    assert ours == covered
