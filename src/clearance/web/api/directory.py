"""/api/v1 organisations, persons and accounts."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from clearance.domain.organisations import OrgKind
from clearance.services import directory
from clearance.web import schemas as s
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import Limit, Offset, Search

router = APIRouter()


@router.get(
    "/organisations", response_model=s.OrganisationPage, tags=["organisations"], responses=s.ERRORS
)
def list_organisations(
    subject: CurrentSubject, deps: DepsDep, kind: OrgKind | None = None, q: Search = None,
    limit: Limit = 50, offset: Offset = 0,
) -> s.OrganisationPage:  # fmt: skip
    page = directory.list_organisations(deps, subject, kind=kind, q=q, limit=limit, offset=offset)
    return s.OrganisationPage(
        items=[s.OrganisationOut.of(o) for o in page.items], total=page.total, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.post(
    "/organisations", response_model=s.OrganisationOut, status_code=201, tags=["organisations"],
    responses=s.ERRORS,
)  # fmt: skip
def create_organisation(
    body: s.OrganisationIn, subject: CurrentSubject, deps: DepsDep
) -> s.OrganisationOut:
    org = directory.create_organisation(
        deps, subject, kind=body.kind, code=body.code, name_ja=body.name_ja, name_en=body.name_en
    )
    return s.OrganisationOut.of(org)


@router.get(
    "/organisations/{org_id}", response_model=s.OrganisationOut, tags=["organisations"],
    responses=s.ERRORS,
)  # fmt: skip
def get_organisation(
    org_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep
) -> s.OrganisationOut:
    return s.OrganisationOut.of(directory.get_organisation(deps, subject, org_id))


@router.get("/persons", response_model=s.PersonPage, tags=["persons"], responses=s.ERRORS)
def list_persons(
    subject: CurrentSubject, deps: DepsDep, employer_id: uuid.UUID | None = None,
    limit: Limit = 50, offset: Offset = 0,
) -> s.PersonPage:  # fmt: skip
    page = directory.list_persons(
        deps, subject, employer_id=employer_id, limit=limit, offset=offset
    )
    return s.PersonPage(
        items=[s.PersonOut.of(p) for p in page.items], total=page.total, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.post("/persons/search", response_model=s.PersonPage, tags=["persons"], responses=s.ERRORS)
def search_persons(body: s.PersonSearchIn, subject: CurrentSubject, deps: DepsDep) -> s.PersonPage:
    """Search by name. A name is personal data: it travels in the body, never in a URL, so it
    stays out of access logs, proxies and browser history (issue 15 §2)."""
    page = directory.list_persons(
        deps, subject, employer_id=body.employer_id, q=body.q, limit=body.limit,
        offset=body.offset,
    )  # fmt: skip
    return s.PersonPage(
        items=[s.PersonOut.of(p) for p in page.items], total=page.total, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.post(
    "/persons", response_model=s.PersonOut, status_code=201, tags=["persons"],
    responses=s.ERRORS,
)  # fmt: skip
def create_person(body: s.PersonIn, subject: CurrentSubject, deps: DepsDep) -> s.PersonOut:
    person = directory.create_person(
        deps, subject, family_name=body.family_name, given_name=body.given_name,
        family_name_kana=body.family_name_kana, given_name_kana=body.given_name_kana,
        date_of_birth=body.date_of_birth, employer_id=body.employer_id,
    )  # fmt: skip
    return s.PersonOut.of(person)


@router.get(
    "/persons/{person_id}", response_model=s.PersonOut, tags=["persons"],
    responses=s.ERRORS,
)  # fmt: skip
def get_person(person_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> s.PersonOut:
    return s.PersonOut.of(directory.get_person(deps, subject, person_id))


@router.get("/accounts", response_model=s.AccountPage, tags=["accounts"], responses=s.ERRORS)
def list_accounts(
    subject: CurrentSubject, deps: DepsDep, org_id: uuid.UUID | None = None,
    limit: Limit = 50, offset: Offset = 0,
) -> s.AccountPage:  # fmt: skip
    page = directory.list_accounts(deps, subject, org_id=org_id, limit=limit, offset=offset)
    return s.AccountPage(
        items=[s.AccountOut.of(a) for a in page.items], total=page.total, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip


@router.post(
    "/accounts", response_model=s.NewAccountOut, status_code=201, tags=["accounts"],
    responses=s.ERRORS,
)  # fmt: skip
def create_account(body: s.AccountIn, subject: CurrentSubject, deps: DepsDep) -> s.NewAccountOut:
    made = directory.create_account(
        deps, subject, username=body.username, display_name=body.display_name,
        password=body.password, roles=frozenset(body.roles), org_id=body.org_id,
        person_id=body.person_id,
    )  # fmt: skip
    return s.NewAccountOut(
        account=s.AccountOut.of(made.account), totp_secret=made.totp_secret, totp_uri=made.totp_uri
    )


@router.get(
    "/accounts/{account_id}", response_model=s.AccountOut, tags=["accounts"],
    responses=s.ERRORS,
)  # fmt: skip
def get_account(account_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> s.AccountOut:
    return s.AccountOut.of(directory.get_account(deps, subject, account_id))


@router.post(
    "/accounts/{account_id}/disable", response_model=s.AccountOut, tags=["accounts"],
    responses=s.ERRORS,
)  # fmt: skip
def disable_account(account_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> s.AccountOut:
    """Disable the account: every session ends and every API token is revoked at once."""
    return s.AccountOut.of(directory.set_account_disabled(deps, subject, account_id, disabled=True))


@router.post(
    "/accounts/{account_id}/enable", response_model=s.AccountOut, tags=["accounts"],
    responses=s.ERRORS,
)  # fmt: skip
def enable_account(account_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> s.AccountOut:
    return s.AccountOut.of(
        directory.set_account_disabled(deps, subject, account_id, disabled=False)
    )
