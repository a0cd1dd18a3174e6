"""Organisations, persons and accounts: create, list, read, disable."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import Conflict, NotFound, Problems
from clearance.domain.model import Account, Organisation, Person, new_id
from clearance.domain.organisations import OrgKind, Role, role_allowed_for
from clearance.domain.people import check_person_fields, clean_kana, clean_name
from clearance.domain.periods import jst_today
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record
from clearance.services.ports import AccountRecord, Page
from clearance.services.sealing import totp_context

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PASSWORD_MIN, PASSWORD_MAX = 12, 128
MAX_PAGE = 200


def _page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)


# -- organisations ---------------------------------------------------------------------------------


def create_organisation(
    deps: Deps, actor: Subject, *, kind: OrgKind, code: str, name_ja: str, name_en: str
) -> Organisation:
    gate(deps, actor, Action.ORGANISATION_CREATE, "organisation")  # before any input is read
    problems = Problems()
    code = code.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{1,63}", code):
        problems.add(
            "code", "Use 2-64 letters, digits, '-' or '_', starting with a letter or digit."
        )
    if not name_ja.strip():
        problems.add("name_ja", "The Japanese name is required.", "required")
    if not name_en.strip():
        problems.add("name_en", "The English name is required.", "required")
    problems.raise_if_any()
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.ORGANISATION_CREATE, Resource("organisation"))
        if uow.orgs.by_code(code):
            raise Conflict(f"An organisation with code {code} already exists.", field="code")
        org = Organisation(new_id(), kind, name_ja.strip(), name_en.strip(), code, deps.clock.now())
        uow.orgs.add(org)
        record(
            deps, uow, actor, Action.ORGANISATION_CREATE, f"organisation:{org.id}", decision,
            payload={"kind": kind.value, "code": code},
        )  # fmt: skip
        uow.commit()
    return org


def list_organisations(
    deps: Deps, actor: Subject, *, kind: OrgKind | None = None, q: str | None = None,
    limit: int = 50, offset: int = 0,
) -> Page[Organisation]:  # fmt: skip
    limit, offset = _page(limit, offset)
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.ORGANISATION_LIST, Resource("organisation"))
        return uow.orgs.list(kind=kind, q=q, limit=limit, offset=offset)


def get_organisation(deps: Deps, actor: Subject, org_id: uuid.UUID) -> Organisation:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.ORGANISATION_READ, Resource("organisation", org_id))
        org = uow.orgs.get(org_id)
        if org is None:
            raise NotFound("organisation", org_id)
        return org


# -- persons ---------------------------------------------------------------------------------------


def create_person(
    deps: Deps, actor: Subject, *, family_name: str, given_name: str, family_name_kana: str,
    given_name_kana: str, date_of_birth: dt.date, employer_id: uuid.UUID | None,
) -> Person:  # fmt: skip
    gate(deps, actor, Action.PERSON_CREATE, "person")  # before any input is read
    now = deps.clock.now()
    family_name, given_name = clean_name(family_name), clean_name(given_name)
    family_name_kana, given_name_kana = clean_kana(family_name_kana), clean_kana(given_name_kana)
    check_person_fields(
        family_name=family_name, given_name=given_name, family_name_kana=family_name_kana,
        given_name_kana=given_name_kana, date_of_birth=date_of_birth, today=jst_today(now),
    )  # fmt: skip
    with deps.uow() as uow:
        decision = authorize(
            deps, uow, actor, Action.PERSON_CREATE, Resource("person", org_id=employer_id)
        )
        if employer_id is not None and uow.orgs.get(employer_id) is None:
            raise NotFound("organisation", employer_id)
        person = Person(
            new_id(), family_name.strip(), given_name.strip(), family_name_kana.strip(),
            given_name_kana.strip(), date_of_birth, employer_id, now,
        )  # fmt: skip
        uow.persons.add(person)
        # Names and dates of birth are personal data: the log records ids only.
        record(
            deps, uow, actor, Action.PERSON_CREATE, f"person:{person.id}", decision,
            payload={"employer": str(employer_id) if employer_id else None},
        )  # fmt: skip
        uow.commit()
    return person


def list_persons(
    deps: Deps, actor: Subject, *, employer_id: uuid.UUID | None = None, q: str | None = None,
    limit: int = 50, offset: int = 0,
) -> Page[Person]:  # fmt: skip
    """Persons the actor may list. Without ``employer_id`` a non-platform actor sees its own
    organisation's people only."""
    limit, offset = _page(limit, offset)
    if employer_id is None and Role.SYSTEM_ADMIN not in actor.roles:
        employer_id = actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.PERSON_LIST, Resource("person", org_id=employer_id))
        return uow.persons.list(employer_id=employer_id, q=q, limit=limit, offset=offset)


def get_person(deps: Deps, actor: Subject, person_id: uuid.UUID) -> Person:
    with deps.uow() as uow:
        person = uow.persons.get(person_id)
        resource = Resource(
            "person", person_id, org_id=person.employer_id if person else None, person_id=person_id
        )
        if person is None:
            raise NotFound("person", person_id)
        # A denied and a missing person look the same; the denial is still audited.
        authorize_or_conceal(deps, uow, actor, Action.PERSON_READ, resource, what="person")
        return person


# -- accounts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    account: Account
    totp_secret: str
    totp_uri: str


def _check_account_input(
    username: str, display_name: str, password: str, roles: frozenset[Role]
) -> Problems:
    problems = Problems()
    if not USERNAME.fullmatch(username):
        problems.add(
            "username", "Use 3-64 lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter or digit.",
        )  # fmt: skip
    if not display_name.strip():
        problems.add("display_name", "A display name is required.", "required")
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        problems.add(
            "password", f"Use {PASSWORD_MIN} to {PASSWORD_MAX} characters.", "password_length"
        )
    if not roles:
        problems.add("roles", "Give the account at least one role.", "required")
    return problems


def create_account(
    deps: Deps, actor: Subject, *, username: str, display_name: str, password: str,
    roles: frozenset[Role], org_id: uuid.UUID | None = None, person_id: uuid.UUID | None = None,
    totp_secret: str | None = None,
) -> NewAccount:  # fmt: skip
    """Create an account. ``totp_secret`` is only for demo data; normally one is generated."""
    username = username.strip().lower()
    problems = _check_account_input(username, display_name, password, roles)
    with deps.uow() as uow:
        org = uow.orgs.get(org_id) if org_id else None
        person = uow.persons.get(person_id) if person_id else None
        owner = org_id if org_id else (person.employer_id if person else None)
        decision = authorize(
            deps, uow, actor, Action.ACCOUNT_CREATE, Resource("account", org_id=owner)
        )
        # Every problem at once: the input's own and those that need the database.
        if org_id and org is None:
            problems.add("org_id", "No such organisation.", "not_found")
        if person_id and person is None:
            problems.add("person_id", "No such person.", "not_found")
        if org_id and person_id:
            problems.add("person_id", "A person's portal account belongs to no organisation.")
        if not org_id and not person_id:
            problems.add("org_id", "Give the organisation (staff) or the person (portal account).")
        kind = org.kind if org else None
        bad = sorted(r.value for r in roles if not role_allowed_for(kind, r))
        if bad:
            where = kind.value if kind else "a person's portal account"
            problems.add("roles", f"Not allowed for {where}: {', '.join(bad)}.", "role_not_allowed")
        problems.raise_if_any()
        if uow.accounts.by_username(username):
            raise Conflict(f"The user name {username} is taken.", field="username")
        if person_id and uow.accounts.by_person(person_id):
            raise Conflict("That person already has a portal account.", field="person_id")
        secret = totp_secret or deps.totp.new_secret()
        account = Account(
            new_id(), username, display_name.strip(), org_id, person_id, roles, False,
            deps.clock.now(),
        )  # fmt: skip
        sealed = deps.box.seal(secret.encode(), context=totp_context(account.id))
        uow.accounts.add(AccountRecord(account, deps.hasher.hash(password), sealed, 0))
        record(
            deps, uow, actor, Action.ACCOUNT_CREATE, f"account:{account.id}", decision,
            payload={"username": username, "roles": sorted(r.value for r in roles),
                     "org": str(org_id) if org_id else None},
        )  # fmt: skip
        uow.commit()
    return NewAccount(account, secret, deps.totp.uri(secret, username=username))


def list_accounts(
    deps: Deps, actor: Subject, *, org_id: uuid.UUID | None = None, limit: int = 50,
    offset: int = 0,
) -> Page[Account]:  # fmt: skip
    limit, offset = _page(limit, offset)
    if org_id is None and Role.SYSTEM_ADMIN not in actor.roles:
        org_id = actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.ACCOUNT_LIST, Resource("account", org_id=org_id))
        return uow.accounts.list(org_id=org_id, limit=limit, offset=offset)


def get_account(deps: Deps, actor: Subject, account_id: uuid.UUID) -> Account:
    with deps.uow() as uow:
        rec = uow.accounts.get(account_id)
        if rec is None:
            raise NotFound("account", account_id)
        authorize_or_conceal(
            deps, uow, actor, Action.ACCOUNT_READ,
            Resource("account", account_id, org_id=rec.account.org_id, account_id=account_id),
            what="account",
        )  # fmt: skip
        return rec.account


def set_account_disabled(
    deps: Deps, actor: Subject, account_id: uuid.UUID, *, disabled: bool
) -> Account:
    """Disable (or re-enable) an account. Disabling ends every session and revokes API tokens."""
    with deps.uow() as uow:
        rec = uow.accounts.get(account_id)
        if rec is None:
            raise NotFound("account", account_id)
        decision = authorize_or_conceal(
            deps, uow, actor, Action.ACCOUNT_DISABLE,
            Resource("account", account_id, org_id=rec.account.org_id, account_id=account_id),
            what="account", may_know=(Action.ACCOUNT_READ,),
        )  # fmt: skip
        uow.accounts.set_disabled(account_id, disabled)
        ended = revoked = 0
        if disabled:
            ended = uow.auth.delete_sessions_for(account_id)
            revoked = uow.auth.revoke_tokens_for(account_id, deps.clock.now())
        record(
            deps, uow, actor, Action.ACCOUNT_DISABLE, f"account:{account_id}", decision,
            payload={"disabled": disabled, "sessions_ended": ended, "tokens_revoked": revoked},
        )  # fmt: skip
        uow.commit()
        updated = uow.accounts.get(account_id)
        assert updated is not None
        return updated.account
