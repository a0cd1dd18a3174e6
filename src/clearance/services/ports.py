"""Ports: the Protocols the service layer needs; ``adapters`` implements them, tests may fake them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, Self, TypeVar

from clearance.audit.checkpoint import Checkpoint
from clearance.audit.entry import AuditEntry
from clearance.domain.model import Account, Organisation, Person
from clearance.domain.organisations import OrgKind


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


@dataclass(frozen=True)
class AuditDraft:
    """What a service asks to record; the store assigns ``seq``, time and tree root."""

    actor: str
    action: str
    target: str
    decision: str
    rule: str | None = None
    purpose: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountRecord:
    """An account with its credentials; never leaves the service layer."""

    account: Account
    password_hash: str
    totp_secret_enc: bytes
    totp_last_step: int


@dataclass(frozen=True)
class SessionRecord:
    token_hash: str
    account_id: uuid.UUID
    csrf_token: str
    created_at: dt.datetime
    last_seen_at: dt.datetime


@dataclass(frozen=True)
class ApiTokenRecord:
    id: uuid.UUID
    account_id: uuid.UUID
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class ThrottleRecord:
    key: str
    failures: int
    window_start: dt.datetime
    blocked_until: dt.datetime | None


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class OrgRepository(Protocol):
    def add(self, org: Organisation) -> None: ...
    def get(self, org_id: uuid.UUID) -> Organisation | None: ...
    def by_code(self, code: str) -> Organisation | None: ...
    def list(self, *, kind: OrgKind | None, q: str | None, limit: int, offset: int) -> Page[Organisation]: ...


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...
    def get(self, person_id: uuid.UUID) -> Person | None: ...
    def list(self, *, employer_id: uuid.UUID | None, q: str | None, limit: int, offset: int) -> Page[Person]: ...


class AccountRepository(Protocol):
    def add(self, record: AccountRecord) -> None: ...
    def get(self, account_id: uuid.UUID) -> AccountRecord | None: ...
    def by_username(self, username: str) -> AccountRecord | None: ...
    def by_person(self, person_id: uuid.UUID) -> AccountRecord | None: ...
    def list(self, *, org_id: uuid.UUID | None, limit: int, offset: int) -> Page[Account]: ...
    def set_disabled(self, account_id: uuid.UUID, disabled: bool) -> None: ...
    def set_totp_last_step(self, account_id: uuid.UUID, step: int) -> bool: ...
    def count(self) -> int: ...


class AuthRepository(Protocol):
    def add_session(self, record: SessionRecord) -> None: ...
    def get_session(self, token_hash: str) -> SessionRecord | None: ...
    def touch_session(self, token_hash: str, at: dt.datetime) -> None: ...
    def delete_session(self, token_hash: str) -> None: ...
    def delete_sessions_for(self, account_id: uuid.UUID) -> int: ...
    def count_sessions_for(self, account_id: uuid.UUID) -> int: ...
    def add_token(self, record: ApiTokenRecord, token_hash: str) -> None: ...
    def token_by_hash(self, token_hash: str) -> ApiTokenRecord | None: ...
    def get_token(self, token_id: uuid.UUID) -> ApiTokenRecord | None: ...
    def revoke_token(self, token_id: uuid.UUID, at: dt.datetime) -> None: ...
    def revoke_tokens_for(self, account_id: uuid.UUID, at: dt.datetime) -> int: ...
    def get_throttle(self, key: str) -> ThrottleRecord | None: ...
    def put_throttle(self, record: ThrottleRecord) -> None: ...
    def clear_throttle(self, key: str) -> None: ...


class AuditRepository(Protocol):
    def append(self, draft: AuditDraft, at: dt.datetime) -> AuditEntry: ...
    def size(self) -> int: ...
    def get(self, seq: int) -> AuditEntry | None: ...
    def entries(self, *, start: int = 1, stop: int | None = None) -> Iterator[tuple[AuditEntry, str]]: ...
    def leaf_hashes(self, size: int) -> list[bytes]: ...
    def recent(self, *, limit: int, before: int | None) -> list[AuditEntry]: ...


class UnitOfWork(Protocol):
    """One transaction. Rolled back on exit unless ``commit()`` was called."""

    orgs: OrgRepository
    persons: PersonRepository
    accounts: AccountRepository
    auth: AuthRepository
    audit: AuditRepository

    def __enter__(self) -> Self: ...
    def __exit__(self, *exc: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self) -> UnitOfWork: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password_hash: str, password: str) -> bool: ...
    def dummy_verify(self, password: str) -> None: ...


class SecretBox(Protocol):
    """Authenticated encryption of small secrets at rest (AES-GCM)."""

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes: ...
    def open(self, sealed: bytes, *, context: bytes) -> bytes: ...
    def mac(self, data: bytes) -> str: ...


class Totp(Protocol):
    def new_secret(self) -> str: ...
    def matching_step(self, secret: str, code: str, at: dt.datetime) -> int | None: ...
    def uri(self, secret: str, *, username: str) -> str: ...


class CheckpointSigner(Protocol):
    name: str

    def sign(self, checkpoint: Checkpoint) -> str: ...
    def verifier_key(self) -> str: ...


class CheckpointStore(Protocol):
    def write(self, text: str, *, size: int, at: dt.datetime) -> str: ...
    def latest(self) -> str | None: ...
