"""Two defects of issue 14 pinned: "today" for date rules is the date in Japan (at 00:30 JST the
UTC date is still yesterday's, and today's date was refused as "in the future"), and a PDF whose
file name is Japanese (every real 指定書 number is) is served, not a 500.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
from urllib.parse import quote

from fastapi.testclient import TestClient
from pypdf import PdfReader

from clearance.domain.dates import wareki
from clearance.domain.designation import Designation, add_years, day_start
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.ui.browserless import Browser


def at_half_past_midnight_jst(clock: FakeClock) -> dt.date:
    """Move the clock to 00:30 JST of the next day (15:30 UTC); returns that JST date."""
    utc = clock.now().astimezone(dt.UTC)
    clock.current = dt.datetime(utc.year, utc.month, utc.day, 15, 30, tzinfo=dt.UTC)
    return (clock.current + dt.timedelta(hours=9)).date()


def test_todays_japanese_date_is_not_in_the_future_at_half_past_midnight(
    client: TestClient, clock: FakeClock
) -> None:
    flow = Flow(client, clock)
    aid = flow.operator_candidate()
    flow.to_consent(aid)
    flow.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
    flow.post("cao.investigator", f"/assessments/{aid}/questionnaire")
    flow.fill_questionnaire(aid)
    today = at_half_past_midnight_jst(clock)
    assert clock.now().date() < today  # the UTC date is still yesterday's
    flow = Flow(client, clock)  # hours later: log in again
    inquiry = {"target": "警視庁", "matter": 2, "outcome": "記録なし"}
    r = flow.c.post(f"/api/v1/assessments/{aid}/inquiries",
                    json={**inquiry, "date": (today + dt.timedelta(days=1)).isoformat()},
                    headers=flow.h("cao.investigator"))  # fmt: skip
    assert r.status_code == 422 and "date_future" in r.text
    flow.post("cao.investigator", f"/assessments/{aid}/inquiries",
              {**inquiry, "date": today.isoformat()})  # fmt: skip
    flow.post("cao.investigator", f"/assessments/{aid}/interview",
              {"held_on": today.isoformat(), "summary": "面接"})  # fmt: skip


def test_a_designation_document_with_a_japanese_number_prints(
    client: TestClient, clock: FakeClock
) -> None:
    b = Browser(client.app, clock, "meti.manager")
    b.get("/designations")
    today = (clock.now() + dt.timedelta(hours=9)).date()
    r = b.post("/designations", {
        "category_code": "A1", "document_number": "経産安第12号", "title": "電力設備の脆弱性情報",
        "marking": "mark", "start_on": today.isoformat(),
        "expires_on": (today + dt.timedelta(days=365)).isoformat()})  # fmt: skip
    did = re.search(r"/designations/([0-9a-f-]{36})", r.headers["location"])
    assert did
    doc = b.c.get(f"/designations/{did.group(1)}/document.pdf")
    assert doc.status_code == 200, doc.text[:500]
    assert f"filename*=UTF-8''{quote('designation-経産安第12号.pdf')}" in doc.headers[
        "content-disposition"]  # fmt: skip
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(doc.content)).pages)
    assert "経産安第12号" in text


def test_the_printed_last_day_is_the_last_day_in_force(
    client: TestClient, clock: FakeClock
) -> None:
    """The form asks for the last day in force and every page prints it; the designation is in
    force at 23:59:59 JST on that day and not at 00:00 JST the next. Five years from the start
    is the longest term the form accepts."""
    b = Browser(client.app, clock, "meti.manager")
    b.get("/designations")
    start = (clock.now() + dt.timedelta(hours=9)).date()
    last = add_years(start, 5) - dt.timedelta(days=1)
    form = {"category_code": "A1", "document_number": "経産安第7号", "title": "末日の確認",
            "marking": "mark", "start_on": start.isoformat()}  # fmt: skip
    too_long = (last + dt.timedelta(days=1)).isoformat()
    refused = b.post("/designations", {**form, "expires_on": too_long}, expect=422).text
    assert "有効期間は開始日から最長5年です" in refused
    r = b.post("/designations", {**form, "expires_on": last.isoformat()})
    did = uuid.UUID(r.headers["location"].split("/")[2].split("?")[0])
    term = b.get(f"/designations/{did}").split('id="term"')[1].split("</dd>")[0]
    assert wareki(last) in term  # 和暦, as every Japanese page prints dates
    with client.app.state.ctx.deps.uow() as uow:  # the rule the access decision applies
        designation = uow.records.get(Designation, did)
    assert designation is not None and designation.last_day == last
    end_of_last = day_start(last) + dt.timedelta(days=1, seconds=-1)  # 23:59:59 JST
    assert designation.in_force(end_of_last)
    assert not designation.in_force(end_of_last + dt.timedelta(seconds=1))
