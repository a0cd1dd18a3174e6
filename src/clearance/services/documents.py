"""Official documents: issuing a number, reissuing, and each organisation's issuer profile.

``issue`` gives a document its number the first time it is printed, in the issuing organisation's
gap-free sequence for the fiscal year (年度), and writes the number to the audit log in the same
transaction; printing it again returns the same record. Printing is authorised by the read that
produced the document's content (the caller has already made it), so ``issue`` records that
read's subject as the issuer's clerk. ``reissue`` (再交付) is a step of the issuing organisation:
it keeps the number, counts the reissue and is audited.

Gap-free under concurrency: a serial is taken by inserting a row unique per (issuer, fiscal year,
serial). Two issuers that read the same count collide on that key; the loser retries inside a
savepoint (PostgreSQL, READ COMMITTED: the retry sees the winner's row); on SQLite writers are
serialised at BEGIN. A rolled-back issue leaves no row, so no gap.
Imports: domain, services (context, guard).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from clearance.authz.model import Action, Resource, Subject
from clearance.domain import dates
from clearance.domain.documents import (
    DEFAULT_FORMAT,
    DocumentKind,
    IssuedDocument,
    IssuerProfile,
    check_format,
    format_number,
)
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.services.context import Deps
from clearance.services.guard import authorize, record
from clearance.services.ports import UnitOfWork

ATTEMPTS = 64
# Kinds numbered in the sequence; a designation's 指定書 carries the number the agency gave it.
NUMBERED = [k.value for k in DocumentKind if k is not DocumentKind.DESIGNATION]


@dataclass(frozen=True)
class Issuer:
    """Who signs: the profile if the organisation set one, else its name and 第{n}号."""

    org_id: uuid.UUID
    org_name_ja: str
    org_name_en: str
    profile: IssuerProfile | None

    def title(self, lang: str) -> str:
        p = self.profile
        if p is None:
            return self.org_name_ja if lang == "ja" else self.org_name_en
        title = p.title_ja if lang == "ja" else p.title_en
        return title or (self.org_name_ja if lang == "ja" else self.org_name_en)

    def name(self, lang: str) -> str:
        p = self.profile
        return "" if p is None else (p.name_ja if lang == "ja" else p.name_en)

    def complaints(self, lang: str) -> str:
        p = self.profile
        text = "" if p is None else (p.complaints_ja if lang == "ja" else p.complaints_en)
        return text or (self.org_name_ja if lang == "ja" else self.org_name_en)


def issuer(deps: Deps, org_id: uuid.UUID) -> Issuer:
    with deps.uow() as uow:
        org = uow.orgs.get(org_id)
        if org is None:
            raise NotFound("organisation", org_id)
        return Issuer(org_id, org.name_ja, org.name_en, uow.records.get(IssuerProfile, org_id))


def issue(
    deps: Deps, actor: Subject, *, org_id: uuid.UUID, kind: DocumentKind, subject: str,
    given_number: str | None = None,
) -> IssuedDocument:  # fmt: skip
    """The document of ``kind`` about ``subject`` issued by ``org_id``: issued now (numbered and
    audited) if it never was, else as issued before."""
    key = f"{kind.value}:{subject}"
    with deps.uow() as uow:
        found = uow.records.find(IssuedDocument, key=key)
        if found:
            return found[0]
        now = deps.clock.now()
        fy = dates.fiscal_year(dates.as_date(now) or now.date())
        doc = _insert(uow, deps, actor, org_id, kind, key, fy, now, given_number)
        record(deps, uow, actor, Action.DOCUMENT_ISSUE, f"document:{doc.id}", None,
               payload={"kind": kind.value, "number": doc.number, "subject": subject,
                        "issuer": str(org_id)})  # fmt: skip
        uow.commit()
        return doc


def _insert(
    uow: UnitOfWork, deps: Deps, actor: Subject, org_id: uuid.UUID, kind: DocumentKind, key: str,
    fy: int, now: dt.datetime, given: str | None,
) -> IssuedDocument:  # fmt: skip
    if given is not None:
        doc = IssuedDocument(new_id(), key, org_id, kind.value, fy, None, given, now, actor.label)
        uow.records.add(doc)
        return doc
    profile = uow.records.get(IssuerProfile, org_id)
    form = profile.number_format if profile else DEFAULT_FORMAT
    for _ in range(ATTEMPTS):
        serial = uow.records.count(IssuedDocument, org_id=org_id, fiscal_year=fy,
                                   kind=NUMBERED) + 1  # fmt: skip
        doc = IssuedDocument(new_id(), key, org_id, kind.value, fy, serial,
                             format_number(form, serial, fy), now, actor.label)  # fmt: skip
        try:
            uow.records.add(doc)  # keyed: a taken serial (or key) is a Conflict in a savepoint
        except Conflict:
            again = uow.records.find(IssuedDocument, key=key)
            if again:  # the same document was issued at the same moment by someone else
                return again[0]
            continue
        return doc
    raise Conflict("Too many documents were issued at the same time; try again.")


def reissue(deps: Deps, actor: Subject, doc_id: uuid.UUID) -> IssuedDocument:
    """再交付: the same number, one more reissue, audited; by the issuing organisation."""
    with deps.uow() as uow:
        doc = uow.records.get(IssuedDocument, doc_id)
        resource = Resource("document", doc_id, org_id=doc.org_id if doc else None)
        decision = authorize(deps, uow, actor, Action.DOCUMENT_ISSUE, resource)
        if doc is None:
            raise NotFound("document", doc_id)
        now = deps.clock.now()
        new = IssuedDocument(**{**doc.__dict__, "reissues": doc.reissues + 1, "reissued_at": now,
                                "version": doc.version + 1})  # fmt: skip
        uow.records.update(new, expected_version=doc.version)
        record(deps, uow, actor, Action.DOCUMENT_ISSUE, f"document:{doc.id}", decision,
               payload={"number": doc.number, "reissue": new.reissues})  # fmt: skip
        uow.commit()
        return new


def issued(deps: Deps, actor: Subject, *, limit: int = 200) -> list[IssuedDocument]:
    """The documents the actor's organisation issued, newest first (the 発行簿)."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DOCUMENT_ISSUE,
                  Resource("document", org_id=actor.org_id))  # fmt: skip
        found = uow.records.find(IssuedDocument, org_id=actor.org_id, order="issued_at")
        return found[::-1][:limit]


def profile(deps: Deps, actor: Subject) -> IssuerProfile | None:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DOCUMENT_SETTINGS,
                  Resource("organisation", actor.org_id, org_id=actor.org_id))  # fmt: skip
        return uow.records.get(IssuerProfile, actor.org_id)


def find(deps: Deps, kind: DocumentKind, subject: str) -> IssuedDocument | None:
    with deps.uow() as uow:
        found = uow.records.find(IssuedDocument, key=f"{kind.value}:{subject}")
        return found[0] if found else None


def set_profile(
    deps: Deps, actor: Subject, *, number_format: str, title_ja: str, title_en: str,
    name_ja: str = "", name_en: str = "", complaints_ja: str = "", complaints_en: str = "",
    org_id: uuid.UUID | None = None,
) -> IssuerProfile:  # fmt: skip
    """The organisation's number form, issuing title and name, and where complaints go. The
    caller is authorised before the input is checked: an outsider learns nothing from it."""
    with deps.uow() as uow:
        org_id = org_id or actor.org_id
        decision = authorize(deps, uow, actor, Action.DOCUMENT_SETTINGS,
                             Resource("organisation", org_id, org_id=org_id))  # fmt: skip
        problems = check_format(number_format)
        for name, value, limit in (("title_ja", title_ja, 100), ("title_en", title_en, 100),
                                   ("name_ja", name_ja, 100), ("name_en", name_en, 100),
                                   ("complaints_ja", complaints_ja, 300),
                                   ("complaints_en", complaints_en, 300)):  # fmt: skip
            if len(value) > limit or not value.isprintable():
                problems.append(FieldProblem(name, f"At most {limit} characters of text.",
                                             "invalid"))  # fmt: skip
        if not title_ja.strip():
            problems.append(FieldProblem("title_ja", "Give the issuing title.", "required"))
        if problems:
            raise ValidationFailed("The document settings cannot be saved.", tuple(problems))
        assert org_id is not None
        p = IssuerProfile(org_id, number_format.strip(), title_ja.strip(), title_en.strip(),
                          name_ja.strip(), name_en.strip(), complaints_ja.strip(),
                          complaints_en.strip(), deps.clock.now())  # fmt: skip
        if uow.records.get(IssuerProfile, org_id) is None:
            uow.records.add(p)
        else:
            uow.records.update(p)
        record(deps, uow, actor, Action.DOCUMENT_SETTINGS, f"organisation:{org_id}", decision,
               payload={"number_format": p.number_format, "title_ja": p.title_ja})  # fmt: skip
        uow.commit()
        return p
