"""OpenAPI fuzzing (RELIABILITY.md G-API): Schemathesis generates requests for every operation from
the OpenAPI document and sends them in process, authenticated as the demo roles in turn, on SQLite
and PostgreSQL. Checks: no server error, responses that match the documented schema, status codes
and content types."""

from __future__ import annotations

import itertools
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from clearance.bootstrap import AppContext
from clearance.web.app import create_app
from tests.conftest import FakeClock, login
from tests.e2e.flows import Flow
from tests.e2e.test_assessment_privacy import _raw_dump

# Generated requests per operation: SQLite takes the full run; PostgreSQL a shorter one in CI (the
# same code paths, with PostgreSQL's own types, locks and errors underneath).
EXAMPLES = {"sqlite": int(os.environ.get("CLEARANCE_FUZZ_EXAMPLES", "100")),
            "postgresql": int(os.environ.get("CLEARANCE_FUZZ_EXAMPLES_PG", "50"))}  # fmt: skip
# Planted before fuzzing in vetting data (answers, notes, findings) and a whistle-blowing report:
# no error response, log record or raw database byte may carry it afterwards (issue 7, item 6).
CANARY = f"FUZZCANARY{uuid.uuid4().hex[:10]}"
ROLES = ("admin", "meti.manager", "meti.officer", "meti.head", "meti.adjudicator",
         "cao.investigator", "sakura.security", "tanaka.hanako", "inspector", None)  # fmt: skip


@pytest.fixture
def fuzz_world(tmp_path: Path, db_url: str) -> Iterator[tuple[Any, dict[str, Any], int]]:
    from fastapi.testclient import TestClient

    from clearance.bootstrap import build_context, cli_subject
    from clearance.services import demo
    from tests.conftest import make_settings

    clock = FakeClock()
    ctx: AppContext = build_context(make_settings(tmp_path, db_url), clock=clock)
    ctx.migrate()
    demo.seed(ctx.deps, cli_subject())
    app = create_app(ctx)
    client = TestClient(app)
    flow = Flow(client, clock)
    flow.reported(canary=CANARY)
    flow.post("suzuki.misaki", "/whistle-reports", {"text": f"通報 {CANARY}"}, 201)
    headers = {r: (login(client, clock, r) if r else {}) for r in ROLES}
    yield app, headers, EXAMPLES[ctx.engine.dialect.name]
    assert CANARY.encode() not in _raw_dump(db_url), "a canary is stored in plaintext"
    ctx.close()


def test_every_operation_holds_under_generated_input(
    fuzz_world: tuple[Any, dict[str, Any], int], caplog: pytest.LogCaptureFixture
) -> None:
    """Each operation in turn (our own loop over Schemathesis's strategies rather than its pytest
    plugin, which newer pytest releases break)."""
    app, headers, examples = fuzz_world
    caplog.set_level(logging.INFO)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    rotation = itertools.cycle(ROLES)
    failures: list[str] = []
    leaks: list[str] = []
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 100
    for op in operations:

        @given(case=op.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def run(case: Any) -> None:
            # Every default check except "a schema-valid request is accepted": with the roles
            # rotating and the regime's own rules (dates, states, need to know), a schema-valid
            # request is often rightly refused with a documented 4xx.
            response = case.call_and_validate(headers=dict(headers[next(rotation)]),
                                              excluded_checks=[positive_data_acceptance])  # fmt: skip
            if response.status_code >= 400 and CANARY in response.text:
                leaks.append(f"{case.method} {case.path}: {response.status_code}")

        try:
            run()
        except Exception as exc:
            failures.append(f"{op.label}: {str(exc)[:2000]}")
    assert not failures, "\n\n".join(failures)
    assert not leaks, leaks[:5]
    assert CANARY not in caplog.text


STATEFUL_ROLES = ("meti.manager", "sakura.security", "meti.officer", "admin")


def test_stateful_sequences_hold(fuzz_world: tuple[Any, dict[str, Any], int]) -> None:
    """Schemathesis's stateful phase: call sequences chained through the links it infers from the
    responses and path parameters (about 1,400), so later calls act on objects that really exist.
    One role per run, as a user of that role would chain them; the same checks as above."""
    app, headers, examples = fuzz_world
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    workflow = schema.as_state_machine()
    statuses: list[int] = []
    for role in STATEFUL_ROLES:

        class Workflow(workflow):  # type: ignore[misc, valid-type]
            role_headers: ClassVar[dict[str, str]] = dict(headers[role])

            def get_call_kwargs(self, case: Any) -> dict[str, Any]:
                return {"headers": self.role_headers}

            def after_call(self, response: Any, case: Any) -> None:
                statuses.append(response.status_code)
                if response.status_code >= 400:
                    assert CANARY not in response.text, f"{case.method} {case.path} echoes data"

            def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
                case.validate_response(response, excluded_checks=[positive_data_acceptance],
                                       transport_kwargs=kwargs)  # fmt: skip

        # Generation only: the database keeps what earlier sequences made, so replaying one to
        # shrink it would not behave the same (Hypothesis calls that a flaky strategy).
        Workflow.run(settings=settings(max_examples=max(5, examples // 5), stateful_step_count=8,
                                       deadline=None, derandomize=True, database=None,
                                       phases=[Phase.generate],
                                       suppress_health_check=list(HealthCheck)))  # fmt: skip
    # The sequences ran and reached real objects: many calls, a good share of them successful.
    assert len(statuses) >= 4 * max(5, examples // 5), len(statuses)
    if examples >= 50:  # a share only means something over enough sequences
        assert sum(200 <= s < 300 for s in statuses) >= len(statuses) // 20, statuses
