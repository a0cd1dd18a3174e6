"""Hypothesis state machine over designations, certified operators and custody (issue 7, item 3):
random sequences of commands by the right and the wrong actors, on the world of tests/e2e/test_cesi
(METI designates; Sakura is certified, contracted, provided; Tanaka is an eligible handler), with
the clock moving. After every step:

- a refused command changed nothing (no record, no version, no event; only its denial audited);
- designations: the first term is at most the regime's maximum, each extension moves the expiry
  later by at most the maximum extension, past the total cap only with a Cabinet approval; a
  cancellation is final; every designation event has its one audit entry;
- certifications: the event history replays through the one transition table to the stored
  status; at most one open certification per operator and agency; a contract only ever made while
  certified, and none left open once cancelled;
- custody: only the designating agency or a recipient of a provision holds a material; a material
  in transit has a recipient; a destroyed material never changes again; copy numbers are unique
  and every live copy knows the series total; every custody step has its one audit entry;
- and the audit log verifies at the end of every run.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import uuid
from collections import Counter
from pathlib import Path
from typing import Any, ClassVar

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from clearance.authz.model import Subject
from clearance.bootstrap import build_context, cli_subject
from clearance.domain.designation import Designation, Marking, ProvisionBasis, add_years
from clearance.domain.errors import ClearanceError
from clearance.domain.records import (
    CERT_TRANSITIONS,
    Certification,
    CertificationEvent,
    CertStatus,
    Contract,
    CustodyEvent,
    DesignationEvent,
    Material,
    MaterialStatus,
    Provision,
)
from clearance.services import audit, auth, demo
from clearance.services.cesi import custody, designations, operators
from clearance.services.cesi.designations import rules as term_rules
from clearance.web.app import create_app
from tests.conftest import FakeClock, make_settings
from tests.e2e.flows import Flow
from tests.e2e.test_cesi import CHECKLIST, World

SECRET = "state-machine-secret-" + "x" * 20
ACTORS = ("meti.manager", "meti.certification", "sakura.security", "meti.head", "inspector",
          "tanaka.hanako", "admin")  # fmt: skip
PEOPLE = ("田中", "佐藤", "鈴木", "高橋")  # two at Sakura, two at METI
OPEN = {CertStatus.PROPOSED, CertStatus.APPLIED, CertStatus.UNDER_REVIEW, CertStatus.CERTIFIED,
        CertStatus.CHANGE_REVIEW, CertStatus.SUSPENDED}  # fmt: skip
TRACKED = (Designation, DesignationEvent, Provision, CertificationEvent, Contract, Material,
           CustodyEvent)  # fmt: skip


def build_world(directory: Path) -> dt.datetime:
    """The world of tests/e2e/test_cesi in a SQLite file; returns the clock's time after it."""
    clock = FakeClock()
    ctx = build_context(make_settings(directory, f"sqlite:///{directory / 'db.sqlite'}",
                                      secret_key=SECRET), clock=clock)  # fmt: skip
    try:
        ctx.migrate()
        demo.seed(ctx.deps, cli_subject())
        with TestClient(create_app(ctx), raise_server_exceptions=False) as client:
            World(Flow(client, clock))
    finally:
        ctx.close()
    return clock.now()


class CesiMachine(RuleBasedStateMachine):
    template: Path
    start: dt.datetime
    seen: ClassVar[Counter[str]] = Counter()  # accepted commands over the whole run

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="clearance-cesi-sm-"))
        shutil.copy(self.template, self.dir / "db.sqlite")
        self.clock = FakeClock(self.start)
        self.ctx = build_context(make_settings(self.dir, f"sqlite:///{self.dir / 'db.sqlite'}",
                                               secret_key=SECRET), clock=self.clock)  # fmt: skip
        self.deps = self.ctx.deps
        self.subjects: dict[str, Subject] = {}
        with self.deps.uow() as uow:
            for name in ACTORS:
                found = uow.accounts.by_username(name)
                assert found is not None
                self.subjects[name] = auth.subject_for(self.deps, uow, found, "session")
            orgs = {
                o.code: o.id for o in uow.orgs.list(kind=None, q=None, limit=50, offset=0).items
            }
            people = uow.persons.list(employer_id=None, q=None, limit=50, offset=0).items
            self.people = {p.family_name: p.id for p in people}
            self.designations = [d.id for d in uow.records.find(Designation)]
            self.certs = [c.id for c in uow.records.find(Certification)]
            self.contracts = [k.id for k in uow.records.find(Contract)]
            self.materials = [m.id for m in uow.records.find(Material)]
        self.sakura, self.meti = orgs["SAKURA-HI"], orgs["METI"]
        self.destroyed: dict[uuid.UUID, Material] = {}
        self.cancelled: dict[uuid.UUID, dt.datetime] = {}
        self.numbers = 0

    def teardown(self) -> None:
        try:
            assert audit.verify_log(self.deps, cli_subject()).ok
        finally:
            self.ctx.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------------

    def _state(self) -> tuple[Any, ...]:
        """Everything a command may change, except the audit log's denials."""
        with self.deps.uow() as uow:
            rows = tuple(sorted(repr(r) for cls in TRACKED for r in uow.records.find(cls)))
            allowed = sum(1 for e, _ in uow.audit.entries() if e.decision == "allow")
        return rows, allowed

    def _try(self, name: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        self.clock.advance(seconds=1)  # strictly increasing event times: histories replay in order
        before = self._state()
        try:
            result = fn(*args, **kwargs)
        except ClearanceError:
            assert self._state() == before, f"{name} was refused but changed something"
            return None
        CesiMachine.seen[name] += 1
        return result

    @staticmethod
    def _pick(items: list[uuid.UUID], i: int) -> uuid.UUID:
        return items[i % len(items)] if items else uuid.uuid4()

    # -- designations ----------------------------------------------------------------------------

    @rule(who=st.sampled_from(ACTORS), years=st.integers(1, 6), days=st.sampled_from([-40, 0, 9]))
    def designate(self, who: str, years: int, days: int) -> None:
        self.numbers += 1
        start = self.clock.now().date() + dt.timedelta(days=days)
        d = self._try("designate", designations.designate, self.deps, self.subjects[who],
                      category_code="A3", document_number=f"SM-{self.numbers}", title="機微情報",
                      marking=Marking.MARK, start_on=start, expires_on=add_years(start, years))  # fmt: skip
        if d is not None:
            self.designations.append(d.id)

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 9), years=st.integers(1, 6),
          approval=st.booleans())  # fmt: skip
    def extend(self, who: str, i: int, years: int, approval: bool) -> None:
        did = self._pick(self.designations, i)
        with self.deps.uow() as uow:
            d = uow.records.get(Designation, did)
        expiry = add_years(d.expires_on if d else self.clock.now().date(), years)
        self._try("extend", designations.extend, self.deps, self.subjects[who], did,
                  expires_on=expiry, cabinet_approval_on=self.clock.now().date() if approval
                  else None, cabinet_approval_ref="閣議-1" if approval else None)  # fmt: skip

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 9))
    def cancel(self, who: str, i: int) -> None:
        self._try("cancel", designations.cancel, self.deps, self.subjects[who],
                  self._pick(self.designations, i), reason="要件を満たさない")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 9), k=st.integers(0, 9),
          covered=st.booleans())  # fmt: skip
    def provide(self, who: str, i: int, k: int, covered: bool) -> None:
        """Provide to Sakura under a contract: one that covers the designation, or any."""
        kid = self._pick(self.contracts, k)
        did = self._pick(self.designations, i)
        with self.deps.uow() as uow:
            contract = uow.records.get(Contract, kid)
        if covered and contract is not None:
            did = uuid.UUID(contract.designation_ids[0])
        self._try("provide", designations.provide, self.deps, self.subjects[who], did,
                  basis=ProvisionBasis.OPERATOR, recipient_org_id=self.sakura,
                  contract_id=kid)  # fmt: skip

    @rule()
    def expiry_job(self) -> None:
        self._try("expire", designations.run_expiry_all, self.deps, self.subjects["admin"])

    # -- operators -------------------------------------------------------------------------------

    @rule(who=st.sampled_from(ACTORS))
    def propose(self, who: str) -> None:
        c = self._try("propose", operators.propose, self.deps, self.subjects[who],
                      operator_id=self.sakura)  # fmt: skip
        if c is not None:
            self.certs.append(c.id)

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 5), complete=st.booleans(),
          command=st.sampled_from(sorted(CERT_TRANSITIONS)))  # fmt: skip
    def cert_step(self, who: str, i: int, complete: bool, command: str) -> None:
        cid, actor = self._pick(self.certs, i), self.subjects[who]
        if command == "apply":
            checklist = {**CHECKLIST, "facilities": {"met": complete, "note": "検討中"}}
            self._try(command, operators.apply, self.deps, actor, cid, checklist=checklist)
        elif command == "report_change":
            self._try(command, operators.report_change, self.deps, actor, cid, summary="役員変更")
        else:
            self._try(command, operators.decide, self.deps, actor, cid, command, note="審査")

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 5), j=st.integers(0, 9))
    def contract(self, who: str, i: int, j: int) -> None:
        today = self.clock.now().date()
        k = self._try("contract", operators.create_contract, self.deps, self.subjects[who],
                      self._pick(self.certs, i), reference="契約", departments=["開発部"],
                      designation_ids=[self._pick(self.designations, j)], sites=["横浜"],
                      start_on=today, end_on=add_years(today, 2))  # fmt: skip
        if k is not None:
            self.contracts.append(k.id)

    @rule(who=st.sampled_from(ACTORS), k=st.integers(0, 9))
    def end_contract(self, who: str, k: int) -> None:
        self._try("end_contract", operators.end_contract, self.deps, self.subjects[who],
                  self._pick(self.contracts, k))  # fmt: skip

    @rule(i=st.integers(0, 5), end=st.booleans(), n=st.integers(1, 5))
    def certification_advances(self, i: int, end: bool, n: int) -> None:
        """The right actors take the next ``n`` steps of a certification (keeps runs reaching the
        later states); a cancelled one is followed by a new proposal."""
        for _ in range(n):
            self._advance_certification(i if self.certs else 0, end)
            i = len(self.certs) - 1 if end else i  # follow a new proposal

    def _advance_certification(self, i: int, end: bool) -> None:
        cid = self._pick(self.certs, i)
        with self.deps.uow() as uow:
            c = uow.records.get(Certification, cid)
        if c is None:
            return
        officer = "meti.certification"
        nxt = {CertStatus.PROPOSED: "apply", CertStatus.REFUSED: "apply",
               CertStatus.APPLIED: "start_review", CertStatus.UNDER_REVIEW: "certify",
               CertStatus.CERTIFIED: "report_change", CertStatus.CHANGE_REVIEW: "accept_change",
               CertStatus.SUSPENDED: "resume"}  # fmt: skip
        if c.status is CertStatus.CANCELLED:
            self.propose(officer)
        elif c.status is CertStatus.CERTIFIED and end:
            self.cert_step(officer, i, True, "cancel")
        elif nxt[c.status] in ("apply", "report_change"):
            self.cert_step("sakura.security", i, True, nxt[c.status])
        else:
            self.cert_step(officer, i, True, nxt[c.status])

    # -- custody ---------------------------------------------------------------------------------

    @rule(who=st.sampled_from(ACTORS), i=st.integers(0, 9), copies=st.integers(1, 3))
    def register(self, who: str, i: int, copies: int) -> None:
        made = self._try("register", custody.register, self.deps, self.subjects[who],
                         designation_id=self._pick(self.designations, i), kind="document",
                         title=f"資料{i % 3}", copy_total=copies, location="金庫")  # fmt: skip
        self.materials += [m.id for m in made or []]

    @rule(who=st.sampled_from(ACTORS), m=st.integers(0, 19))
    def copy(self, who: str, m: int) -> None:
        new = self._try("copy", custody.copy, self.deps, self.subjects[who],
                        self._pick(self.materials, m), location="金庫B")  # fmt: skip
        if new is not None:
            self.materials.append(new.id)

    @rule(who=st.sampled_from(ACTORS), m=st.integers(0, 19), to_sakura=st.booleans(),
          custodian=st.sampled_from(PEOPLE))  # fmt: skip
    def transfer(self, who: str, m: int, to_sakura: bool, custodian: str) -> None:
        self._try("transfer", custody.transfer, self.deps, self.subjects[who],
                  self._pick(self.materials, m), to_org_id=self.sakura if to_sakura else self.meti,
                  custodian_id=self.people[custodian])  # fmt: skip

    @rule(m=st.integers(0, 19))
    def round_trip(self, m: int) -> None:
        """METI sends a material to Sakura with Tanaka (an eligible, trained handler) as custodian
        and Sakura acknowledges it; or Sakura returns one and METI acknowledges it."""
        with self.deps.uow() as uow:
            material = uow.records.get(Material, self._pick(self.materials, m))
        if material is not None and material.holder_org_id == self.sakura:
            self.move("sakura.security", m, "return")
            self.move("meti.manager", m, "acknowledge")
        else:
            self.transfer("meti.manager", m, True, "田中")
            self.move("sakura.security", m, "acknowledge")

    @rule(who=st.sampled_from(ACTORS), m=st.integers(0, 19),
          step=st.sampled_from(["return", "acknowledge"]))  # fmt: skip
    def move(self, who: str, m: int, step: str) -> None:
        mid, actor = self._pick(self.materials, m), self.subjects[who]
        if step == "return":
            self._try(step, custody.return_to_agency, self.deps, actor, mid)
        else:
            self._try(step, custody.acknowledge, self.deps, actor, mid, location="受領棚")

    @rule(who=st.sampled_from(ACTORS), m=st.integers(0, 19), destroyer=st.sampled_from(PEOPLE),
          witness=st.sampled_from(PEOPLE))  # fmt: skip
    def destroy(self, who: str, m: int, destroyer: str, witness: str) -> None:
        self._try("destroy", custody.destroy, self.deps, self.subjects[who],
                  self._pick(self.materials, m), destroyer_id=self.people[destroyer],
                  witness_id=self.people[witness], method="裁断")  # fmt: skip

    @rule(m=st.integers(0, 19), i=st.integers(0, 5), j=st.integers(0, 9))
    def the_right_officers(self, m: int, i: int, j: int) -> None:
        """The holder copies a material; the certification officer makes a contract."""
        with self.deps.uow() as uow:
            material = uow.records.get(Material, self._pick(self.materials, m))
        sakura = material is not None and material.holder_org_id == self.sakura
        self.copy("sakura.security" if sakura else "meti.manager", m)
        self.contract("meti.certification", i, j)

    @rule(m=st.integers(0, 19))
    def destroy_with_a_witness(self, m: int) -> None:
        """The holder's officer records a destruction by one member, witnessed by another."""
        with self.deps.uow() as uow:
            material = uow.records.get(Material, self._pick(self.materials, m))
        if material is None:
            return
        if material.holder_org_id == self.sakura:
            self.destroy("sakura.security", m, "田中", "佐藤")
        else:
            self.destroy("meti.manager", m, "鈴木", "高橋")

    @rule(days=st.sampled_from([1, 30, 200, 400, 800]))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    # -- invariants ------------------------------------------------------------------------------

    def _audited(self, uow: Any) -> Counter[tuple[str, str]]:
        seen: Counter[tuple[str, str]] = Counter()
        for e, _ in uow.audit.entries():
            if e.decision == "allow":
                seen[(e.target, json.loads(e.payload).get("command", ""))] += 1
        return seen

    @invariant()
    def designation_terms_and_history(self) -> None:
        r = term_rules(self.deps)
        with self.deps.uow() as uow:
            audited = self._audited(uow)
            for d in uow.records.find(Designation):
                events = uow.records.find(DesignationEvent, designation_id=d.id, order="at")
                assert events[0].kind == "designate" and events[0].expires_on is not None
                assert events[0].expires_on <= add_years(d.start_on, r.max_term_years)
                expiry = events[0].expires_on
                for e in events[1:]:
                    assert e.kind != "designate"
                    if e.kind == "extend":
                        assert e.expires_on is not None
                        assert expiry < e.expires_on <= add_years(expiry, r.max_extension_years)
                        expiry = e.expires_on
                assert expiry == d.expires_on
                if d.expires_on > add_years(d.start_on, r.total_cap_years):
                    assert d.cabinet_approval_on is not None
                kinds = [e.kind for e in events]
                if "cancel" in kinds:
                    assert kinds[-1] == "cancel" and d.cancelled_at is not None
                    assert self.cancelled.setdefault(d.id, d.cancelled_at) == d.cancelled_at
                for kind, n in Counter(kinds).items():
                    assert audited[(f"designation:{d.id}", kind)] == n, (kind, d.id)

    @invariant()
    def certifications_follow_the_table(self) -> None:
        with self.deps.uow() as uow:
            open_per_pair: Counter[tuple[uuid.UUID, uuid.UUID]] = Counter()
            for c in uow.records.find(Certification):
                events = uow.records.find(CertificationEvent, certification_id=c.id, order="at")
                status = None
                for e in events:
                    if e.command == "propose":
                        assert status is None and e.to_status == CertStatus.PROPOSED
                    else:
                        sources, target = CERT_TRANSITIONS[e.command]
                        assert CertStatus(e.from_status) in sources and e.to_status == target
                        assert e.from_status == status
                    status = e.to_status
                assert status == c.status
                contracts = uow.records.find(Contract, certification_id=c.id)
                for k in contracts:  # made while certified
                    before = [e for e in events if e.at <= k.created_at]
                    assert before and before[-1].to_status == CertStatus.CERTIFIED
                if c.status is CertStatus.CANCELLED:
                    assert all(k.ended_at is not None for k in contracts)
                if c.status in OPEN:
                    open_per_pair[(c.operator_id, c.agency_id)] += 1
            assert all(n <= 1 for n in open_per_pair.values()), open_per_pair

    @invariant()
    def custody_is_consistent(self) -> None:
        with self.deps.uow() as uow:
            audited = self._audited(uow)
            series: dict[tuple[uuid.UUID, str], list[Material]] = {}
            for m in uow.records.find(Material):
                d = uow.records.get(Designation, m.designation_id)
                assert d is not None
                holders = {p.recipient_org_id for p in
                           uow.records.find(Provision, designation_id=d.id)} | {d.agency_id}  # fmt: skip
                assert m.holder_org_id in holders
                events = uow.records.find(CustodyEvent, material_id=m.id, order="at,id")
                assert events[0].kind in ("receipt", "copy")
                if m.status is MaterialStatus.IN_TRANSIT:
                    assert events[-1].kind in ("transfer", "return")
                    assert uuid.UUID(str(events[-1].details["to_org"])) in holders
                if m.id in self.destroyed:
                    assert m == self.destroyed[m.id], "a destroyed material changed"
                elif m.status is MaterialStatus.DESTROYED:
                    assert events[-1].kind == "destroy"
                    assert events[-1].details["destroyer"] != events[-1].details["witness"]
                    self.destroyed[m.id] = m
                for kind, n in Counter(e.kind for e in events if e.kind != "receipt").items():
                    assert audited[(f"material:{m.id}", kind)] == n, (kind, m.id)
                series.setdefault((m.designation_id, m.title), []).append(m)
            for copies in series.values():
                numbers = [m.copy_no for m in copies]
                assert len(set(numbers)) == len(numbers)
                live = {m.copy_total for m in copies if m.status is not MaterialStatus.DESTROYED}
                assert live <= {max(numbers)}


def test_cesi_state_machine(tmp_path: Path) -> None:
    CesiMachine.start = build_world(tmp_path)
    CesiMachine.template = tmp_path / "db.sqlite"
    run_state_machine_as_test(
        CesiMachine,
        settings=settings(max_examples=50, stateful_step_count=50, deadline=None, derandomize=True,
                          suppress_health_check=list(HealthCheck)),
    )  # fmt: skip
    seen = CesiMachine.seen
    wanted = {"designate", "extend", "cancel", "provide", "propose", "apply", "certify", "contract",
              "register", "copy", "return", "acknowledge", "destroy"}  # fmt: skip
    assert wanted <= set(seen), wanted - set(seen)
