"""Audit the locked dependencies for known vulnerabilities (pip-audit against PyPI's data).

Fails (exit 1) on any known vulnerability that has a fixed release: upgrade, run scripts/lock.sh,
commit. A vulnerability without a fix is reported, not failed on.

pip-audit asks PyPI for each pinned release (``/pypi/<name>/<version>/json``). Where that is not
served (the registry mirror of this project's machines answers 404 for it), the packages it could
not audit are looked up in PyPI's project document (``/pypi/<name>/json``), whose vulnerability
list is PyPI's own for the latest release: it counts as an audit only when the pin *is* the latest
release. Whatever stays unaudited is reported loudly as a skip, never as a pass; ``--strict`` turns
that skip into a failure.

Usage: python scripts/audit_deps.py [--strict] [requirements.lock]
"""

from __future__ import annotations

import concurrent.futures
import json
import subprocess
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    args = [a for a in argv if a != "--strict"]
    lock = Path(args[0] if args else "requirements.lock")
    run = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "pip_audit", "-r", str(lock), "--no-deps", "--disable-pip",
         "--progress-spinner", "off", "-f", "json"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        print(f"pip-audit failed (exit {run.returncode}):\n{run.stderr[-2000:]}")
        return 1
    report = fill_from_latest(report, pins(lock), fetch_latest)
    code, lines = evaluate(report, strict=strict)
    print("\n".join(lines))
    return code


def fetch_latest(name: str) -> dict[str, Any] | None:
    """PyPI's project document (latest release and its vulnerabilities), or None if unreachable."""
    url = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            data: dict[str, Any] = json.load(response)
            return data
    except (OSError, ValueError):
        return None


def _norm(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def pins(lock: Path) -> dict[str, str]:
    """name -> pinned version, from the lock file."""
    found = {}
    for line in lock.read_text("utf-8").splitlines():
        name, sep, version = line.strip().partition("==")
        if sep and not name.startswith("#"):
            found[_norm(name)] = version
    return found


def fill_from_latest(
    report: dict[str, Any], pinned: dict[str, str], fetch: Callable[[str], dict[str, Any] | None]
) -> dict[str, Any]:
    """Audit the packages pip-audit skipped from the latest-release document where the pin is the
    latest release; the others stay skipped, with the reason."""
    skipped = [d for d in report.get("dependencies", []) if d.get("skip_reason")]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        documents = dict(zip((d["name"] for d in skipped),
                             pool.map(fetch, (d["name"] for d in skipped)), strict=True))  # fmt: skip
    out = []
    for d in report.get("dependencies", []):
        doc = documents.get(d["name"]) if d.get("skip_reason") else None
        version = d.get("version") or pinned.get(_norm(d["name"]))
        if doc is None:
            out.append(d)
        elif doc.get("info", {}).get("version") == version:
            vulns = [{"id": v.get("id", "?"), "fix_versions": list(v.get("fixed_in") or [])}
                     for v in doc.get("vulnerabilities", [])]  # fmt: skip
            out.append({"name": d["name"], "version": version, "vulns": vulns,
                        "source": "latest"})  # fmt: skip
        else:
            latest = doc.get("info", {}).get("version")
            out.append({**d, "skip_reason": f"pinned {version}; PyPI's data here covers only "
                        f"the latest release, {latest}"})  # fmt: skip
    return {**report, "dependencies": out}


def evaluate(report: dict[str, Any], *, strict: bool) -> tuple[int, list[str]]:
    """The exit code and the lines to print for a pip-audit JSON report."""
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    fixable, unfixed = [], []
    for d in deps:
        for v in d.get("vulns", []):
            (fixable if v.get("fix_versions") else unfixed).append((d["name"], d["version"], v))
    lines = [f"{name} {version}: {v['id']} (fixed in: "
             f"{', '.join(v.get('fix_versions', [])) or 'no fix yet'})"
             for name, version, v in fixable + unfixed]  # fmt: skip
    latest = sum(1 for d in deps if d.get("source") == "latest")
    lines.append(f"pip-audit: {len(deps)} locked packages, {len(deps) - len(skipped)} audited "
                 f"({latest} of them from PyPI's latest-release data), {len(skipped)} not "
                 f"audited, {len(fixable)} vulnerabilities with a fix, {len(unfixed)} without.")  # fmt: skip
    if fixable:
        return 1, lines
    if skipped:
        names = sorted(d["name"] for d in skipped)
        lines.append(f"SKIPPED: no vulnerability data for {', '.join(names[:8])}"
                     f"{' …' if len(names) > 8 else ''} ({skipped[0]['skip_reason']}).")  # fmt: skip
        return (1 if strict else 0), lines
    return 0, lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
