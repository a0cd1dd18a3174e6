"""Every period is printed as its last valid day, and that day is the one enforcement uses: the
access decision at 23:59:59 JST on the printed day has no reason about that period, and at 00:00
JST the next day it has. For designations, eligibility, contracts and training the day is read
from the page that shows it (in 和暦), not computed by the test; SDS results are recorded through
the API and their printed day compared with the stored rule.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient

from clearance.domain.dates import ERAS, wareki
from clearance.domain.periods import JST
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World, codes
from tests.ui.browserless import Browser

WAREKI = re.compile(r"(令和|平成|昭和)(元|\d+)年(\d+)月(\d+)日")


def parse_wareki(text: str) -> list[dt.date]:
    """Every 和暦 date in ``text``, in order (the reverse of ``domain.dates.wareki``)."""
    first = {name: start.year for start, name in ERAS}
    out = []
    for era, year, month, day in WAREKI.findall(text):
        n = 1 if year == "元" else int(year)
        out.append(dt.date(first[era] + n - 1, int(month), int(day)))
    return out


def edges(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """23:59:59 JST on ``day`` and 00:00 JST the next day."""
    last = dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=JST)
    return last, last + dt.timedelta(seconds=1)


def after(page: str, marker: str) -> list[dt.date]:
    assert marker in page, marker
    return parse_wareki(page.split(marker, 1)[1][:600])


def test_wareki_round_trips_and_names_the_first_year_gannen() -> None:
    for d in (dt.date(2019, 5, 1), dt.date(2019, 4, 30), dt.date(1989, 1, 7), dt.date(2026, 12, 2)):
        assert parse_wareki(wareki(d)) == [d]
    assert wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(dt.date(2026, 12, 2), gregorian=True) == "令和8年（2026年）12月2日"


@pytest.fixture
def world(client: TestClient, clock: FakeClock) -> World:
    return World(Flow(client, clock))


@pytest.mark.parametrize("period", ["designation", "eligibility", "contract", "training"])
def test_the_printed_last_day_is_the_last_permitted_day(
    world: World, client: TestClient, clock: FakeClock, period: str
) -> None:
    reason = {"designation": "designation_not_in_force", "eligibility": "no_eligibility",
              "contract": "contract_not_in_force", "training": "training_overdue"}[period]  # fmt: skip
    if period == "designation":
        page = Browser(client.app, clock, "meti.manager").get(f"/designations/{world.designation}")
        printed = after(page, 'id="term"')[1]
    elif period == "eligibility":
        page = Browser(client.app, clock, "sakura.security").get("/employees")
        printed = after(page, "田中 花子")[0]
    elif period == "contract":
        page = Browser(client.app, clock, "sakura.security").get("/certifications")
        printed = after(page, "契約-001")[1]
    else:
        page = Browser(client.app, clock, "sakura.security").get("/handlers")
        table = page.split('id="training"', 1)[1].split("</table>", 1)[0]
        printed = min(parse_wareki(table)[2::3])  # per row: due, completed, last valid day
    last_moment, next_day = edges(printed)
    assert reason not in codes(world.decide(last_moment)), (period, printed)
    assert reason in codes(world.decide(next_day)), (period, printed)


def test_an_sds_result_recorded_in_the_pages_holds_through_its_printed_last_day(
    client: TestClient, clock: FakeClock
) -> None:
    """The agency's officer records a favourable SDS result for 鈴木 美咲 (METI staff) in the pages;
    the page prints its last valid day; her access to a METI material is decided at its edges."""
    f = Flow(client, clock)
    person = f.persons["misaki"]
    today = clock.now().astimezone(JST).date()
    design = f.post("meti.manager", "/designations", {
        "category_code": "A3", "document_number": "経産安第30号", "title": "系統運用の脆弱性情報",
        "marking": "mark", "start_on": today.isoformat(),
        "expires_on": today.replace(year=today.year + 5).isoformat()}, 201)["id"]  # fmt: skip
    [material] = f.post("meti.manager", "/materials", {
        "designation_id": design, "kind": "document", "title": "評価報告書", "copy_total": 1,
        "location": "金庫C"}, 201)  # fmt: skip
    for module in ("handling_rules", "social_media", "foreign_approaches"):
        r = f.post("meti.manager", "/training/assignments", {
            "person_id": person, "module_code": module,
            "due_on": (today + dt.timedelta(days=30)).isoformat()}, 201)  # fmt: skip
        f.post("meti.manager", f"/training/assignments/{r['id']}/completion")
    f.post("suzuki.misaki", "/handlers/acknowledgements", {"person_id": person}, 201)

    b = Browser(client.app, clock, "meti.officer")
    b.get("/eligibility")
    notified = today - dt.timedelta(days=400)
    b.post("/eligibility/sds", {"person_id": person, "sds_notified_on": notified.isoformat(),
                                "reference": "特定秘密適性評価第1号"})  # fmt: skip
    f.post("meti.manager", "/handlers", {"designation_id": design, "person_id": person,
                                         "department": "製造産業局"}, 201)  # fmt: skip
    page = b.get("/eligibility")
    row = page.split('data-person="鈴木 美咲"', 1)[1].split("</tr>", 1)[0]
    assert "特定秘密の適性評価の結果" in row
    printed = parse_wareki(row.split('class="last-day"', 1)[1])[0]

    def decide(at: dt.datetime) -> set[str]:
        d = f.post("meti.manager", "/access/decisions", {
            "person_id": person, "material_id": material["id"], "action": "read",
            "at": at.isoformat()})  # fmt: skip
        return {r["code"] for r in d["reasons"]}

    last_moment, next_day = edges(printed)
    assert "no_eligibility" not in decide(last_moment)
    assert "no_eligibility" in decide(next_day)
    # POST and GET answer the instant in the same form (UTC), not +09:00 once and Z the other.
    listed = f.get("meti.officer", f"/persons/{person}/eligibility")
    assert all(x["valid_from"].endswith(("Z", "+00:00")) for x in listed)
