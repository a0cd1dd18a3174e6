"""Crash safety (RELIABILITY.md G-DUR-1): SIGKILL the server at random moments while concurrent
clients write, restart it, and check the clients' acknowledged writes against the database.

    python -m tests.reliability.harness --cycles 200                   # SQLite
    python -m tests.reliability.harness --cycles 200 --db postgresql+psycopg://…/EMPTY_DB

Writers (threads, through HTTP): designations, materials (custody registration and numbered
copies), assessment steps (a company registers a person, lists them as a candidate, records their
listing consent) and audited access decisions. After every restart:
- every acknowledged designation, material, person and assessment exists, and every acknowledged
  assessment step is in its history (0 acknowledged writes lost);
- no partial transaction is visible: every designation has its ``designate`` event and its audit
  entry, every material its ``receipt`` or ``copy`` custody event, every assessment its events,
  each with its audit entry;
- the audit log verifies, and holds at least one ``access:decide`` entry per acknowledged decision;
- SQLite's ``PRAGMA integrity_check`` says ok.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyotp
from sqlalchemy import create_engine, text

from clearance.bootstrap import build_context, cli_subject
from clearance.config import load_settings
from clearance.services import audit, demo


@dataclass
class Acks:
    designations: set[str] = field(default_factory=set)
    materials: set[str] = field(default_factory=set)
    persons: set[str] = field(default_factory=set)
    steps: dict[str, int] = field(default_factory=dict)  # assessment -> acknowledged steps
    decisions: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Installation:
    def __init__(self, db: str | None, workdir: Path) -> None:
        self.env = {**os.environ, "CLEARANCE_DATA_DIR": str(workdir / "data"),
                    "CLEARANCE_DATABASE_URL": db or f"sqlite:///{workdir / 'crash.db'}",
                    "CLEARANCE_ARGON2_MEMORY_KIB": "64", "CLEARANCE_ARGON2_TIME_COST": "1",
                    "CLEARANCE_CHECKPOINT_INTERVAL_SECONDS": "0"}  # fmt: skip
        self.settings = load_settings(environ={k: v for k, v in self.env.items()
                                               if k.startswith("CLEARANCE_")})  # fmt: skip
        ctx = build_context(self.settings)
        ctx.migrate()
        demo.seed(ctx.deps, cli_subject())
        ctx.close()
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        t = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "clearance.cli.main", "serve", "--host", "127.0.0.1",
             "--port", str(self.port)], env=self.env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)  # fmt: skip
        for _ in range(400):
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - t
            except httpx.TransportError:
                time.sleep(0.025)
        raise RuntimeError("the server did not come up")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def login(base: str, username: str) -> dict[str, str]:
    r = httpx.post(f"{base}/api/v1/auth/login", json={
        "username": username, "password": demo.DEMO_PASSWORD,
        "totp": pyotp.TOTP(demo.demo_totp_secret(username)).now()})  # fmt: skip
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}"}


def writer(base: str, h: dict[str, str], kind: str, acks: Acks, stop: threading.Event,
           ctx: dict[str, Any], seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    today = dt.date.today()  # noqa: DTZ011 - the server's clock is the real one here
    with httpx.Client(base_url=base, headers=h, timeout=5) as c:
        while not stop.is_set():
            try:
                if kind == "designation":
                    number = f"CR-{seed}-{rng.getrandbits(40):x}"
                    r = c.post("/api/v1/designations", json={
                        "category_code": "A1", "document_number": number, "title": "crash",
                        "marking": "mark", "start_on": today.isoformat(),
                        "expires_on": (today + dt.timedelta(days=300)).isoformat()})  # fmt: skip
                    if r.status_code == 201:
                        with acks.lock:
                            acks.designations.add(r.json()["id"])
                elif kind == "material":
                    r = c.post("/api/v1/materials", json={
                        "designation_id": ctx["designation"], "kind": "document",
                        "title": f"crash-{seed}", "copy_total": 1, "location": "safe"})  # fmt: skip
                    if r.status_code == 201:
                        made = r.json()[0]["id"]
                        with acks.lock:
                            acks.materials.add(made)
                        r = c.post(f"/api/v1/materials/{made}/copies", json={"location": "safe"})
                        if r.status_code == 201:
                            with acks.lock:
                                acks.materials.add(r.json()["id"])
                elif kind == "assessment":
                    assess(c, ctx, acks, rng)
                else:
                    r = c.post("/api/v1/access/decisions", json={
                        "person_id": rng.choice(ctx["people"]), "material_id": ctx["material"],
                        "action": "read"})  # fmt: skip
                    if r.status_code == 200:
                        with acks.lock:
                            acks.decisions += 1
            except httpx.TransportError:
                return  # the server died under us: what was acknowledged is what counts


def assess(c: httpx.Client, ctx: dict[str, Any], acks: Acks, rng: random.Random) -> None:
    """The company's first steps of an assessment, each its own transaction, each acknowledged."""
    r = c.post("/api/v1/persons", headers=ctx["company"], json={
        "family_name": "試験", "given_name": f"者{rng.getrandbits(32):x}",
        "family_name_kana": "シケン", "given_name_kana": "シャ", "date_of_birth": "1990-01-01",
        "employer_id": ctx["sakura"]})  # fmt: skip
    if r.status_code != 201:
        return
    person = r.json()["id"]
    with acks.lock:
        acks.persons.add(person)
    r = c.post("/api/v1/assessments/candidates", headers=ctx["company"],
               json={"person_id": person, "agency_id": ctx["meti"]})  # fmt: skip
    if r.status_code != 201:
        return
    aid = r.json()["assessment_id"]
    with acks.lock:
        acks.steps[aid] = 1
    r = c.post(f"/api/v1/assessments/{aid}/listing-consent", headers=ctx["company"],
               json={"given": True})  # fmt: skip
    if r.status_code == 200:
        with acks.lock:
            acks.steps[aid] = 2


def _ids(c: Any, sql: str) -> set[str]:
    # Raw SQL: SQLite keeps UUIDs as 32 hex digits, PostgreSQL as uuid; compare as UUIDs.
    return {str(uuid.UUID(str(r[0]))) for r in c.execute(text(sql))}


def check_assessments(c: Any, acks: Acks) -> int:
    """Acknowledged persons, assessments and steps are all there, each event with its audit entry."""
    lost = acks.persons - _ids(c, "SELECT id FROM persons")
    events: dict[str, int] = {}
    for row in c.execute(text("SELECT assessment_id FROM assessment_events")):
        key = str(uuid.UUID(str(row[0])))
        events[key] = events.get(key, 0) + 1
    short = {a for a, n in acks.steps.items() if events.get(a, 0) < n}
    assert not lost and not short, f"acknowledged assessment writes lost: {lost or short}"
    audited: dict[str, int] = {}
    for row in c.execute(text("SELECT target FROM audit_log WHERE target LIKE 'assessment:%' "
                              "AND decision = 'allow' AND payload LIKE '%\"command\"%'")):  # fmt: skip
        audited[row[0]] = audited.get(row[0], 0) + 1
    unaudited = [a for a, n in events.items() if audited.get(f"assessment:{a}", 0) != n]
    assert not unaudited, f"assessment events without their audit entry: {unaudited[:3]}"
    return len(events)


def check(inst: Installation, acks: Acks) -> dict[str, Any]:
    engine = create_engine(inst.settings.effective_database_url)
    with engine.connect() as c:
        designations = _ids(c, "SELECT id FROM designations")
        materials = _ids(c, "SELECT id FROM materials")
        lost = (acks.designations - designations) | (acks.materials - materials)
        assert not lost, f"acknowledged writes lost: {sorted(lost)[:5]}"
        orphans = c.execute(text(
            "SELECT count(*) FROM designations d WHERE NOT EXISTS (SELECT 1 FROM "
            "designation_events e WHERE e.designation_id = d.id AND e.kind = 'designate')")).scalar()  # fmt: skip
        orphan_materials = c.execute(text(
            "SELECT count(*) FROM materials m WHERE NOT EXISTS (SELECT 1 FROM custody_events e "
            "WHERE e.material_id = m.id AND e.kind IN ('receipt', 'copy'))")).scalar()  # fmt: skip
        assert orphans == 0 and orphan_materials == 0, "a partial transaction is visible"
        audited = {r[0] for r in c.execute(text(
            "SELECT target FROM audit_log WHERE action = 'designation:manage'"))}  # fmt: skip
        missing = [d for d in designations if f"designation:{d}" not in audited]
        assert not missing, f"designations without their audit entry: {missing[:3]}"
        decided = c.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'access:decide'")
        ).scalar()
        assert decided is not None and decided >= acks.decisions, (decided, acks.decisions)
        assessments = check_assessments(c, acks)
        if engine.dialect.name == "sqlite":
            assert c.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    engine.dispose()
    ctx = build_context(inst.settings)
    try:
        report = audit.verify_log(ctx.deps, cli_subject())
        assert report.ok, report.problem
    finally:
        ctx.close()
    return {"designations": len(designations), "materials": len(materials),
            "assessments": assessments, "entries": report.size}  # fmt: skip


def wait_for_progress(acks: Acks, before: tuple[int, int, int], deadline_s: float) -> None:
    """Until a designation, a material and an assessment step were each acknowledged since
    ``before``, or the (generous) deadline passes: then the check below reports what is missing."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        with acks.lock:
            now = (len(acks.designations), len(acks.materials), len(acks.steps))
        if all(n > b for n, b in zip(now, before, strict=True)):
            return
        time.sleep(0.02)


def run(cycles: int, db: str | None = None, workdir: Path | None = None, seed: int = 7,
        clients: int = 8) -> dict[str, Any]:  # fmt: skip
    workdir = workdir or Path(tempfile.mkdtemp(prefix="clearance-crash-"))
    inst = Installation(db, workdir)
    rng = random.Random(seed)
    inst.start()
    h = login(inst.base, "meti.manager")  # a session lives in the database: it survives kills
    with httpx.Client(base_url=inst.base, headers=h) as c:
        today = dt.date.today()  # noqa: DTZ011
        d = c.post("/api/v1/designations", json={
            "category_code": "A1", "document_number": "CRASH-BASE", "title": "base",
            "marking": "mark", "start_on": today.isoformat(),
            "expires_on": (today + dt.timedelta(days=300)).isoformat()}).json()  # fmt: skip
        m = c.post("/api/v1/materials", json={"designation_id": d["id"], "kind": "document",
                                              "title": "base", "copy_total": 1,
                                              "location": "safe"}).json()[0]  # fmt: skip
        people = [p["id"] for p in c.get("/api/v1/persons", params={"limit": 50}).json()["items"]]
        orgs = {o["code"]: o["id"]
                for o in c.get("/api/v1/organisations", params={"limit": 50}).json()["items"]}  # fmt: skip
    shared = {"designation": d["id"], "material": m["id"], "people": people,
              "company": login(inst.base, "sakura.security"), "sakura": orgs["SAKURA-HI"],
              "meti": orgs["METI"]}  # fmt: skip
    acks = Acks()
    acks.designations.add(d["id"])
    restarts: list[float] = []
    for cycle in range(cycles):
        stop = threading.Event()
        kinds = ["designation", "material", "decision", "assessment"]
        threads = [threading.Thread(target=writer, args=(inst.base, h, kinds[i % 4], acks, stop,
                                                         shared, seed * 1000 + cycle * 10 + i))
                   for i in range(clients)]  # fmt: skip
        with acks.lock:
            before = (len(acks.designations), len(acks.materials), len(acks.steps))
        for t in threads:
            t.start()
        # Driven by progress, not by time (a loaded machine is slow, not wrong): wait until every
        # kind of write was acknowledged at least once in this cycle, then kill at a random
        # moment shortly after, in the middle of the writes that follow.
        wait_for_progress(acks, before, deadline_s=120)
        time.sleep(rng.uniform(0.0, 0.3))
        inst.kill()
        stop.set()
        for t in threads:
            t.join()
        result = check(inst, acks)
        restarts.append(inst.start())
    inst.kill()
    return {**result, "cycles": cycles, "acknowledged_decisions": acks.decisions,
            "restart_to_ready_max_s": round(max(restarts), 2)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cycles", type=int, default=200)
    ap.add_argument("--db", default=None, help="an empty database (default: a new SQLite file)")
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args(argv)
    print(run(args.cycles, args.db, clients=args.clients))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
