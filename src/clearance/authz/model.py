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

    ACCOUNT_CREATE = "account:create"
    ACCOUNT_DISABLE = "account:disable"
    ACCOUNT_LIST = "account:list"
    ACCOUNT_READ = "account:read"
    API_TOKEN_CREATE = "api_token:create"  # noqa: S105 - an action name, not a secret
    API_TOKEN_REVOKE = "api_token:revoke"  # noqa: S105 - an action name, not a secret
    AUDIT_CHECKPOINT = "audit:checkpoint"
    AUDIT_PROVE = "audit:prove"
    AUDIT_READ = "audit:read"
    AUDIT_VERIFY = "audit:verify"
    DEMO_SEED = "demo:seed"
    ORGANISATION_CREATE = "organisation:create"
    ORGANISATION_LIST = "organisation:list"
    ORGANISATION_READ = "organisation:read"
    PERSON_CREATE = "person:create"
    PERSON_LIST = "person:list"
    PERSON_READ = "person:read"
    REGIME_READ = "regime:read"
    SESSION_LIST = "session:list"
    SESSION_REVOKE = "session:revoke"


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
