"""Whole journeys in a real browser, clicking and typing as the people who use Clearance would.

(a) a company lists an employee → the person consents, fills in the questionnaire, fixes a
    validator error and submits → the investigator reports → the agency decides and a second
    official confirms → the person sees the result, the company the result only;
(b) a designation → a material → a handler → an explained access decision → destruction with a
    witness;
(c) the language switch shows the same page in the other language.
The PDFs on the way are read back with pypdf and must carry the expected Japanese text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from clearance.bootstrap import AppContext
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.ui.conftest import LiveServer, Person
from tests.ui.walk import choose, fill_section, open_case, pdf_text, put, step, years_ago

pytestmark = pytest.mark.browser


def test_a_company_lists_the_person_consents_answers_and_learns_the_result(
    browser: Any, live: LiveServer, clock: FakeClock
) -> None:
    today = clock.now().date()
    # The company's security officer lists the employee, records her consent, submits the roster.
    company = Person(browser, live, clock, "sakura.security")
    company.page.goto("/employees")
    company.page.select_option("#f-person_id", label="田中 花子")
    company.page.select_option("#f-cand-agency_id", label="経済産業省")
    company.page.get_by_role("button", name="追加する").click()
    row = company.page.locator("#employees tr", has_text="田中 花子")
    row.get_by_role("button", name="名簿掲載に同意した").click()
    company.page.locator("#employees tr", has_text="田中 花子").get_by_role("checkbox").check()
    company.page.select_option("#f-roster-agency_id", label="経済産業省")
    company.page.get_by_role("button", name="名簿を提出する").click()
    company.page.wait_for_url(re.compile("ok=submitted"))
    company.shot("company-employees-ja")

    officer = Person(browser, live, clock, "meti.officer")
    aid = open_case(officer, "田中 花子")
    step(officer, "issue_notice")

    # The person is invited on her home page (and by e-mail once she gives an address), and
    # follows the invitation to the notice and the consent.
    person = Person(browser, live, clock, "tanaka.hanako")
    person.page.get_by_role("link", name="メールでも受け取る").click()
    person.page.fill("#f-email", "hanako@example.jp")
    person.page.get_by_role("button", name="保存する").click()
    person.page.wait_for_url(re.compile(r"/\?ok=saved"))
    notices = person.page.locator("#invitations li")
    assert [li.get_attribute("data-kind") for li in notices.all()] == ["notice", "listed"]
    assert "hanako@example.jp" in person.page.locator("#invitations").inner_text()
    person.shot("person-home-invitations-ja")
    notices.first.get_by_role("link").click()
    person.page.wait_for_url(re.compile(rf"/cases/{aid}$"))
    assert "調査事項の告知" in person.page.inner_text("main")
    step(person, "consent")

    head = Person(browser, live, clock, "meti.head")
    head.page.goto(f"/cases/{aid}")
    step(head, "request_investigation")

    investigator = Person(browser, live, clock, "cao.investigator")
    investigator.page.goto(f"/cases/{aid}")
    step(investigator, "issue_questionnaire")
    person.page.goto("/")
    person.page.locator("#invitations li[data-kind=questionnaire] a").click()
    person.page.wait_for_url(re.compile(rf"/cases/{aid}/questionnaire$"))

    # The person answers section by section, with the regime's guidance beside each. Three
    # deliberate mistakes (nationality, family, employment) are each shown beside their field
    # as soon as the section is saved, and fixed there.
    dob = "1988-04-12"
    p = person
    fill_section(p, aid, "identity", {"identity.family_name": "田中", "identity.given_name": "花子",
                 "identity.date_of_birth": dob, "identity.address": "東京都千代田区1-1",
                 "identity.honseki": "東京都"})  # fmt: skip
    mistakes = {
        "nationality": ({"nationality.current": "JP", "nationality.history.0.nationality": "JP",
                         "nationality.history.0.from": "2000-01-01",
                         "nationality.history.0.to": "1999-01-01"},
                        "nationality.history.0.to", "終了日が開始日より前です",
                        {"nationality.history.0.from": dob, "nationality.history.0.to": ""}),
        "family": ({"family.members.0.relation": "mother", "family.members.0.name": "田中 洋子",
                    "family.members.0.date_of_birth": "1960-02-02",
                    "family.members.0.address": "東京都"},
                   "family.members.0.nationalities", "入力してください",
                   {"family.members.0.nationalities": "JP"}),
        "employment": ({"employment.entries.0.kind": "employed",
                        "employment.entries.0.organisation": "さくら重工業",
                        "employment.entries.0.start": years_ago(today, 12),
                        "employment.entries.0.end": years_ago(today, 13)},
                       "employment.entries.0.end", "終了日が開始日より前です",
                       {"employment.entries.0.end": ""}),
    }  # fmt: skip
    for section, (values, field, message, fix) in mistakes.items():
        p.page.goto(f"/cases/{aid}/questionnaire/{section}")
        assert p.page.locator("#guidance").inner_text().strip()  # what to enter, from the regime
        for name, value in values.items():
            put(p, name, value)
        p.page.get_by_role("button", name="保存する", exact=True).click()
        p.page.wait_for_url(re.compile("ok=saved_with_problems"))
        beside = p.page.locator(".field.invalid", has=p.page.locator(f'[name="{field}"]'))
        assert message in beside.inner_text(), (section, beside.inner_text())
        link = p.page.locator("#error-summary a").first.get_attribute("href") or ""
        assert p.page.locator(link[link.index("#") :].replace(".", "\\.")).count() == 1, link
        p.shot(f"person-questionnaire-{section}-error-ja")
        for name, value in fix.items():
            p.page.locator(f'[name="{name}"]').fill(value)
        p.page.get_by_role("button", name="保存する", exact=True).click()
        p.page.wait_for_url(re.compile(r"ok=saved$"))
    # Two more family members added without a save in between, then one removed.
    p.page.goto(f"/cases/{aid}/questionnaire/family")
    for i, (relation, name) in ((1, ("father", "田中 一郎")), (2, ("sibling", "田中 次郎"))):
        if i == 2:
            p.page.get_by_role("button", name="記入欄を追加する").click()
        p.page.select_option(f'[name="family.members.{i}.relation"]', relation)
        p.page.fill(f'[name="family.members.{i}.name"]', name)
        p.page.fill(f'[name="family.members.{i}.date_of_birth"]', "1958-05-05")
        p.page.fill(f'[name="family.members.{i}.nationalities"]', "JP")
        p.page.fill(f'[name="family.members.{i}.address"]', "東京都")
    p.page.get_by_role("button", name="保存する", exact=True).click()
    p.page.wait_for_url(re.compile(r"ok=saved$"))
    assert p.page.locator('[name="family.members.2.name"]').input_value() == "田中 次郎"
    p.page.check('[name="family.members.2._remove"]')
    p.page.get_by_role("button", name="保存する", exact=True).click()
    p.page.wait_for_url(re.compile(r"ok=saved$"))
    assert p.page.locator('[name="family.members.2.name"]').input_value() == ""  # the new row
    fill_section(p, aid, "travel", {})
    fill_section(p, aid, "foreign", {})
    for section in ("criminal", "info_handling", "drugs", "mental_health", "drinking", "finances"):
        fill_section(p, aid, section, {f"{section}.has_records": "no"})

    # Review every answer, then submit; the receipt has a number and a time, and a PDF copy.
    p.page.goto(f"/cases/{aid}/questionnaire")
    p.page.locator("#to-review").click()
    review = p.page.locator("main").inner_text()
    assert "田中 一郎" in review and "父" in review and "田中 次郎" not in review
    assert "いいえ（該当なし）" in review and "昭和63年4月12日" in review and "{" not in review
    p.shot("person-questionnaire-review-ja")
    p.page.get_by_role("button", name="質問票を提出する").click()
    p.page.wait_for_url(re.compile(rf"/cases/{aid}/questionnaire/receipt\?ok=submitted"))
    number = p.page.locator("#receipt-number").inner_text()
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", number), number
    p.shot("person-questionnaire-receipt-ja")
    copy = pdf_text(p, f"/cases/{aid}/questionnaire.pdf")
    assert number in copy and "田中 一郎" in copy and "質問票（提出内容の控え）" in copy
    p.page.goto(f"/cases/{aid}")
    assert p.page.locator("#case-status").get_attribute("data-status") == "questionnaire_submitted"
    p.page.locator("#my-receipt a").click()
    assert p.page.locator("#receipt-number").inner_text() == number  # kept available

    investigator.page.goto(f"/cases/{aid}")
    investigator.shot("investigator-case-ja")
    step(investigator, "start_inquiries", {"target": "警視庁", "matter": "2",
                                           "on": today.isoformat(), "outcome": "記録なし"})  # fmt: skip
    step(investigator, "record_interview", {"held_on": today.isoformat(), "summary": "面接実施"})
    # A further inquiry after the interview, and the recorded inquiries as a table.
    step(investigator, "record_inquiry", {"target": "県警察本部", "matter": "4",
                                          "on": today.isoformat(), "outcome": "該当なし"})  # fmt: skip
    assert investigator.page.locator("#inquiries tbody tr").count() == 2
    findings = {f"findings.{n}": f"特記事項なし（{n}）" for n in range(1, 8)}
    step(investigator, "report", {**findings, "opinion": "問題なし"})

    # The adjudicator finds the case in the task list on the home page and follows its link.
    adjudicator = Person(browser, live, clock, "meti.adjudicator")
    task = adjudicator.page.locator("#tasks tr.task", has_text="田中 花子")
    assert task.get_attribute("data-step") == "propose_decision"
    adjudicator.shot("adjudicator-home-tasks-ja")
    task.get_by_role("link").click()
    adjudicator.page.wait_for_url(re.compile(rf"/cases/{aid}#step-propose_decision"))
    main = adjudicator.page.inner_text("main")
    assert "調査記録" in main and "特記事項なし（3）" in main and "県警察本部" in main
    assert "has_records" not in main and "{" not in main
    adjudicator.shot("adjudicator-case-file-ja")
    step(adjudicator, "propose_decision", {"outcome": "favourable"})
    assert adjudicator.page.locator("#step-confirm_decision").count() == 0  # not the proposer
    assert "経済産業省" in adjudicator.page.locator("#who-next").inner_text()

    # The second official sees the proposal above the confirm button, then confirms.
    head.page.goto("/")
    assert head.page.locator("#tasks tr.task[data-step=confirm_decision]").count() == 1
    head.page.goto(f"/cases/{aid}")
    proposal = head.page.locator("#proposal")
    assert "適合" in proposal.inner_text() and "経産省 評価担当" in proposal.inner_text()
    assert (
        proposal.bounding_box()["y"]
        < head.page.locator("#step-confirm_decision").bounding_box()["y"]
    )
    head.shot("head-confirms-proposal-ja")
    step(head, "confirm_decision")
    officer.page.goto(f"/cases/{aid}")
    step(officer, "notify_result")
    officer.shot("agency-case-ja")

    person.page.goto(f"/cases/{aid}")
    assert "適合" in person.page.locator("#result-notice").inner_text()
    person.shot("person-result-ja")
    text = pdf_text(person, f"/cases/{aid}/notice.pdf")
    assert "適性評価の結果について（通知）" in text and "田中 花子 様" in text
    assert "漏らすおそれがないと認められました" in text and "有効期間の末日" in text

    company.page.goto("/employees")
    row_text = company.page.locator("#employees tr", has_text="田中 花子").inner_text()
    assert "適合" in row_text
    employer_pdf = pdf_text(company, f"/employees/{aid}/notice.pdf")
    assert "従業者の適性評価の結果について" in employer_pdf and "適合" in employer_pdf
    # The company sees the result only: never the answers, the file or the case page.
    company.page.goto(f"/cases/{aid}")
    assert "要求は受け付けられませんでした" in company.page.inner_text("main")
    assert "さくら重工業" not in company.page.inner_text("body")
    for who in (company, officer, person, head, investigator, adjudicator):
        who.close()


def test_b_designation_material_handler_access_and_destruction(
    browser: Any, live: LiveServer, clock: FakeClock, seeded: AppContext
) -> None:
    from fastapi.testclient import TestClient

    today = clock.now().date()
    flow = Flow(TestClient(live.server.config.app), clock)
    misaki = flow.persons["misaki"]
    makoto = flow.persons["makoto"]
    # What a handler needs beforehand: a valid assessment (here an SDS), training, the undertaking.
    flow.post("meti.officer", "/eligibility/sds", {"person_id": misaki, "reference": "SDS-1",
              "sds_notified_on": years_ago(today, 1)}, 201)  # fmt: skip
    for module in ("handling_rules", "social_media", "foreign_approaches"):
        r = flow.post("meti.manager", "/training/assignments", {
            "person_id": misaki, "module_code": module, "due_on": today.isoformat()}, 201)  # fmt: skip
        flow.post("meti.manager", f"/training/assignments/{r['id']}/completion")
    flow.post("suzuki.misaki", "/handlers/acknowledgements", {"person_id": misaki}, 201)

    m = Person(browser, live, clock, "meti.manager")
    m.page.goto("/designations")
    m.page.select_option("#f-category_code", index=1)
    m.page.fill("#f-document_number", "METI-CESI-0001")
    m.page.fill("#f-title", "蓄電池サプライチェーンの脆弱性評価")
    m.page.select_option("#f-marking", "mark")
    m.page.fill("#f-start_on", today.isoformat())
    m.page.fill("#f-expires_on", (today + dt.timedelta(days=4 * 365)).isoformat())
    m.page.get_by_role("button", name="指定する").click()
    m.page.wait_for_url(re.compile(r"/designations/[0-9a-f-]{36}\?ok=saved"))
    assert "有効" in m.page.locator("#designation-state").inner_text()
    designation_pdf = pdf_text(m, m.page.url.split("?")[0] + "/document.pdf")
    assert (
        "重要経済安保情報指定書" in designation_pdf and "蓄電池サプライチェーン" in designation_pdf
    )

    m.page.goto("/materials")
    choose(m, "#f-designation_id", "METI-CESI-0001")
    m.page.select_option("#f-kind", "document")
    m.page.fill("#f-title", "脆弱性評価報告書")
    m.page.fill("#f-copy_total", "1")
    m.page.fill("#f-location", "第1金庫")
    m.page.get_by_role("button", name="登録する").click()
    m.page.wait_for_url(re.compile(r"/materials/[0-9a-f-]{36}\?ok=saved"))
    material_url = m.page.url.split("?")[0]

    m.page.goto("/handlers")
    choose(m, "#f-h-designation_id", "METI-CESI-0001")
    m.page.select_option("#f-h-person_id", label="鈴木 美咲")
    m.page.fill("#f-h-department", "製造産業局")
    m.page.get_by_role("button", name="指名する").click()
    m.page.wait_for_url(re.compile("ok=saved"))
    assert "取扱い可" in m.page.locator("#register tr", has_text="鈴木 美咲").inner_text()
    register_pdf = pdf_text(m, "/handlers/register.pdf")
    assert "取扱者名簿" in register_pdf and "鈴木 美咲" in register_pdf
    m.shot("agency-handlers-ja")

    m.page.goto("/access")
    m.page.select_option("#f-person_id", label="鈴木 美咲")
    choose(m, "#f-material_id", "脆弱性評価報告書")
    m.page.select_option("#f-action", "read")
    m.page.evaluate("window.samePage = true")
    m.page.get_by_role("button", name="判断する").click()
    decision = m.page.locator("#decision")
    expect(decision).to_contain_text("取扱い可")
    assert m.page.evaluate("window.samePage === true")  # replaced in place, no reload
    assert decision.locator("li.met").count() == 9
    m.page.select_option("#f-person_id", label="高橋 誠")  # no assessment, not a handler
    choose(m, "#f-material_id", "脆弱性評価報告書")
    m.page.select_option("#f-action", "read")
    m.page.get_by_role("button", name="判断する").click()
    expect(decision).to_contain_text("取扱い不可")
    unmet = {li.get_attribute("data-code") for li in decision.locator("li.unmet").all()}
    assert {"no_eligibility", "not_handler"} <= unmet
    assert "法第11条" in decision.inner_text()  # each condition names its article
    m.shot("agency-access-decision-ja")

    m.page.goto(material_url)
    m.page.select_option("#f-destruction-destroyer_id", label="鈴木 美咲")
    m.page.select_option("#f-destruction-witness_id", label="鈴木 美咲")
    m.page.fill("#f-destruction-method", "裁断")
    m.page.get_by_role("button", name="廃棄を記録する").click()
    assert "立会人" in m.page.locator(".field.invalid").inner_text()  # the same person is refused
    m.page.select_option("#f-destruction-witness_id", label="高橋 誠")
    m.dialogs.clear()
    m.page.get_by_role("button", name="廃棄を記録する").click()
    m.page.wait_for_url(re.compile("ok=saved"))
    assert "廃棄済み" in m.page.locator("#material-status").inner_text()
    assert m.dialogs == ["この文書等を廃棄しますか。取り消すことはできません。"]
    certificate = pdf_text(m, material_url + "/destruction.pdf")
    assert "廃棄証明書" in certificate and "高橋 誠" in certificate and "裁断" in certificate
    m.close()
    _ = makoto


def test_c_the_language_switch_shows_the_same_page_in_both_languages(
    browser: Any, live: LiveServer, clock: FakeClock
) -> None:
    shots: dict[str, Any] = {}
    for user, path, role in (("inspector", "/oversight", "inspector"),
                             ("meti.manager", "/designations", "agency"),
                             ("cao.investigator", "/cases", "investigator"),
                             ("tanaka.hanako", "/cases", "person"),
                             ("sakura.security", "/employees", "company")):  # fmt: skip
        p = Person(browser, live, clock, user)
        p.page.goto(path)
        assert p.page.locator("html").get_attribute("lang") == "ja"
        ja_heading = p.page.locator("h1").inner_text()
        shots[f"{role}-ja"] = p.shot(f"{role}-main-ja")
        p.page.get_by_role("link", name="English").click()
        p.page.wait_for_url(re.compile(re.escape(path) + "$"))
        assert p.page.locator("html").get_attribute("lang") == "en"
        en_heading = p.page.locator("h1").inner_text()
        assert en_heading != ja_heading and en_heading.isascii(), (ja_heading, en_heading)
        shots[f"{role}-en"] = p.shot(f"{role}-main-en")
        p.page.get_by_role("link", name="日本語").click()
        p.page.wait_for_url(re.compile(re.escape(path) + "$"))
        assert p.page.locator("h1").inner_text() == ja_heading
        p.close()
    for path in shots.values():
        assert path.stat().st_size > 5_000  # a real picture, not an empty page


def test_d_the_annual_report_and_the_timeliness_charts_render(
    browser: Any, live: LiveServer, clock: FakeClock
) -> None:
    from fastapi.testclient import TestClient

    flow = Flow(TestClient(live.server.config.app), clock)
    today = clock.now().date()
    flow.post("meti.manager", "/designations", {
        "category_code": "A1", "document_number": "R-2026-1", "title": "報告用", "marking": "mark",
        "start_on": today.isoformat(), "expires_on": today.replace(year=today.year + 2).isoformat()},
        201)  # fmt: skip
    flow.favourable()
    inspector = Person(browser, live, clock, "inspector")
    inspector.page.goto(f"/report?year={today.year}")
    chart = inspector.page.locator("#chart-designations svg")
    expect(chart).to_be_visible()
    widths = [float(r.get_attribute("width") or 0) for r in chart.locator("rect").all()]
    assert len(widths) == 5 and max(widths) > 100  # one bar per figure, scaled
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100  # drawn, not collapsed
    assert inspector.page.locator('[data-figure="results.favourable"]').inner_text() == "1"
    inspector.shot("inspector-annual-report-ja")
    text = pdf_text(inspector, f"/report/{today.year}.pdf")
    assert "年次報告" in text and "新規指定" in text and "経済産業省" in text
    inspector.close()
    head = Person(browser, live, clock, "meti.head")
    head.page.goto("/timeliness")
    expect(head.page.locator("#chart-p90 svg")).to_be_visible()
    head.shot("agency-timeliness-ja")
    head.close()


def test_e_pages_fit_a_phone_screen(
    browser: Any, live: LiveServer, clock: FakeClock, seeded: AppContext
) -> None:
    """At 390 px no page is wider than the screen (a wide table scrolls in its own box), and
    the company's file input stays inside its form."""
    from fastapi.testclient import TestClient

    flow = Flow(TestClient(live.server.config.app), clock)
    aid = flow.operator_candidate()
    flow.to_consent(aid)
    flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    pages = {
        "sakura.security": ["/", "/employees", "/received", "/materials", "/handlers", "/access",
                            "/certifications"],
        "tanaka.hanako": ["/", f"/cases/{aid}", f"/cases/{aid}/questionnaire",
                          f"/cases/{aid}/questionnaire/family", f"/cases/{aid}/questionnaire/review"],
        "meti.head": ["/", "/cases", f"/cases/{aid}", "/timeliness"],
    }  # fmt: skip
    for who, paths in pages.items():
        p = Person(browser, live, clock, who)
        p.page.set_viewport_size({"width": 390, "height": 844})
        for path in paths:
            p.page.goto(path)
            width = p.page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (who, path, width)
            for box in p.page.locator("main input, main select, main textarea").all():
                b = box.bounding_box()
                assert b is None or b["x"] + b["width"] <= 390 + 1, (who, path)
        p.shot(f"phone-{who.split('.')[0]}-ja")
        if who == "sakura.security":
            p.page.goto("/employees")
            p.shot("phone-company-employees-ja")
        p.close()


class Clicks:
    """Counts what a person does besides typing: every click, every choice in a list, every tick."""

    def __init__(self, p: Person) -> None:
        self.p, self.n = p, 0

    def click(self, locator: Any) -> None:
        self.n += 1
        locator.click()

    def choose(self, selector: str, value: str) -> None:
        self.n += 1
        self.p.page.select_option(selector, value)


def test_f_the_person_goes_from_invitation_to_receipt_in_at_most_30_clicks(
    browser: Any, live: LiveServer, clock: FakeClock, seeded: AppContext
) -> None:
    from fastapi.testclient import TestClient

    flow = Flow(TestClient(live.server.config.app), clock)
    aid = flow.operator_candidate()
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    p = Person(browser, live, clock, "tanaka.hanako")
    c = Clicks(p)
    page = p.page
    c.click(page.locator("#invitations li[data-kind=notice] a"))
    c.click(page.locator("#step-consent button"))
    page.wait_for_url(re.compile("ok="))
    # The agency and the Cabinet Office act; the person comes back to her home page.
    flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    page.goto("/")
    c.click(page.locator("#invitations li[data-kind=questionnaire] a"))
    c.click(page.locator("#section-identity a"))
    dob, today = "1988-04-12", clock.now().date()
    typed = {
        "identity": {"identity.family_name": "田中", "identity.given_name": "花子",
                     "identity.date_of_birth": dob, "identity.address": "東京都千代田区1-1",
                     "identity.honseki": "東京都"},
        "nationality": {"nationality.current": "JP", "nationality.history.0.nationality": "JP",
                        "nationality.history.0.from": dob},
        "family": {"family.members.0.name": "田中 洋子", "family.members.0.date_of_birth": "1960-02-02",
                   "family.members.0.nationalities": "JP", "family.members.0.address": "東京都"},
        "employment": {"employment.entries.0.organisation": "さくら重工業",
                       "employment.entries.0.start": years_ago(today, 12)},
    }  # fmt: skip
    chosen = {"family": {"family.members.0.relation": "mother"},
              "employment": {"employment.entries.0.kind": "employed"}}  # fmt: skip
    for section in ("identity", "nationality", "family", "employment", "travel", "foreign",
                    "criminal", "info_handling", "drugs", "mental_health", "drinking", "finances"):  # fmt: skip
        page.wait_for_url(re.compile(rf"/questionnaire/{section}"))
        if section == "identity":  # what the roster holds is filled in already
            assert page.input_value('[name="identity.family_name"]') == "田中"
            assert page.input_value('[name="identity.date_of_birth"]') == dob
        for name, value in typed.get(section, {}).items():
            page.fill(f'[name="{name}"]', value)
        for name, value in chosen.get(section, {}).items():
            c.choose(f'[name="{name}"]', value)
        if section not in typed and section not in ("travel", "foreign"):
            c.choose(f'[name="{section}.has_records"]', "no")
        c.click(page.locator('button[name="next"]'))
    page.wait_for_url(re.compile(r"/questionnaire/review"))
    c.click(page.get_by_role("button", name="質問票を提出する"))
    page.wait_for_url(re.compile(r"/questionnaire/receipt"))
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", page.locator("#receipt-number").inner_text())
    total = c.n + len(p.dialogs)  # a confirmation is a click too
    assert total <= 30, total  # docs/web.md: 18 clicks (with the confirmation), 8 choices
    assert (c.n, len(p.dialogs)) == (25, 1)
    p.close()


def test_d_each_roles_task_list_in_the_browser_is_what_the_api_says_waits(
    browser: Any, live: LiveServer, clock: FakeClock, seeded: AppContext
) -> None:
    """Cases at several stages at once; every demo account's home page, in Chromium, lists the
    same tasks (step and case) as ``GET /api/v1/tasks`` for that account, and the menu counts them."""
    from fastapi.testclient import TestClient

    from clearance.services import demo

    flow = Flow(TestClient(live.server.config.app), clock)
    proposed = flow.reported()
    flow.post("meti.adjudicator", f"/assessments/{proposed}/decision", {"outcome": "favourable"})
    flow.post("sakura.security", "/assessments/candidates", {
        "person_id": flow.persons["kenichi"], "agency_id": flow.orgs["METI"]}, 201)["assessment_id"]  # fmt: skip
    other = flow.operator_candidate(person="shota", officer="aoba.security")
    flow.post("meti.officer", f"/assessments/{other}/notice")
    accounts = [a[0] for a in demo.ACCOUNTS if a[0] != "meti.admin"]
    accounts += [a[0] for a in demo.PORTAL_ACCOUNTS]
    busy = 0
    for who in accounts:
        api = {(t["step"], t["assessment_id"]) for t in flow.get(who, "/tasks")["items"]}
        p = Person(browser, live, clock, who)
        rows = p.page.locator("#tasks tr.task").all()
        shown = set()
        for row in rows:
            href = row.locator("a").get_attribute("href") or ""
            found = re.search(r"[0-9a-f-]{36}", href)
            case = (
                found.group(0)
                if found
                else next(a for s, a in api if s == row.get_attribute("data-step"))
            )
            shown.add((row.get_attribute("data-step"), case))
        assert shown == api, (who, shown, api)
        counts = p.page.locator("nav.menu .count").all_inner_texts()
        assert sum(int(n) for n in counts) == len(api), (who, counts, api)
        busy += bool(api)
        p.close()
    assert busy >= 3  # the head, the company, the other company's employee (at least)
