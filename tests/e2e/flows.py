"""Helpers that drive an assessment through the JSON API as the demo roles would."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyotp
from fastapi.testclient import TestClient

from clearance.services import demo
from tests.conftest import FakeClock, login

ROMAJI = {"花子": "hanako", "健一": "kenichi", "美咲": "misaki", "誠": "makoto", "翔太": "shota",
          "結衣": "yui"}  # fmt: skip


def years_ago(day: dt.date, years: int) -> dt.date:
    return day.replace(year=day.year - years)


def valid_answers(today: dt.date, *, canary: str = "") -> dict[str, Any]:
    """A complete questionnaire that passes the validator."""
    none = {"has_records": False, "records": []}
    dob = "1988-04-12"
    return {
        "identity": {"family_name": "田中", "given_name": "花子", "date_of_birth": dob,
                     "address": f"東京都千代田区1-1 {canary}", "honseki": "東京都"},
        "nationality": {"current": ["JP"], "history": [
            {"nationality": "JP", "from": dob, "to": None}], "naturalised_on": None},
        "family": {"members": [
            {"relation": "mother", "name": f"田中 洋子 {canary}", "date_of_birth": "1960-02-02",
             "nationalities": ["JP"], "former_nationalities": [], "address": "東京都"}]},
        "employment": {"entries": [
            {"kind": "employed", "organisation": "さくら重工業",
             "start": years_ago(today, 12).isoformat(), "end": None}]},
        "travel": {"entries": [
            {"country": "KR", "start": years_ago(today, 2).isoformat(),
             "end": (years_ago(today, 2) + dt.timedelta(days=4)).isoformat()}]},
        "foreign": {"accounts": [], "residences": []},
        "criminal": none, "info_handling": none, "drugs": none, "mental_health": none,
        "drinking": none,
        "finances": {"has_records": bool(canary),
                     "records": [{"date": "2020-01-01", "description": f"住宅ローン {canary}"}]
                     if canary else []},
    }  # fmt: skip


class Flow:
    """A test client with cached logins per demo account."""

    def __init__(self, client: TestClient, clock: FakeClock) -> None:
        self.c = client
        self.clock = clock
        self._headers: dict[str, dict[str, str]] = {}
        self.orgs: dict[str, str] = {}
        self.persons: dict[str, str] = {}
        self.secrets: dict[str, str] = {}  # second factors of the accounts a test adds
        admin = self.h("admin")
        for o in client.get("/api/v1/organisations", headers=admin).json()["items"]:
            self.orgs[o["code"]] = o["id"]
        for p in client.get("/api/v1/persons", headers=admin).json()["items"]:
            self.persons[ROMAJI[p["given_name"]]] = p["id"]

    def h(self, username: str) -> dict[str, str]:
        if username not in self._headers:
            self._headers[username] = login(self.c, self.clock, username)
        return self._headers[username]

    def wait(self, **kwargs: float) -> None:
        """Let time pass; sessions idle out, so log in afresh afterwards."""
        self.clock.advance(**kwargs)
        self._headers.clear()

    def add_account(self, username: str, role: str, org_code: str) -> None:
        r = self.c.post("/api/v1/accounts", headers=self.h("admin"), json={
            "username": username, "display_name": username, "password": demo.DEMO_PASSWORD,
            "roles": [role], "org_id": self.orgs[org_code]})  # fmt: skip
        assert r.status_code == 201, r.text
        secret = self.secrets[username] = r.json()["totp_secret"]
        self.clock.advance(seconds=31)
        r = self.c.post("/api/v1/auth/login", json={
            "username": username, "password": demo.DEMO_PASSWORD,
            "totp": pyotp.TOTP(secret).at(self.clock.now())})  # fmt: skip
        assert r.status_code == 200, r.text
        self._headers[username] = {"Authorization": f"Bearer {r.json()['token']}"}

    def add_agency(self, code: str) -> None:
        r = self.c.post("/api/v1/organisations", headers=self.h("admin"), json={
            "kind": "administrative_organ", "code": code, "name_ja": code, "name_en": code})  # fmt: skip
        assert r.status_code == 201, r.text
        self.orgs[code] = r.json()["id"]

    def post(self, who: str, path: str, body: Any = None, expect: int = 200) -> Any:
        r = self.c.post(f"/api/v1{path}", json=body, headers=self.h(who))
        assert r.status_code == expect, (who, path, r.status_code, r.text)
        return r.json()

    def get(self, who: str, path: str, expect: int = 200, **params: Any) -> Any:
        r = self.c.get(f"/api/v1{path}", params=params, headers=self.h(who))
        assert r.status_code == expect, (who, path, r.status_code, r.text)
        return r.json()

    def put(self, who: str, path: str, body: Any, expect: int = 200) -> Any:
        r = self.c.put(f"/api/v1{path}", json=body, headers=self.h(who))
        assert r.status_code == expect, (who, path, r.status_code, r.text)
        return r.json()

    # -- whole stages ------------------------------------------------------------------------------

    def operator_candidate(self, person: str = "hanako", agency: str = "METI",
                           officer: str = "sakura.security") -> str:  # fmt: skip
        body = {"person_id": self.persons[person], "agency_id": self.orgs[agency]}
        aid: str = self.post(officer, "/assessments/candidates", body, 201)["assessment_id"]
        self.post(officer, f"/assessments/{aid}/listing-consent", {"given": True})
        self.post(officer, "/rosters", {"agency_id": self.orgs[agency], "assessment_ids": [aid]},
                  201)  # fmt: skip
        return aid

    def to_consent(self, aid: str, officer: str = "meti.officer",
                   person: str = "tanaka.hanako") -> None:  # fmt: skip
        self.post(officer, f"/assessments/{aid}/notice")
        self.post(person, f"/assessments/{aid}/consent")

    def fill_questionnaire(self, aid: str, person: str = "tanaka.hanako", canary: str = "") -> None:
        for section, answers in valid_answers(self.clock.now().date(), canary=canary).items():
            self.put(person, f"/assessments/{aid}/questionnaire/{section}", answers)
        self.post(person, f"/assessments/{aid}/questionnaire-submission")

    def investigate(self, aid: str, person: str = "tanaka.hanako", canary: str = "",
                    investigator: str = "cao.investigator") -> None:  # fmt: skip
        self.post(investigator, f"/assessments/{aid}/questionnaire")
        self.fill_questionnaire(aid, person, canary)
        today = self.clock.now().date().isoformat()
        self.post(investigator, f"/assessments/{aid}/inquiries", {
            "target": "警視庁", "matter": 2, "date": today, "outcome": f"記録なし {canary}"})  # fmt: skip
        self.post(investigator, f"/assessments/{aid}/interview",
                  {"held_on": today, "summary": f"面接実施 {canary}"})  # fmt: skip
        self.post(investigator, f"/assessments/{aid}/report", {
            "findings": {str(n): f"所見{n} {canary}" for n in range(1, 8)},
            "opinion": f"問題なし {canary}"})  # fmt: skip

    def decide(self, aid: str, outcome: str = "favourable", reasons: str | None = None,
               withhold: bool = False, adjudicator: str = "meti.adjudicator",
               confirmer: str = "meti.head", notifier: str = "meti.officer") -> Any:  # fmt: skip
        body: dict[str, Any] = {"outcome": outcome}
        if reasons:
            body["reasons"] = reasons
        if withhold:
            body |= {"withhold_reasons": True, "withhold_justification": "調査手法の秘匿"}
        self.post(adjudicator, f"/assessments/{aid}/decision", body)
        self.post(confirmer, f"/assessments/{aid}/decision/confirm")
        return self.post(notifier, f"/assessments/{aid}/notify")

    def reported(self, canary: str = "") -> str:
        """An operator employee's case with the Cabinet Office report in (status ``reported``)."""
        aid = self.operator_candidate()
        self.to_consent(aid)
        self.post("meti.head", f"/assessments/{aid}/investigation", {"reuse": False})
        self.investigate(aid, canary=canary)
        return aid

    def favourable(self) -> str:
        aid = self.reported()
        self.decide(aid)
        return aid
