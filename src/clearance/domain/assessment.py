"""The suitability assessment (適性評価) as data: statuses, the one transition table, eligibility.

CESI.md §4 and §8.1. Pure: no I/O, no clock; the service layer (``services.assessments``) applies
these rules inside a transaction. Imports only ``clearance.domain``.

Every change of an assessment's status goes through ``next_status``; the table ``TRANSITIONS`` is the
only place that says which command moves which status to which. ``WHO_ACTS_NEXT`` drives the
person's status page and the investigator's queue.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum, unique

from clearance.domain.errors import InvalidTransition


@unique
class Status(StrEnum):
    LISTING_CONSENT_PENDING = (
        "listing_consent_pending"  # employer asks the employee (名簿掲載への同意)
    )
    LISTING_DECLINED = "listing_declined"  # terminal
    LISTED = "listed"  # employee agreed to be listed; not yet on a submitted roster
    ROSTER_SUBMITTED = "roster_submitted"  # with the agency (or the agency's own staff list)
    CONSENT_PENDING = (
        "consent_pending"  # notice of the seven matters (告知) given; awaiting consent
    )
    CONSENT_REFUSED = "consent_refused"  # terminal; employer told "not conducted"
    CONSENTED = "consented"
    INVESTIGATION_REQUESTED = "investigation_requested"  # agency head -> Cabinet Office
    QUESTIONNAIRE_OPEN = "questionnaire_open"  # issued (or returned); the person fills it in
    QUESTIONNAIRE_SUBMITTED = "questionnaire_submitted"
    INQUIRIES = "inquiries"  # inquiries to public offices and organisations in progress
    INTERVIEWED = "interviewed"
    REPORTED = "reported"  # investigation report with the agency
    DECISION_PROPOSED = "decision_proposed"  # awaiting the second official's confirmation
    DECIDED = "decided"  # confirmed favourable or unfavourable, not yet notified
    RESULT_NOTIFIED = "result_notified"  # terminal for the assessment (eligibility lives on)
    WITHDRAWN = "withdrawn"  # terminal; consent withdrawn before the result


@unique
class Command(StrEnum):
    RECORD_LISTING_CONSENT = "record_listing_consent"
    DECLINE_LISTING = "decline_listing"
    SUBMIT_ROSTER = "submit_roster"
    ISSUE_NOTICE = "issue_notice"
    CONSENT = "consent"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    REQUEST_INVESTIGATION = "request_investigation"
    REUSE_INVESTIGATION = "reuse_investigation"
    ISSUE_QUESTIONNAIRE = "issue_questionnaire"
    SUBMIT_QUESTIONNAIRE = "submit_questionnaire"
    RETURN_QUESTIONNAIRE = "return_questionnaire"
    START_INQUIRIES = "start_inquiries"
    RECORD_INTERVIEW = "record_interview"
    REPORT = "report"
    PROPOSE_DECISION = "propose_decision"
    DECIDE = "decide"  # proposal without a second official (only when the regime allows it)
    CONFIRM_DECISION = "confirm_decision"
    SEND_BACK = "send_back"
    NOTIFY_RESULT = "notify_result"


@unique
class Party(StrEnum):
    """Who acts next, as shown to the person and in queues."""

    EMPLOYEE = "employee"
    EMPLOYER = "employer"
    AGENCY = "agency"
    PERSON = "person"
    INVESTIGATION_UNIT = "investigation_unit"
    SECOND_OFFICIAL = "second_official"
    NOBODY = "nobody"


@unique
class Origin(StrEnum):
    AGENCY_STAFF = "agency_staff"
    OPERATOR_EMPLOYEE = "operator_employee"


@unique
class Trigger(StrEnum):
    NEW = "new"
    RENEWAL = "renewal"  # the 10-year period is about to lapse
    DOUBT = "doubt"  # circumstances raised doubt (event-driven re-assessment)


@unique
class Outcome(StrEnum):
    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"


@unique
class EmployerStatus(StrEnum):
    """All an employer may ever learn about an assessment (CESI.md §4.6, §10)."""

    LISTING_CONSENT_PENDING = "listing_consent_pending"
    LISTING_DECLINED = "listing_declined"
    LISTED = "listed"
    IN_PROGRESS = "in_progress"
    FAVOURABLE = "favourable"
    UNFAVOURABLE = "unfavourable"
    NOT_CONDUCTED = "not_conducted"


@dataclass(frozen=True)
class Transition:
    command: Command
    sources: frozenset[Status]
    target: Status


S = Status
BEFORE_RESULT = frozenset(
    {
        S.CONSENTED, S.INVESTIGATION_REQUESTED, S.QUESTIONNAIRE_OPEN, S.QUESTIONNAIRE_SUBMITTED,
        S.INQUIRIES, S.INTERVIEWED, S.REPORTED, S.DECISION_PROPOSED, S.DECIDED,
    }
)  # fmt: skip


def _t(command: Command, sources: set[Status] | frozenset[Status], target: Status) -> Transition:
    return Transition(command, frozenset(sources), target)


TRANSITIONS: tuple[Transition, ...] = (
    _t(Command.RECORD_LISTING_CONSENT, {S.LISTING_CONSENT_PENDING}, S.LISTED),
    _t(Command.DECLINE_LISTING, {S.LISTING_CONSENT_PENDING}, S.LISTING_DECLINED),
    _t(Command.SUBMIT_ROSTER, {S.LISTED}, S.ROSTER_SUBMITTED),
    _t(Command.ISSUE_NOTICE, {S.ROSTER_SUBMITTED}, S.CONSENT_PENDING),
    _t(Command.CONSENT, {S.CONSENT_PENDING}, S.CONSENTED),
    _t(Command.REFUSE, {S.CONSENT_PENDING}, S.CONSENT_REFUSED),
    _t(Command.WITHDRAW, BEFORE_RESULT, S.WITHDRAWN),
    _t(Command.REQUEST_INVESTIGATION, {S.CONSENTED}, S.INVESTIGATION_REQUESTED),
    _t(Command.REUSE_INVESTIGATION, {S.CONSENTED}, S.REPORTED),
    _t(Command.ISSUE_QUESTIONNAIRE, {S.INVESTIGATION_REQUESTED}, S.QUESTIONNAIRE_OPEN),
    _t(Command.SUBMIT_QUESTIONNAIRE, {S.QUESTIONNAIRE_OPEN}, S.QUESTIONNAIRE_SUBMITTED),
    _t(Command.RETURN_QUESTIONNAIRE, {S.QUESTIONNAIRE_SUBMITTED}, S.QUESTIONNAIRE_OPEN),
    _t(Command.START_INQUIRIES, {S.QUESTIONNAIRE_SUBMITTED}, S.INQUIRIES),
    _t(Command.RECORD_INTERVIEW, {S.INQUIRIES}, S.INTERVIEWED),
    _t(Command.REPORT, {S.INTERVIEWED}, S.REPORTED),
    _t(Command.PROPOSE_DECISION, {S.REPORTED}, S.DECISION_PROPOSED),
    _t(Command.DECIDE, {S.REPORTED}, S.DECIDED),
    _t(Command.CONFIRM_DECISION, {S.DECISION_PROPOSED}, S.DECIDED),
    _t(Command.SEND_BACK, {S.DECISION_PROPOSED}, S.REPORTED),
    _t(Command.NOTIFY_RESULT, {S.DECIDED}, S.RESULT_NOTIFIED),
)
_BY_COMMAND = {t.command: t for t in TRANSITIONS}

TERMINAL = frozenset({S.LISTING_DECLINED, S.CONSENT_REFUSED, S.RESULT_NOTIFIED, S.WITHDRAWN})
# Statuses in which the Cabinet Office may hold or gather vetting data: consent must stand.
INVESTIGATING = frozenset(
    {S.INVESTIGATION_REQUESTED, S.QUESTIONNAIRE_OPEN, S.QUESTIONNAIRE_SUBMITTED, S.INQUIRIES,
     S.INTERVIEWED, S.REPORTED}
)  # fmt: skip

WHO_ACTS_NEXT: dict[Status, Party] = {
    S.LISTING_CONSENT_PENDING: Party.EMPLOYEE,
    S.LISTING_DECLINED: Party.NOBODY,
    S.LISTED: Party.EMPLOYER,
    S.ROSTER_SUBMITTED: Party.AGENCY,
    S.CONSENT_PENDING: Party.PERSON,
    S.CONSENT_REFUSED: Party.NOBODY,
    S.CONSENTED: Party.AGENCY,
    S.INVESTIGATION_REQUESTED: Party.INVESTIGATION_UNIT,
    S.QUESTIONNAIRE_OPEN: Party.PERSON,
    S.QUESTIONNAIRE_SUBMITTED: Party.INVESTIGATION_UNIT,
    S.INQUIRIES: Party.INVESTIGATION_UNIT,
    S.INTERVIEWED: Party.INVESTIGATION_UNIT,
    S.REPORTED: Party.AGENCY,
    S.DECISION_PROPOSED: Party.SECOND_OFFICIAL,
    S.DECIDED: Party.AGENCY,
    S.RESULT_NOTIFIED: Party.NOBODY,
    S.WITHDRAWN: Party.NOBODY,
}


def allowed_commands(current: Status) -> tuple[Command, ...]:
    return tuple(t.command for t in TRANSITIONS if current in t.sources)


# A further inquiry is not a transition: it is recorded in these statuses without moving the case
# (the first one, from ``questionnaire_submitted``, is ``start_inquiries``). Inquiries stay
# recordable until the report.
RECORD_INQUIRY = "record_inquiry"
INQUIRY_STATUSES = frozenset({S.INQUIRIES, S.INTERVIEWED})


def step_names(current: Status) -> tuple[str, ...]:
    """Every step the status admits, by name: its transitions and the step that adds a record
    without moving the case (a further inquiry). What the API lists as ``allowed_commands``: a
    step it then accepts is never missing from the list (issue 15 §3)."""
    names = tuple(c.value for c in allowed_commands(current))
    return names + ((RECORD_INQUIRY,) if current in INQUIRY_STATUSES else ())


def next_status(current: Status, command: Command) -> Status:
    """The status ``command`` leads to from ``current``; ``InvalidTransition`` (409) otherwise."""
    transition = _BY_COMMAND[command]
    if current not in transition.sources:
        raise InvalidTransition(
            kind="The assessment",
            current=current.value,
            attempted=command.value,
            allowed=tuple(c.value for c in allowed_commands(current)),
        )
    return transition.target


@dataclass(frozen=True)
class Assessment:
    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    origin: Origin
    employer_id: uuid.UUID | None  # the qualified business operator, for its employees
    dispatching_employer_id: uuid.UUID | None  # 派遣元, for a dispatched worker
    trigger: Trigger
    status: Status
    status_since: dt.datetime
    created_at: dt.datetime
    version: int = 1
    outcome: Outcome | None = None
    roster_id: uuid.UUID | None = None
    previous_id: uuid.UUID | None = None  # the assessment a renewal or re-assessment follows
    reused_from_id: uuid.UUID | None = None  # the investigation reused instead of a new one
    investigation_reported_at: dt.datetime | None = None
    notified_at: dt.datetime | None = None


def employer_status(a: Assessment) -> EmployerStatus:
    """Map a status to the employer's view: the result only, once notified; never the reason."""
    if a.status in (S.LISTING_CONSENT_PENDING, S.LISTING_DECLINED, S.LISTED):
        return EmployerStatus(a.status.value)
    if a.status in (S.CONSENT_REFUSED, S.WITHDRAWN):
        return EmployerStatus.NOT_CONDUCTED
    if a.status is S.RESULT_NOTIFIED and a.outcome is not None:
        return EmployerStatus(a.outcome.value)
    return EmployerStatus.IN_PROGRESS


# -- eligibility ------------------------------------------------------------------------------------


@unique
class EligibilitySource(StrEnum):
    CESI = "cesi"  # a favourable CESI result of this agency (Art. 12(1)(i)(イ))
    SDS = "sds"  # a favourable SDS result of the same agency head (Art. 12(1)(i)(ロ))


@dataclass(frozen=True)
class Eligibility:
    id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    source: EligibilitySource
    valid_from: dt.datetime
    valid_until: dt.datetime  # exclusive: not eligible at this instant
    assessment_id: uuid.UUID | None = None
    sds_reference: str | None = None
    suspended_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None
    end_reason: str | None = None

    def holds_at(self, at: dt.datetime) -> bool:
        """Eligible at ``at``: inside [valid_from, valid_until) and before any suspension or end."""
        if not self.valid_from <= at < self.valid_until:
            return False
        if self.suspended_at is not None and at >= self.suspended_at:
            return False
        return self.ended_at is None or at < self.ended_at
