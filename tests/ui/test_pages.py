"""Every role's pages, without a browser, on both databases: they render in both languages with no
untranslated text, every form carries the CSRF token, nothing is inline, and the workflows that the
browser journeys do not walk (roster upload preview, complaints, certification, incidents,
inventory, transfer, designation extension and cancellation, questionnaire return, refusal)."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from clearance.bootstrap import AppContext
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.ui.browserless import Browser

PAGES = {
    "tanaka.hanako": ["/", "/cases", "/me/export", "/me/duties", "/me/contact", "/whistle"],
    "sakura.security": ["/", "/employees", "/received", "/materials", "/handlers", "/access", "/incidents",
                        "/certifications", "/reminders"],
    "meti.manager": ["/", "/designations", "/received", "/materials", "/handlers", "/access", "/incidents",
                     "/inspections", "/reminders"],
    "meti.officer": ["/", "/cases"],
    "meti.adjudicator": ["/", "/cases"],
    "meti.head": ["/", "/cases", "/complaints", "/designations", "/certifications", "/timeliness"],
    "meti.certification": ["/", "/certifications", "/designations"],
    "meti.complaints": ["/", "/complaints", "/cases"],
    "cao.investigator": ["/", "/cases"],
    "inspector": ["/", "/oversight", "/designations", "/report?year=2026", "/timeliness",
                  "/inspections", "/whistle"],
}  # fmt: skip
# Latin text a Japanese page may show: product and format names, the language link, user names,
# codes and identifiers (anything with a digit, dot, hyphen or underscore is data, not prose).
ALLOWED = {"Clearance", "English", "PDF", "CSV", "Excel", "JSON", "API", "UTC", "UTF", "BOM", "JIS",
           "TOTP", "SNS", "CESI",
           "SDS", "family_name", "given_name", "family_name_kana", "given_name_kana",
           "date_of_birth", "listing_consent_date", "dispatching_employer_code", "openapi"}  # fmt: skip


class Visible(HTMLParser):
    """Collects the text a person sees, and every form with its fields."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.skip = 0
        self.stack: list[str] = []  # elements whose text is not prose (scripts, translate="no")
        self.forms: list[dict[str, object]] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "style", "code", "pre") or a.get("translate") == "no":
            self.stack.append(tag)
            self.skip += 1
            if (tag == "script" and "src" not in a) or tag == "style":
                self.inline.append(tag)
        if "style" in a or any(k.startswith("on") for k in a):
            self.inline.append(f"{tag} attribute")
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "fields": set()})
        if tag in ("input", "select", "textarea") and self.forms and a.get("name"):
            fields = self.forms[-1]["fields"]
            assert isinstance(fields, set)
            fields.add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.text.append(data)


def latin_words(html: str) -> set[str]:
    v = Visible()
    v.feed(html)
    words = set()
    for token in re.findall(r"[A-Za-z][A-Za-z0-9_.\-/@:]*", " ".join(v.text)):
        if re.search(r"[\d._\-/@:]", token) or token in ALLOWED:
            continue
        words.add(token)
    return words


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_role_page_renders_translated_with_csrf_and_nothing_inline(
    client: TestClient, seeded: AppContext, clock: FakeClock, lang: str
) -> None:
    for user, paths in PAGES.items():
        b = Browser(client.app, clock, user, lang)
        for path in paths:
            html = b.get(path)
            assert f'<html lang="{lang}">' in html
            v = Visible()
            v.feed(html)
            assert not v.inline, (path, v.inline)
            for form in v.forms:
                if form["method"] == "post":
                    assert "csrf_token" in form["fields"], (user, path, form)  # type: ignore[operator]
            if lang == "ja":
                assert not latin_words(html), (user, path, latin_words(html))


def test_a_page_with_an_untranslated_string_would_be_caught() -> None:
    assert latin_words("<p>ログイン</p><p>Submit roster</p>") == {"Submit", "roster"}
    assert latin_words("<p>METI-CESI-0001 sakura.security PDF</p>") == set()


def test_sessions_redirects_csrf_and_errors(client: TestClient, clock: FakeClock) -> None:
    anonymous = TestClient(client.app)
    r = anonymous.get("/designations", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=/designations"
    r = anonymous.get("/lang/en?next=https://evil.example/", follow_redirects=False)
    assert r.headers["location"] == "/"  # no open redirect
    b = Browser(client.app, clock, "meti.manager")
    b.get("/designations")
    r = b.c.post("/designations", data={"title": "x"}, follow_redirects=False)  # no token
    assert r.status_code == 403 and "フォームの有効期限が切れました" in r.text
    assert b.c.get(f"/designations/{'0' * 8}").status_code == 404
    missing = b.c.get("/cases/00000000-0000-0000-0000-000000000000")
    assert missing.status_code in (403, 404) and "<html" in missing.text
    assert b.c.get("/designations").headers["cache-control"] == "no-store"


def test_roster_upload_previews_every_error_and_imports_nothing(
    client: TestClient, clock: FakeClock
) -> None:
    flow = Flow(client, clock)
    b = Browser(client.app, clock, "sakura.security")
    b.get("/employees")
    header = "family_name,given_name,family_name_kana,given_name_kana,date_of_birth,listing_consent_date\n"
    bad = (
        header
        + "山田,太郎,ヤマダ,タロウ,1990-01-01,2026-03-01\n木村,次郎,キムラ,ジロウ,1990-13-40,2026-03-01\n"
    )
    r = b.post("/employees/roster-import", {"agency_id": flow.orgs["METI"]}, expect=422,
               files={"file": ("roster.csv", bad.encode(), "text/csv")})  # fmt: skip
    assert 'id="preview"' in r.text and "確認結果：取り込みは行われていません" in r.text
    assert r.text.count('class="invalid"') == 1 and "date_of_birth" in r.text
    assert "山田" not in b.get("/employees").split('id="employees"')[1].split("</table>")[0]
    # Excel on Japanese Windows saves Shift_JIS (CP932): read as such, and said so.
    r = b.post("/employees/roster-import", {"agency_id": flow.orgs["METI"]}, expect=422,
               files={"file": ("roster.csv", bad.encode("cp932"), "text/csv")})  # fmt: skip
    assert "Shift_JIS (CP932) として読み込みました" in r.text and "木村" in r.text
    r = b.post("/employees/roster-import", {"agency_id": flow.orgs["METI"]}, expect=422,
               files={"file": ("roster.csv", b"\xff\xfe\x00\x81bad", "text/csv")})  # fmt: skip
    assert "UTF-8又はShift_JIS" in r.text
    good = header + "山田,太郎,ヤマダ,タロウ,1990-01-01,2026-03-01\n"
    b.post("/employees/roster-import", {"agency_id": flow.orgs["METI"]},
           files={"file": ("roster.csv", "\ufeff".encode() + good.encode(), "text/csv")})  # fmt: skip
    listing = b.get("/employees")
    assert (
        "山田 太郎" in listing and "実施中" in listing
    )  # submitted: "in progress" to the employer
    found = b.post("/employees/search", {"q": "山田"}, expect=200).text
    table = found.split('id="employees"')[1].split("</table>")[0]
    assert "山田 太郎" in table and "田中" not in table


def test_consent_refusal_questionnaire_return_and_complaint_by_pages(
    client: TestClient, clock: FakeClock
) -> None:
    flow = Flow(client, clock)
    aid = flow.operator_candidate()
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    person = Browser(client.app, clock, "tanaka.hanako")
    person.get(f"/cases/{aid}")
    person.post(f"/cases/{aid}/steps/refuse")
    assert "不同意" in person.get(f"/cases/{aid}")
    employer = Browser(client.app, clock, "sakura.security")
    assert "実施せず" in employer.get("/employees")

    aid = flow.operator_candidate()  # she is asked again later, and this time consents
    flow.to_consent(aid)
    flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    flow.fill_questionnaire(aid)
    investigator = Browser(client.app, clock, "cao.investigator")
    html = investigator.get(f"/cases/{aid}")
    assert "質問票提出済み" in html and 'id="step-consent"' not in html
    review = investigator.get(f"/cases/{aid}/questionnaire")
    assert "さくら重工業" in review  # the answers, opened for the assessment (audited)
    investigator.get(f"/cases/{aid}")
    investigator.post(f"/cases/{aid}/steps/return_questionnaire",
                      {"sections": "employment", "note": "職歴の期間を確認してください"})  # fmt: skip
    overview = person.get(f"/cases/{aid}/questionnaire")
    employment = overview.split('id="section-employment"')[1].split("</tr>")[0]
    identity = overview.split('id="section-identity"')[1].split("</tr>")[0]
    assert "確定済み" not in employment and "確定済み" in identity


def test_the_person_complains_and_the_agency_answers(client: TestClient, clock: FakeClock) -> None:
    flow = Flow(client, clock)
    aid = flow.reported()
    flow.decide(aid, outcome="unfavourable", reasons="飲酒の節度に懸念")
    person = Browser(client.app, clock, "tanaka.hanako")
    page = person.get(f"/cases/{aid}")
    assert "不適合" in page and "飲酒の節度に懸念" in page
    person.post(f"/cases/{aid}/complaints", {"subject": "result", "text": "再考を求めます"})
    officer = Browser(client.app, clock, "meti.complaints")
    listing = officer.get("/complaints")
    cid = re.search(r'href="/complaints/([0-9a-f-]{36})"', listing)
    assert cid
    detail = officer.get(f"/complaints/{cid.group(1)}")
    assert "再考を求めます" in detail
    officer.post(f"/complaints/{cid.group(1)}/review")
    officer.get(f"/complaints/{cid.group(1)}")
    r = officer.post(f"/complaints/{cid.group(1)}/answer", {"text": ""}, expect=422)
    assert "入力してください" in r.text
    officer.post(f"/complaints/{cid.group(1)}/answer", {"text": "判断を維持します"})
    assert "回答済み" in officer.get("/complaints")


def test_certification_contract_designation_and_custody_by_pages(
    client: TestClient, clock: FakeClock
) -> None:
    flow = Flow(client, clock)
    today = clock.now().date()
    manager = Browser(client.app, clock, "meti.manager")
    manager.get("/designations")
    cat = client.app.state.ctx.deps.regime.categories[0].code  # type: ignore[attr-defined]
    r = manager.post("/designations", {"category_code": cat, "document_number": "D-9",
                     "title": "半導体", "marking": "notice", "start_on": today.isoformat(),
                     "expires_on": (today + dt.timedelta(days=7 * 365)).isoformat()}, expect=422)  # fmt: skip
    assert "expires_on" in r.text  # more than five years: refused beside the field
    r = manager.post("/designations", {"category_code": cat, "document_number": "D-9",
                     "title": "半導体", "marking": "notice", "start_on": today.isoformat(),
                     "expires_on": (today + dt.timedelta(days=365)).isoformat()})  # fmt: skip
    did = r.headers["location"].split("/")[2].split("?")[0]

    cert = Browser(client.app, clock, "meti.certification")
    cert.get("/certifications")
    cert.post("/certifications", {"operator_id": flow.orgs["SAKURA-HI"]})
    cid = re.search(r'id="cert-([0-9a-f-]{36})"', cert.get("/certifications"))
    assert cid
    company = Browser(client.app, clock, "sakura.security")
    company.get("/certifications")
    company.post(f"/certifications/{cid.group(1)}/application",
                 {f"met_{k}": "1" for k in ("internal_rules", "responsible_persons", "training",
                                            "facilities", "foreign_ownership_influence")})  # fmt: skip
    cert.get("/certifications")
    cert.post(f"/certifications/{cid.group(1)}/start_review")
    cert.post(f"/certifications/{cid.group(1)}/certify")
    cert.get("/certifications")
    cert.post(f"/certifications/{cid.group(1)}/contract", {
        "reference": "契約-1", "designation_ids": did, "departments": "開発部",
        "start_on": today.isoformat(), "end_on": (today + dt.timedelta(days=300)).isoformat()})  # fmt: skip
    assert "契約-1" in cert.get("/certifications")
    company.get("/certifications")
    company.post(f"/certifications/{cid.group(1)}/change", {"summary": "役員の変更"})
    assert "変更審査中" in company.get("/certifications")

    page = manager.get(f"/designations/{did}")
    contract = re.search(r'<option value="([0-9a-f-]{36})">契約-1', page)
    assert contract
    manager.post(f"/designations/{did}/provisions", {"basis": "art10",
                 "recipient_org_id": flow.orgs["SAKURA-HI"], "contract_id": contract.group(1)})  # fmt: skip
    manager.get(f"/designations/{did}")
    manager.post(f"/designations/{did}/extension",
                 {"expires_on": (today + dt.timedelta(days=700)).isoformat()})  # fmt: skip
    manager.get(f"/designations/{did}")
    manager.post(f"/designations/{did}/cancellation", {"reason": "公知化"})
    detail = company.get(f"/designations/{did}", expect=403)  # the agency's ledger is not theirs
    assert "あなたの役割にはこの手続は含まれていません。" in detail, detail
    notices = company.get("/materials").split('id="notices"')[1].split("</section>")[0]
    assert "D-9" in notices and "解除" in notices
    nid = re.search(r'action="/designation-notices/([0-9a-f-]{36})/acknowledgement"', notices)
    assert nid
    company.post(f"/designation-notices/{nid.group(1)}/acknowledgement")
    assert (
        "/acknowledgement"
        not in company.get("/materials").split('id="notices"')[1].split("</section>")[0]
    )
    ledger = manager.get(f"/designations/{did}")
    assert "解除" in ledger and "確認待ち" not in ledger  # the agency sees it acknowledged

    # Custody by pages: register, inventory with a missing copy opens an incident.
    d2 = manager.post("/designations", {"category_code": cat, "document_number": "D-10",
                      "title": "蓄電池", "marking": "mark", "start_on": today.isoformat(),
                      "expires_on": (today + dt.timedelta(days=365)).isoformat()})  # fmt: skip
    d2_id = d2.headers["location"].split("/")[2].split("?")[0]
    manager.get("/materials")
    r = manager.post("/materials", {"designation_id": d2_id, "kind": "document", "title": "報告書",
                                    "copy_total": "2", "location": "金庫"})  # fmt: skip
    mid = r.headers["location"].split("/")[2].split("?")[0]
    manager.get(f"/materials/{mid}")
    manager.post(f"/materials/{mid}/copies", {"location": "金庫2"})
    manager.get("/materials")
    r = manager.post("/inventories", {"found": mid})
    assert r.headers["location"].startswith("/incidents")
    incidents = manager.get("/incidents")
    assert "点検での不一致" in incidents
    iid = re.search(r'action="/incidents/([0-9a-f-]{36})/steps"', incidents)
    assert iid
    manager.post(f"/incidents/{iid.group(1)}/steps", {"command": "close", "text": "所在確認"})
    assert "終結" in manager.get("/incidents")
    manager.post("/incidents", {"kind": "suspected_leak", "occurred_on": today.isoformat(),
                                "text": "不審なメール"})  # fmt: skip
    assert "漏えいのおそれ" in manager.get("/incidents")


def test_the_inspector_reads_and_cannot_change(client: TestClient, clock: FakeClock) -> None:
    b = Browser(client.app, clock, "inspector")
    page = b.get("/oversight")
    assert "監査記録は正しく検証されました" in page and 'id="stats"' in page
    assert "重要経済安保情報を指定する" not in b.get("/designations")
    today = clock.now().date()
    r = b.post("/designations", {"title": "x", "category_code": "A1", "document_number": "1",
                                 "marking": "mark", "start_on": today.isoformat(),
                                 "expires_on": (today + dt.timedelta(days=9)).isoformat()},
               expect=403)  # fmt: skip
    assert "あなたの役割にはこの手続は含まれていません。" in r.text, r.text


def test_oversight_pages_work_end_to_end(client: TestClient, clock: FakeClock) -> None:
    today = clock.now().date()
    manager = Browser(client.app, clock, "meti.manager")
    manager.get("/designations")
    cat = client.app.state.ctx.deps.regime.categories[0].code  # type: ignore[attr-defined]
    r = manager.post("/designations", {"category_code": cat, "document_number": "O-1",
                     "title": "検証対象", "marking": "mark", "start_on": today.isoformat(),
                     "expires_on": (today + dt.timedelta(days=30)).isoformat()})  # fmt: skip
    did = r.headers["location"].split("/")[2].split("?")[0]
    inspector = Browser(client.app, clock, "inspector")
    inspector.get("/inspections")
    inspector.post("/inspections", {"designation_id": did, "findings": "表示の確認"})
    page = inspector.get("/inspections")
    iid = re.search(r'id="inspection-([0-9a-f-]{36})"', page)
    assert iid
    inspector.post(f"/inspections/{iid.group(1)}/request_correction", {"text": "表示を是正"})
    page = manager.get("/inspections")
    assert "表示を是正" in page and "回答を送る" in page
    manager.post(f"/inspections/{iid.group(1)}/respond", {"text": "是正済み"})
    assert "是正済み" in inspector.get("/inspections")
    # Whistle-blowing: the form for anyone, the text for the Inspector only.
    person = Browser(client.app, clock, "tanaka.hanako")
    person.get("/whistle")
    person.post("/whistle", {"text": "不適切な指定の疑い", "contact": ""})
    listing = inspector.get("/whistle")
    rid = re.search(r'href="/whistle/([0-9a-f-]{36})"', listing)
    assert rid and "不適切な指定の疑い" not in listing
    assert "不適切な指定の疑い" in inspector.get(f"/whistle/{rid.group(1)}")
    assert manager.c.get(f"/whistle/{rid.group(1)}").status_code == 403
    # Reminders: the contact address, the jobs, the list.
    manager.get("/reminders")
    manager.post("/reminders/contact", {"email": "office@meti.example.go.jp"})
    from clearance.bootstrap import cli_subject
    from clearance.services.oversight import jobs

    jobs.run(client.app.state.ctx.deps, cli_subject())  # type: ignore[attr-defined]
    assert "O-1" in manager.get("/reminders")
    # The report and its exports.
    page = inspector.get(f"/report?year={today.year}")
    assert 'data-figure="designations.designate">1<' in page and "<svg" in page
    csv_text = inspector.c.get(f"/report/{today.year}.csv").text
    assert "designations" in csv_text and "検証対象" not in csv_text
    assert (
        inspector.c.get(f"/report/{today.year}.json").json()["totals"]["oversight"][
            "correction_requests"
        ]
        == 1
    )
    assert inspector.c.get(f"/report/{today.year}.pdf").headers["content-type"] == "application/pdf"
    assert manager.c.get(f"/report?year={today.year}").status_code == 403
    timeliness = Browser(client.app, clock, "meti.head").get("/timeliness")
    assert 'id="stages"' in timeliness
