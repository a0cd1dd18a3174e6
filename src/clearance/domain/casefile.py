"""Records that belong to an assessment's case file: events, decisions, notices, complaints, rosters.

Plain frozen dataclasses, no rules beyond simple invariants; the vetting *content* (answers,
findings, reasons, complaint texts) never appears here, only in encrypted ``VettingRecord``s.
Imports only ``clearance.domain``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum, unique

from clearance.domain.assessment import Outcome


@unique
class VettingKind(StrEnum):
    """Kinds of encrypted vetting content, and the purposes each may be read for."""

    INQUIRY = "inquiry"
    INTERVIEW = "interview"
    REPORT = "report"  # per-matter findings and the investigator's opinion
    REASONS = "reasons"  # reasons for an unfavourable result
    WITHHOLDING = "withholding"  # justification for withholding the reasons from the person
    RETURN_NOTE = "return_note"  # why a questionnaire was returned (shown to the person)
    COMPLAINT = "complaint"  # the person's complaint text
    COMPLAINT_ANSWER = "complaint_answer"
    CHANGE_REPORT = "change_report"  # circumstances reported that raise doubt


@unique
class Purpose(StrEnum):
    """Declared purposes for reading vetting data (CESI.md §4.9: protecting CESI only)."""

    ASSESSMENT = "assessment"
    COMPLAINT_HANDLING = "complaint_handling"
    STATUTORY_AUDIT = "statutory_audit"
    OWN_DATA = "own_data"  # the person reading what is held about them


@dataclass(frozen=True)
class AssessmentEvent:
    assessment_id: uuid.UUID
    command: str
    from_status: str | None
    to_status: str
    actor: str
    actor_account_id: uuid.UUID | None
    at: dt.datetime


@dataclass(frozen=True)
class VettingRecord:
    id: uuid.UUID
    assessment_id: uuid.UUID
    person_id: uuid.UUID
    kind: VettingKind
    ref: str | None
    created_at: dt.datetime
    created_by: str
    ciphertext: bytes


@dataclass(frozen=True)
class QuestionnaireSection:
    assessment_id: uuid.UUID
    section: str
    state: str  # open | locked
    carried_over: bool
    confirmed: bool
    saved_at: dt.datetime | None
    ciphertext: bytes | None


@dataclass(frozen=True)
class Decision:
    assessment_id: uuid.UUID
    outcome: Outcome
    reasons_withheld: bool
    proposed_by: uuid.UUID | None
    proposed_at: dt.datetime
    confirmed_by: uuid.UUID | None = None
    confirmed_at: dt.datetime | None = None


@unique
class NoticeKind(StrEnum):
    MATTERS = "matters"  # 告知: the seven matters to be investigated
    RESULT = "result"
    NOT_CONDUCTED = "not_conducted"  # consent refused or withdrawn


@unique
class Recipient(StrEnum):
    PERSON = "person"
    EMPLOYER = "employer"
    DISPATCHING_EMPLOYER = "dispatching_employer"


@dataclass(frozen=True)
class Notice:
    id: uuid.UUID
    assessment_id: uuid.UUID
    kind: NoticeKind
    recipient: Recipient
    recipient_org_id: uuid.UUID | None
    result: str | None  # favourable | unfavourable | not_conducted
    reasons_included: bool
    issued_at: dt.datetime
    issued_by: str


@unique
class ComplaintStatus(StrEnum):
    FILED = "filed"
    UNDER_REVIEW = "under_review"
    ANSWERED = "answered"


@dataclass(frozen=True)
class Complaint:
    id: uuid.UUID
    assessment_id: uuid.UUID
    agency_id: uuid.UUID
    subject: str  # result | process
    status: ComplaintStatus
    filed_at: dt.datetime
    answered_at: dt.datetime | None = None


@dataclass(frozen=True)
class Roster:
    id: uuid.UUID
    operator_id: uuid.UUID
    agency_id: uuid.UUID
    submitted_at: dt.datetime
    submitted_by: str
    size: int
