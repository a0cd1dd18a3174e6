"""What the browser journeys share: reading a PDF back, opening a case by name, pressing a step's
button, filling a questionnaire section, choosing from a list by its text, and a favourable
assessment walked through the pages by every party (journey (a) without its detours), which the
company journey needs before a person may handle anything.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from pypdf import PdfReader

from tests.conftest import FakeClock
from tests.ui.conftest import LiveServer, Person


def pdf_text(p: Person, path: str) -> str:
    r = p.context.request.get(path)
    assert r.status == 200, (path, r.status, r.text()[:500])
    assert r.headers["content-type"] == "application/pdf"
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.body())).pages)


def open_case(p: Person, name: str) -> str:
    p.page.goto("/cases")
    p.page.get_by_role("link", name=name).first.click()
    p.page.wait_for_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    return p.page.url.rsplit("/", 1)[1]


def step(p: Person, command: str, fields: dict[str, str] | None = None) -> None:
    section = p.page.locator(f"#step-{command}")
    for name, value in (fields or {}).items():
        control = section.locator(f'[name="{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    section.locator("button[type=submit]").click()
    p.page.wait_for_load_state()
    assert p.page.locator(".error").count() == 0, p.page.locator(".error").inner_text()


def put(p: Person, name: str, value: str) -> None:
    """Type into a field or choose in a list, as the control requires."""
    control = p.page.locator(f'[name="{name}"]')
    if control.evaluate("e => e.tagName") == "SELECT":
        control.select_option(value)
    else:
        control.fill(value)


def fill_section(p: Person, aid: str, section: str, values: dict[str, str]) -> None:
    p.page.goto(f"/cases/{aid}/questionnaire/{section}")
    for name, value in values.items():
        control = p.page.locator(f'[name="{name}"]')
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    p.page.get_by_role("button", name="保存する", exact=True).click()
    p.page.wait_for_url(re.compile(r"ok=saved"))


def choose(p: Person, select: str, text: str) -> None:
    """Pick the option whose label contains ``text``, as a person scanning the list would."""
    value = p.page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    p.page.select_option(select, value)


def years_ago(today: dt.date, n: int) -> str:
    return today.replace(year=today.year - n).isoformat()


def favourable_in_pages(
    browser: Any, live: LiveServer, clock: FakeClock, *, company: str, username: str, name: str,
    employer: str, born: str,
) -> None:  # fmt: skip
    """``name`` (portal account ``username``, employed by ``employer``) is listed by the company,
    consents, answers, is investigated and assessed favourably by METI, each party in its pages."""
    today = clock.now().date()
    co = Person(browser, live, clock, company)
    co.page.goto("/employees")
    co.page.select_option("#f-person_id", label=name)
    co.page.select_option("#f-cand-agency_id", label="経済産業省")
    co.page.get_by_role("button", name="追加する").click()
    co.page.locator("#employees tr", has_text=name).get_by_role(
        "button", name="名簿掲載に同意した"
    ).click()
    co.page.locator("#employees tr", has_text=name).get_by_role("checkbox").check()
    co.page.select_option("#f-roster-agency_id", label="経済産業省")
    co.page.get_by_role("button", name="名簿を提出する").click()
    co.page.wait_for_url(re.compile("ok=submitted"))
    officer = Person(browser, live, clock, "meti.officer")
    aid = open_case(officer, name)
    step(officer, "issue_notice")
    person = Person(browser, live, clock, username)
    person.page.goto(f"/cases/{aid}")
    step(person, "consent")
    head = Person(browser, live, clock, "meti.head")
    head.page.goto(f"/cases/{aid}")
    step(head, "request_investigation")
    investigator = Person(browser, live, clock, "cao.investigator")
    investigator.page.goto(f"/cases/{aid}")
    step(investigator, "issue_questionnaire")
    family, given = name.split(" ")
    fill_section(person, aid, "identity", {
        "identity.family_name": family, "identity.given_name": given,
        "identity.date_of_birth": born, "identity.address": "東京都千代田区1-1",
        "identity.honseki": "東京都"})  # fmt: skip
    fill_section(person, aid, "nationality", {"nationality.current": "JP",
                 "nationality.history.0.nationality": "JP", "nationality.history.0.from": born})  # fmt: skip
    fill_section(person, aid, "family", {"family.members.0.relation": "mother",
                 "family.members.0.name": f"{family} 洋子", "family.members.0.date_of_birth": "1960-02-02",
                 "family.members.0.nationalities": "JP", "family.members.0.address": "東京都"})  # fmt: skip
    fill_section(person, aid, "employment", {"employment.entries.0.kind": "employed",
                 "employment.entries.0.organisation": employer,
                 "employment.entries.0.start": years_ago(today, 12)})  # fmt: skip
    fill_section(person, aid, "travel", {})
    fill_section(person, aid, "foreign", {})
    for section in ("criminal", "info_handling", "drugs", "mental_health", "drinking", "finances"):
        fill_section(person, aid, section, {f"{section}.has_records": "no"})
    person.page.goto(f"/cases/{aid}/questionnaire/review")
    person.page.get_by_role("button", name="質問票を提出する").click()
    person.page.wait_for_url(re.compile(rf"/cases/{aid}/questionnaire/receipt\?ok=submitted"))
    investigator.page.goto(f"/cases/{aid}")
    step(investigator, "start_inquiries", {"target": "警視庁", "matter": "2",
                                           "on": today.isoformat(), "outcome": "記録なし"})  # fmt: skip
    step(investigator, "record_interview", {"held_on": today.isoformat(), "summary": "面接実施"})
    findings = {f"findings.{n}": "特記事項なし" for n in range(1, 8)}
    step(investigator, "report", {**findings, "opinion": "問題なし"})
    adjudicator = Person(browser, live, clock, "meti.adjudicator")
    adjudicator.page.goto(f"/cases/{aid}")
    step(adjudicator, "propose_decision", {"outcome": "favourable"})
    head.page.goto(f"/cases/{aid}")
    step(head, "confirm_decision")
    officer.page.goto(f"/cases/{aid}")
    step(officer, "notify_result")
    for who in (co, officer, person, head, investigator, adjudicator):
        who.close()
