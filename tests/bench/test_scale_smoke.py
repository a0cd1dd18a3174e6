"""``bench/`` runs end to end at a small size in CI: the national-scale benchmark on SQLite and on
PostgreSQL (a fresh database), with the server as its own process. The numbers are not asserted
(performance is measured by benchmarks, not tests); that every probe ran is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBES = {"list_p95_ms", "report_s", "who_could_ms", "verify_entries_per_s", "decisions_per_s",
          "roster_import_s"}  # fmt: skip


def run(tmp_path: Path, *extra: str) -> dict[str, object]:
    out = tmp_path / "result.json"
    r = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--persons", "200", "--requests", "5",
         "--decisions", "40", "--clients", "4", "--workers", "1", "--out", str(out), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]
    result: dict[str, object] = json.loads(out.read_text("utf-8"))
    assert set(result) >= PROBES
    return result


def test_scale_benchmark_runs_on_sqlite(tmp_path: Path) -> None:
    result = run(tmp_path)
    assert result["world"]["persons"] == 200  # type: ignore[index]


@pytest.mark.postgres
def test_scale_benchmark_runs_on_postgresql(tmp_path: Path, empty_pg_url: str) -> None:
    result = run(tmp_path, "--db", empty_pg_url)
    assert result["database"] == "postgresql+psycopg"
