"""Audit the locked dependencies for known vulnerabilities (pip-audit against PyPI's data).

Fails (exit 1) on any known vulnerability that has a fixed release: upgrade, run scripts/lock.sh,
commit. A vulnerability without a fix is reported, not failed on. When the vulnerability data
cannot be reached (a registry mirror that does not serve PyPI's per-release JSON, as on the
development machines of this project), every package comes back "not audited": that is reported
loudly as a skip, never as a pass. ``--strict`` turns that skip into a failure.

Usage: python scripts/audit_deps.py [--strict] [requirements.lock]
"""

from __future__ import annotations

import json
import subprocess
import sys
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
    code, lines = evaluate(report, strict=strict)
    print("\n".join(lines))
    return code


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
    lines.append(f"pip-audit: {len(deps)} locked packages, {len(deps) - len(skipped)} audited, "
                 f"{len(skipped)} not audited, {len(fixable)} vulnerabilities with a fix, "
                 f"{len(unfixed)} without.")  # fmt: skip
    if fixable:
        return 1, lines
    if skipped:
        names = sorted(d["name"] for d in skipped)
        lines.append(f"SKIPPED: vulnerability data was not reachable for {', '.join(names[:8])}"
                     f"{' …' if len(names) > 8 else ''} ({skipped[0]['skip_reason']}).")  # fmt: skip
        return (1 if strict else 0), lines
    return 0, lines


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
