"""Privacy canaries in the logs (RELIABILITY.md R-AU-3, G-PRV): unique strings typed into every
sensitive field travel through the real server (uvicorn on loopback, access log on), including
refused and malformed requests; afterwards no log record carries any of them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.ui.conftest import LiveServer

LOGGERS = ("", "uvicorn", "uvicorn.access", "uvicorn.error", "clearance", "sqlalchemy")


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the message, arguments and any traceback


@pytest.fixture
def logs() -> Iterator[Collect]:
    handler = Collect()
    saved = []
    for name in LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield handler
    for logger, level in saved:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_no_sensitive_value_reaches_a_log(live: LiveServer, clock: FakeClock,
                                          logs: Collect) -> None:  # fmt: skip
    canary = f"CANARY{uuid.uuid4().hex[:10]}"
    with httpx.Client(base_url=live.url, timeout=30) as client:
        flow = Flow(client, clock)  # type: ignore[arg-type]
        aid = flow.reported(canary=canary)  # answers, inquiry, interview, findings, opinion
        flow.decide(aid, outcome="unfavourable", reasons=f"理由 {canary}")
        flow.post("tanaka.hanako", f"/assessments/{aid}/complaints",
                  {"subject": "result", "text": f"苦情 {canary}"}, 201)  # fmt: skip
        flow.post("suzuki.misaki", "/whistle-reports", {"text": f"通報 {canary}",
                                                       "contact": f"連絡 {canary}"}, 201)  # fmt: skip
        # Refused and malformed requests carrying the canary: their errors must not echo it.
        for body in (
            {"family_name": canary * 20, "given_name": canary},
            {"date_of_birth": canary, "family_name": canary},
        ):
            r = client.post("/api/v1/persons", json=body, headers=flow.h("meti.officer"))
            assert r.status_code == 422
        r = client.put(f"/api/v1/assessments/{aid}/questionnaire/identity",
                       json={"address": canary, "unknown": canary}, headers=flow.h("tanaka.hanako"))  # fmt: skip
        assert r.status_code in (409, 422)
        r = client.post("/api/v1/auth/login", json={"username": canary, "password": canary,
                                                   "totp": "000000"})  # fmt: skip
        assert r.status_code == 401
    assert len(logs.lines) > 10  # the server did log (access lines at least)
    leaks = [line for line in logs.lines if canary in line]
    assert not leaks, leaks[:3]
