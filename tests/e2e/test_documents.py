"""The official documents as a person holds them: every one, in both languages, generated from
Japanese, long and unusual inputs (a Japanese document number, a long title), read back with pypdf
and rendered to PNG with pdftoppm into build/screenshots/documents/.

Checked: the Japanese document carries no English word; the English one is complete (no Japanese
label left untranslated besides the names given); the number is the issuer's (経産安第N号), the
date is in 和暦, the addressee and the issuer are printed; nothing is drawn outside the page
margins. Document numbers are gap-free and unique per issuer and fiscal year under 16 concurrent
issuers, and a reissue (再交付) keeps the number.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from pypdf import PdfReader

from clearance.authz.model import Subject
from clearance.bootstrap import AppContext
from clearance.domain.documents import DocumentKind, IssuedDocument
from clearance.domain.errors import NotAuthorized
from clearance.services import documents
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.ui.browserless import Browser

OUT = Path(__file__).resolve().parents[2] / "build" / "screenshots" / "documents"
LONG_TITLE = (
    "港湾施設の制御系ネットワークにおける脆弱性評価報告書（第三次調査・附属資料を含む。）" * 2
)
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def text_of(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def render(body: bytes, name: str) -> list[Path]:
    """pdftoppm at 50 dpi, one PNG per page, kept for people to look at."""
    OUT.mkdir(parents=True, exist_ok=True)
    pdf = OUT / f"{name}.pdf"
    pdf.write_bytes(body)
    for old in OUT.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(pdf), str(OUT / name)], check=True)
    return sorted(OUT.glob(f"{name}-*.png"))


def ink_outside_margins(png: Path) -> list[str]:
    """The strips at the page edges (12 mm at the sides and top, 6 mm at the foot, inside the
    20 mm margins) must be blank; returns the strips that are not."""
    img = Image.open(png).convert("L")
    w, h = img.size
    mm = w / 210
    strips = {"left": (0, 0, int(12 * mm), h), "right": (w - int(12 * mm), 0, w, h),
              "top": (0, 0, w, int(12 * mm)), "bottom": (0, h - int(6 * mm), w, h)}  # fmt: skip
    return [name for name, box in strips.items() if img.crop(box).getextrema()[0] < 200]


def bar_pixels(png: Path) -> int:
    img = Image.open(png).convert("RGB")
    w, h = img.size
    pixels = img.load()
    assert pixels is not None
    return sum(1 for x in range(0, w, 2) for y in range(0, h, 2)
               if abs(pixels[x, y][0] - 61) < 25 and abs(pixels[x, y][1] - 110) < 25
               and pixels[x, y][2] > 140)  # fmt: skip


@pytest.fixture
def world(client: TestClient, clock: FakeClock) -> World:
    w = World(Flow(client, clock))
    f = w.f
    # A designation with a Japanese number and a long title, and a destroyed material.
    w.jp = w.designate("経産安第12号", w.today, w.today.replace(year=w.today.year + 2))  # type: ignore[attr-defined]
    [m] = f.post("sakura.security", "/materials", {
        "designation_id": w.designation, "kind": "document", "title": LONG_TITLE,
        "copy_total": 1, "location": "金庫B"}, 201)  # fmt: skip
    w.destroyed = m["id"]  # type: ignore[attr-defined]
    f.post("sakura.security", f"/materials/{m['id']}/destruction", {
        "method": "𠮷田式シュレッダーによる細断", "destroyer_id": w.person,
        "witness_id": f.persons["kenichi"]}, 200)  # fmt: skip
    return w


def documents_of(w: World) -> list[tuple[str, str, str, list[str]]]:
    """(name, account, path, Japanese text expected) for every official document."""
    aid = w.assessment
    return [
        ("designation", "meti.manager", f"/designations/{w.jp}/document.pdf",  # type: ignore[attr-defined]
         ["重要経済安保情報指定書", "経産安第12号", "経済産業大臣", "第3条第1項", "第23条第1項", "以上"]),
        ("result-notice", "tanaka.hanako", f"/cases/{aid}/notice.pdf",
         ["適性評価の結果について（通知）", "田中 花子 様", "経済産業大臣 経済 一郎", "有効期間の末日",
          "（教示）", "苦情の申出", "第13条第1項", "以上"]),
        ("employer-notice", "sakura.security", f"/employees/{aid}/notice.pdf",
         ["従業者の適性評価の結果について（通知）", "殿", "経済産業大臣", "田中 花子", "有効期間の末日",
          "第16条"]),
        ("certification-notice", "meti.certification", f"/certifications/{w.cert}/notice.pdf",
         ["適合事業者の認定について（通知）", "殿", "経済産業大臣", "第10条第1項"]),
        ("destruction", "sakura.security", f"/materials/{w.destroyed}/destruction.pdf",  # type: ignore[attr-defined]
         ["廃棄証明書", "さくら保第", "代表取締役社長", "𠮷田式シュレッダーによる細断", "経済産業大臣 殿"]),
        ("handler-register", "sakura.security", "/handlers/register.pdf",
         ["重要経済安保情報取扱者名簿", "さくら保第", "田中 花子"]),
        ("annual-report", "inspector", f"/report/{w.today.year}.pdf",
         ["令和", "経済産業省", "作成日"]),
    ]  # fmt: skip


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) missing")
def test_every_document_in_both_languages(
    world: World, client: TestClient, clock: FakeClock
) -> None:
    era = re.compile(r"令和(元|\d+)年\d+月\d+日")
    for name, account, path, expected in documents_of(world):
        for lang in ("ja", "en"):
            b = Browser(client.app, clock, account, lang=lang)
            r = b.c.get(path)
            assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", (
                name, lang, r.status_code, r.text[:300])  # fmt: skip
            text = text_of(r.content)
            if lang == "ja":
                missing = [e for e in expected if e not in text.replace("\n", "")]
                assert not missing, (name, missing, text)
                assert era.search(text), (name, text)
                assert not LATIN_WORD.findall(text), (name, LATIN_WORD.findall(text))
                assert "未確認" not in text
            else:
                assert any(w in text for w in ("Particulars", "Register", "Annual report")), text
                assert re.search(r"\d{1,2} [A-Z][a-z]+ 20\d\d", text), (name, text)
                # Complete in English: none of the Japanese document words is left.
                left = [w for w in ("以上", "（教示）", " 様", " 殿", "令和", "作成日", "発行日")
                        if w in text]  # fmt: skip
                assert not left, (name, left, text)
            pngs = render(r.content, f"{name}-{lang}")
            for png in pngs:
                assert ink_outside_margins(png) == [], (name, lang, png)
            if name == "annual-report":  # the charts are drawn: the bars' blue is on the page
                assert bar_pixels(pngs[0]) > 50, pngs[0]
    # Printing again prints the same number: it was issued once.
    b = Browser(client.app, clock, "tanaka.hanako")
    first, again = (text_of(b.c.get(f"/cases/{world.assessment}/notice.pdf").content) for _ in "12")
    number = re.search(r"経産安第\d+号", first)
    assert number and number.group(0) in again and "再交付" not in again


def subject(ctx: AppContext, username: str) -> Subject:
    with ctx.deps.uow() as uow:
        rec = uow.accounts.by_username(username)
        assert rec is not None and rec.account.org_id is not None
        org = uow.orgs.get(rec.account.org_id)
        assert org is not None
        return Subject(rec.account.id, username, rec.account.roles, org.id, org.kind)


def test_numbers_are_gap_free_under_concurrent_issuers_and_a_reissue_keeps_the_number(
    seeded: AppContext,
) -> None:
    officer = subject(seeded, "meti.officer")
    assert officer.org_id is not None
    made: list[IssuedDocument] = []
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def issuer(i: int) -> None:
        try:
            start.wait()
            for k in range(3):
                made.append(documents.issue(seeded.deps, officer, org_id=officer.org_id,  # type: ignore[arg-type]
                                            kind=DocumentKind.RESULT_NOTICE,
                                            subject=f"test:{i}:{k}"))  # fmt: skip
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=issuer, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    serials = sorted(d.serial or 0 for d in made)
    assert serials == list(range(1, 49)), serials
    assert {d.number for d in made} == {f"経産安第{n}号" for n in range(1, 49)}
    # Each issue is in the audit log with its number.
    with seeded.deps.uow() as uow:
        logged = {json.loads(e.payload).get("number") for e, _leaf in uow.audit.entries()
                  if e.action == "document:issue"}  # fmt: skip
    assert {d.number for d in made} <= logged
    again = documents.reissue(seeded.deps, officer, made[0].id)
    assert again.number == made[0].number and again.reissues == 1
    # Another organisation cannot reissue it, and cannot tell it from a missing one.
    outsider = subject(seeded, "sakura.security")
    with pytest.raises(NotAuthorized) as refused:
        documents.reissue(seeded.deps, outsider, made[0].id)
    with pytest.raises(NotAuthorized) as missing:
        documents.reissue(seeded.deps, outsider, uuid.uuid4())
    assert refused.value.message == missing.value.message


def test_the_documents_page_sets_the_number_form_and_reissues(
    world: World, client: TestClient, clock: FakeClock
) -> None:
    """In the pages: the agency admin writes the number form with # and the issuing title; the
    next document carries them; the officer reissues it from the register of documents issued,
    and the printed notice says 再交付 under the same number."""
    admin = Browser(client.app, clock, "meti.admin")
    page = admin.get("/documents")
    assert 'value="経産安第#号"' in page  # the demo's form, as the page writes it
    refused = admin.post("/documents/settings", {"number_format": "経産安第号", "title_ja": "経済産業大臣"},
                         expect=422).text  # fmt: skip
    assert "番号の位置に # を一つだけ" in refused
    admin.post("/documents/settings", {
        "number_format": "経産保#号", "title_ja": "経済産業大臣", "name_ja": "経済 二郎",
        "title_en": "Minister", "complaints_ja": "経済産業省 苦情窓口"})  # fmt: skip
    person = Browser(client.app, clock, "tanaka.hanako")
    text = text_of(person.c.get(f"/cases/{world.assessment}/notice.pdf").content)
    number = re.search(r"経産保\d+号", text)
    assert number and "経済 二郎" in text and "経済産業省 苦情窓口" in text, text
    officer = Browser(client.app, clock, "meti.officer")
    listed = officer.get("/documents")
    assert number.group(0) in listed
    row = listed.split(number.group(0), 1)[1]
    action = re.search(r'action="(/documents/[0-9a-f-]+/reissue)"', row)
    assert action
    officer.post(action.group(1))
    again = text_of(person.c.get(f"/cases/{world.assessment}/notice.pdf").content)
    assert number.group(0) in again and "再交付" in again
    # The company cannot reissue the agency's document.
    Browser(client.app, clock, "sakura.security").post(action.group(1), expect=403)


def test_the_api_lists_reissues_and_sets_the_profile(world: World, client: TestClient) -> None:
    f = world.f
    person = Browser(client.app, f.clock, "tanaka.hanako")
    assert person.c.get(f"/cases/{world.assessment}/notice.pdf").status_code == 200
    [doc] = [d for d in f.get("meti.officer", "/documents") if d["kind"] == "result_notice"]
    assert re.fullmatch(r"経産安第\d+号", doc["number"]) and doc["reissues"] == 0
    again = f.post("meti.officer", f"/documents/{doc['id']}/reissue")
    assert again["number"] == doc["number"] and again["reissues"] == 1
    f.post("sakura.security", f"/documents/{doc['id']}/reissue", expect=403)
    assert f.get("sakura.security", "/documents") == [] or all(
        d["kind"] != "result_notice" for d in f.get("sakura.security", "/documents"))  # fmt: skip
    bad = f.put("meti.admin", "/documents/settings", {"number_format": "第号", "title_ja": "大臣"},
                expect=422)  # fmt: skip
    assert bad["errors"][0]["code"] == "format_serial"
    ok = f.put(
        "meti.admin", "/documents/settings", {"number_format": "経保{n}", "title_ja": "大臣"}
    )
    assert ok["number_format"] == "経保{n}"


@pytest.mark.parametrize("withhold", [False, True])
def test_an_unfavourable_notice_gives_the_reasons_or_the_statement_that_they_are_withheld(
    client: TestClient, clock: FakeClock, withhold: bool
) -> None:
    f = Flow(client, clock)
    aid = f.operator_candidate(person="shota", officer="aoba.security")
    f.to_consent(aid, person="ito.shota")
    f.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    f.investigate(aid, person="ito.shota")
    f.decide(aid, outcome="unfavourable", reasons="借入金の返済状況について確認できなかったため",
             withhold=withhold)  # fmt: skip
    body = Browser(client.app, clock, "ito.shota").c.get(f"/cases/{aid}/notice.pdf").content
    text = text_of(body).replace("\n", "")
    assert "重要経済安保情報を漏らすおそれがないとは認められませんでした" in text
    assert "有効期間の末日" not in text and "（教示）" in text and "伊藤 翔太 様" in text
    if withhold:
        assert "理由は通知しません" in text and "借入金" not in text
        assert "同項ただし書" in text
    else:
        assert "借入金の返済状況について確認できなかったため" in text
    assert not LATIN_WORD.findall(text)
    for png in render(body, f"result-notice-unfavourable-{'withheld' if withhold else 'reasons'}"):
        assert ink_outside_margins(png) == []
