"""Subjects, actions, resources and decisions: the vocabulary of ``authz.engine.decide``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum, unique

from clearance.domain.organisations import OrgKind, Role


@unique
class Action(StrEnum):
    """Every action that is authorized, as ``resource:verb``. Keep alphabetized.

    Every API route and CLI command names exactly one of these; tests/architecture checks that each
    value is documented in docs/authorization.md.
    """

    ACCESS_DECIDE = "access:decide"
    ACCESS_HISTORY = "access:history"
    ACCOUNT_CREATE = "account:create"
    ACCOUNT_DISABLE = "account:disable"
    ACCOUNT_LIST = "account:list"
    ACCOUNT_READ = "account:read"
    API_TOKEN_CREATE = "api_token:create"  # noqa: S105 - an action name, not a secret
    API_TOKEN_REVOKE = "api_token:revoke"  # noqa: S105 - an action name, not a secret
    ASSESSMENT_ADD_CANDIDATE = "assessment:add_candidate"
    ASSESSMENT_CONFIRM_DECISION = "assessment:confirm_decision"
    ASSESSMENT_CONSENT = "assessment:consent"
    ASSESSMENT_DECIDE = "assessment:decide"
    ASSESSMENT_INVESTIGATE = "assessment:investigate"
    ASSESSMENT_ISSUE_NOTICE = "assessment:issue_notice"
    ASSESSMENT_LISTING_CONSENT = "assessment:listing_consent"
    ASSESSMENT_NOMINATE = "assessment:nominate"
    ASSESSMENT_NOTIFY = "assessment:notify"
    ASSESSMENT_READ = "assessment:read"
    ASSESSMENT_READ_RESULT = "assessment:read_result"
    ASSESSMENT_REQUEST_INVESTIGATION = "assessment:request_investigation"
    AUDIT_CHECKPOINT = "audit:checkpoint"
    AUDIT_PROVE = "audit:prove"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    BACKUP_CREATE = "backup:create"
    BACKUP_RESTORE = "backup:restore"
    KEYS_MANAGE = "keys:manage"
    COMPLAINT_FILE = "complaint:file"
    COMPLAINT_HANDLE = "complaint:handle"
    CONTACT_MANAGE = "contact:manage"
    CUSTODY_MANAGE = "custody:manage"
    CUSTODY_READ = "custody:read"
    DEMO_SEED = "demo:seed"
    DESIGNATION_ACKNOWLEDGE_NOTICE = "designation:acknowledge_notice"
    DESIGNATION_MANAGE = "designation:manage"
    DESIGNATION_READ = "designation:read"
    DESIGNATION_READ_RECEIVED = "designation:read_received"
    ELIGIBILITY_READ = "eligibility:read"
    ELIGIBILITY_RECORD_SDS = "eligibility:record_sds"
    ELIGIBILITY_REPORT_CHANGE = "eligibility:report_change"
    HANDLER_ACKNOWLEDGE = "handler:acknowledge"
    HANDLER_MANAGE = "handler:manage"
    HANDLER_READ = "handler:read"
    INCIDENT_MANAGE = "incident:manage"
    INCIDENT_REPORT = "incident:report"
    INSPECTION_MANAGE = "inspection:manage"
    INSPECTION_READ = "inspection:read"
    INSPECTION_RESPOND = "inspection:respond"
    JOBS_RUN = "jobs:run"
    OPERATOR_APPLY = "operator:apply"
    DOCUMENT_ISSUE = "document:issue"  # recorded when a document is first printed or reissued
    DOCUMENT_SETTINGS = "document:settings"  # the issuer profile: number form, title, 教示
    OPERATOR_CERTIFY = "operator:certify"
    OPERATOR_READ = "operator:read"
    ORGANISATION_CREATE = "organisation:create"
    ORGANISATION_LIST = "organisation:list"
    ORGANISATION_READ = "organisation:read"
    PERSON_CREATE = "person:create"
    PERSON_CONTACT = "person:contact"
    PERSON_EXPORT = "person:export"
    PERSON_LIST = "person:list"
    PERSON_READ = "person:read"
    QUESTIONNAIRE_WRITE = "questionnaire:write"
    REGIME_READ = "regime:read"
    REMINDER_READ = "reminder:read"
    REPORT_READ = "report:read"
    ROSTER_SUBMIT = "roster:submit"
    SESSION_LIST = "session:list"
    SESSION_REVOKE = "session:revoke"
    TIMELINESS_READ = "timeliness:read"
    TRAINING_MANAGE = "training:manage"
    VETTING_PURGE = "vetting:purge"
    VETTING_READ = "vetting:read"
    WEBAUTHN_MANAGE = "webauthn:manage"
    WHISTLE_FILE = "whistle:file"
    WHISTLE_READ = "whistle:read"


@unique
class Effect(StrEnum):
    ALLOW = "allow"
    DENY = "deny"


@dataclass(frozen=True)
class Subject:
    """Who is acting. Built by authentication (web) or by the CLI; never by a client."""

    account_id: uuid.UUID | None
    username: str
    roles: frozenset[Role]
    org_id: uuid.UUID | None = None
    org_kind: OrgKind | None = None
    person_id: uuid.UUID | None = None
    disabled: bool = False
    via: str = "session"  # session | api_token | cli

    @property
    def label(self) -> str:
        """How the audit log names this actor."""
        return f"{self.via}:{self.username}"


@dataclass(frozen=True)
class Resource:
    """What is acted on. ``org_id`` is the owning organisation; ``person_id``/``account_id`` allow
    'self' rules. ``kind`` is the resource part of the action (e.g. ``person``)."""

    kind: str
    id: uuid.UUID | int | str | None = None
    org_id: uuid.UUID | None = None
    person_id: uuid.UUID | None = None
    account_id: uuid.UUID | None = None
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.id}" if self.id is not None else self.kind


@dataclass(frozen=True)
class Decision:
    effect: Effect
    reason: str
    rule_id: str | None = None
    candidates: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.effect is Effect.ALLOW
