"""Two defects of issue 14 pinned: "today" for date rules is the date in Japan (at 00:30 JST the
UTC date is still yesterday's, and today's date was refused as "in the future"), and a PDF whose
file name is Japanese (every real 指定書 number is) is served, not a 500.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import quote

from fastapi.testclient import TestClient
from pypdf import PdfReader

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
