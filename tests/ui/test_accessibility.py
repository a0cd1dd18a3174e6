"""Accessibility to JIS X 8341-3:2016 (WCAG 2.1 AA), which Japanese public bodies are expected to
meet: axe-core (shipped inside PyPI's axe-playwright-python; used by the tests only, never served)
runs in Chromium on every page of every role, in both languages, on both databases. No violation
of serious or critical impact is allowed. Pages are found as in test_every_page (following every
link from each role's home page); a page reached under several ids is checked once per role and
language (the same template with the same buttons).

Also: the person's journey to their result notice works by keyboard alone (Tab and Enter), with a
visible focus on every control reached.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow, valid_answers
from tests.e2e.test_cesi import World
from tests.ui.browserless import Browser
from tests.ui.conftest import ROOT, LiveServer, Person
from tests.ui.test_every_page import ACCOUNTS, UUID, crawl

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}


def pattern(path: str) -> str:
    return UUID.sub("{id}", re.sub(r"/\d{4}(?=$|[/?.])", "/{year}", path))


def pages_of(client: TestClient, clock: FakeClock, who: str) -> list[str]:
    """One path per page pattern that this account reaches by following links."""
    b = Browser(client.app, clock, who, "ja")
    chosen: dict[str, str] = {}
    for path, _html in crawl(b, limit=60):
        chosen.setdefault(pattern(path), path)
    return list(chosen.values())


def violations(axe: Any, page: Any) -> list[str]:
    result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS},
                                    "resultTypes": ["violations"]})  # fmt: skip
    out = []
    for v in result.response["violations"]:
        if v.get("impact") in BLOCKING:
            targets = [" ".join(n["target"]) for n in v["nodes"][:3]]
            out.append(f"{v['id']} ({v['impact']}): {v['help']} @ {targets}")
    return out


@pytest.fixture
def world(client: TestClient, clock: FakeClock) -> None:
    flow = Flow(client, clock)
    World(flow)
    aid = flow.operator_candidate(person="kenichi")
    flow.post("meti.officer", f"/assessments/{aid}/notice")


@pytest.mark.usefixtures("world")
def test_every_page_of_every_role_has_no_serious_accessibility_violation(
    browser: Any, live: LiveServer, client: TestClient, clock: FakeClock
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found: dict[str, list[str]] = {}
    checked = 0
    for who in ACCOUNTS:
        paths = pages_of(client, clock, who)
        for lang in ("ja", "en"):
            p = Person(browser, live, clock, who, lang)
            try:
                for path in paths:
                    p.page.goto(path)
                    checked += 1
                    problems = violations(axe, p.page)
                    if problems:
                        found[f"{who} {lang} {path}"] = problems
            finally:
                p.errors.clear()
                p.close()
    # What was checked, for the record (docs/accessibility.md quotes it).
    db = "postgresql" if "postgresql" in os.environ.get("PYTEST_CURRENT_TEST", "") else "sqlite"
    out = ROOT / "build" / f"accessibility-{db}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"pages_checked": checked, "violations": found}, ensure_ascii=False,
                              indent=1))  # fmt: skip
    assert checked > 200  # every role's pages in both languages, not only the home pages
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_checks_would_catch_a_serious_violation(browser: Any, live: LiveServer,
                                                    clock: FakeClock) -> None:  # fmt: skip
    from axe_playwright_python.sync_playwright import Axe

    p = Person(browser, live, clock, "tanaka.hanako")
    try:
        p.page.set_content('<html lang="ja"><body><main><h1>x</h1><form><input id="a">'
                           '<button></button></form></main></body></html>')  # fmt: skip
        found = violations(Axe(), p.page)
        assert any(v.startswith("label") for v in found), found
        assert any(v.startswith("button-name") for v in found), found
    finally:
        p.close()


def tab_to(page: Any, selector: str, limit: int = 120) -> None:
    """Press Tab until ``selector`` has the focus (never clicking), and check that the focused
    control shows a visible focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):  # fmt: skip
            outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
            assert outline not in ("none", ""), (selector, outline)
            return
    raise AssertionError(f"{selector} is not reachable by Tab")


def test_the_person_goes_from_log_in_to_the_result_notice_by_keyboard_alone(
    browser: Any, live: LiveServer, clock: FakeClock
) -> None:
    """Log in, follow the invitation, consent, open the questionnaire, change an answer and save,
    review and submit, then after the decision open the result: Tab, typing and Enter only. (The
    answers of the other sections were saved earlier in the same way; the agency's and the
    Cabinet Office's steps are theirs.)"""
    from clearance.services import demo
    from tests.conftest import totp_now

    flow = Flow(TestClient(live.server.config.app), clock)
    aid = flow.operator_candidate()
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    context = browser.new_context(base_url=live.url, locale="ja-JP")
    page = context.new_page()
    # The browser's own confirmation dialog (before submitting) is answered with Enter by a
    # keyboard user; Playwright answers it the same way.
    page.on("dialog", lambda d: d.accept())
    try:
        page.goto("/login")
        clock.advance(seconds=31)
        for selector, text in (("#username", "tanaka.hanako"), ("#password", demo.DEMO_PASSWORD),
                               ("#totp", totp_now("tanaka.hanako", clock))):  # fmt: skip
            tab_to(page, selector)
            page.keyboard.type(text)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live.url}/")
        tab_to(page, "#invitations li[data-kind=notice] a")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(rf"/cases/{aid}$"))
        tab_to(page, "#step-consent button")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("ok="))
        flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
        flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
        for section, answers in valid_answers(clock.now().date()).items():  # saved before
            flow.put("tanaka.hanako", f"/assessments/{aid}/questionnaire/{section}", answers)
        page.goto(f"/cases/{aid}/questionnaire")
        tab_to(page, "#section-identity a")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/questionnaire/identity"))
        tab_to(page, '[name="identity.address"]')
        page.keyboard.press("Control+A")
        page.keyboard.type("東京都千代田区霞が関1-3-1")
        tab_to(page, "button[name=save]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("ok=saved"))
        page.goto(f"/cases/{aid}/questionnaire")
        tab_to(page, "#to-review")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/review"))
        assert "東京都千代田区霞が関1-3-1" in page.inner_text("main")
        tab_to(page, "main form button[type=submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile("/receipt|ok="))
        today = (clock.now() + dt.timedelta(hours=9)).date().isoformat()
        inv = "cao.investigator"
        flow.post(inv, f"/assessments/{aid}/inquiries",
                  {"target": "警視庁", "matter": 2, "date": today, "outcome": "記録なし"})  # fmt: skip
        flow.post(inv, f"/assessments/{aid}/interview", {"held_on": today, "summary": "面接"})
        flow.post(inv, f"/assessments/{aid}/report", {
            "findings": {str(n): "特になし" for n in range(1, 8)}, "opinion": "問題なし"})  # fmt: skip
        flow.decide(aid)
        page.goto(f"/cases/{aid}")
        tab_to(page, 'a[href$="/notice.pdf"]')
    finally:
        context.close()
