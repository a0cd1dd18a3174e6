"""``clearance synth``: a realistic national-scale world for benchmarks and demonstrations.

Japanese names and addresses, agencies and operators, persons in every assessment status with their
stage history and eligibility, designations (some extended, cancelled or expired), materials and
handlers, and years of audit history that verifies (the Merkle tree heads are computed as the
application computes them). Rows are written in bulk with SQLAlchemy Core, below the service layer
on purpose: a million people through the services would take hours. Runs after the demo seed, so the
demo accounts can log in and see the synthetic data. Deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, Table, insert, select, update

from clearance.adapters.db import tables as t
from clearance.adapters.db import tables_cesi as tc
from clearance.adapters.db.audit_store import format_time
from clearance.audit.entry import AuditEntry, canonical_json
from clearance.audit.merkle import Frontier, leaf_hash
from clearance.domain.assessment import Command, Status
from clearance.domain.periods import add_months

Progress = Callable[[str, int, int], None]  # (stage, done, total)
BATCH = 5000

FAMILY = ("佐藤 サトウ", "鈴木 スズキ", "高橋 タカハシ", "田中 タナカ", "伊藤 イトウ", "渡辺 ワタナベ",
          "山本 ヤマモト", "中村 ナカムラ", "小林 コバヤシ", "加藤 カトウ", "吉田 ヨシダ",
          "山田 ヤマダ", "佐々木 ササキ", "山口 ヤマグチ", "松本 マツモト", "井上 イノウエ",
          "木村 キムラ", "林 ハヤシ", "斎藤 サイトウ", "清水 シミズ", "山崎 ヤマザキ", "森 モリ",
          "池田 イケダ", "橋本 ハシモト", "阿部 アベ", "石川 イシカワ", "山下 ヤマシタ",
          "中島 ナカジマ", "石井 イシイ", "小川 オガワ")  # fmt: skip
GIVEN = ("翔 ショウ", "蓮 レン", "大翔 ヒロト", "陽向 ヒナタ", "湊 ミナト", "健一 ケンイチ",
         "誠 マコト", "大輔 ダイスケ", "拓也 タクヤ", "直樹 ナオキ", "花子 ハナコ", "美咲 ミサキ",
         "陽葵 ヒマリ", "結衣 ユイ", "さくら サクラ", "愛 アイ", "恵 メグミ", "由美 ユミ",
         "裕子 ユウコ", "真由美 マユミ", "智子 トモコ", "明美 アケミ", "達也 タツヤ", "浩 ヒロシ")  # fmt: skip
PREFECTURES = ("東京都", "神奈川県", "大阪府", "愛知県", "埼玉県", "千葉県", "兵庫県", "北海道",
               "福岡県", "静岡県", "茨城県", "広島県", "京都府", "宮城県")  # fmt: skip
AGENCIES = (("MOFA", "外務省", "Ministry of Foreign Affairs"), ("MOF", "財務省", "Ministry of Finance"),
            ("MHLW", "厚生労働省", "Ministry of Health, Labour and Welfare"),
            ("MAFF", "農林水産省", "Ministry of Agriculture, Forestry and Fisheries"),
            ("MLIT", "国土交通省", "Ministry of Land, Infrastructure, Transport and Tourism"),
            ("MIC", "総務省", "Ministry of Internal Affairs and Communications"),
            ("MOD", "防衛省", "Ministry of Defense"), ("NPA", "警察庁", "National Police Agency"),
            ("CAS", "内閣官房", "Cabinet Secretariat"), ("MEXT", "文部科学省", "Ministry of Education"),
            ("ENV", "環境省", "Ministry of the Environment"), ("FSA", "金融庁", "Financial Services Agency"),
            ("JPO", "特許庁", "Japan Patent Office"), ("ANRE", "資源エネルギー庁", "Agency for Natural Resources and Energy"))  # fmt: skip
INDUSTRY = (
    "重工業",
    "電機",
    "精密",
    "化学",
    "半導体",
    "通信",
    "エネルギー",
    "造船",
    "素材",
    "情報システム",
)
# Where assessments stand, with weights (a national mix: most finished, some in every stage).
STATUS_MIX = ((Status.RESULT_NOTIFIED, 55), (Status.LISTING_CONSENT_PENDING, 2), (Status.LISTED, 2),
              (Status.ROSTER_SUBMITTED, 3), (Status.CONSENT_PENDING, 4), (Status.CONSENTED, 2),
              (Status.INVESTIGATION_REQUESTED, 4), (Status.QUESTIONNAIRE_OPEN, 5),
              (Status.QUESTIONNAIRE_SUBMITTED, 3), (Status.INQUIRIES, 4), (Status.INTERVIEWED, 2),
              (Status.REPORTED, 3), (Status.DECISION_PROPOSED, 2), (Status.DECIDED, 1),
              (Status.CONSENT_REFUSED, 3), (Status.WITHDRAWN, 2), (Status.LISTING_DECLINED, 3))  # fmt: skip
PATH = (
    (Command.RECORD_LISTING_CONSENT, Status.LISTED), (Command.SUBMIT_ROSTER, Status.ROSTER_SUBMITTED),
    (Command.ISSUE_NOTICE, Status.CONSENT_PENDING), (Command.CONSENT, Status.CONSENTED),
    (Command.REQUEST_INVESTIGATION, Status.INVESTIGATION_REQUESTED),
    (Command.ISSUE_QUESTIONNAIRE, Status.QUESTIONNAIRE_OPEN),
    (Command.SUBMIT_QUESTIONNAIRE, Status.QUESTIONNAIRE_SUBMITTED),
    (Command.START_INQUIRIES, Status.INQUIRIES), (Command.RECORD_INTERVIEW, Status.INTERVIEWED),
    (Command.REPORT, Status.REPORTED), (Command.PROPOSE_DECISION, Status.DECISION_PROPOSED),
    (Command.CONFIRM_DECISION, Status.DECIDED), (Command.NOTIFY_RESULT, Status.RESULT_NOTIFIED),
)  # fmt: skip
ENDINGS = {Status.CONSENT_REFUSED: (Status.CONSENT_PENDING, Command.REFUSE),
           Status.WITHDRAWN: (Status.QUESTIONNAIRE_OPEN, Command.WITHDRAW),
           Status.LISTING_DECLINED: (None, Command.DECLINE_LISTING)}  # fmt: skip


@dataclass(frozen=True)
class Size:
    persons: int
    designations: int
    materials: int
    audit_entries: int

    @classmethod
    def for_persons(cls, persons: int, audit_entries: int | None = None) -> Size:
        return cls(persons, max(10, persons // 10), persons, audit_entries
                   if audit_entries is not None else persons * 10)  # fmt: skip


def _batches(rows: Iterator[dict[str, Any]], size: int = BATCH) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class World:
    def __init__(self, engine: Engine, size: Size, *, seed: int, now: dt.datetime,
                 progress: Progress) -> None:  # fmt: skip
        self.engine, self.size, self.now, self.progress = engine, size, now, progress
        self.rng = random.Random(seed)
        self.agencies: list[uuid.UUID] = []
        self.operators: list[uuid.UUID] = []

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _put(self, table: Table, rows: Iterator[dict[str, Any]], stage: str, total: int) -> None:
        done = 0
        for batch in _batches(rows):
            with self.engine.begin() as conn:
                conn.execute(insert(table), batch)
            done += len(batch)
            self.progress(stage, done, total)

    def _when(self, years: float = 5) -> dt.datetime:
        return self.now - dt.timedelta(seconds=self.rng.uniform(0, years * 365 * 86400))

    def organisations(self) -> None:
        with self.engine.begin() as conn:
            existing = {r.code: r.id for r in conn.execute(select(t.organisations))}
        rows = []
        for code, ja, en in AGENCIES:
            if code not in existing:
                existing[code] = self._uuid()
                rows.append({"id": existing[code], "kind": "administrative_organ", "code": code,
                             "name_ja": ja, "name_en": en, "created_at": self.now})  # fmt: skip
        self.agencies = [existing[c] for c, _, _ in AGENCIES] + (
            [existing["METI"]] if "METI" in existing else [])  # fmt: skip
        for n in range(max(5, self.size.persons // 2000)):
            oid = self._uuid()
            fam = self.rng.choice(FAMILY).split()[0]
            rows.append({"id": oid, "kind": "qualified_operator", "code": f"OP{n:05d}",
                         "name_ja": f"{fam}{self.rng.choice(INDUSTRY)}株式会社",
                         "name_en": f"Operator {n:05d} K.K.", "created_at": self.now})  # fmt: skip
            self.operators.append(oid)
        self._put(t.organisations, iter(rows), "organisations", len(rows))

    def persons(self) -> list[tuple[uuid.UUID, uuid.UUID, bool]]:
        """(person, employer, employer is an agency)."""
        people = []

        def rows() -> Iterator[dict[str, Any]]:
            for _ in range(self.size.persons):
                fam, fam_k = self.rng.choice(FAMILY).split()
                giv, giv_k = self.rng.choice(GIVEN).split()
                agency = self.rng.random() < 0.3
                employer = self.rng.choice(self.agencies if agency else self.operators)
                pid = self._uuid()
                people.append((pid, employer, agency))
                yield {"id": pid, "family_name": fam, "given_name": giv,
                       "family_name_kana": fam_k, "given_name_kana": giv_k,
                       "date_of_birth": dt.date(1960, 1, 1) + dt.timedelta(days=self.rng.randrange(16000)),
                       "employer_id": employer, "created_at": self._when()}  # fmt: skip

        self._put(t.persons, rows(), "persons", self.size.persons)
        return people

    def assessments(self, people: list[tuple[uuid.UUID, uuid.UUID, bool]]) -> None:
        statuses = [s for s, _ in STATUS_MIX]
        weights = [w for _, w in STATUS_MIX]
        chosen = people[: len(people) // 2]
        events: list[dict[str, Any]] = []
        eligibilities: list[dict[str, Any]] = []

        def rows() -> Iterator[dict[str, Any]]:
            for pid, employer, is_agency in chosen:
                status = self.rng.choices(statuses, weights)[0]
                agency = employer if is_agency else self.rng.choice(self.agencies)
                aid, at = self._uuid(), self._when(4)
                created = at
                history: list[tuple[Command, Status | None, Status]] = []
                prev: Status | None = None
                start = Status.ROSTER_SUBMITTED if is_agency else Status.LISTING_CONSENT_PENDING
                ending = ENDINGS.get(status)
                stop = ending[0] if ending else status
                history.append((Command.SUBMIT_ROSTER if is_agency else Command.RECORD_LISTING_CONSENT,
                                None, start))  # fmt: skip
                prev = start
                for command, to in PATH:
                    if stop is None or prev == stop:
                        break
                    if is_agency and to in (Status.LISTED, Status.ROSTER_SUBMITTED):
                        continue
                    history.append((command, prev, to))
                    prev = to
                if ending:
                    history.append((ending[1], prev, status))
                    prev = status
                for command, frm, to in history:
                    at += dt.timedelta(hours=self.rng.uniform(2, 24 * 20))
                    events.append({"assessment_id": aid, "command": command.value,
                                   "from_status": frm.value if frm else None, "to_status": to.value,
                                   "actor": "synth", "actor_account_id": None, "at": at})  # fmt: skip
                outcome = None
                if prev in (Status.DECIDED, Status.RESULT_NOTIFIED):
                    outcome = "favourable" if self.rng.random() < 0.98 else "unfavourable"
                if prev is Status.RESULT_NOTIFIED and outcome == "favourable":
                    eligibilities.append({"id": self._uuid(), "person_id": pid, "agency_id": agency,
                                          "source": "cesi", "assessment_id": aid,
                                          "sds_reference": None, "valid_from": at,
                                          "valid_until": add_months(at, 120),
                                          "suspended_at": None, "ended_at": None, "end_reason": None})  # fmt: skip
                yield {"id": aid, "person_id": pid, "agency_id": agency,
                       "origin": "agency_staff" if is_agency else "operator_employee",
                       "employer_id": None if is_agency else employer,
                       "dispatching_employer_id": None, "trigger": "new", "status": prev.value,
                       "status_since": at, "created_at": created, "version": len(history),
                       "outcome": outcome, "roster_id": None, "previous_id": None,
                       "reused_from_id": None, "investigation_reported_at": None,
                       "notified_at": at if prev is Status.RESULT_NOTIFIED else None}  # fmt: skip

        self._put(t.assessments, rows(), "assessments", len(chosen))
        self._put(t.assessment_events, iter(events), "assessment events", len(events))
        self._put(t.eligibilities, iter(eligibilities), "eligibilities", len(eligibilities))

    def designations(self, categories: list[str]) -> list[tuple[uuid.UUID, uuid.UUID]]:
        made: list[tuple[uuid.UUID, uuid.UUID]] = []
        events: list[dict[str, Any]] = []
        today = self.now.date()

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(self.size.designations):
                did, agency = self._uuid(), self.rng.choice(self.agencies)
                start = today - dt.timedelta(days=self.rng.randrange(1, 365 * 5))
                expires = start + dt.timedelta(days=self.rng.randrange(180, 365 * 5))
                cancelled = self._when(1) if self.rng.random() < 0.03 else None
                made.append((did, agency))
                created = dt.datetime.combine(start, dt.time(9), dt.UTC)
                events.append({"designation_id": did, "kind": "designate", "at": created,
                               "actor": "synth", "expires_on": expires})  # fmt: skip
                yield {"id": did, "agency_id": agency, "category_code": self.rng.choice(categories),
                       "document_number": f"SYN-{n:08d}", "title": f"重要経済安保情報 第{n}号",
                       "marking": "mark", "start_on": start, "expires_on": expires,
                       "created_at": created, "created_by": "synth", "version": 1,
                       "cabinet_approval_on": None, "cabinet_approval_ref": None,
                       "cancelled_at": cancelled, "cancel_reason": "公知化" if cancelled else None}  # fmt: skip

        self._put(tc.designations, rows(), "designations", self.size.designations)
        self._put(tc.designation_events, iter(events), "designation events", len(events))
        return made

    def materials(self, designations: list[tuple[uuid.UUID, uuid.UUID]],
                  people: list[tuple[uuid.UUID, uuid.UUID, bool]]) -> None:  # fmt: skip
        staff = [p for p in people if p[2]]
        handlers: list[dict[str, Any]] = []

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(self.size.materials):
                did, agency = designations[n % len(designations)]
                yield {"id": self._uuid(), "designation_id": did,
                       "kind": self.rng.choice(("document", "file", "medium")),
                       "title": f"資料 {n}", "copy_no": 1, "copy_total": 1,
                       "holder_org_id": agency, "location": f"{self.rng.choice(PREFECTURES)} 金庫",
                       "status": "held" if self.rng.random() < 0.95 else "destroyed",
                       "created_at": self._when(3), "version": 1}  # fmt: skip

        self._put(tc.materials, rows(), "materials", self.size.materials)
        by_agency: dict[uuid.UUID, list[uuid.UUID]] = {}
        for pid, employer, _ in staff:
            by_agency.setdefault(employer, []).append(pid)
        for did, agency in designations[: max(1, len(designations) // 2)]:
            pool = by_agency.get(agency, [])
            for pid in self.rng.sample(pool, min(2, len(pool))):  # a few handlers each, spread
                handlers.append({"id": self._uuid(), "designation_id": did, "person_id": pid,
                                 "org_id": agency, "department": "本省", "start": self._when(2),
                                 "end": None, "end_reason": None, "assigned_by": "synth"})  # fmt: skip
        self._put(tc.handlers, iter(handlers), "handlers", len(handlers))

    def audit(self) -> None:
        """Years of history that verifies: each row carries the tree head after it, computed as
        the application does (``AuditEntry.canonical_bytes`` and the Merkle frontier)."""
        with self.engine.begin() as conn:
            head = conn.execute(select(t.audit_head).where(t.audit_head.c.id == 1)).one()
        frontier = Frontier(head.size, [bytes.fromhex(h) for h in head.frontier])
        total = self.size.audit_entries
        start = self.now - dt.timedelta(days=365 * 3)
        step = (self.now - start) / max(1, total)
        actions = (("session:meti.manager", "access:decide", "material"),
                   ("session:cao.investigator", "vetting:read", "assessment"),
                   ("session:sakura.security", "custody:manage", "material"),
                   ("session:meti.officer", "assessment:notify", "assessment"))  # fmt: skip

        def rows() -> Iterator[dict[str, Any]]:
            for n in range(total):
                actor, action, kind = actions[n % len(actions)]
                entry = AuditEntry(frontier.size + 1, format_time(start + step * n), actor, action,
                                   f"{kind}:{uuid.UUID(int=n + 1)}",
                                   "assessment" if action == "vetting:read" else None, "allow",
                                   "synth", canonical_json({"synthetic": True}))  # fmt: skip
                frontier.append(leaf_hash(entry.canonical_bytes()))
                yield {"seq": entry.seq, "occurred_at": entry.time, "actor": entry.actor,
                       "action": entry.action, "target": entry.target, "purpose": entry.purpose,
                       "decision": entry.decision, "rule": entry.rule, "payload": entry.payload,
                       "tree_root": frontier.root().hex()}  # fmt: skip

        self._put(t.audit_log, rows(), "audit entries", total)
        with self.engine.begin() as conn:
            conn.execute(update(t.audit_head).where(t.audit_head.c.id == 1).values(
                size=frontier.size, frontier=[h.hex() for h in frontier.hashes]))  # fmt: skip


def generate(engine: Engine, size: Size, *, categories: list[str], now: dt.datetime,
             seed: int = 2025, progress: Progress = lambda *_: None) -> dict[str, int]:  # fmt: skip
    """Add a synthetic world to a migrated database (after the demo seed); returns row counts.
    The audit history is written before everything else's entries could interleave: run this on
    a quiet database."""
    w = World(engine, size, seed=seed, now=now, progress=progress)
    w.organisations()
    people = w.persons()
    w.assessments(people)
    made = w.designations(categories)
    w.materials(made, people)
    w.audit()
    return {"persons": size.persons, "designations": size.designations,
            "materials": size.materials, "audit_entries": size.audit_entries,
            "operators": len(w.operators), "agencies": len(w.agencies)}  # fmt: skip
