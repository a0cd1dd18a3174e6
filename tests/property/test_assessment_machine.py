"""Hypothesis state machine over the assessment services: random sequences of commands by the
right and the wrong actors, with the clock moving, and the invariants checked after every step:

- no case reaches the investigation without a standing consent;
- an employer's view never carries more than person, agency, status and eligible-until;
- eligibility only from a confirmed, notified favourable decision (or an SDS reference), never past
  its expiry;
- every accepted transition wrote exactly one audit entry (and a refused one wrote none for the
  case's transitions), and the audit log verifies.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from clearance.authz.model import Subject
from clearance.bootstrap import build_context, cli_subject
from clearance.domain.assessment import INVESTIGATING, EmployerStatus, Outcome, Status
from clearance.domain.errors import ClearanceError
from clearance.domain.questionnaire import SECTIONS
from clearance.services import audit, demo
from clearance.services.assessments import (
    adjudication,
    cases,
    consent,
    eligibility,
    investigation,
    questionnaire,
    roster,
)
from tests.conftest import FakeClock, make_settings
from tests.e2e.flows import valid_answers

AFTER_CONSENT = INVESTIGATING | {Status.DECISION_PROPOSED, Status.DECIDED, Status.RESULT_NOTIFIED}
ACTORS = ("sakura.security", "meti.officer", "meti.head", "meti.adjudicator", "cao.investigator",
          "tanaka.hanako", "inspector")  # fmt: skip


class AssessmentMachine(RuleBasedStateMachine):
    template: Path
    # statuses reached over the whole run: the walk must go deep
    seen: ClassVar[set[Status]] = set()

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="clearance-sm-"))
        shutil.copy(self.template, self.dir / "db.sqlite")
        self.clock = FakeClock()
        self.ctx = build_context(
            make_settings(self.dir, f"sqlite:///{self.dir / 'db.sqlite'}"), clock=self.clock
        )
        demo.seed(self.ctx.deps, cli_subject())
        self.deps = self.ctx.deps
        self.subjects: dict[str, Subject] = {}
        with self.deps.uow() as uow:
            for name in ACTORS:
                record = uow.accounts.by_username(name)
                assert record is not None
                acc = record.account
                org = uow.orgs.get(acc.org_id) if acc.org_id else None
                self.subjects[name] = Subject(acc.id, name, acc.roles, acc.org_id,
                                              org.kind if org else None, acc.person_id)  # fmt: skip
            self.agency = next(
                o for o in uow.orgs.list(kind=None, q="METI", limit=5, offset=0).items
            )
            self.person = self.subjects["tanaka.hanako"].person_id
        self.case: uuid.UUID | None = None

    def teardown(self) -> None:
        try:
            assert audit.verify_log(self.deps, cli_subject()).ok
        finally:
            self.ctx.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    # -- helpers ---------------------------------------------------------------------------------

    def _transitions(self, case: uuid.UUID) -> int:
        with self.deps.uow() as uow:
            return sum(1 for e, _ in uow.audit.entries()
                       if e.target == f"assessment:{case}" and e.decision == "allow"
                       and "command" in json.loads(e.payload))  # fmt: skip

    def _try(self, fn: Any, *args: Any, **kwargs: Any) -> None:
        before_case = self.case
        before = self._transitions(before_case) if before_case else 0
        version = self._version()
        try:
            fn(*args, **kwargs)
        except ClearanceError:
            if before_case:  # refused: nothing changed, no transition audited
                assert self._version() == version
                assert self._transitions(before_case) == before
            return
        if before_case and self._version() != version:
            assert self._transitions(before_case) == before + 1

    def _version(self) -> int | None:
        if self.case is None:
            return None
        with self.deps.uow() as uow:
            a = uow.cases.get(self.case)
            return a.version if a else None

    def _id(self) -> uuid.UUID:
        return self.case or uuid.uuid4()

    # -- rules -----------------------------------------------------------------------------------

    @rule(who=st.sampled_from(ACTORS))
    def add_candidate(self, who: str) -> None:
        try:
            a = roster.add_candidate(self.deps, self.subjects[who], person_id=self.person,
                                     agency_id=self.agency.id)  # fmt: skip
        except ClearanceError:
            return
        self.case = a.id

    @rule(who=st.sampled_from(ACTORS), given=st.booleans())
    def listing(self, who: str, given: bool) -> None:
        self._try(roster.record_listing_consent, self.deps, self.subjects[who], self._id(),
                  given=given)  # fmt: skip

    @rule(who=st.sampled_from(ACTORS))
    def submit_roster(self, who: str) -> None:
        self._try(roster.submit_roster, self.deps, self.subjects[who], agency_id=self.agency.id,
                  assessment_ids=[self._id()])  # fmt: skip

    @rule(who=st.sampled_from(ACTORS))
    def notice(self, who: str) -> None:
        self._try(consent.issue_notice, self.deps, self.subjects[who], self._id())

    @rule(who=st.sampled_from(ACTORS), step=st.sampled_from(["consent", "refuse", "withdraw"]))
    def consent_step(self, who: str, step: str) -> None:
        self._try(getattr(consent, step), self.deps, self.subjects[who], self._id(),
                  paper_reference="紙-1")  # fmt: skip

    @rule(step=st.sampled_from(["refuse", "withdraw"]))
    def person_leaves(self, step: str) -> None:
        """The person refuses or withdraws (often enough that every run exercises it)."""
        self._try(getattr(consent, step), self.deps, self.subjects["tanaka.hanako"], self._id())

    @rule(who=st.sampled_from(ACTORS), reuse=st.booleans())
    def request(self, who: str, reuse: bool) -> None:
        self._try(investigation.request_investigation, self.deps, self.subjects[who], self._id(),
                  reuse=reuse)  # fmt: skip

    @rule(who=st.sampled_from(ACTORS))
    def issue_questionnaire(self, who: str) -> None:
        self._try(investigation.issue_questionnaire, self.deps, self.subjects[who], self._id())

    @rule()
    def fill_and_submit(self) -> None:
        person = self.subjects["tanaka.hanako"]
        for section, answers in valid_answers(self.clock.now().date()).items():
            try:
                questionnaire.save_section(self.deps, person, self._id(), section, answers)
            except ClearanceError:
                break
        self._try(questionnaire.submit, self.deps, person, self._id())

    @rule(who=st.sampled_from(ACTORS), section=st.sampled_from(sorted(SECTIONS)))
    def return_questionnaire(self, who: str, section: str) -> None:
        self._try(questionnaire.return_sections, self.deps, self.subjects[who], self._id(),
                  sections=[section], note="確認してください")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS), matter=st.integers(1, 7))
    def inquiry(self, who: str, matter: int) -> None:
        self._try(investigation.record_inquiry, self.deps, self.subjects[who], self._id(),
                  target="役所", matter=matter, on=self.clock.now().date(), outcome="済")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS))
    def interview(self, who: str) -> None:
        self._try(investigation.record_interview, self.deps, self.subjects[who], self._id(),
                  held_on=self.clock.now().date(), summary="面接")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS))
    def report(self, who: str) -> None:
        self._try(investigation.report, self.deps, self.subjects[who], self._id(),
                  findings={str(n): "なし" for n in range(1, 8)}, opinion="可")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS), favourable=st.booleans())
    def propose(self, who: str, favourable: bool) -> None:
        outcome = Outcome.FAVOURABLE if favourable else Outcome.UNFAVOURABLE
        self._try(adjudication.propose, self.deps, self.subjects[who], self._id(), outcome=outcome,
                  reasons=None if favourable else "理由")  # fmt: skip

    @rule(who=st.sampled_from(ACTORS), step=st.sampled_from(["confirm", "send_back", "notify"]))
    def adjudicate(self, who: str, step: str) -> None:
        self._try(getattr(adjudication, step), self.deps, self.subjects[who], self._id())

    @rule(who=st.sampled_from(ACTORS), doubt=st.booleans())
    def change_report(self, who: str, doubt: bool) -> None:
        try:
            new = eligibility.report_change(self.deps, self.subjects[who], person_id=self.person,
                                            agency_id=self.agency.id, summary="変更",
                                            raises_doubt=doubt)  # fmt: skip
        except ClearanceError:
            return
        if new is not None:
            self.case = new.id

    @rule(n=st.integers(1, 6))
    def advance(self, n: int) -> None:
        """The right actors take the next ``n`` steps: keeps random runs reaching later stages."""
        for _ in range(n):
            self._advance_once()

    @rule(n=st.integers(1, 6))
    def advance_more(self, n: int) -> None:
        self.advance(n)

    def _advance_once(self) -> None:
        if self.case is None:
            self.add_candidate("sakura.security")
            return
        with self.deps.uow() as uow:
            a = uow.cases.get(self.case)
        assert a is not None
        s, cid, d = self.subjects, self.case, self.deps
        steps: dict[Status, Any] = {
            Status.LISTING_CONSENT_PENDING: lambda: roster.record_listing_consent(
                d, s["sakura.security"], cid, given=True),
            Status.LISTED: lambda: roster.submit_roster(
                d, s["sakura.security"], agency_id=self.agency.id, assessment_ids=[cid]),
            Status.ROSTER_SUBMITTED: lambda: consent.issue_notice(d, s["meti.officer"], cid),
            Status.CONSENT_PENDING: lambda: consent.consent(d, s["tanaka.hanako"], cid),
            Status.CONSENTED: lambda: investigation.request_investigation(d, s["meti.head"], cid),
            Status.INVESTIGATION_REQUESTED: lambda: investigation.issue_questionnaire(
                d, s["cao.investigator"], cid),
            Status.QUESTIONNAIRE_OPEN: self.fill_and_submit,
            Status.QUESTIONNAIRE_SUBMITTED: lambda: self.inquiry("cao.investigator", 1),
            Status.INQUIRIES: lambda: self.interview("cao.investigator"),
            Status.INTERVIEWED: lambda: self.report("cao.investigator"),
            Status.REPORTED: lambda: self.propose("meti.adjudicator", True),
            Status.DECISION_PROPOSED: lambda: self.adjudicate("meti.head", "confirm"),
            Status.DECIDED: lambda: self.adjudicate("meti.officer", "notify"),
        }  # fmt: skip
        step = steps.get(a.status)
        if step is not None:
            self._try(step)

    @rule(days=st.integers(1, 4000))
    def time_passes(self, days: int) -> None:
        self.clock.advance(days=days)

    # -- invariants ------------------------------------------------------------------------------

    @invariant()
    def no_investigation_without_consent(self) -> None:
        with self.deps.uow() as uow:
            for a in uow.cases.find(limit=200).items:
                AssessmentMachine.seen.add(a.status)
                if a.status in AFTER_CONSENT:
                    commands = [e.command for e in uow.cases.events(a.id)]
                    assert "consent" in commands and "withdraw" not in commands, commands

    @invariant()
    def employer_sees_the_result_only(self) -> None:
        page = cases.list_for_employer(self.deps, self.subjects["sakura.security"], limit=200)
        allowed = {s.value for s in EmployerStatus} | {"suspended"}
        for view in page.items:
            assert {f.name for f in dataclasses.fields(view)} == {
                "assessment_id", "person_id", "agency_id", "status", "eligible_until",
                "person_name"}  # fmt: skip
            assert view.status in allowed

    @invariant()
    def eligibility_only_from_a_confirmed_favourable_result(self) -> None:
        now = self.clock.now()
        with self.deps.uow() as uow:
            for e in uow.cases.eligibilities(self.person):
                assert e.assessment_id is not None
                a = uow.cases.get(e.assessment_id)
                d = uow.cases.get_decision(e.assessment_id)
                assert a is not None and d is not None
                assert a.status is Status.RESULT_NOTIFIED and a.outcome is Outcome.FAVOURABLE
                assert d.confirmed_at is not None and d.confirmed_by != d.proposed_by
                assert a.notified_at is not None and e.valid_from == a.notified_at
                if e.holds_at(now):
                    assert now < e.valid_until
                assert not e.holds_at(e.valid_until)

    @invariant()
    def every_transition_audited_once(self) -> None:
        if self.case is None:
            return
        with self.deps.uow() as uow:
            events = len(uow.cases.events(self.case))
        assert self._transitions(self.case) == events


@pytest.mark.parametrize("seed", [0])
def test_assessment_state_machine(sqlite_template: Path, seed: int) -> None:
    AssessmentMachine.template = sqlite_template
    run_state_machine_as_test(
        AssessmentMachine,
        settings=settings(max_examples=30, stateful_step_count=40, deadline=None, derandomize=True,
                                            suppress_health_check=list(HealthCheck)),
    )  # fmt: skip
    seen = AssessmentMachine.seen
    assert {Status.RESULT_NOTIFIED, Status.QUESTIONNAIRE_OPEN} <= seen, seen
    assert seen & {Status.WITHDRAWN, Status.CONSENT_REFUSED}, seen
