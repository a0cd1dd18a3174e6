"""Concurrency (RELIABILITY.md G-CON-1, CI size): 32 clients race over HTTP on the same case and
the same material, on SQLite and PostgreSQL: 0 double effects, and the audit sequence stays unique,
gap-free and verifying."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import text

from clearance.bootstrap import AppContext, cli_subject
from clearance.services import audit
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.ui.conftest import LiveServer

CLIENTS = 32


def race(live: LiveServer, calls: list[tuple[dict[str, str], str, Any]]) -> list[int]:
    """Fire every call at once (a barrier), one thread each; returns the status codes."""
    barrier = threading.Barrier(len(calls))
    codes: list[int] = [0] * len(calls)

    def one(i: int) -> None:
        headers, path, body = calls[i]
        with httpx.Client(base_url=live.url, headers=headers, timeout=60) as c:
            barrier.wait()
            codes[i] = c.post(path, json=body).status_code

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return codes


def events(ctx: AppContext, sql: str, **params: Any) -> Counter[str]:
    with ctx.engine.connect() as c:
        return Counter(r[0] for r in c.execute(text(sql), params))


def test_32_clients_race_without_double_effects(seeded: AppContext, clock: FakeClock,
                                                 live: LiveServer) -> None:  # fmt: skip
    flow = Flow(TestClient(live.server.config.app), clock)
    api = "/api/v1"
    # 1. Double confirmation: 32 confirmations of one proposed decision, exactly one lands.
    aid = flow.reported()
    flow.post("meti.adjudicator", f"/assessments/{aid}/decision", {"outcome": "favourable"})
    head = flow.h("meti.head")
    codes = race(live, [(head, f"{api}/assessments/{aid}/decision/confirm", None)] * CLIENTS)
    assert codes.count(200) == 1 and set(codes) <= {200, 409}, Counter(codes)
    done = events(seeded, "SELECT command FROM assessment_events WHERE assessment_id = :a",
                  a=aid.replace("-", "") if seeded.engine.dialect.name == "sqlite" else aid)  # fmt: skip
    assert done["confirm_decision"] == 1
    flow.post("meti.officer", f"/assessments/{aid}/notify")
    # 2. Consent withdrawal against adjudication on another case: never both a decision after
    #    the withdrawal, never two of the same step.
    other = flow.reported()
    person, adjudicator = flow.h("tanaka.hanako"), flow.h("meti.adjudicator")
    calls: list[tuple[dict[str, str], str, Any]] = []
    for i in range(CLIENTS):
        calls.append((person, f"{api}/assessments/{other}/withdraw", None) if i % 2 else
                     (adjudicator, f"{api}/assessments/{other}/decision", {"outcome": "favourable"}))  # fmt: skip
    codes = race(live, calls)
    assert set(codes) <= {200, 409}, Counter(codes)
    steps = events(seeded, "SELECT command FROM assessment_events WHERE assessment_id = :a",
                   a=other.replace("-", "") if seeded.engine.dialect.name == "sqlite" else other)  # fmt: skip
    assert steps["withdraw"] == 1 and steps["propose_decision"] <= 1
    final = flow.get("meti.officer", f"/assessments/{other}")["status"]
    assert final == "withdrawn"
    # 3. Return against destruction of the same material: exactly one of them happens.
    w = World(flow)
    sec = flow.h("sakura.security")
    persons = flow.get("sakura.security", "/persons")["items"]
    destroy = {"destroyer_id": persons[0]["id"], "witness_id": persons[1]["id"], "method": "裁断"}
    calls = [(sec, f"{api}/materials/{w.material}/return", None) if i % 2 else
             (sec, f"{api}/materials/{w.material}/destruction", destroy) for i in range(CLIENTS)]  # fmt: skip
    codes = race(live, calls)
    assert codes.count(200) == 1, Counter(codes)
    mid = w.material.replace("-", "") if seeded.engine.dialect.name == "sqlite" else w.material
    kinds = events(seeded, "SELECT kind FROM custody_events WHERE material_id = :m", m=mid)
    assert kinds["destroy"] + kinds["return"] == 1, kinds
    # The log: unique, gap-free, verifying.
    with seeded.engine.connect() as c:
        seqs = [r[0] for r in c.execute(text("SELECT seq FROM audit_log ORDER BY seq"))]
    assert seqs == list(range(1, len(seqs) + 1))
    assert audit.verify_log(seeded.deps, cli_subject()).ok
