"""Benchmark at national scale: a synthetic world in the database, the real server over HTTP.

    # CI size (seconds), SQLite:
    python -m bench.scale --persons 300
    # full size, PostgreSQL (see docs/benchmarks.md for the numbers and the machine):
    python -m bench.scale --persons 1000000 --db postgresql+psycopg://USER@HOST/DB

Measures, each against its target from the issue:
- p95 latency of the main lists and searches (API and HTML pages), target <= 100 ms;
- the annual report, target <= 2 s;
- "who could access material M at time T", target <= 200 ms;
- full audit verification, target >= 500,000 entries/s;
- audited access decisions over HTTP from concurrent clients, target >= 2,000/s;
- a roster import of --roster-rows rows (100,000 at full size), target <= 30 s, all or nothing.
The server runs as its own process (``clearance serve``); the clients are threads here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pyotp

from clearance.bootstrap import build_context, cli_subject
from clearance.config import load_settings
from clearance.services import demo
from clearance.tools.synth import Size, generate

TARGETS = {"list_p95_ms": 100, "report_s": 2.0, "who_could_ms": 200,
           "verify_entries_per_s": 500_000, "decisions_per_s": 2_000, "roster_import_s": 30}  # fmt: skip


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


def login(base: str, username: str) -> str:
    secret = demo.demo_totp_secret(username)
    r = httpx.post(f"{base}/api/v1/auth/login", json={
        "username": username, "password": demo.DEMO_PASSWORD, "totp": pyotp.TOTP(secret).now()})  # fmt: skip
    r.raise_for_status()
    return str(r.json()["token"])


def timed(client: httpx.Client, method: str, url: str, n: int, **kw: Any) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.request(method, url, **kw)
        out.append((time.perf_counter() - t) * 1000)
        if r.status_code >= 400:
            raise RuntimeError(f"{method} {url}: {r.status_code} {r.text[:300]}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=300)
    ap.add_argument("--audit-entries", type=int, default=None)
    ap.add_argument("--db", default=None, help="database URL (default: a new SQLite file)")
    ap.add_argument("--requests", type=int, default=40, help="requests per latency probe")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--decisions", type=int, default=2000)
    ap.add_argument("--roster-rows", type=int, default=None, help="default: persons / 10")
    ap.add_argument("--workers", type=int, default=2, help="server worker processes")
    ap.add_argument("--out", default=None, help="write the results as JSON here")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="clearance-bench-"))
    db = args.db or f"sqlite:///{work / 'bench.db'}"
    env = {**os.environ, "CLEARANCE_DATA_DIR": str(work / "data"), "CLEARANCE_DATABASE_URL": db,
           "CLEARANCE_MAX_BODY_BYTES": str(64 * 1024 * 1024)}  # fmt: skip
    settings = load_settings(environ={k: v for k, v in env.items() if k.startswith("CLEARANCE_")})
    ctx = build_context(settings)
    ctx.migrate()
    results: dict[str, Any] = {"persons": args.persons, "database": db.split(":")[0],
                               "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                                          f"Python {platform.python_version()}"}  # fmt: skip
    t = time.perf_counter()
    demo.seed(ctx.deps, cli_subject())
    size = Size.for_persons(args.persons, args.audit_entries)
    counts = generate(ctx.engine, size, categories=[c.code for c in ctx.deps.regime.categories],
                      now=ctx.deps.clock.now())  # fmt: skip
    results["world"] = counts
    results["synth_s"] = round(time.perf_counter() - t, 1)
    if ctx.engine.dialect.name == "postgresql":  # say whether commits were durable
        with ctx.engine.connect() as conn:
            results["postgresql"] = {k: conn.exec_driver_sql(f"SHOW {k}").scalar_one()
                                     for k in ("server_version", "fsync", "synchronous_commit")}  # fmt: skip
    # Full audit verification, in process (the CLI's work without its printing).
    from clearance.services import audit

    t = time.perf_counter()
    report = audit.verify_log(ctx.deps, cli_subject())
    secs = time.perf_counter() - t
    assert report.ok, report.problem
    results["verify_entries"] = report.size
    results["verify_entries_per_s"] = round(report.size / secs)
    ctx.close()

    port = 18000 + random.randrange(2000)
    base = f"http://127.0.0.1:{port}"
    # ``clearance serve --workers N``: N processes on one port (SO_REUSEPORT, TCP_NODELAY kept).
    server = subprocess.Popen([sys.executable, "-m", "clearance.cli.main", "serve", "--host",  # noqa: S603
                               "127.0.0.1", "--port", str(port), "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        tokens = {u: login(base, u) for u in ("meti.manager", "meti.officer", "inspector",
                                              "sakura.security")}  # fmt: skip
        h = {u: {"Authorization": f"Bearer {tok}"} for u, tok in tokens.items()}
        with httpx.Client(base_url=base, timeout=120) as c:
            probes = {
                "GET /api/v1/designations (ledger)": ("GET", "/api/v1/designations?limit=50", h["meti.manager"]),
                "GET /api/v1/assessments (cases)": ("GET", "/api/v1/assessments?limit=50", h["meti.officer"]),
                "GET /api/v1/assessments?status=reported": ("GET", "/api/v1/assessments?limit=50&status=reported", h["meti.officer"]),
                "POST /api/v1/persons/search": ("POST", "/api/v1/persons/search", h["meti.officer"]),
                "GET /cases (page)": ("GET", "/cases", {"Cookie": f"clearance_session={tokens['meti.officer']}"}),
                "GET /designations (page)": ("GET", "/designations", {"Cookie": f"clearance_session={tokens['meti.manager']}"}),
            }  # fmt: skip
            latency = {}
            search = {"q": "佐藤", "limit": 50}  # a name travels in the body, never in the URL
            for name, (method, url, headers) in probes.items():
                kw: dict[str, Any] = {"headers": headers}
                if method == "POST":
                    kw["json"] = search
                timed(c, method, url, 2, **kw)  # warm
                latency[name] = round(p95(timed(c, method, url, args.requests, **kw)), 1)
            results["list_p95_ms"] = latency
            year = dt.datetime.now(dt.UTC).year
            report_ms = timed(c, "GET", f"/api/v1/reports/annual/{year}", 3, headers=h["inspector"])
            results["report_s"] = round(statistics.median(report_ms) / 1000, 3)
            materials = c.get("/api/v1/materials?limit=50", headers=h["meti.manager"]).json()
            material = materials[0]["id"]
            at = dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
            who = timed(c, "GET", f"/api/v1/access/materials/{material}/who?at={at}&action=read",
                        max(5, args.requests // 4), headers=h["meti.manager"])  # fmt: skip
            results["who_could_ms"] = round(p95(who), 1)
            people = [p["id"] for p in c.get("/api/v1/persons?limit=200",
                                             headers=h["meti.officer"]).json()["items"]]  # fmt: skip
        results["decisions_per_s"] = decisions(base, h["meti.manager"], people,
                                               [m["id"] for m in materials], args)  # fmt: skip
        results["roster_import_s"] = roster(base, h["sakura.security"],
                                            args.roster_rows or max(100, args.persons // 10))  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    results["targets"] = TARGETS
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if args.out:
        Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=2), "utf-8")
    return 0


def decisions(base: str, headers: dict[str, str], people: list[str], materials: list[str],
              args: argparse.Namespace) -> int:  # fmt: skip
    """Concurrent clients, each decision audited durably before its answer."""
    per = max(1, args.decisions // args.clients)
    errors: list[str] = []

    def client(seed: int) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=base, timeout=60, headers=headers) as c:
            for _ in range(per):
                r = c.post("/api/v1/access/decisions", json={
                    "person_id": rng.choice(people), "material_id": rng.choice(materials),
                    "action": "read"})  # fmt: skip
                if r.status_code != 200:
                    errors.append(r.text[:200])

    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    t = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    secs = time.perf_counter() - t
    if errors:
        raise RuntimeError(f"{len(errors)} decisions failed: {errors[0]}")
    return round(per * args.clients / secs)


def roster(base: str, headers: dict[str, str], rows: int) -> float:
    lines = ["family_name,given_name,family_name_kana,given_name_kana,date_of_birth,"
             "listing_consent_date"]  # fmt: skip
    for n in range(rows):
        lines.append(f"山田,太郎{n},ヤマダ,タロウ,{1960 + n % 40}-0{1 + n % 9}-1{n % 9},2026-01-05")
    body = "\n".join(lines) + "\n"
    with httpx.Client(base_url=base, timeout=600, headers=headers) as c:
        meti = next(o["id"] for o in c.get("/api/v1/organisations?limit=200").json()["items"]
                    if o["code"] == "METI")  # fmt: skip
        t = time.perf_counter()
        r = c.post(f"/api/v1/rosters/import?agency_id={meti}", content=body.encode(),
                   headers={"Content-Type": "text/csv"})  # fmt: skip
        secs = time.perf_counter() - t
    if r.status_code != 201:
        raise RuntimeError(f"roster import: {r.status_code} {r.text[:300]}")
    return round(secs, 2)


if __name__ == "__main__":
    raise SystemExit(main())
