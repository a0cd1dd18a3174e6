"""scripts/mutation_gate.py reads mutmut's results: killed and timed-out mutants count as detected,
survivors and unreached ones do not, and a module that was not run fails the gate."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation_gate.py"


def test_the_score(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("mutation_gate", SCRIPT)
    assert spec and spec.loader
    gate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gate)
    meta = tmp_path / "src" / "m.py.meta"
    meta.parent.mkdir(parents=True)
    codes = {"a": 1, "b": 1, "c": -24, "d": 0, "e": 33, "f": 34, "g": None}
    meta.write_text(json.dumps({"exit_code_by_key": codes}), "utf-8")
    detected, total, lines = gate.score(["src/m.py"], tmp_path)
    assert (detected, total) == (3, 5)
    assert lines == ["src/m.py: 5 mutants, 3 detected (60.0 %)"]
    assert gate.score(["src/absent.py"], tmp_path)[:2] == (0, 1)
