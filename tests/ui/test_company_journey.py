"""Journey (c): a company's CESI work, from certification to an access decision, in Chromium and
through the pages only (no API call, no typed id; ids are read from the URL the pages lead to).

METI designates → two companies are certified and contracted → METI provides the designation to
each (first without a contract: the page says a contract must be made and links to it) → Sakura's
security officer finds it under 提供を受けた情報 and tries to make 田中 花子 a handler: refused, with
every unmet condition (assessment, training) and its article beside the person field and
nowhere else → she is assessed
(walked in the pages), trained, and gives the undertaking in her own portal → assigned → Sakura
registers two copies, makes a third, and sends copy 1 to Aoba's custodian, chosen by name → Aoba
confirms receipt and returns it to METI, which confirms receipt → Sakura destroys copy 2 with a
witness and prints the certificate → an access decision permits 田中 花子 to read copy 3.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import FakeClock
from tests.ui.conftest import LiveServer, Person
from tests.ui.walk import choose, favourable_in_pages, pdf_text

pytestmark = pytest.mark.browser

COMPANIES = (  # account, organisation, handler (portal account, name, birth)
    ("sakura.security", "さくら重工業株式会社", "tanaka.hanako", "田中 花子", "1988-04-12"),
    ("aoba.security", "あおば電子株式会社", "ito.shota", "伊藤 翔太", "1990-05-15"),
)
DOC = "経産安第100号"
TITLE = "次世代蓄電池の供給網に関する脆弱性情報"


def ok(p: Person) -> None:
    p.page.wait_for_url(re.compile(r"ok="))
    assert p.page.locator("#error-summary").count() == 0


def certify_and_contract(cert: Person, company: Person, org: str, today: dt.date) -> None:
    cert.page.goto("/certifications")
    cert.page.select_option("#f-operator_id", label=org)
    cert.page.locator("section", has_text="認定手続を開始する").get_by_role("button").click()
    ok(cert)
    company.page.goto("/certifications")
    section = company.page.locator("section.card", has_text=org)
    for box in section.locator("input[type=checkbox]").all():
        box.check()
    section.get_by_role("button", name="申請する").click()
    ok(company)
    cert.page.goto("/certifications")
    section = cert.page.locator("section.card", has_text=org)
    # Only the steps the state allows: an application under review may not be suspended.
    assert section.get_by_role("button", name="停止する").count() == 0
    section.get_by_role("button", name="審査を開始する").click()
    ok(cert)
    section = cert.page.locator("section.card", has_text=org)
    section.get_by_role("button", name="認定する").click()
    ok(cert)
    section = cert.page.locator("section.card", has_text=org)
    section.locator('[name="reference"]').fill(f"契約-{org[:3]}")
    section.locator("label", has_text=DOC).locator("input").check()
    section.locator('[name="departments"]').fill("開発部")
    section.locator('[name="start_on"]').fill(today.isoformat())
    section.locator('[name="end_on"]').fill((today + dt.timedelta(days=700)).isoformat())
    section.get_by_role("button", name="契約を締結する").click()
    ok(cert)


def test_c_company_cesi_work_from_certification_to_an_access_decision(
    browser: Any, live: LiveServer, clock: FakeClock
) -> None:
    today = clock.now().date()
    manager = Person(browser, live, clock, "meti.manager")
    manager.page.goto("/designations")
    manager.page.select_option("#f-category_code", index=1)
    manager.page.fill("#f-document_number", DOC)
    manager.page.fill("#f-title", TITLE)
    manager.page.select_option("#f-marking", "mark")
    manager.page.fill("#f-start_on", today.isoformat())
    manager.page.fill("#f-expires_on", (today + dt.timedelta(days=4 * 365)).isoformat())
    manager.page.get_by_role("button", name="指定する").click()
    ok(manager)
    designation_url = manager.page.url.split("?")[0]

    # An Art. 10 provision before any contract: the page says what to do first, and links to it.
    manager.page.select_option("#f-basis", "art10")
    manager.page.select_option("#f-recipient_org_id", label=COMPANIES[0][1])
    assert manager.page.locator("#no-contract a[href='/certifications']").count() == 1
    manager.page.get_by_role("button", name="提供を記録する").click()
    beside = manager.page.locator(".field.invalid", has=manager.page.locator("#f-contract_id"))
    assert "先に適合事業者認定のページで契約を締結してください" in beside.inner_text()
    manager.shot("company-c-provision-without-contract-ja")

    cert = Person(browser, live, clock, "meti.certification")
    officers = {}
    for account, org, *_ in COMPANIES:
        officers[account] = Person(browser, live, clock, account)
        certify_and_contract(cert, officers[account], org, today)
    cert.shot("company-c-certified-ja")
    for _account, org, *_ in COMPANIES:
        manager.page.goto(designation_url)
        manager.page.select_option("#f-basis", "art10")
        manager.page.select_option("#f-recipient_org_id", label=org)
        choose(manager, "#f-contract_id", org[:3])
        manager.page.get_by_role("button", name="提供を記録する").click()
        ok(manager)

    # The company finds what was provided to it and goes from there to assign a handler.
    sakura = officers["sakura.security"]
    sakura.page.goto("/")
    sakura.page.get_by_role("navigation").get_by_role("link", name="提供を受けた情報").click()
    row = sakura.page.locator("#received tr", has_text=DOC)
    assert "取扱い可" in row.inner_text() and "経済産業省" in row.inner_text()
    sakura.shot("company-c-received-ja")
    row.get_by_role("link", name="取扱者に指名する").click()
    sakura.page.wait_for_url(re.compile(r"/handlers\?designation="))
    assert DOC in sakura.page.locator("#f-h-designation_id option:checked").inner_text()
    sakura.page.select_option("#f-h-person_id", label="田中 花子")
    sakura.page.fill("#f-h-department", "開発部")
    sakura.page.get_by_role("button", name="指名する", exact=True).click()
    beside = sakura.page.locator("#assign .field.invalid").inner_text()
    # Every unmet condition, each with its article (the undertaking may follow the assignment).
    assert "有効な適性評価" in beside and "法第11条" in beside, beside
    assert "教育" in beside and "法第10条第1項" in beside, beside
    assert sakura.page.locator(".field-error").count() == 1  # beside its own field only
    assert sakura.page.locator("#f-h-person_id option:checked").inner_text() == "田中 花子"
    assert DOC in sakura.page.locator("#f-h-designation_id option:checked").inner_text()
    assert sakura.page.locator("#f-t-person_id").input_value() == ""  # no spill into other forms
    sakura.shot("company-c-handler-refused-ja")

    # What the person needs: a favourable assessment, training, and her own undertaking.
    for account, org, username, name, born in COMPANIES:
        favourable_in_pages(browser, live, clock, company=account, username=username, name=name,
                            employer=org, born=born)  # fmt: skip
        officer = officers[account]
        officer.page.goto("/handlers")
        modules = officer.page.locator("#f-t-module_code option").all_inner_texts()[1:]
        assert len(modules) == 3
        for module in modules:
            officer.page.select_option("#f-t-person_id", label=name)
            officer.page.select_option("#f-t-module_code", label=module)
            officer.page.fill("#f-t-due_on", (today + dt.timedelta(days=30)).isoformat())
            officer.page.get_by_role("button", name="教育を割り当てる").click()
            ok(officer)
        while officer.page.get_by_role("button", name="修了を記録する").count():
            officer.page.get_by_role("button", name="修了を記録する").first.click()
            ok(officer)
        person = Person(browser, live, clock, username)
        person.page.get_by_role("navigation").get_by_role("link", name="取扱いの義務").click()
        assert "拘禁刑" in person.page.locator("#statement").inner_text()
        person.page.check("#f-understood")
        person.page.get_by_role("button", name="誓約する").click()
        ok(person)
        assert "誓約を確認しました" in person.page.locator("#acknowledged").inner_text()
        person.shot(f"company-c-undertaking-{username.split('.')[0]}-ja")
        person.close()
        officer.page.goto("/received")
        officer.page.locator("#received tr", has_text=DOC).get_by_role(
            "link", name="取扱者に指名する"
        ).click()
        officer.page.select_option("#f-h-person_id", label=name)
        officer.page.fill("#f-h-department", "開発部")
        officer.page.get_by_role("button", name="指名する", exact=True).click()
        ok(officer)
        assert "取扱い可" in officer.page.locator("#register tr", has_text=name).inner_text()
    sakura.shot("company-c-handlers-ja")

    # Sakura registers two copies, makes a third and sends copy 1 to Aoba's custodian by name.
    sakura.page.goto("/received")
    sakura.page.locator("#received tr", has_text=DOC).get_by_role(
        "link", name="文書等を登録する"
    ).click()
    sakura.page.select_option("#f-kind", "document")
    sakura.page.fill("#f-title", "供給網分析報告書")
    sakura.page.fill("#f-copy_total", "2")
    sakura.page.fill("#f-location", "第1金庫")
    sakura.page.get_by_role("button", name="登録する").click()
    ok(sakura)
    copy1 = sakura.page.url.split("?")[0]
    sakura.page.fill("#f-copies-location", "第2金庫")
    sakura.page.get_by_role("button", name="写しを作成する").click()
    ok(sakura)
    assert "(3/3)" in sakura.page.locator("h1").inner_text()
    copy3 = sakura.page.url.split("?")[0]
    sakura.page.goto(copy1)
    options = sakura.page.locator("#f-transfer-custodian_id option").all_inner_texts()
    assert options[1:] == ["伊藤 翔太（あおば電子株式会社）"]  # only those who pass, by name
    sakura.page.select_option("#f-transfer-custodian_id", label=options[1])
    sakura.page.get_by_role("button", name="送付", exact=True).click()
    ok(sakura)
    assert "送付中" in sakura.page.locator("#material-status").inner_text()
    sakura.shot("company-c-sent-ja")

    aoba = officers["aoba.security"]
    aoba.page.goto("/materials")
    aoba.page.locator("#incoming").get_by_role("link", name="供給網分析報告書").click()
    aoba.page.fill("#f-receipt-location", "あおば第1金庫")
    aoba.page.get_by_role("button", name="受領を確認する").click()
    ok(aoba)
    assert "保管中" in aoba.page.locator("#material-status").inner_text()
    assert "あおば電子株式会社" in aoba.page.locator("#custody-record").inner_text()
    aoba.page.get_by_role("button", name="行政機関に返却する").click()
    ok(aoba)
    assert "送付中" in aoba.page.locator("#material-status").inner_text()
    aoba.shot("company-c-returned-ja")

    manager.page.goto("/materials")
    manager.page.locator("#incoming").get_by_role("link", name="供給網分析報告書").click()
    manager.page.get_by_role("button", name="受領を確認する").click()
    ok(manager)
    assert "経済産業省" in manager.page.locator("dl.facts").inner_text()

    # Copy 2 is destroyed with a witness; the certificate names both.
    sakura.page.goto("/materials")
    sakura.page.locator("#materials tr", has_text="2/3").get_by_role("link").click()
    sakura.page.select_option("#f-destruction-destroyer_id", label="田中 花子")
    sakura.page.select_option("#f-destruction-witness_id", label="田中 花子")
    sakura.page.fill("#f-destruction-method", "裁断")
    sakura.page.get_by_role("button", name="廃棄を記録する").click()
    assert "立会人" in sakura.page.locator("#destroy .field.invalid").inner_text()
    sakura.page.select_option("#f-destruction-witness_id", label="佐藤 健一")
    sakura.page.get_by_role("button", name="廃棄を記録する").click()
    ok(sakura)
    certificate = pdf_text(sakura, sakura.page.url.split("?")[0] + "/destruction.pdf")
    assert "廃棄証明書" in certificate and "佐藤 健一" in certificate and "田中 花子" in certificate

    # The access decision: 田中 花子 may read copy 3 at Sakura, every condition met.
    sakura.page.get_by_role("navigation").get_by_role("link", name="取扱いの可否判断").click()
    sakura.page.select_option("#f-person_id", label="田中 花子")
    choose(sakura, "#f-material_id", "(3/3)")
    sakura.page.select_option("#f-action", "read")
    sakura.page.get_by_role("button", name="判断する").click()
    expect(sakura.page.locator("#decision")).to_contain_text("取扱い可")
    assert sakura.page.locator("#decision li.unmet").count() == 0
    sakura.shot("company-c-access-decision-ja")
    assert copy3
    for p in (manager, cert, *officers.values()):
        p.close()
