"""Oversight and follow-up records: the Inspector's inspections of designations and correction
requests, the confidential whistle-blowing intake (通報), reminders and their outbox, organisation
contact addresses, and inventory records. Pure; imports only ``clearance.domain``.

CESI.md §3 (the Independent Archives Management Inspector verifies and inspects designations, may
request corrections, and runs a whistle-blowing channel) and §5 (custody, inventories).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum, unique

from clearance.domain.errors import InvalidTransition


@unique
class InspectionStatus(StrEnum):
    OPEN = "open"  # the Inspector is looking at the designation
    CORRECTION_REQUESTED = "correction_requested"  # 是正の求め: the agency must answer
    RESPONDED = "responded"  # the agency answered; the Inspector closes or asks again
    CLOSED = "closed"


INSPECTION_STEPS: dict[str, tuple[frozenset[InspectionStatus], InspectionStatus]] = {
    "request_correction": (frozenset({InspectionStatus.OPEN, InspectionStatus.RESPONDED}),
                           InspectionStatus.CORRECTION_REQUESTED),
    "respond": (frozenset({InspectionStatus.CORRECTION_REQUESTED}), InspectionStatus.RESPONDED),
    "close": (frozenset({InspectionStatus.OPEN, InspectionStatus.RESPONDED}),
              InspectionStatus.CLOSED),
}  # fmt: skip


def inspection_next(current: InspectionStatus, step: str) -> InspectionStatus:
    allowed = [s for s, (sources, _) in INSPECTION_STEPS.items() if current in sources]
    if step not in INSPECTION_STEPS or current not in INSPECTION_STEPS[step][0]:
        raise InvalidTransition(kind="The inspection", current=current.value, attempted=step,
                                allowed=tuple(allowed))  # fmt: skip
    return INSPECTION_STEPS[step][1]


@dataclass(frozen=True)
class Inspection:
    id: uuid.UUID
    designation_id: uuid.UUID
    agency_id: uuid.UUID
    status: InspectionStatus
    opened_at: dt.datetime
    opened_by: str
    findings: str
    request: str | None = None
    requested_at: dt.datetime | None = None
    response: str | None = None
    responded_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    version: int = 1


@dataclass(frozen=True)
class WhistleReport:
    """A 通報. Content and the reporter's identity are sealed under the report's own data key,
    wrapped with the installation secret; only the Inspector's role may open them."""

    id: uuid.UUID
    received_at: dt.datetime
    status: str  # received | closed
    wrapped_key: bytes
    sealed: bytes
    agency_id: uuid.UUID | None = None  # the agency concerned, if the reporter names one
    closed_at: dt.datetime | None = None
    version: int = 1


@unique
class ReminderKind(StrEnum):
    DESIGNATION_EXPIRY = "designation_expiry"
    ELIGIBILITY_EXPIRY = "eligibility_expiry"
    TRAINING_DUE = "training_due"
    INVENTORY_DUE = "inventory_due"
    COMPLAINT_WAITING = "complaint_waiting"


@dataclass(frozen=True)
class Reminder:
    """One reminder for one organisation, kept in the outbox until delivered.

    ``key`` is unique: the same due thing yields the same key however often (and however
    concurrently) the jobs run, so a reminder is created once. Delivery claims the row with an
    optimistic version check and a lease, so two workers never send the same row; a worker killed
    midway leaves a lease that expires and the row is sent by the next run."""

    id: uuid.UUID
    key: str
    kind: ReminderKind
    org_id: uuid.UUID
    object_ref: str
    due_on: dt.date
    created_at: dt.datetime
    subject: str
    body: str
    sent_at: dt.datetime | None = None
    emailed_to: str | None = None
    attempts: int = 0
    claimed_until: dt.datetime | None = None
    claimed_by: str | None = None
    last_error: str | None = None
    version: int = 1


@dataclass(frozen=True)
class OrgContact:
    """Where an organisation's reminders are e-mailed (its security office's address)."""

    org_id: uuid.UUID
    email: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class InventoryRecord:
    id: uuid.UUID
    org_id: uuid.UUID
    at: dt.datetime
    expected: int
    found: int
    missing: int


@dataclass(frozen=True)
class JobLock:
    """A lease on one job step, taken with an optimistic version check; it runs out by itself
    when its holder dies, so a killed job never blocks the next one for longer than the lease."""

    name: str
    holder: str | None
    until: dt.datetime | None
    version: int = 1


@unique
class InvitationKind(StrEnum):
    """Why the person is asked to look: each names the page that acts on it."""

    LISTED = "listed"  # on a roster: the agency will send the notice of the seven matters
    NOTICE = "notice"  # the notice is issued: read it, consent or refuse
    QUESTIONNAIRE = "questionnaire"  # the questionnaire is open: fill it in
    RETURNED = "returned"  # sections were returned: change them and submit again
    RESULT = "result"  # the result is ready to read


@dataclass(frozen=True)
class Invitation:
    """A message to the person assessed, shown on their home page and e-mailed (through the same
    claim-and-lease outbox as reminders) when they gave an address. It says only that something
    waits and where; never the result, the reasons or anything from the file."""

    id: uuid.UUID
    key: str  # unique: the step that caused it (assessment, kind, time)
    kind: InvitationKind
    person_id: uuid.UUID
    assessment_id: uuid.UUID
    created_at: dt.datetime
    sent_at: dt.datetime | None = None
    emailed_to: str | None = None
    attempts: int = 0
    claimed_until: dt.datetime | None = None
    claimed_by: str | None = None
    last_error: str | None = None
    version: int = 1


@dataclass(frozen=True)
class PersonContact:
    """Where the person's invitations are e-mailed; given by the person in their portal."""

    person_id: uuid.UUID
    email: str
    updated_at: dt.datetime
