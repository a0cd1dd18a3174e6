"""Fixtures: every database test runs on SQLite and on a real PostgreSQL.

PostgreSQL comes from ``CLEARANCE_TEST_PG_URL`` or, failing that, a throwaway cluster started from
the installed binaries. Without either, the PostgreSQL half is skipped with a visible reason, unless
``CLEARANCE_REQUIRE_PG=1`` (set by .ci/run), which turns the skip into a failure.

Each test gets a fresh database copied from a migrated template (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL), so tests are isolated and the audit log's
append-only triggers stay in force.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clearance.adapters.db.engine import make_engine
from clearance.adapters.db.migrate import upgrade
from clearance.bootstrap import AppContext, build_context, cli_subject
from clearance.config import load_settings
from clearance.services import demo
from clearance.web.app import create_app
from tests import pgcluster

_counter = itertools.count()


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 4, 1, 9, 0, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += dt.timedelta(**kwargs)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str | None]:
    url = os.environ.get("CLEARANCE_TEST_PG_URL")
    if url:
        yield url
        return
    base = Path(tempfile.mkdtemp(prefix="clearance-pg-"))
    try:
        started = pgcluster.start(base)
    except Exception:  # no usable binaries or no permission: the PG half will skip
        started = None
    yield started
    if started:
        pgcluster.stop(base)
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def empty_pg_url(pg_server: str | None) -> Iterator[str]:
    """A new, empty PostgreSQL database (no schema) for tests that install Clearance themselves."""
    if pg_server is None:
        pytest.skip("no PostgreSQL server")
    name = f"empty_{uuid.uuid4().hex[:8]}"
    admin = _admin_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield f"{pg_server.rsplit('/', 1)[0]}/{name}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _admin_engine(server: str) -> Any:
    return create_engine(server, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(pg_server: str | None) -> str | None:
    if not pg_server:
        return None
    admin = _admin_engine(pg_server)
    with admin.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS clearance_template"))
        conn.execute(text("CREATE DATABASE clearance_template"))
    admin.dispose()
    url = make_url(pg_server).set(database="clearance_template")
    engine = make_engine(url.render_as_string(hide_password=False))
    upgrade(engine)
    engine.dispose()
    return "clearance_template"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
) -> Iterator[str]:
    if request.param == "sqlite":
        target = tmp_path / "clearance.db"
        shutil.copy(sqlite_template, target)
        yield f"sqlite:///{target}"
        return
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_template")
    if not server or not template:
        message = "PostgreSQL not found (no CLEARANCE_TEST_PG_URL, no initdb/pg_ctl)"
        if os.environ.get("CLEARANCE_REQUIRE_PG") == "1":
            pytest.fail(message + " but CLEARANCE_REQUIRE_PG=1")
        pytest.skip(message)
    name = f"clearance_t{os.getpid()}_{next(_counter)}"
    admin = _admin_engine(server)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE {template}'))
    yield make_url(server).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(tmp_path: Path, db_url: str, **overrides: Any) -> Any:
    values = {
        "data_dir": str(tmp_path / "data"),
        "database_url": db_url,
        "argon2_memory_kib": "64",  # fast tests; the production default is checked separately
        "argon2_time_cost": "1",
    }
    values.update({k: str(v) for k, v in overrides.items()})
    return load_settings(environ={f"CLEARANCE_{k.upper()}": v for k, v in values.items()})


@pytest.fixture
def ctx(tmp_path: Path, db_url: str, clock: FakeClock) -> Iterator[AppContext]:
    context = build_context(make_settings(tmp_path, db_url), clock=clock)
    yield context
    context.close()


@pytest.fixture
def seeded(ctx: AppContext) -> AppContext:
    demo.seed(ctx.deps, cli_subject())
    return ctx


@pytest.fixture
def client(seeded: AppContext) -> Iterator[TestClient]:
    with TestClient(create_app(seeded), raise_server_exceptions=False) as c:
        yield c


def totp_now(username: str, clock: FakeClock) -> str:
    return pyotp.TOTP(demo.demo_totp_secret(username)).at(clock.now())


def login(client: TestClient, clock: FakeClock, username: str) -> dict[str, str]:
    """Log a demo account in; return the Bearer header. Moves the clock past the last TOTP step."""
    clock.advance(seconds=31)
    r = client.post(
        "/api/v1/auth/login",
        json={
            "username": username,
            "password": demo.DEMO_PASSWORD,
            "totp": totp_now(username, clock),
        },
    )
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}
