"""Plain value objects for the platform's records: organisations, persons, accounts.

Frozen dataclasses; repositories in ``adapters.db`` convert rows to these and back.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from clearance.domain.organisations import OrgKind, Role


def new_id() -> uuid.UUID:
    """App-side ids (uuid4) so SQLite and PostgreSQL behave the same."""
    return uuid.uuid4()


@dataclass(frozen=True)
class Organisation:
    id: uuid.UUID
    kind: OrgKind
    name_ja: str
    name_en: str
    code: str  # short stable code, e.g. "METI" or a corporate number
    created_at: dt.datetime


@dataclass(frozen=True)
class Person:
    """Someone who may be assessed or may handle CESI. Distinct from a user account."""

    id: uuid.UUID
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    date_of_birth: dt.date
    employer_id: uuid.UUID | None  # the organisation that employs the person
    created_at: dt.datetime


@dataclass(frozen=True)
class Account:
    id: uuid.UUID
    username: str
    display_name: str
    org_id: uuid.UUID | None  # None for a person's portal account
    person_id: uuid.UUID | None  # set when the account is a person's portal account
    roles: frozenset[Role]
    disabled: bool
    created_at: dt.datetime
