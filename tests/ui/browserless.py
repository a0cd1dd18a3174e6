"""A browser stand-in for page tests that need no JavaScript: logs in through the form, keeps the
session cookie, and submits forms with the page's own CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from clearance.services import demo
from tests.conftest import FakeClock, totp_now

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    def __init__(self, app: Any, clock: FakeClock, username: str, lang: str = "ja",
                 secret: str | None = None) -> None:  # fmt: skip
        self.c = TestClient(app, base_url="http://testserver")
        self.c.cookies.set("clearance_lang", lang)
        clock.advance(seconds=31)  # a TOTP code is accepted once
        page = self.c.get("/login")
        token = CSRF.search(page.text)
        assert token, page.text
        r = self.c.post("/login", data={
            "username": username, "password": demo.DEMO_PASSWORD, "totp": pyotp.TOTP(secret).at(clock.now()) if secret else totp_now(username, clock),
            "csrf_token": token.group(1)}, follow_redirects=False)  # fmt: skip
        assert r.status_code == 303, r.text
        self.csrf = ""

    def get(self, path: str, expect: int = 200) -> str:
        r = self.c.get(path)
        assert r.status_code == expect, (path, r.status_code, r.text[:2000])
        found = CSRF.search(r.text)
        if found:
            self.csrf = found.group(1)
        return r.text

    def post(self, path: str, data: dict[str, Any] | None = None, expect: int = 303,
             files: Any = None) -> Any:  # fmt: skip
        body = {"csrf_token": self.csrf, **(data or {})}
        r = self.c.post(path, data=body, files=files, follow_redirects=False)
        assert r.status_code == expect, (path, r.status_code, r.text[:3000])
        return r
