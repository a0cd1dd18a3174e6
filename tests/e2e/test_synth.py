"""``clearance synth`` on both databases: the world has what it promises (every assessment status,
history that verifies, Japanese names) and the application works on it."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select
from typer.testing import CliRunner

from clearance.adapters.db import tables as t
from clearance.adapters.db import tables_cesi as tc
from clearance.bootstrap import build_context, cli_subject
from clearance.cli.main import app
from clearance.config import load_settings
from clearance.services import audit

runner = CliRunner()


def test_synth_builds_a_world_that_verifies(env: dict[str, str]) -> None:
    r = runner.invoke(app, ["synth", "--persons", "1500", "--audit-entries", "3000"], env=env)
    assert r.exit_code == 0, r.output
    assert "persons 1,500" in " ".join(r.output.split())
    ctx = build_context(load_settings(environ=env))
    try:
        with ctx.engine.connect() as c:
            statuses = Counter(dict(c.execute(select(t.assessments.c.status, func.count())
                                              .group_by(t.assessments.c.status)).all()))  # fmt: skip
            names = [r[0] for r in c.execute(select(t.persons.c.family_name).limit(50))]
            designations = c.execute(select(func.count()).select_from(tc.designations)).scalar()
            events = c.execute(select(func.count()).select_from(t.assessment_events)).scalar()
        assert len(statuses) >= 15  # (nearly) every status of the assessment
        assert {"result_notified", "consent_refused", "withdrawn", "questionnaire_open"} <= set(
            statuses
        )
        assert all(not n.isascii() for n in names)
        assert designations == 150 and events and events > sum(statuses.values())
        report = audit.verify_log(ctx.deps, cli_subject())
        assert report.ok and report.size >= 3000
    finally:
        ctx.close()
    r = runner.invoke(app, ["jobs", "run"], env=env)  # the application works on the world
    assert r.exit_code == 0, r.output
