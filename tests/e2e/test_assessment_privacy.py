"""Privacy by construction: canaries typed into answers, findings, reasons and complaints never
appear in the raw database, the audit log or the employer's answers; purposes are checked and
audited; separation of duties holds; purged data is gone."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect, text

from clearance.authz.model import Subject
from clearance.bootstrap import AppContext
from clearance.domain.errors import NotAuthorized
from clearance.domain.organisations import OrgKind, Role
from clearance.services.assessments import adjudication
from tests.conftest import FakeClock
from tests.e2e.flows import Flow

CANARIES = [f"CANARY-{uuid.uuid4().hex[:12]}" for _ in range(4)]


def all_entries(flow: Flow) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    before = None
    while True:
        params = {"limit": 200} | ({"before": before} if before else {})
        page = flow.get("admin", "/audit/entries", **params)
        out += page
        if len(page) < 200:
            return out
        before = min(int(e["seq"]) for e in page)


def _raw_dump(url: str) -> bytes:
    """Every byte the database holds: the SQLite files, or every row of every PostgreSQL table."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    out = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t'))
            out += [r[0].encode() for r in rows]
    engine.dispose()
    return b"\n".join(out)


def test_canaries_never_reach_the_database_in_plaintext(
    flow_client: tuple[Flow, AppContext], db_url: str
) -> None:
    flow, ctx = flow_client
    canary = CANARIES[0]
    aid = flow.reported(canary=canary)
    flow.decide(aid, "unfavourable", reasons=f"理由 {CANARIES[1]}")
    flow.post("tanaka.hanako", f"/assessments/{aid}/complaints",
              {"subject": "result", "text": f"苦情 {CANARIES[2]}"}, 201)  # fmt: skip
    # The data is really there and readable by the right people for the right purpose...
    records = flow.get("meti.adjudicator", f"/assessments/{aid}/records", purpose="assessment")
    assert any(canary in json.dumps(r, ensure_ascii=False) for r in records)
    # ...but never in plaintext at rest, in the audit log, or in what the employer sees.
    ctx.close()  # flush SQLite's WAL into the files we read
    dump = _raw_dump(db_url)
    for c in CANARIES[:3]:
        assert c.encode() not in dump, c
        assert c.encode("utf-16-le") not in dump, c
    entries = all_entries(flow)
    assert not any(c in json.dumps(entries, ensure_ascii=False) for c in CANARIES)
    employer = [flow.get("sakura.security", f"/employer/assessments/{aid}"),
                flow.get("sakura.security", f"/assessments/{aid}/notices")]  # fmt: skip
    assert not any(c in json.dumps(employer, ensure_ascii=False) for c in CANARIES)


@pytest.fixture
def flow_client(
    client: TestClient, clock: FakeClock, seeded: AppContext
) -> tuple[Flow, AppContext]:
    return Flow(client, clock), seeded


def test_every_vetting_read_is_audited_with_its_purpose(
    flow_client: tuple[Flow, AppContext],
) -> None:
    flow, _ = flow_client
    aid = flow.favourable()
    flow.get("cao.investigator", f"/assessments/{aid}/questionnaire", purpose="statutory_audit")
    flow.get("cao.investigator", f"/assessments/{aid}/records", expect=403,
             purpose="complaint_handling")  # fmt: skip
    flow.get("meti.adjudicator", f"/assessments/{aid}/records", expect=403, purpose="curiosity")
    entries = all_entries(flow)
    reads = [(e["actor"].split(":")[1], e["decision"], e["purpose"]) for e in entries
             if e["action"] == "vetting:read" and e["target"] == f"assessment:{aid}"]  # fmt: skip
    assert ("cao.investigator", "allow", "statutory_audit") in reads
    assert ("cao.investigator", "deny", "complaint_handling") in reads
    assert ("meti.adjudicator", "deny", "curiosity") in reads


def test_an_investigator_never_decides_and_one_official_never_confirms_alone(
    flow_client: tuple[Flow, AppContext],
) -> None:
    flow, ctx = flow_client
    aid = flow.reported()
    accounts = flow.get("admin", "/accounts", limit=200)["items"]
    me = next(a for a in accounts if a["username"] == "cao.investigator")
    # The same account holding an adjudicator role (e.g. after a transfer): refused on this case.
    dual = Subject(uuid.UUID(me["id"]), "cao.investigator", frozenset({Role.ADJUDICATOR}),
                   uuid.UUID(flow.orgs["METI"]), OrgKind.ADMINISTRATIVE_ORGAN)  # fmt: skip
    with pytest.raises(NotAuthorized) as err:
        adjudication.propose(
            ctx.deps, dual, uuid.UUID(aid), outcome=adjudication.Outcome.FAVOURABLE
        )
    assert err.value.reason == "separation_of_duties"
    flow.post("meti.adjudicator", f"/assessments/{aid}/decision", {"outcome": "favourable"})
    r = flow.c.post(
        f"/api/v1/assessments/{aid}/decision/confirm", headers=flow.h("meti.adjudicator")
    )
    assert r.status_code == 403 and r.json()["detail"].startswith("The decision must be confirmed")
    assert flow.get("meti.officer", f"/assessments/{aid}")["status"] == "decision_proposed"
    flow.post("meti.head", f"/assessments/{aid}/decision/confirm")


def test_without_the_second_official_rule_one_decision_suffices(
    flow_client: tuple[Flow, AppContext],
) -> None:
    flow, ctx = flow_client
    params = dict(ctx.deps.regime.parameters)
    params["second_official_required"] = params["second_official_required"].model_copy(
        update={"value": False}
    )
    regime = ctx.deps.regime.model_copy(update={"parameters": params})
    object.__setattr__(ctx, "deps", dataclasses.replace(ctx.deps, regime=regime))
    aid = flow.reported()
    case = flow.post("meti.adjudicator", f"/assessments/{aid}/decision", {"outcome": "favourable"})
    assert case["status"] == "decided"
    assert flow.post("meti.officer", f"/assessments/{aid}/notify")["status"] == "result_notified"


def test_retention_purge_destroys_the_key_and_the_data(
    flow_client: tuple[Flow, AppContext],
) -> None:
    flow, ctx = flow_client
    aid = flow.reported()
    flow.decide(aid, "unfavourable", reasons="理由")
    assert flow.post("admin", "/vetting/purge")["count"] == 0  # within the retention period
    flow.clock.advance(days=366 * 10 + 5)
    flow._headers.clear()
    assert flow.post("admin", "/vetting/purge")["count"] == 1
    r = flow.c.get(f"/api/v1/assessments/{aid}/records", params={"purpose": "assessment"},
                   headers=flow.h("meti.adjudicator"))  # fmt: skip
    assert r.status_code == 200 and r.json() == []
    with ctx.deps.uow() as uow:
        assert uow.cases.get_key(uuid.UUID(flow.persons["hanako"])) == (None, True)
    entries = all_entries(flow)
    purge = [e for e in entries if e["action"] == "vetting:purge"]
    assert purge and purge[0]["payload"]["key_destroyed"] is True
