"""Every page of every role, in Japanese, found the way a person finds them: from the home page,
following every link on the site (a populated world: a certified company with a contract, a
provision, a handler and a material; an assessment with its result; one in progress). No page may
show Latin prose, a raw status or command name, a UUID or JSON braces to a person reading it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from clearance.authz.model import Action
from clearance.domain.assessment import Command, Status
from clearance.services import demo
from tests.conftest import FakeClock
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import World
from tests.ui.browserless import Browser
from tests.ui.test_pages import Visible, latin_words

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)
CODES = {s.value for s in Status} | {c.value for c in Command} | {a.value for a in Action}
SKIP = (".pdf", ".csv", "/lang/", "/logout", "/static/", "/openapi", "/docs", "/api/")
ACCOUNTS = [a[0] for a in demo.ACCOUNTS] + [p[0] for p in demo.PORTAL_ACCOUNTS]


def visible(html: str) -> str:
    v = Visible()
    v.feed(html)
    return " ".join(v.text)


def faults(html: str) -> list[str]:
    text = visible(html)
    # What people typed is theirs: a country code (JP) or a safe's letter (金庫A) is data.
    latin = {w for w in latin_words(html) if not (w.isupper() and len(w) <= 3)}
    out = [f"Latin: {sorted(latin)}"] if latin else []
    out += [f"UUID: {m}" for m in UUID.findall(text)]
    out += ["JSON braces"] if "{" in text or "}" in text else []
    out += [f"code: {t}" for t in re.findall(r"[a-z]+(?:_[a-z]+)+|[a-z]+:[a-z_]+", text)
            if t in CODES]  # fmt: skip
    return out


def crawl(b: Browser, limit: int = 70) -> Iterator[tuple[str, str]]:
    seen: set[str] = set()
    queue = ["/"]
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        r = b.c.get(path)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        yield path, r.text
        for href in re.findall(r'href="(/[^"#]*)', r.text):
            href = href.replace("&amp;", "&")
            parts = urlsplit(href)
            query = "&".join(q for q in parts.query.split("&") if q and not q.startswith("ok="))
            target = parts.path + (f"?{query}" if query else "")
            if not any(s in target for s in SKIP) and target not in seen:
                queue.append(target)


def test_every_page_of_every_role_reads_as_japanese(client: TestClient, clock: FakeClock) -> None:
    flow = Flow(client, clock)
    World(flow)  # a company at work, and an assessment with its result
    aid = flow.operator_candidate(person="kenichi")  # another, in progress
    flow.post("meti.officer", f"/assessments/{aid}/notice")
    found: dict[str, list[str]] = {}
    pages = 0
    for who in ACCOUNTS:
        b = Browser(client.app, clock, who, "ja")
        for path, html in crawl(b):
            pages += 1
            problems = faults(html)
            if problems:
                found[f"{who} {path}"] = problems
    assert pages > 100  # the crawl reached the pages, not only the home pages
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_checks_would_catch_each_fault() -> None:
    page = "<main><p>{}</p></main>"
    assert faults(page.format("状態: questionnaire_open")) == ["code: questionnaire_open"]
    assert faults(page.format("0b5f3c1e-5f6a-4c2e-9a7d-2f1e3d4c5b6a"))[0].startswith("UUID")
    assert faults(page.format('{"has_records": false}')) != []
    assert faults(page.format("Submit the roster")) != []
    assert faults(page.format("経産安第100号 田中 花子 2026年12月2日")) == []
