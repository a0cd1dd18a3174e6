"""Bounded retries of transient conflicts (issue 7, item 5), on SQLite and PostgreSQL.

The database is made to fail the designation's INSERT with the driver's own transient error
(PostgreSQL: SQLSTATE 40001 serialization_failure; SQLite: "database is locked") a set number of
times. The request is run again, as a whole, at most four times: up to three failures it lands
exactly once; four failures answer 409 ``conflict`` with Retry-After and nothing is applied. Either
way the audit log stays gap-free and verifies, and no failure is a 500.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import psycopg.errors
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from clearance.bootstrap import AppContext, cli_subject
from clearance.services import audit
from tests.conftest import FakeClock
from tests.e2e.flows import Flow


def _inject(ctx: AppContext, failures: int) -> list[str]:
    """Fail the next ``failures`` designation INSERTs with the driver's transient error."""
    seen: list[str] = []

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if statement.startswith("INSERT INTO designations") and len(seen) < failures:
            seen.append(statement)
            if ctx.engine.dialect.name == "postgresql":
                raise psycopg.errors.SerializationFailure("could not serialize access")
            raise sqlite3.OperationalError("database is locked")

    event.listen(ctx.engine, "do_execute", do_execute)
    return seen


@pytest.mark.parametrize(("failures", "lands"), [(0, True), (1, True), (3, True), (4, False)])
def test_transient_conflicts_are_retried_a_bounded_number_of_times(
    seeded: AppContext, client: TestClient, clock: FakeClock, failures: int, lands: bool
) -> None:
    f = Flow(client, clock)
    headers = f.h("meti.manager")
    with seeded.deps.uow() as uow:
        before = uow.audit.size()
    seen = _inject(seeded, failures)
    today = clock.now().date()
    r = client.post("/api/v1/designations", headers=headers, json={
        "category_code": "A3", "document_number": "RETRY-1", "title": "再試行", "marking": "mark",
        "start_on": today.isoformat(), "expires_on": today.replace(year=today.year + 1).isoformat(),
    })  # fmt: skip
    assert len(seen) == failures
    ledger = client.get("/api/v1/designations", headers=headers).json()
    numbers = [d["document_number"] for d in ledger]
    if lands:
        assert r.status_code == 201, r.text
        assert numbers.count("RETRY-1") == 1
    else:
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "conflict" and r.headers["retry-after"] == "1"
        assert "RETRY-1" not in numbers
    with seeded.deps.uow() as uow:
        entries = [e for e, _ in uow.audit.entries(start=before + 1)]
    assert [e.seq for e in entries] == list(range(before + 1, before + 1 + len(entries)))
    designated = [e for e in entries if e.action == "designation:manage"]
    assert len(designated) == (1 if lands else 0)
    assert audit.verify_log(seeded.deps, cli_subject()).ok


def test_an_io_error_fails_closed(seeded: AppContext, client: TestClient, clock: FakeClock) -> None:
    """RELIABILITY.md R-DB-5: a disk error in the middle of a write (PostgreSQL: disk full,
    SQLSTATE 53100; SQLite: "disk I/O error") answers 503 ``infrastructure`` without detail,
    is not retried, and leaves nothing half-done."""
    f = Flow(client, clock)
    headers = f.h("meti.manager")
    with seeded.deps.uow() as uow:
        before = uow.audit.size()
    seen: list[str] = []

    def do_execute(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if statement.startswith("INSERT INTO designation_events"):
            seen.append(statement)
            if seeded.engine.dialect.name == "postgresql":
                raise psycopg.errors.DiskFull("could not extend file: No space left on device")
            raise sqlite3.OperationalError("disk I/O error")

    event.listen(seeded.engine, "do_execute", do_execute)
    today = clock.now().date()
    r = client.post("/api/v1/designations", headers=headers, json={
        "category_code": "A3", "document_number": "IO-1", "title": "障害", "marking": "mark",
        "start_on": today.isoformat(), "expires_on": today.replace(year=today.year + 1).isoformat(),
    })  # fmt: skip
    event.remove(seeded.engine, "do_execute", do_execute)
    assert len(seen) == 1  # not retried: an I/O error is not a transient conflict
    assert r.status_code == 503 and r.json()["code"] == "infrastructure", r.text
    assert "No space" not in r.text and "I/O" not in r.text
    ledger = client.get("/api/v1/designations", headers=headers).json()
    assert "IO-1" not in [d["document_number"] for d in ledger]  # the designation row too
    with seeded.deps.uow() as uow:
        after = [e.action for e, _ in uow.audit.entries(start=before + 1)]
    assert "designation:manage" not in after  # no audit entry for what did not happen
    assert audit.verify_log(seeded.deps, cli_subject()).ok
