"""Times without an offset and years out of range get a 4xx, never a 500 (issue 15 §3), as a
class: every query parameter of the API typed as a date-time, found in the OpenAPI document, is
sent a time without offset and a plain date; the bodies with an instant (access decisions,
incidents) likewise; the annual report at the year bounds in every format."""

from __future__ import annotations

import re
import uuid

from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.ui.browserless import Browser

BAD_TIMES = ("2026-12-02T12:00:00", "2026-12-02")


def test_every_date_time_query_parameter_refuses_a_time_without_offset(
    client: TestClient, clock: FakeClock
) -> None:
    f = Flow(client, clock)
    spec = client.get("/openapi.json").json()["paths"]
    checked = 0
    for path, ops in spec.items():
        for method, op in ops.items():
            params = op.get("parameters", [])
            timed = [p["name"] for p in params if p.get("in") == "query"
                     and "date-time" in str(p.get("schema", {}))]  # fmt: skip
            if not timed:
                continue
            url = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)
            for bad in BAD_TIMES:
                query = {name: bad for name in timed}
                for who in ("meti.manager", "inspector"):
                    r = f.c.request(method.upper(), url, params=query, headers=f.h(who))
                    assert 400 <= r.status_code < 500, (method, path, bad, who, r.status_code)
                checked += 1
    assert checked >= 6  # who, timeliness, history… (3 operations x 2 forms at least)


def test_bodies_with_an_instant_refuse_one_without_offset(client: TestClient,
                                                          clock: FakeClock) -> None:  # fmt: skip
    f = Flow(client, clock)
    for bad in BAD_TIMES:
        r = f.c.post("/api/v1/access/decisions", headers=f.h("sakura.security"), json={
            "person_id": str(uuid.uuid4()), "material_id": str(uuid.uuid4()), "action": "read",
            "at": bad})  # fmt: skip
        assert r.status_code == 422 and "at" in r.text, r.text
        r = f.c.post("/api/v1/incidents", headers=f.h("sakura.security"), json={
            "kind": "loss", "occurred_at": bad, "material_ids": [], "text": "紛失"})  # fmt: skip
        assert r.status_code == 422, r.text


def test_the_annual_report_at_the_year_bounds(client: TestClient, clock: FakeClock) -> None:
    f = Flow(client, clock)
    inspector = Browser(client.app, clock, "inspector")
    for year in (2024, 3000, 9999):
        for path in (f"/api/v1/reports/annual/{year}", f"/api/v1/reports/annual/{year}/csv"):
            assert f.c.get(path, headers=f.h("inspector")).status_code == 422, path
        for path in (f"/report/{year}.pdf", f"/report/{year}.csv", f"/report/{year}.json",
                     f"/report/{year}.xlsx", f"/report?year={year}"):  # fmt: skip
            status = inspector.c.get(path).status_code
            assert 400 <= status < 500 or (path.startswith("/report?") and status == 200), path
    assert f.c.get("/api/v1/reports/annual/2999", headers=f.h("inspector")).status_code == 200
