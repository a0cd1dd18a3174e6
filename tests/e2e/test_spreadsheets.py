"""Excel in and out, as a company's security office works: the roster template is downloaded in
each format (.xlsx, CSV UTF-8, CSV UTF-8 with BOM, CSV Shift_JIS), filled in, uploaded through the
page and imported; the preview names what the file was read as. Every CSV export opens in Python's
csv module with ``utf-8-sig``, and the .xlsx exports open in openpyxl.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import FakeClock
from tests.ui.browserless import Browser

NAMES = {"xlsx": ("青木", "一郎"), "utf-8": ("井上", "二郎"), "utf-8-bom": ("上田", "三郎"),
         "shift_jis": ("江藤", "四郎")}  # fmt: skip
CODECS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "shift_jis": "cp932"}


def filled(kind: str, template: bytes) -> bytes:
    """The template with its example row replaced by a new employee (the date stays a date)."""
    family, given = NAMES[kind]
    if kind == "xlsx":
        book = load_workbook(io.BytesIO(template))
        sheet = book.active
        assert sheet is not None
        sheet["A2"], sheet["B2"] = family, given
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    rows = list(csv.reader(io.StringIO(template.decode(CODECS[kind]))))
    rows[1][0], rows[1][1] = family, given
    text = io.StringIO()
    csv.writer(text).writerows(rows)
    return text.getvalue().encode(CODECS[kind])


@pytest.mark.parametrize("kind", list(NAMES))
def test_the_roster_template_round_trips_in_every_format(
    client: TestClient, clock: FakeClock, kind: str
) -> None:
    b = Browser(client.app, clock, "sakura.security")
    page = b.get("/employees")
    agency = page.split('id="f-import-agency_id"', 1)[1].split('value="', 2)[2].split('"', 1)[0]
    path = ("/employees/roster-template.xlsx" if kind == "xlsx"
            else f"/employees/roster-template.csv?encoding={kind}")  # fmt: skip
    template = b.c.get(path)
    assert template.status_code == 200
    if kind == "utf-8-bom":
        assert template.content.startswith(b"\xef\xbb\xbf")
    if kind == "shift_jis":
        template.content.decode("cp932")  # Shift_JIS, not UTF-8
        assert not template.content.startswith(b"\xef\xbb\xbf")
    body = filled(kind, template.content)
    name = "roster.xlsx" if kind == "xlsx" else "roster.csv"
    r = b.post("/employees/roster-import", {"agency_id": agency}, files={"file": (name, body)})
    assert "imported=1" in r.headers["location"], r.text[:2000]
    family, given = NAMES[kind]
    assert f"{family} {given}" in b.get("/employees")


def test_a_workbook_with_a_bad_row_is_previewed_and_nothing_imported(
    client: TestClient, clock: FakeClock
) -> None:
    b = Browser(client.app, clock, "sakura.security")
    page = b.get("/employees")
    agency = page.split('id="f-import-agency_id"', 1)[1].split('value="', 2)[2].split('"', 1)[0]
    book = load_workbook(io.BytesIO(b.c.get("/employees/roster-template.xlsx").content))
    sheet = book.active
    assert sheet is not None
    sheet["E2"] = "1990-02-30"  # no such day
    out = io.BytesIO()
    book.save(out)
    r = b.post("/employees/roster-import", {"agency_id": agency},
               files={"file": ("roster.xlsx", out.getvalue())}, expect=422)  # fmt: skip
    assert 'id="preview"' in r.text and "エクセル形式" in r.text
    r = b.post("/employees/roster-import", {"agency_id": agency},
               files={"file": ("roster.xlsx", b"PK\x03\x04 not a workbook")}, expect=422)  # fmt: skip
    assert 'id="f-file"' in r.text


def test_exports_open_in_excel_formats(client: TestClient, clock: FakeClock) -> None:
    b = Browser(client.app, clock, "sakura.security")
    register = b.c.get("/handlers/register.csv")
    assert register.content.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(register.content.decode("utf-8-sig"))))
    assert header[0] == "designation_id"
    book = load_workbook(io.BytesIO(b.c.get("/handlers/register.xlsx").content))
    assert book.active is not None and book.active["A1"].value == "氏名"
    inspector = Browser(client.app, clock, "inspector")
    year = clock.now().year
    report = inspector.c.get(f"/report/{year}.csv")
    assert report.content.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(report.content.decode("utf-8-sig")))
    assert reader.fieldnames and reader.fieldnames[0] == "year" and "count" in reader.fieldnames
    sheet = load_workbook(io.BytesIO(inspector.c.get(f"/report/{year}.xlsx").content)).active
    assert sheet is not None and sheet["C1"].value == "件数"
