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


def test_latest_release_data_fills_what_pip_audit_could_not_reach() -> None:
    script = _script()
    report = {"dependencies": [
        {"name": "Jinja2", "skip_reason": "not found"},
        {"name": "cryptography", "skip_reason": "not found"},
        {"name": "old_pkg", "skip_reason": "not found"},
        {"name": "offline", "skip_reason": "not found"},
        {"name": "fine", "version": "1.0", "vulns": []},
    ]}  # fmt: skip
    pinned = {"jinja2": "3.1.6", "cryptography": "46.0.0", "old-pkg": "1.0", "offline": "2.0",
              "fine": "1.0"}  # fmt: skip
    documents = {
        "Jinja2": {"info": {"version": "3.1.6"}, "vulnerabilities": [
            {"id": "GHSA-a", "fixed_in": ["3.1.7"]}]},
        "cryptography": {"info": {"version": "46.0.0"}, "vulnerabilities": []},
        "old_pkg": {"info": {"version": "2.0"}, "vulnerabilities": []},
    }  # fmt: skip
    filled = script.fill_from_latest(report, pinned, documents.get)
    by_name = {d["name"]: d for d in filled["dependencies"]}
    assert by_name["Jinja2"]["vulns"] == [{"id": "GHSA-a", "fix_versions": ["3.1.7"]}]
    assert by_name["cryptography"] == {"name": "cryptography", "version": "46.0.0", "vulns": [],
                                       "source": "latest"}  # fmt: skip
    assert "pinned 1.0" in by_name["old_pkg"]["skip_reason"]
    assert by_name["offline"]["skip_reason"] == "not found"
    code, lines = script.evaluate(filled, strict=False)
    assert code == 1 and "Jinja2 3.1.6: GHSA-a (fixed in: 3.1.7)" in lines
    assert lines[-1] == ("pip-audit: 5 locked packages, 3 audited (2 of them from PyPI's "
                         "latest-release data), 2 not audited, 1 vulnerabilities with a fix, "
                         "0 without.")  # fmt: skip
