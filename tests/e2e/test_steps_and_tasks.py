"""What a page offers is what the API allows, and the task list is what waits (issue 13).

A case is walked from listing to result. At every status, for every demo account:
- every assessment step the account is *not* offered (``available_steps``) is refused by the API
  with a 4xx and changes nothing;
- the step that moves the case on is offered to the account that takes it, and succeeds;
- the account's task list (``GET /api/v1/tasks``) holds the case exactly when a forward step is
  offered to it, and the home page lists the same tasks;
- the account's pages show exactly those steps: the case page's step forms, the questionnaire's
  submit button, the employer's roster forms; and each forward step is taken by sending the page's
  own form, each side step (refuse, withdraw, decline, return, send back) on a case walked to that
  state beside it.
The second official's page shows the proposal; the proposer is never offered confirmation.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from clearance.services import demo
from tests.conftest import FakeClock
from tests.e2e.flows import Flow, valid_answers
from tests.ui.browserless import Browser

ACCOUNTS = [a[0] for a in demo.ACCOUNTS if a[0] != "meti.admin"] + ["tanaka.hanako"]
SIDE = {"withdraw", "refuse", "decline_listing", "send_back", "return_questionnaire"}


def attempts(flow: Flow, aid: str) -> dict[str, tuple[str, Any]]:
    """Each step as the API takes it: path and a valid body."""
    today = flow.clock.now().date().isoformat()
    return {
        "record_listing_consent": (f"/assessments/{aid}/listing-consent", {"given": True}),
        "decline_listing": (f"/assessments/{aid}/listing-consent", {"given": False}),
        "submit_roster": ("/rosters", {"agency_id": flow.orgs["METI"], "assessment_ids": [aid]}),
        "issue_notice": (f"/assessments/{aid}/notice", None),
        "consent": (f"/assessments/{aid}/consent", None),
        "refuse": (f"/assessments/{aid}/refuse", None),
        "withdraw": (f"/assessments/{aid}/withdraw", None),
        "request_investigation": (f"/assessments/{aid}/investigation", {"reuse": False}),
        "issue_questionnaire": (f"/assessments/{aid}/questionnaire", None),
        "submit_questionnaire": (f"/assessments/{aid}/questionnaire-submission", None),
        "return_questionnaire": (
            f"/assessments/{aid}/questionnaire-return",
            {"sections": ["travel"], "note": "渡航歴を確認してください"},
        ),
        "start_inquiries": (
            f"/assessments/{aid}/inquiries",
            {"target": "警視庁", "matter": 2, "date": today, "outcome": "記録なし"},
        ),
        "record_inquiry": (
            f"/assessments/{aid}/inquiries",
            {"target": "県警", "matter": 4, "date": today, "outcome": "記録なし"},
        ),
        "record_interview": (
            f"/assessments/{aid}/interview",
            {"held_on": today, "summary": "面接"},
        ),
        "report": (
            f"/assessments/{aid}/report",
            {"findings": {str(n): f"所見{n}" for n in range(1, 8)}, "opinion": "問題なし"},
        ),
        "propose_decision": (f"/assessments/{aid}/decision", {"outcome": "favourable"}),
        "confirm_decision": (f"/assessments/{aid}/decision/confirm", None),
        "send_back": (f"/assessments/{aid}/decision/send-back", None),
        "notify_result": (f"/assessments/{aid}/notify", None),
    }


def offered(flow: Flow, who: str, aid: str) -> set[str]:
    r = flow.c.get(f"/api/v1/assessments/{aid}", headers=flow.h(who))
    if r.status_code in (403, 404):
        # those who may not read the case (the employer reads the result only) act on it only
        # through the roster steps, which the task list shows
        steps = {t["step"] for t in flow.get(who, "/tasks")["items"] if t["assessment_id"] == aid}
        # the employer records the employee's answer either way
        return steps | ({"decline_listing"} if "record_listing_consent" in steps else set())
    assert r.status_code == 200, r.text
    return set(r.json()["available_steps"])


# What each case-page form sends (web/ui/cases.py ``_step``), as a person would fill it in.
def page_form(step: str, today: str) -> dict[str, Any]:
    return {
        "request_investigation": {"reuse": "1"},
        "return_questionnaire": {"sections": "travel", "note": "渡航歴を確認してください"},
        "start_inquiries": {"target": "警視庁", "matter": "2", "on": today, "outcome": "記録なし"},
        "record_inquiry": {"target": "県警", "matter": "4", "on": today, "outcome": "記録なし"},
        "record_interview": {"held_on": today, "summary": "面接"},
        "report": {**{f"findings.{n}": f"所見{n}" for n in range(1, 8)}, "opinion": "問題なし"},
        "propose_decision": {"outcome": "favourable"},
    }.get(step, {})


ELSEWHERE = {"submit_questionnaire", "record_listing_consent", "decline_listing", "submit_roster"}
STEP_SECTION = re.compile(r'id="step-([a-z_]+)"')


def on_pages(b: Browser, who: str, aid: str) -> set[str]:
    """The steps the account's pages offer for the case, found as a person would find them."""
    r = b.c.get(f"/cases/{aid}")
    found = set(STEP_SECTION.findall(r.text)) if r.status_code == 200 else set()
    if r.status_code == 200 and 'href="/cases/' + aid + '/questionnaire"' in r.text:
        review = b.c.get(f"/cases/{aid}/questionnaire/review")
        if review.status_code == 200 and "questionnaire-submission" in review.text:
            found.add("submit_questionnaire")
    if who == "sakura.security":
        employees = b.c.get("/employees").text
        if f"/employees/{aid}/listing-consent" in employees:
            found |= {"record_listing_consent", "decline_listing"}
        if f'name="assessment_ids" value="{aid}"' in employees:
            found.add("submit_roster")
    return found


def status_of(flow: Flow, aid: str) -> str:
    return str(flow.get("meti.head", f"/assessments/{aid}")["status"])


def check_state(flow: Flow, aid: str, taken: tuple[str, str] | None,
                browsers: dict[str, Browser]) -> dict[str, set[str]]:  # fmt: skip
    """Every step not offered is refused and changes nothing, and the pages offer exactly what
    the API does; returns what was offered."""
    before = status_of(flow, aid)
    shown = {who: offered(flow, who, aid) for who in ACCOUNTS}
    for who in ACCOUNTS:
        pages = on_pages(browsers[who], who, aid)
        assert pages == shown[who], (who, before, sorted(pages), sorted(shown[who]))
        tasks = {t["step"] for t in flow.get(who, "/tasks")["items"] if t["assessment_id"] == aid}
        forward = {s for s in shown[who] if s not in SIDE}
        forward = forward - {"record_inquiry"} or forward  # a further inquiry is not what waits
        assert tasks == ({min(forward, key=list(attempts(flow, aid)).index)} if forward else set())
        same_door = {
            attempts(flow, aid)[s][0]
            for s in shown[who]
            if s.endswith("inquiries") or s == "record_inquiry"
        }
        for step, (path, body) in attempts(flow, aid).items():
            if step in shown[who] or path in same_door:
                continue
            r = flow.c.post(f"/api/v1{path}", json=body, headers=flow.h(who))
            assert 400 <= r.status_code < 500, (who, step, before, r.status_code, r.text)
        assert status_of(flow, aid) == before, who  # nothing the account was refused changed it
    if taken is not None:
        who, step = taken
        assert step in shown[who], (who, step, before, shown[who])
    return shown


PATH = [
    ("sakura.security", "record_listing_consent"),
    ("sakura.security", "submit_roster"),
    ("meti.officer", "issue_notice"),
    ("tanaka.hanako", "consent"),
    ("meti.head", "request_investigation"),
    ("cao.investigator", "issue_questionnaire"),
    ("tanaka.hanako", "submit_questionnaire"),
    ("cao.investigator", "start_inquiries"),
    ("cao.investigator", "record_interview"),
    ("cao.investigator", "record_inquiry"),
    ("cao.investigator", "report"),
    ("meti.adjudicator", "propose_decision"),
    ("meti.head", "confirm_decision"),
    ("meti.officer", "notify_result"),
]
# Side steps, each pressed on its page on a second case walked to the state where it is offered.
SIDE_AT = {
    "decline_listing": ("sakura.security", "record_listing_consent"),
    "refuse": ("tanaka.hanako", "consent"),
    "withdraw": ("tanaka.hanako", "submit_questionnaire"),
    "return_questionnaire": ("cao.investigator", "start_inquiries"),
    "send_back": ("meti.head", "confirm_decision"),
}


def press(flow: Flow, b: Browser, who: str, aid: str, step: str) -> None:
    """Take ``step`` the way its page does: the employer's roster forms, the questionnaire's
    submit button, or the case page's step form."""
    today = flow.clock.now().date().isoformat()
    if step == "record_listing_consent" or step == "decline_listing":
        b.get("/employees")
        b.post(f"/employees/{aid}/listing-consent", {"given": "1" if step[0] == "r" else "0"})
    elif step == "submit_roster":
        b.get("/employees")
        b.post("/employees/roster", {"agency_id": flow.orgs["METI"], "assessment_ids": aid})
    elif step == "submit_questionnaire":
        for section, answers in valid_answers(flow.clock.now().date()).items():
            flow.put(who, f"/assessments/{aid}/questionnaire/{section}", answers)
        b.get(f"/cases/{aid}/questionnaire/review")
        b.post(f"/cases/{aid}/questionnaire-submission")
    else:
        b.get(f"/cases/{aid}")
        r = b.post(f"/cases/{aid}/steps/{step}", page_form(step, today))
        assert "ok=" in r.headers["location"], (who, step, r.headers["location"])


def test_offered_steps_are_exactly_those_the_api_allows(
    client: TestClient, clock: FakeClock
) -> None:
    flow = Flow(client, clock)
    browsers = {who: Browser(client.app, clock, who) for who in ACCOUNTS}
    body = {"person_id": flow.persons["hanako"], "agency_id": flow.orgs["METI"]}
    aid = flow.post("sakura.security", "/assessments/candidates", body, 201)["assessment_id"]
    for who, step in PATH:
        shown = check_state(flow, aid, (who, step), browsers)
        if step in (
            "request_investigation",
            "issue_questionnaire",
            "submit_questionnaire",
            "report",
        ):
            assert "withdraw" in shown["tanaka.hanako"]  # consent may be withdrawn until the result
        if step == "confirm_decision":
            assert "confirm_decision" not in shown["meti.adjudicator"]  # the proposer
        before = status_of(flow, aid)
        press(flow, browsers[who], who, aid, step)
        assert step == "record_inquiry" or status_of(flow, aid) != before, (who, step)
    assert status_of(flow, aid) == "result_notified"
    check_state(flow, aid, None, browsers)


def test_every_side_step_shown_succeeds_when_pressed(client: TestClient, clock: FakeClock) -> None:
    """Decline, refuse, withdraw, return the questionnaire and send back the decision: each shown
    on its page at the state where it is allowed, and each succeeds when pressed there. The cases
    follow one another (one open assessment per person and agency)."""
    flow = Flow(client, clock)
    browsers = {who: Browser(client.app, clock, who) for who in ACCOUNTS}
    order = [s for _, s in PATH]

    def walk(aid: str, start: str | None, until: str) -> None:
        for w, step in PATH[order.index(start) if start else 0 : order.index(until)]:
            p, b = attempts(flow, aid)[step]
            if step == "submit_questionnaire":
                for section, answers in valid_answers(clock.now().date()).items():
                    if start != step or section == "travel":  # after a return: the returned one
                        flow.put(w, f"/assessments/{aid}/questionnaire/{section}", answers)
            r = flow.c.post(f"/api/v1{p}", json=b, headers=flow.h(w))
            assert r.status_code in (200, 201), (w, step, r.text)

    def side(aid: str, step: str) -> None:
        who = SIDE_AT[step][0] if step not in ("refuse", "withdraw") else "tanaka.hanako"
        assert step in on_pages(browsers[who], who, aid), (step, who, status_of(flow, aid))
        before = status_of(flow, aid)
        press(flow, browsers[who], who, aid, step)
        assert status_of(flow, aid) != before, step

    body = {"person_id": flow.persons["hanako"], "agency_id": flow.orgs["METI"]}
    for step in ("decline_listing", "refuse", "withdraw"):
        aid = flow.post("sakura.security", "/assessments/candidates", body, 201)["assessment_id"]
        walk(aid, None, SIDE_AT[step][1])
        side(aid, step)
    aid = flow.post("sakura.security", "/assessments/candidates", body, 201)["assessment_id"]
    walk(aid, None, "start_inquiries")
    side(aid, "return_questionnaire")
    walk(aid, "submit_questionnaire", "confirm_decision")
    side(aid, "send_back")
    walk(aid, "propose_decision", "notify_result")


def test_home_page_lists_what_the_api_says_waits(
    client: TestClient, clock: FakeClock, seeded: Any
) -> None:
    flow = Flow(client, clock)
    aid = flow.reported()
    flow.post(
        "meti.adjudicator",
        f"/assessments/{aid}/decision",
        {
            "outcome": "unfavourable",
            "reasons": "飲酒に関する懸念",
            "withhold_reasons": True,
            "withhold_justification": "調査手法の秘匿",
        },
    )
    head = flow.get("meti.head", "/tasks")["items"]
    assert [(t["step"], t["assessment_id"]) for t in head] == [("confirm_decision", aid)]
    assert head[0]["due"] is not None  # adjudication target from the regime
    assert flow.get("meti.adjudicator", "/tasks")["items"] == []  # the proposer waits on nobody
    case = flow.get("meti.head", f"/assessments/{aid}")
    assert case["next_actor"]["roles"] == ["adjudicator", "agency_head_delegate"]
    assert case["next_actor"]["org_name_ja"] == "経済産業省"

    b = Browser(client.app, clock, "meti.head")
    home = b.get("/")
    assert "対応が必要な案件" in home and "判断を確認する" in home and "田中 花子" in home
    assert f'href="/cases/{aid}#step-confirm_decision"' in home
    # The menu counts what waits behind each item, on every page.
    menu = re.search(
        r'<a href="/cases"[^>]*>[^<]*<span class="count"[^>]*>(\d+)</span>', b.get("/designations")
    )
    assert menu and menu.group(1) == "1"
    assert 'class="count" aria-label' not in Browser(client.app, clock, "inspector").get("/")
    page = b.get(f"/cases/{aid}")
    proposal = page[
        page.index('id="proposal"') : page.index("</section>", page.index('id="proposal"'))
    ]
    assert "不適合" in proposal and "飲酒に関する懸念" in proposal and "調査手法の秘匿" in proposal
    assert 'id="step-confirm_decision"' in page
    assert "経済産業省 評価担当者" in page or "経済産業省 評価判断権者" in page
    assert "所見3" in page and "警視庁" in page  # the investigation file as a document
    assert '"has_records"' not in page and "{" not in page.split("<main", 1)[1].split("</main>")[0]

    mine = Browser(client.app, clock, "meti.adjudicator")
    page = mine.get(f"/cases/{aid}")
    assert 'id="step-confirm_decision"' not in page and 'id="proposal"' in page
    assert "対応が必要な案件はありません" in mine.get("/")
    person = Browser(client.app, clock, "tanaka.hanako")
    assert "対応が必要な案件はありません" in person.get("/")
    # After the head's own step the count is taken again (not the one kept for the session).
    assert '<a href="/cases"' in b.get("/designations") and 'class="count" aria-label' in b.get(
        "/designations"
    )
    b.get(f"/cases/{aid}")
    b.post(f"/cases/{aid}/steps/confirm_decision")
    b.get(f"/cases/{aid}")
    b.post(f"/cases/{aid}/steps/notify_result")  # the head may notify too: nothing waits now
    assert 'class="count" aria-label' not in b.get("/designations")


def test_refusal_page_keeps_the_header_and_the_language_switch_keeps_the_query(
    client: TestClient, clock: FakeClock, seeded: Any
) -> None:
    flow = Flow(client, clock)
    aid = flow.reported()
    company = Browser(client.app, clock, "sakura.security")
    refused = company.get(f"/cases/{aid}", expect=403)
    assert "sakura.security" in refused and "ログアウト" in refused and 'class="menu"' in refused
    head = Browser(client.app, clock, "meti.head")
    page = head.get("/cases?status=reported&offset=0&ok=saved")
    assert 'href="/lang/en?next=/cases%3Fstatus%3Dreported%26offset%3D0"' in page


def test_a_second_login_with_the_same_code_gets_one_clear_message_and_keeps_the_name(
    client: TestClient, clock: FakeClock, seeded: Any
) -> None:
    import re

    from tests.conftest import totp_now

    def attempt(c: TestClient) -> Any:
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
        assert token
        return c.post("/login", data={"username": "meti.head", "password": demo.DEMO_PASSWORD,
                                      "totp": totp_now("meti.head", clock),
                                      "csrf_token": token.group(1)}, follow_redirects=False)  # fmt: skip

    clock.advance(seconds=31)
    assert attempt(TestClient(client.app)).status_code == 303
    again = TestClient(client.app)
    again.cookies.set("clearance_lang", "ja")
    r = attempt(again)
    assert r.status_code == 401
    assert r.text.count('role="alert"') == 1 and "次のコード" in r.text
    assert 'value="meti.head"' in r.text
    clock.advance(seconds=30)  # the next code is accepted
    assert attempt(again).status_code == 303
