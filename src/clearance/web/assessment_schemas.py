"""Request and response models of the assessment API. Employer-facing models carry only person,
agency, status and eligible-until; vetting content appears only in the purpose-checked read models
(``VettingRecordOut``, ``SectionOut``, ``ComplaintDetailOut``)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Any, Literal

from pydantic import Field

from clearance.domain.assessment import Eligibility, Outcome, Trigger
from clearance.domain.casefile import Complaint, Roster
from clearance.services.assessments.cases import CaseView, EmployerView
from clearance.services.assessments.questionnaire import SectionView
from clearance.services.tasks import TaskList
from clearance.web.schemas import LooseDate, LooseInt, LooseUUID, PageOut, Request, Response

LooseTrigger = Annotated[Trigger, Field(strict=False)]
Text = Annotated[str, Field(max_length=8000)]


class NominateIn(Request):
    person_id: LooseUUID
    trigger: LooseTrigger = Trigger.NEW


class CandidateIn(Request):
    person_id: LooseUUID
    agency_id: LooseUUID
    dispatching_employer_id: LooseUUID | None = None
    trigger: LooseTrigger = Trigger.NEW


class ListingConsentIn(Request):
    given: bool


class RosterIn(Request):
    agency_id: LooseUUID
    assessment_ids: list[LooseUUID] = Field(min_length=1, max_length=5000)


class PaperIn(Request):
    paper_reference: str | None = Field(default=None, max_length=100)


class InvestigationIn(Request):
    reuse: bool = True


class ReturnIn(Request):
    sections: list[str] = Field(min_length=1, max_length=20)
    note: Text


class InquiryIn(Request):
    target: str = Field(max_length=200)
    matter: LooseInt = Field(ge=1, le=7)
    date: LooseDate
    outcome: Text


class InterviewIn(Request):
    held_on: LooseDate
    summary: Text


class ReportIn(Request):
    findings: dict[str, Text] = Field(description="A finding for each matter, keyed '1'..'7'")
    opinion: Text


class DecisionIn(Request):
    outcome: Annotated[Outcome, Field(strict=False)]
    reasons: Text | None = None
    withhold_reasons: bool = False
    withhold_justification: Text | None = None


class ComplaintIn(Request):
    subject: Literal["result", "process"]
    text: Text


class TextIn(Request):
    text: Text


class SdsIn(Request):
    person_id: LooseUUID
    sds_notified_on: LooseDate
    reference: str = Field(max_length=100)


class ChangeReportIn(Request):
    agency_id: LooseUUID
    summary: str = Field(max_length=4000)
    raises_doubt: bool


class DepartureIn(Request):
    agency_id: LooseUUID | None = None


class EventOut(Response):
    command: str
    from_status: str | None
    to_status: str
    actor: str
    at: dt.datetime


class NextActorOut(Response):
    """Who acts next: the party, the organisation that holds the step and the roles in it."""

    party: str
    org_id: uuid.UUID | None
    org_name_ja: str
    org_name_en: str
    roles: list[str]


class AssessmentOut(Response):
    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    origin: str
    employer_id: uuid.UUID | None
    dispatching_employer_id: uuid.UUID | None
    trigger: str
    status: str
    status_since: dt.datetime
    seconds_in_stage: int
    who_acts_next: str
    allowed_commands: list[str]
    outcome: str | None
    roster_id: uuid.UUID | None
    previous_id: uuid.UUID | None
    reused_from_id: uuid.UUID | None
    notified_at: dt.datetime | None
    created_at: dt.datetime
    version: int
    events: list[EventOut]
    available_steps: list[str] = Field(
        default_factory=list,
        description="The steps the caller may take now (one case read only; empty in lists).",
    )
    next_actor: NextActorOut | None = None

    @classmethod
    def of(cls, v: CaseView) -> AssessmentOut:
        a = v.assessment
        return cls(
            id=a.id, person_id=a.person_id, agency_id=a.agency_id, origin=a.origin.value,
            employer_id=a.employer_id, dispatching_employer_id=a.dispatching_employer_id,
            trigger=a.trigger.value, status=a.status.value, status_since=a.status_since,
            seconds_in_stage=v.seconds_in_stage, who_acts_next=v.who_acts_next,
            allowed_commands=list(v.allowed_commands),
            outcome=a.outcome.value if a.outcome else None, roster_id=a.roster_id,
            previous_id=a.previous_id, reused_from_id=a.reused_from_id,
            notified_at=a.notified_at, created_at=a.created_at, version=a.version,
            events=[EventOut(command=e.command, from_status=e.from_status, to_status=e.to_status,
                             actor=e.actor, at=e.at) for e in v.events],
            available_steps=list(v.available_steps),
            next_actor=NextActorOut(party=n.party, org_id=n.org_id, org_name_ja=n.org_name_ja,
                                    org_name_en=n.org_name_en, roles=list(n.roles))
            if (n := v.next_actor) else None,
        )  # fmt: skip


class AssessmentPage(PageOut):
    items: list[AssessmentOut]


class EmployerViewOut(Response):
    """All an employer may see: person, agency, status (result only) and eligible-until."""

    assessment_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    status: str
    eligible_until: dt.datetime | None

    @classmethod
    def of(cls, v: EmployerView) -> EmployerViewOut:
        return cls(
            assessment_id=v.assessment_id, person_id=v.person_id, agency_id=v.agency_id,
            status=v.status,
            eligible_until=dt.datetime.fromisoformat(v.eligible_until) if v.eligible_until else None,
        )  # fmt: skip


class EmployerPage(PageOut):
    items: list[EmployerViewOut]


class RosterOut(Response):
    id: uuid.UUID
    operator_id: uuid.UUID
    agency_id: uuid.UUID
    submitted_at: dt.datetime
    size: int
    assessment_ids: list[uuid.UUID] = Field(default_factory=list)

    @classmethod
    def of(cls, r: Roster, ids: list[uuid.UUID] | None = None) -> RosterOut:
        return cls(id=r.id, operator_id=r.operator_id, agency_id=r.agency_id,
                   submitted_at=r.submitted_at, size=r.size, assessment_ids=ids or [])  # fmt: skip


class SectionOut(Response):
    section: str
    matter: int
    state: str
    carried_over: bool
    confirmed: bool
    answers: dict[str, Any] | None

    @classmethod
    def of(cls, v: SectionView) -> SectionOut:
        return cls(section=v.section, matter=v.matter, state=v.state, carried_over=v.carried_over,
                   confirmed=v.confirmed, answers=v.answers)  # fmt: skip


class ProblemOut(Response):
    field: str
    message: str
    code: str


class VettingRecordOut(Response):
    id: str
    kind: str
    ref: str | None
    at: str
    by: str
    content: dict[str, Any]


class NoticeOut(Response):
    id: str
    kind: str
    recipient: str
    recipient_org_id: str | None
    result: str | None
    reasons_included: bool
    issued_at: str
    issued_by: str | None = Field(None, description="The issuing official; for the agency only.")
    reasons: str | None = None


class ComplaintOut(Response):
    id: uuid.UUID
    assessment_id: uuid.UUID
    agency_id: uuid.UUID
    subject: str
    status: str
    filed_at: dt.datetime
    answered_at: dt.datetime | None
    no_disadvantage: str

    @classmethod
    def of(cls, c: Complaint) -> ComplaintOut:
        from clearance.services.assessments.complaints import NO_DISADVANTAGE

        return cls(id=c.id, assessment_id=c.assessment_id, agency_id=c.agency_id,
                   subject=c.subject, status=c.status.value, filed_at=c.filed_at,
                   answered_at=c.answered_at, no_disadvantage=NO_DISADVANTAGE)  # fmt: skip


class ComplaintPage(PageOut):
    items: list[ComplaintOut]


class ComplaintDetailOut(ComplaintOut):
    texts: list[VettingRecordOut]


class EligibilityOut(Response):
    """An eligibility record. The employer side sees person, agency, the period and whether it holds
    now; how it arose (SDS, its reference), suspension and end are the agency's and the person's
    (issue 15 §2): those fields are null for it."""

    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    source: str | None
    valid_from: dt.datetime
    valid_until: dt.datetime
    suspended_at: dt.datetime | None
    ended_at: dt.datetime | None
    end_reason: str | None
    sds_reference: str | None
    eligible_now: bool

    @classmethod
    def of(cls, e: Eligibility, now: dt.datetime, *, full: bool = True) -> EligibilityOut:
        return cls(id=e.id, person_id=e.person_id, agency_id=e.agency_id,
                   source=e.source.value if full else None,
                   valid_from=e.valid_from, valid_until=e.valid_until,
                   suspended_at=e.suspended_at if full else None,
                   ended_at=e.ended_at if full else None, end_reason=e.end_reason if full else None,
                   sds_reference=e.sds_reference if full else None, eligible_now=e.holds_at(now))  # fmt: skip


class ChangeReportOut(Response):
    reassessment_id: uuid.UUID | None


class CountOut(Response):
    count: int


class TaskOut(Response):
    """One item waiting on the caller: the step, the case, since when and the due date (JST)."""

    kind: str
    step: str
    ref_id: uuid.UUID
    assessment_id: uuid.UUID
    person_name: str
    agency_id: uuid.UUID
    status: str
    since: dt.datetime
    due: dt.date | None


class TaskListOut(Response):
    items: list[TaskOut]
    more: bool = Field(description="More cases wait than one list shows; narrow by page.")

    @classmethod
    def of(cls, t: TaskList) -> TaskListOut:
        return cls(items=[TaskOut(kind=i.kind, step=i.step, ref_id=i.ref_id,
                                  assessment_id=i.assessment_id, person_name=i.person_name,
                                  agency_id=i.agency_id, status=i.status, since=i.since,
                                  due=i.due) for i in t.items], more=t.more)  # fmt: skip


class InvitationOut(Response):
    kind: Literal["listed", "notice", "questionnaire", "returned", "result"]
    assessment_id: uuid.UUID
    at: dt.datetime
    link: str  # the page that acts on it
    emailed: bool


class ContactIn(Request):
    email: str = Field(min_length=3, max_length=320)


class ContactOut(Response):
    email: str
    updated_at: dt.datetime
