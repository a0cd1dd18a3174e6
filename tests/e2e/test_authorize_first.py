"""Authorization before validation, on every operation (issue 15 §3).

A caller who may not use an operation must learn nothing from it, not even its field rules: every
state-changing operation of the OpenAPI document is sent, by accounts that may not use it, a body
that is well formed for the schema but breaks the service's own rules (blank text, dates a century
away, empty lists). The answer must be 401, 403 or 404, never 422 or 409; and since nothing was
allowed, nothing may change but the audited denials.

The callers: a person's portal account of another company (Ito Shota) and the Inspector, each with
the few operations it may use listed in ``MAY_USE`` (for those, a 422 is the right answer).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.e2e.test_object_matrix import _objects

WRITES = ("post", "put", "patch", "delete")
# Operations each caller may use: for them a broken body rightly answers 422.
MAY_USE = {
    "ito.shota": re.compile(
        r"/api/v1/(auth/|me/|whistle-reports$|handlers/acknowledgements$|persons/search$)"
    ),
    "inspector": re.compile(
        r"/api/v1/(auth/|inspections|whistle-reports$|audit/|persons/search$|reports/)"
    ),
}
NOT_OBJECTS = {"section": "identity", "year": "2026", "seq": "1", "command": "certify"}


def _broken(schema: dict[str, Any], spec: dict[str, Any]) -> Any:
    """A value the schema accepts and the service refuses, where one exists."""
    if "$ref" in schema:
        return _broken(spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], spec)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _broken(next(o for o in schema[key] if o.get("type") != "null"), spec)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {k: _broken(props.get(k, {}), spec) for k in schema.get("required", [])}
    if kind == "array":
        return [_broken(schema.get("items", {}), spec)] * schema.get("minItems", 0)
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2126-01-01"
    if fmt == "date-time":
        return "2126-01-01T00:00:00+00:00"
    if "pattern" in schema:
        return None  # the schema says what is valid: nothing broken to send
    return " " * max(1, schema.get("minLength", 1))


def test_no_operation_validates_before_it_authorizes(client: TestClient, clock: FakeClock) -> None:
    f = Flow(client, clock)
    objects = _objects(World(f))
    spec = client.get("/openapi.json").json()
    wrong: list[tuple[str, str, str, int, str]] = []
    sent = 0
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            if method not in WRITES or not path.startswith("/api/v1"):
                continue
            ids = {
                n: NOT_OBJECTS.get(n) or objects.get(n) or str(uuid.uuid4())
                for n in re.findall(r"{(\w+)}", path)
            }
            content = op.get("requestBody", {}).get("content", {})
            body = None
            if "application/json" in content:
                body = _broken(content["application/json"]["schema"], spec)
            elif content:
                continue  # uploads: tests/e2e/test_spreadsheets (a file is read after the check)
            for who, allowed in MAY_USE.items():
                if allowed.match(path):
                    continue
                r = client.request(method.upper(), path.format(**ids), headers=f.h(who), json=body)
                sent += 1
                if r.status_code not in (401, 403, 404):
                    wrong.append((who, method.upper(), path, r.status_code, r.text[:160]))
    assert sent >= 120, sent
    assert not wrong, "\n".join(map(str, wrong))


def test_a_refused_caller_changes_nothing(client: TestClient, clock: FakeClock) -> None:
    """The same sweep leaves every list as it was (only denials were written, to the audit log)."""
    f = Flow(client, clock)
    World(f)
    before = {
        p: client.get(p, headers=f.h("admin")).text
        for p in (
            "/api/v1/designations",
            "/api/v1/persons",
            "/api/v1/organisations",
            "/api/v1/accounts",
        )
    }
    spec = client.get("/openapi.json").json()
    today = clock.now().date().isoformat()
    for path, methods in spec["paths"].items():
        if "post" in methods and "{" not in path and not MAY_USE["ito.shota"].match(path):
            client.post(path, headers=f.h("ito.shota"), json={"date": today})
    after = {p: client.get(p, headers=f.h("admin")).text for p in before}
    assert before == after
