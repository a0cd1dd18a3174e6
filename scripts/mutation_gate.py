"""Read mutmut's results for some modules and fail below a detection score.

    python scripts/mutation_gate.py --min 90 src/clearance/authz/engine.py src/clearance/domain/access.py

Run after ``mutmut run`` (its ``mutants/`` directory). A mutant is detected when a test failed
(killed) or ran out of time; a survivor, or one no test reached, is not. Prints one line per module
and the total; exit 1 below the minimum or when a module was not run at all.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

SURVIVED, NO_TESTS, SKIPPED = 0, 33, 34


def score(paths: list[str], root: Path = Path("mutants")) -> tuple[int, int, list[str]]:
    detected = total = 0
    lines = []
    for path in paths:
        meta = root / (path + ".meta")
        codes = json.loads(meta.read_text("utf-8"))["exit_code_by_key"] if meta.is_file() else {}
        ran = [c for c in codes.values() if c is not None and c != SKIPPED]
        found = sum(1 for c in ran if c not in (SURVIVED, NO_TESTS))
        detected, total = detected + found, total + len(ran)
        share = f"{100 * found / len(ran):.1f} %" if ran else "not run"
        lines.append(f"{path}: {len(ran)} mutants, {found} detected ({share})")
        if not ran:
            total += 1  # a module that was not run cannot pass
    return detected, total, lines


def main(argv: list[str]) -> int:
    minimum = float(argv[argv.index("--min") + 1]) if "--min" in argv else 90.0
    paths = [a for i, a in enumerate(argv) if a != "--min" and (i == 0 or argv[i - 1] != "--min")]
    detected, total, lines = score(paths)
    print("\n".join(lines))
    share = 100 * detected / total if total else 0.0
    print(f"mutation score: {detected}/{total} detected = {share:.1f} % (minimum {minimum:.0f} %)")
    return 0 if share >= minimum else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
