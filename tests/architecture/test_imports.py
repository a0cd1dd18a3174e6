"""The import rules of docs/architecture.md, checked on the source with ``ast``."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "clearance"

# package -> prefixes it must not import
FORBIDDEN = {
    "domain": ("clearance.", "sqlalchemy", "fastapi", "starlette", "typer", "pydantic"),
    "authz": ("clearance.services", "clearance.adapters", "clearance.web", "clearance.cli",
              "clearance.audit", "sqlalchemy", "fastapi"),
    "audit": ("clearance.services", "clearance.adapters", "clearance.web", "clearance.cli",
              "sqlalchemy", "fastapi"),
    "services": ("clearance.adapters", "clearance.web", "clearance.cli", "clearance.config",
                 "clearance.bootstrap", "sqlalchemy", "fastapi", "starlette", "typer"),
    "adapters": ("clearance.web", "clearance.cli", "clearance.bootstrap", "fastapi", "typer"),
    "web": ("clearance.adapters", "sqlalchemy.orm", "typer"),
    "cli": ("clearance.adapters", "fastapi"),
}  # fmt: skip
ALLOWED_IN_DOMAIN = ("clearance.domain",)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules() -> list[tuple[str, Path]]:
    return [
        (p.relative_to(SRC).parts[0], p)
        for p in SRC.rglob("*.py")
        if len(p.relative_to(SRC).parts) > 1
    ]


@pytest.mark.parametrize(("package", "path"), modules(), ids=lambda v: str(v))
def test_layer_rules(package: str, path: Path) -> None:
    banned = FORBIDDEN.get(package, ())
    for name in imports_of(path):
        if package == "domain" and name.startswith(ALLOWED_IN_DOMAIN):
            continue
        assert not name.startswith(banned), f"{path.relative_to(SRC)} imports {name}"


def test_web_reaches_the_database_only_for_readiness() -> None:
    offenders = [
        p.relative_to(SRC) for p in (SRC / "web").rglob("*.py")
        if "sqlalchemy" in imports_of(p) and p.name != "app.py"
    ]  # fmt: skip
    assert offenders == []


def test_importing_every_module_has_no_side_effects(tmp_path: Path) -> None:
    """Import everything under an empty environment in an empty directory: nothing is created."""
    names = [
        "clearance." + ".".join(p.relative_to(SRC).with_suffix("").parts).replace(".__init__", "")
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and p.name != "__main__.py"
    ]
    code = "import importlib\n" + "".join(f"importlib.import_module({n!r})\n" for n in names)
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(SRC.parent)}
    subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, check=True)
    assert list(tmp_path.iterdir()) == []


def test_module_size_limit() -> None:
    big = [
        (p.relative_to(SRC), n) for p in SRC.rglob("*.py")
        if (n := len(p.read_text("utf-8").splitlines())) > 400 and "versions" not in p.parts
    ]  # fmt: skip
    assert big == []


def test_every_action_is_documented() -> None:
    from clearance.authz.model import Action

    doc = (SRC.parents[1] / "docs" / "authorization.md").read_text("utf-8")
    assert [a.value for a in Action if f"`{a.value}`" not in doc] == []
