"""scripts/audit_deps.py: a vulnerability with a fix fails the gate; one without is reported;
unreachable vulnerability data is a loud skip (a failure with --strict), never a silent pass."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_deps.py"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_gate() -> None:
    evaluate = _script().evaluate
    clean = {"dependencies": [{"name": "a", "version": "1", "vulns": []}]}
    assert evaluate(clean, strict=True)[0] == 0
    fixable = {"dependencies": [{"name": "jinja2", "version": "2.4.1", "vulns": [
        {"id": "PYSEC-2019-217", "fix_versions": ["2.10.1"]}]}]}  # fmt: skip
    code, lines = evaluate(fixable, strict=False)
    assert code == 1 and "jinja2 2.4.1: PYSEC-2019-217 (fixed in: 2.10.1)" in lines
    unfixed = {"dependencies": [{"name": "b", "version": "1", "vulns": [
        {"id": "GHSA-x", "fix_versions": []}]}]}  # fmt: skip
    code, lines = evaluate(unfixed, strict=True)
    assert code == 0 and "b 1: GHSA-x (fixed in: no fix yet)" in lines
    unreachable = {"dependencies": [{"name": "c", "version": "1", "skip_reason": "not found"}]}
    code, lines = evaluate(unreachable, strict=False)
    assert code == 0 and lines[-1].startswith("SKIPPED")
    assert evaluate(unreachable, strict=True)[0] == 1
