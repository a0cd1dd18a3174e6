"""Browser tests: the application served by uvicorn on loopback, driven by Playwright through
Debian's Chromium (``CLEARANCE_CHROMIUM``, default /usr/bin/chromium; Playwright's own browser
download does not work offline). Screenshots go to ``build/screenshots`` (``CLEARANCE_SCREENSHOTS``),
and on SQLite a trace per person with a screenshot of every step to ``build/screenshots/steps``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from clearance.bootstrap import AppContext
from clearance.services import demo
from clearance.web.app import create_app
from tests.conftest import FakeClock, totp_now

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(os.environ.get("CLEARANCE_SCREENSHOTS", ROOT / "build" / "screenshots"))
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def chromium_path() -> str | None:
    path = os.environ.get("CLEARANCE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if Path(path).exists() else None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    path = chromium_path()
    if path is None:
        if os.environ.get("CLEARANCE_REQUIRE_BROWSER"):
            pytest.fail("Chromium is required (CLEARANCE_REQUIRE_BROWSER) but was not found")
        pytest.skip("no Chromium: apt install chromium, or set CLEARANCE_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield b
        b.close()


class LiveServer:
    def __init__(self, ctx: AppContext) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(create_app(ctx), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"
        # Every step of every journey is recorded once (on SQLite): a Playwright trace per person
        # with a screenshot of each action, in build/screenshots/steps/ (``playwright show-trace``).
        self.trace = ctx.settings.effective_database_url.startswith("sqlite")

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(seeded: AppContext) -> Iterator[LiveServer]:
    server = LiveServer(seeded)
    yield server
    server.stop()


class Person:
    """One person at one browser window: logs in through the form as a user would."""

    def __init__(self, browser: Any, live: LiveServer, clock: FakeClock, username: str,
                 lang: str = "ja") -> None:  # fmt: skip
        self.context = browser.new_context(base_url=live.url, locale="ja-JP",
                                           viewport={"width": 1280, "height": 900})  # fmt: skip
        if lang != "ja":
            self.context.add_cookies([{"name": "clearance_lang", "value": lang, "url": live.url}])
        self.context.set_default_timeout(10_000)
        self.trace = None
        if live.trace:
            test = os.environ.get("PYTEST_CURRENT_TEST", "journey").split("::")[-1].split(" ")[0]
            self.trace = SHOTS / "steps" / f"{test.split('[')[0]}-{username}.zip"
            self.context.tracing.start(screenshots=True, snapshots=False, title=test)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []  # confirmations shown before irreversible steps
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.accept()))
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # Script errors and CSP refusals fail the test; a 4xx page is asserted where it is expected.
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error"
                     and not m.text.startswith("Failed to load resource") else None)  # fmt: skip
        clock.advance(seconds=31)
        self.page.goto("/login")
        self.page.fill("#username", username)
        self.page.fill("#password", demo.DEMO_PASSWORD)
        self.page.fill("#totp", totp_now(username, clock))
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{live.url}/")

    def shot(self, name: str) -> Path:
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def close(self) -> None:
        assert not self.errors, self.errors  # no script error, no CSP violation
        if self.trace is not None:
            self.trace.parent.mkdir(parents=True, exist_ok=True)
            self.context.tracing.stop(path=str(self.trace))
        self.context.close()
