"""Records of provisions, operators, training, handlers, custody and incidents (CESI.md §2.5, §3,
§5), and the small state machines of certifications and materials. Pure; imports only
``clearance.domain``. Each record's fields match its table's columns one to one."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum, unique
from typing import Any

from clearance.domain.designation import ProvisionBasis
from clearance.domain.errors import InvalidTransition


@dataclass(frozen=True)
class Provision:
    id: uuid.UUID
    designation_id: uuid.UUID
    basis: ProvisionBasis
    recipient_org_id: uuid.UUID | None  # None for a foreign body or the Diet (named instead)
    recipient_name: str
    contract_id: uuid.UUID | None
    provided_at: dt.datetime
    provided_by: str


@dataclass(frozen=True)
class DesignationNotice:
    id: uuid.UUID
    designation_id: uuid.UUID
    provision_id: uuid.UUID
    recipient_org_id: uuid.UUID | None
    reason: str  # expired | cancelled
    sent_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    acknowledged_by: str | None = None


# -- qualified business operators -------------------------------------------------------------------


@unique
class CertStatus(StrEnum):
    PROPOSED = "proposed"  # the agency proposes that the company apply
    APPLIED = "applied"
    UNDER_REVIEW = "under_review"
    CERTIFIED = "certified"
    REFUSED = "refused"
    CHANGE_REVIEW = "change_review"  # a reported change is being re-examined
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


CRITERIA = ("internal_rules", "responsible_persons", "training", "facilities",
            "foreign_ownership_influence")  # fmt: skip

C = CertStatus
CERT_TRANSITIONS: dict[str, tuple[frozenset[CertStatus], CertStatus]] = {
    "apply": (frozenset({C.PROPOSED, C.REFUSED}), C.APPLIED),
    "start_review": (frozenset({C.APPLIED}), C.UNDER_REVIEW),
    "certify": (frozenset({C.UNDER_REVIEW}), C.CERTIFIED),
    "refuse": (frozenset({C.UNDER_REVIEW}), C.REFUSED),
    "report_change": (frozenset({C.CERTIFIED}), C.CHANGE_REVIEW),
    "accept_change": (frozenset({C.CHANGE_REVIEW}), C.CERTIFIED),
    "suspend": (frozenset({C.CERTIFIED, C.CHANGE_REVIEW}), C.SUSPENDED),
    "resume": (frozenset({C.SUSPENDED}), C.CERTIFIED),
    "cancel": (frozenset({C.CERTIFIED, C.CHANGE_REVIEW, C.SUSPENDED}), C.CANCELLED),
}


def cert_next(current: CertStatus, command: str) -> CertStatus:
    sources, target = CERT_TRANSITIONS[command]
    if current not in sources:
        raise InvalidTransition(
            kind="The certification", current=current.value, attempted=command,
            allowed=tuple(c for c, (src, _) in CERT_TRANSITIONS.items() if current in src),
        )  # fmt: skip
    return target


@dataclass(frozen=True)
class Certification:
    id: uuid.UUID
    operator_id: uuid.UUID
    agency_id: uuid.UUID
    status: CertStatus
    checklist: dict[str, Any]
    status_since: dt.datetime
    created_at: dt.datetime
    version: int = 1


@dataclass(frozen=True)
class Contract:
    id: uuid.UUID
    certification_id: uuid.UUID
    operator_id: uuid.UUID
    agency_id: uuid.UUID
    reference: str
    designation_ids: list[str]
    departments: list[str]
    sites: list[str]
    start_on: dt.date
    end_on: dt.date  # exclusive
    created_at: dt.datetime
    ended_at: dt.datetime | None = None


# -- training and handlers --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingModule:
    code: str
    title_ja: str
    title_en: str
    required: bool
    org_id: uuid.UUID | None = None


DEFAULT_MODULES = (
    TrainingModule("handling_rules", "重要経済安保情報の取扱いに関する規程", "Handling rules", True),
    TrainingModule("social_media", "SNS利用上の注意", "Caution on social media", True),
    TrainingModule("foreign_approaches", "外国情報機関等からの働きかけへの対処",
                   "Reporting approaches from foreign intelligence", True),
)  # fmt: skip


@dataclass(frozen=True)
class TrainingRecord:
    id: uuid.UUID
    person_id: uuid.UUID
    module_code: str
    assigned_at: dt.datetime
    due_on: dt.date
    completed_at: dt.datetime | None = None
    valid_until: dt.datetime | None = None


@dataclass(frozen=True)
class Handler:
    id: uuid.UUID
    designation_id: uuid.UUID
    person_id: uuid.UUID
    org_id: uuid.UUID
    department: str | None
    start: dt.datetime
    assigned_by: str
    end: dt.datetime | None = None
    end_reason: str | None = None


STATEMENT_VERSION = "2025-05"
DUTIES_STATEMENT = (
    "I will handle Critical Economic Security Information only as my duties require and keep it "
    "secret. I understand that leaking it is punishable by imprisonment of up to 5 years and a fine "
    "(Act Arts. 23-28), and that my employer can also be fined. "
    "職務上必要な範囲でのみ重要経済安保情報を取り扱い、漏らさないことを誓約します。漏えいは5年以下の"
    "拘禁刑及び罰金に処せられ得ること、使用者も罰金に処せられ得ることを理解しました。"
)


# -- custody and incidents --------------------------------------------------------------------------


@unique
class MaterialStatus(StrEnum):
    HELD = "held"
    IN_TRANSIT = "in_transit"
    DESTROYED = "destroyed"


@dataclass(frozen=True)
class Material:
    id: uuid.UUID
    designation_id: uuid.UUID
    kind: str  # document | file | medium
    title: str
    copy_no: int
    copy_total: int
    holder_org_id: uuid.UUID
    location: str
    status: MaterialStatus
    created_at: dt.datetime
    version: int = 1


def need_material_status(m: Material, allowed: set[MaterialStatus], attempted: str) -> None:
    if m.status not in allowed:
        raise InvalidTransition(kind="The material", current=m.status.value, attempted=attempted,
                                allowed=())  # fmt: skip


@dataclass(frozen=True)
class CustodyEvent:
    material_id: uuid.UUID
    kind: str  # receipt | copy | transfer | acknowledge | return | destroy | inventory
    at: dt.datetime
    actor: str
    holder_org_id: uuid.UUID | None
    details: dict[str, Any] = field(default_factory=dict)


@unique
class IncidentStatus(StrEnum):
    REPORTED = "reported"
    INVESTIGATING = "investigating"
    CLOSED = "closed"


@dataclass(frozen=True)
class Incident:
    id: uuid.UUID
    org_id: uuid.UUID
    agency_id: uuid.UUID
    kind: str  # loss | leak | suspected_leak | discrepancy
    status: IncidentStatus
    occurred_at: dt.datetime
    reported_at: dt.datetime
    material_ids: list[str]
    timeline: list[dict[str, str]]
    agency_notified_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None


@dataclass(frozen=True)
class DesignationEvent:
    designation_id: uuid.UUID
    kind: str  # designate | extend | cancel | expire
    at: dt.datetime
    actor: str
    expires_on: dt.date | None = None


@dataclass(frozen=True)
class CertificationEvent:
    certification_id: uuid.UUID
    command: str
    from_status: str | None
    to_status: str
    at: dt.datetime
    actor: str
    note: str | None = None


@dataclass(frozen=True)
class Suspension:
    certification_id: uuid.UUID
    start: dt.datetime
    end: dt.datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class Acknowledgement:
    person_id: uuid.UUID
    acknowledged_at: dt.datetime
    statement_version: str
