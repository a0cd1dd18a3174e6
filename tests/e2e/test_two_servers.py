"""Several application processes, one PostgreSQL: the application keeps no state of its own, so
sessions, login throttling and one gap-free audit log are shared by two server processes on
loopback under concurrent writes through both."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
import sqlalchemy as sa

from clearance.bootstrap import build_context, cli_subject
from clearance.config import load_settings
from clearance.services import audit, demo

pytestmark = pytest.mark.postgres


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def two_servers(
    tmp_path: Path, pg_server: str | None
) -> Iterator[tuple[list[str], dict[str, str]]]:
    if pg_server is None:
        if os.environ.get("CLEARANCE_REQUIRE_PG"):
            pytest.fail("PostgreSQL is required")
        pytest.skip("no PostgreSQL server")
    name = f"two_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    env = {**os.environ, "CLEARANCE_DATA_DIR": str(tmp_path / "data"),
           "CLEARANCE_DATABASE_URL": f"{pg_server.rsplit('/', 1)[0]}/{name}",
           "CLEARANCE_ARGON2_MEMORY_KIB": "64", "CLEARANCE_ARGON2_TIME_COST": "1",
           "CLEARANCE_LOGIN_MAX_FAILURES": "4"}  # fmt: skip
    ctx = build_context(load_settings(environ={k: v for k, v in env.items()
                                               if k.startswith("CLEARANCE_")}))  # fmt: skip
    ctx.migrate()
    demo.seed(ctx.deps, cli_subject())
    ctx.close()
    procs, urls = [], []
    for _ in range(2):
        port = free_port()
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "clearance.web.app:from_environment",
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env))  # fmt: skip
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(300):
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
        yield urls, env
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=20)
        with admin.connect() as c:
            c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def login(
    url: str, username: str, code: str | None = None, password: str | None = None
) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/auth/login", json={
        "username": username, "password": password or demo.DEMO_PASSWORD,
        "totp": code or pyotp.TOTP(demo.demo_totp_secret(username)).now()})  # fmt: skip


def test_sessions_throttling_and_one_audit_log_are_shared(
    two_servers: tuple[list[str], dict[str, str]],
) -> None:
    (a, b), env = two_servers
    # A session made by one process is honoured by the other, and ended for both.
    token = login(a, "inspector").json()["token"]
    h = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{b}/api/v1/designations", headers=h).status_code == 200
    assert httpx.post(f"{b}/api/v1/auth/logout", headers=h).status_code in (200, 204)
    assert httpx.get(f"{a}/api/v1/designations", headers=h).status_code == 401
    # Failed logins through both processes count together: the fifth is throttled wherever it lands.
    codes = [login((a, b)[i % 2], "meti.officer", password="wrong-password").status_code
             for i in range(5)]  # fmt: skip
    assert codes[:4] == [401] * 4 and codes[4] == 429, codes
    assert login(b, "meti.officer").status_code == 429  # even with the right password, for now
    # Concurrent audited writes through both processes.
    manager = login(a, "meti.manager").json()["token"]
    tokens = [manager, manager]  # one session, used through both processes
    persons = httpx.get(f"{a}/api/v1/persons", headers={"Authorization": f"Bearer {tokens[0]}"},
                        params={"limit": 50}).json()["items"]  # fmt: skip
    d = httpx.post(f"{a}/api/v1/designations", headers={"Authorization": f"Bearer {tokens[0]}"},
                   json={"category_code": "A1", "document_number": "TWO-1", "title": "t",
                         "marking": "mark", "start_on": time.strftime("%Y-%m-%d"),
                         "expires_on": f"{int(time.strftime('%Y')) + 1}-01-01"}).json()  # fmt: skip
    m = httpx.post(f"{b}/api/v1/materials", headers={"Authorization": f"Bearer {tokens[0]}"},
                   json={"designation_id": d["id"], "kind": "document", "title": "x",
                         "copy_total": 1, "location": "金庫"}).json()[0]  # fmt: skip
    before = audit_size(env)
    per, errors = 40, []

    def client(i: int) -> None:
        url = (a, b)[i % 2]
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {tokens[i % 2]}"}) as c:
            for k in range(per):
                r = c.post("/api/v1/access/decisions", json={
                    "person_id": persons[(i + k) % len(persons)]["id"], "material_id": m["id"],
                    "action": "read"})  # fmt: skip
                if r.status_code != 200:
                    errors.append(r.text)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    engine = sa.create_engine(env["CLEARANCE_DATABASE_URL"])
    with engine.connect() as c:
        seqs = [r[0] for r in c.execute(sa.text("SELECT seq FROM audit_log ORDER BY seq"))]
    engine.dispose()
    assert seqs == list(range(1, len(seqs) + 1))  # unique and gap-free
    assert len(seqs) - before == 8 * per  # one entry per decision, none lost
    ctx = build_context(load_settings(environ={k: v for k, v in env.items()
                                               if k.startswith("CLEARANCE_")}))  # fmt: skip
    try:
        assert audit.verify_log(ctx.deps, cli_subject()).ok
    finally:
        ctx.close()


def audit_size(env: dict[str, str]) -> int:
    engine = sa.create_engine(env["CLEARANCE_DATABASE_URL"])
    with engine.connect() as c:
        n = int(c.execute(sa.text("SELECT count(*) FROM audit_log")).scalar_one())
    engine.dispose()
    return n
