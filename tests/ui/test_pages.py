"""Every role's pages render in both languages, on both databases, without a browser."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from clearance.bootstrap import AppContext
from tests.conftest import FakeClock
from tests.ui.browserless import Browser

PAGES = {
    "tanaka.hanako": ["/", "/cases", "/me/export"],
    "sakura.security": ["/", "/employees", "/materials", "/handlers", "/access", "/incidents",
                        "/certifications"],
    "meti.manager": ["/", "/designations", "/materials", "/handlers", "/access", "/incidents"],
    "meti.officer": ["/", "/cases"],
    "meti.adjudicator": ["/", "/cases"],
    "meti.head": ["/", "/cases", "/complaints", "/designations"],
    "meti.certification": ["/", "/certifications", "/designations"],
    "meti.complaints": ["/", "/complaints", "/cases"],
    "cao.investigator": ["/", "/cases"],
    "inspector": ["/", "/oversight", "/designations"],
}  # fmt: skip


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_role_page_renders(client: TestClient, seeded: AppContext, clock: FakeClock,
                                 lang: str) -> None:  # fmt: skip
    for user, paths in PAGES.items():
        b = Browser(client.app, clock, user, lang)
        for path in paths:
            html = b.get(path)
            assert f'<html lang="{lang}">' in html
