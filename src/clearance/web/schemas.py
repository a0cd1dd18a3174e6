"""Request and response models of the JSON API. Requests forbid unknown fields and coerce nothing
but dates; responses never expose credentials or vetting data."""

from __future__ import annotations

import datetime as dt
import uuid
from http import HTTPStatus
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from clearance.domain.model import Account, Organisation, Person
from clearance.domain.organisations import OrgKind, Role

LooseDate = Annotated[dt.date, Field(strict=False)]
LooseUUID = Annotated[uuid.UUID, Field(strict=False)]
# JSON has one number type: 3.0 is the integer 3 to a JSON Schema validator, so it is to us too.
LooseInt = Annotated[int, Field(strict=False)]


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # PostgreSQL cannot store U+0000 in text and no legitimate input carries it: refuse it the
        # same way on both databases (the PostgreSQL fuzz run found it as a server error).
        if _has_nul(data):
            raise ValueError("Text may not contain the NUL character (U+0000).")
        return data


class LoginIn(Request):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    totp: str = Field(min_length=1, max_length=10, description="The current 6-digit code")


class OrganisationIn(Request):
    kind: Annotated[OrgKind, Field(strict=False)]
    code: str = Field(max_length=64)
    name_ja: str = Field(max_length=200)
    name_en: str = Field(max_length=200)


class PersonIn(Request):
    family_name: str = Field(max_length=100)
    given_name: str = Field(max_length=100)
    family_name_kana: str = Field(max_length=100)
    given_name_kana: str = Field(max_length=100)
    date_of_birth: LooseDate
    employer_id: LooseUUID | None = None


class AccountIn(Request):
    username: str = Field(max_length=64)
    display_name: str = Field(max_length=200)
    password: str = Field(max_length=256)
    roles: list[Annotated[Role, Field(strict=False)]] = Field(min_length=1, max_length=20)
    org_id: LooseUUID | None = None
    person_id: LooseUUID | None = None


class TokenIn(Request):
    name: str = Field(max_length=100)
    expires_in_days: LooseInt | None = Field(default=90, ge=1, le=366)


class CheckpointIn(Request):
    checkpoint: str | None = Field(default=None, max_length=10_000)


class Response(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganisationOut(Response):
    id: uuid.UUID
    kind: OrgKind
    code: str
    name_ja: str
    name_en: str
    created_at: dt.datetime

    @classmethod
    def of(cls, o: Organisation) -> OrganisationOut:
        return cls(id=o.id, kind=o.kind, code=o.code, name_ja=o.name_ja, name_en=o.name_en,
                   created_at=o.created_at)  # fmt: skip


class PersonOut(Response):
    id: uuid.UUID
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    date_of_birth: dt.date
    employer_id: uuid.UUID | None
    created_at: dt.datetime

    @classmethod
    def of(cls, p: Person) -> PersonOut:
        return cls(
            id=p.id, family_name=p.family_name, given_name=p.given_name,
            family_name_kana=p.family_name_kana, given_name_kana=p.given_name_kana,
            date_of_birth=p.date_of_birth, employer_id=p.employer_id, created_at=p.created_at,
        )  # fmt: skip


class AccountOut(Response):
    id: uuid.UUID
    username: str
    display_name: str
    org_id: uuid.UUID | None
    person_id: uuid.UUID | None
    roles: list[Role]
    disabled: bool
    created_at: dt.datetime

    @classmethod
    def of(cls, a: Account) -> AccountOut:
        return cls(
            id=a.id, username=a.username, display_name=a.display_name, org_id=a.org_id,
            person_id=a.person_id, roles=sorted(a.roles), disabled=a.disabled,
            created_at=a.created_at,
        )  # fmt: skip


class NewAccountOut(Response):
    account: AccountOut
    totp_secret: str = Field(description="Shown once: enrol it in an authenticator app")
    totp_uri: str


class LoginOut(Response):
    token: str
    csrf_token: str
    expires_at: dt.datetime
    account: AccountOut


class MeOut(Response):
    username: str
    roles: list[Role]
    org_id: uuid.UUID | None
    org_kind: OrgKind | None
    person_id: uuid.UUID | None
    via: str


class TokenOut(Response):
    id: uuid.UUID
    name: str
    token: str = Field(description="Shown once")
    expires_at: dt.datetime | None


class PageOut(Response):
    total: int
    limit: int
    offset: int


class OrganisationPage(PageOut):
    items: list[OrganisationOut]


class PersonPage(PageOut):
    items: list[PersonOut]


class PersonSearchIn(Request):
    q: str = Field(min_length=1, max_length=100, description="Part of a name or its reading")
    employer_id: LooseUUID | None = None
    limit: LooseInt = Field(50, ge=1, le=200)
    offset: LooseInt = Field(0, ge=0, le=10_000_000)


class AccountPage(PageOut):
    items: list[AccountOut]


class AuditEntryOut(Response):
    seq: int
    time: str
    actor: str
    action: str
    target: str
    purpose: str | None
    decision: str
    rule: str | None
    payload: dict[str, Any]


class VerifyOut(Response):
    ok: bool
    size: int
    root_hash: str
    first_bad_seq: int | None
    problem: str | None
    checked_against: int | None


class CheckpointOut(Response):
    path: str
    size: int
    root_hash: str
    checkpoint: str


class ProofOut(Response):
    seq: int
    leaf_index: int
    tree_size: int
    entry: str
    leaf_hash: str
    proof: list[str]
    root_hash: str
    verifier_key: str
    algorithm: str


class Health(Response):
    status: str


def responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can answer (all problem documents)."""
    return {
        c: {"description": HTTPStatus(c).phrase, "content": {"application/problem+json": {}}}
        for c in codes
    }


ERRORS = responses(400, 401, 403, 404, 409, 413, 422, 429)

# Query parameters shared by the routers.
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
Search = Annotated[str | None, Query(max_length=100)]
PurposeQ = Annotated[str, Query(max_length=40, description="Declared purpose of this read")]
