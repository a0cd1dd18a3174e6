"""The designation ledger (指定管理簿) and provisions (提供), CESI.md §2.3-2.5.

An agency's CESI manager designates, extends and cancels; every recipient of a provision is notified
when the designation expires or is cancelled, and each notice is tracked to acknowledgement.
``run_expiry`` sends the notices for designations that reached their expiry; it is idempotent.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.designation import (
    Designation,
    Marking,
    ProvisionBasis,
    TermRules,
    check_extension,
    check_initial_term,
)
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.organisations import OrgKind
from clearance.domain.periods import JST
from clearance.domain.records import (
    Certification,
    CertStatus,
    Contract,
    DesignationEvent,
    DesignationNotice,
    Provision,
)
from clearance.services.cesi.facts import contract_facts
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record
from clearance.services.ports import UnitOfWork


def rules(deps: Deps) -> TermRules:
    r = deps.regime
    return TermRules(r.years("designation_max_term_years"),
                     r.years("designation_max_extension_years"),
                     r.years("designation_total_cap_years"))  # fmt: skip


def today(deps: Deps) -> dt.date:
    return deps.clock.now().astimezone(JST).date()


def _res(d: Designation | None, agency_id: uuid.UUID | None = None) -> Resource:
    return Resource("designation", d.id if d else None, org_id=d.agency_id if d else agency_id)


def load(
    deps: Deps, uow: UnitOfWork, actor: Subject, designation_id: uuid.UUID, action: Action
) -> tuple[Designation, Decision]:
    d = uow.records.get(Designation, designation_id)
    if d is None:
        raise NotFound("designation", designation_id)
    if actor.org_id and uow.records.count(Provision, designation_id=d.id,
                                          recipient_org_id=actor.org_id):  # fmt: skip
        return d, authorize(deps, uow, actor, action, _res(d))  # a recipient knows it exists
    return d, authorize_or_conceal(deps, uow, actor, action, _res(d), what="designation",
                                   may_know=(Action.DESIGNATION_READ,))  # fmt: skip


def designate(
    deps: Deps, actor: Subject, *, category_code: str, document_number: str, title: str,
    marking: Marking, start_on: dt.date, expires_on: dt.date,
) -> Designation:  # fmt: skip
    gate(deps, actor, Action.DESIGNATION_MANAGE, "designation")  # before any input is read
    problems = check_initial_term(start_on, expires_on, rules(deps))
    codes = {c.code for c in deps.regime.categories}
    if category_code not in codes:
        problems.append(FieldProblem("category_code", "Choose one of the 19 items of the regime.",
                                     "choice"))  # fmt: skip
    for name, value, limit in (("document_number", document_number, 64), ("title", title, 300)):
        if not value.strip() or len(value) > limit:
            problems.append(
                FieldProblem(name, f"Required, at most {limit} characters.", "required")
            )
    if start_on < today(deps) - dt.timedelta(days=31):
        problems.append(FieldProblem("start_on", "The start may not be backdated by more than a "
                                     "month.", "backdated"))  # fmt: skip
    if problems:
        raise ValidationFailed("The designation has problems; see the list.", tuple(problems))
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.DESIGNATION_MANAGE,
                             _res(None, actor.org_id))  # fmt: skip
        assert actor.org_id is not None
        now = deps.clock.now()
        d = Designation(new_id(), actor.org_id, category_code, document_number.strip(),
                        title.strip(), marking, start_on, expires_on, now, actor.label)  # fmt: skip
        if uow.records.count(Designation, document_number=d.document_number):
            raise Conflict(
                "A designation document with this number exists.", field="document_number"
            )
        uow.records.add(d)
        uow.records.add(DesignationEvent(d.id, "designate", now, actor.label, expires_on))
        record(deps, uow, actor, Action.DESIGNATION_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "designate", "category": category_code,
                        "expires_on": expires_on.isoformat()})  # fmt: skip
        uow.commit()
    return d


def extend(
    deps: Deps, actor: Subject, designation_id: uuid.UUID, *, expires_on: dt.date,
    cabinet_approval_on: dt.date | None = None, cabinet_approval_ref: str | None = None,
) -> Designation:  # fmt: skip
    gate(deps, actor, Action.DESIGNATION_MANAGE, "designation")  # before any input is read
    approval = cabinet_approval_on is not None and bool((cabinet_approval_ref or "").strip())
    with deps.uow() as uow:
        d, decision = load(deps, uow, actor, designation_id, Action.DESIGNATION_MANAGE)
        problems = check_extension(d, expires_on, rules(deps), today=today(deps),
                                   cabinet_approval=approval or d.cabinet_approval_on is not None,
                                   approval_on=cabinet_approval_on)  # fmt: skip
        if (cabinet_approval_on is None) != (not (cabinet_approval_ref or "").strip()):
            problems.append(FieldProblem(
                "cabinet_approval_ref", "Give both the date and the reference of the Cabinet "
                "approval, or neither.", "required"))  # fmt: skip
        if problems:
            raise ValidationFailed("The extension is not allowed; see the list.", tuple(problems))
        new = replace(d, expires_on=expires_on, version=d.version + 1)
        if approval:
            new = replace(new, cabinet_approval_on=cabinet_approval_on,
                          cabinet_approval_ref=(cabinet_approval_ref or "").strip())  # fmt: skip
        uow.records.update(new, expected_version=d.version)
        uow.records.add(DesignationEvent(d.id, "extend", deps.clock.now(), actor.label, expires_on))
        record(deps, uow, actor, Action.DESIGNATION_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "extend", "from": d.expires_on.isoformat(),
                        "to": expires_on.isoformat(), "cabinet_approval": approval})  # fmt: skip
        uow.commit()
    return new


def cancel(deps: Deps, actor: Subject, designation_id: uuid.UUID, *, reason: str) -> Designation:
    gate(deps, actor, Action.DESIGNATION_MANAGE, "designation")  # before any input is read
    if not reason.strip() or len(reason) > 2000:
        raise ValidationFailed(
            "Give the reason.", (FieldProblem("reason", "Required.", "required"),)
        )
    with deps.uow() as uow:
        d, decision = load(deps, uow, actor, designation_id, Action.DESIGNATION_MANAGE)
        if d.cancelled_at is not None or d.expires_on <= today(deps):
            raise Conflict("The designation is no longer in force.")
        now = deps.clock.now()
        new = replace(d, cancelled_at=now, cancel_reason=reason.strip(), version=d.version + 1)
        uow.records.update(new, expected_version=d.version)
        uow.records.add(DesignationEvent(d.id, "cancel", now, actor.label))
        sent = _notify_recipients(deps, uow, new, "cancelled")
        record(deps, uow, actor, Action.DESIGNATION_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "cancel", "notices": sent})  # fmt: skip
        uow.commit()
    return new


def _notify_recipients(deps: Deps, uow: UnitOfWork, d: Designation, reason: str) -> int:
    provisions = uow.records.find(Provision, designation_id=d.id)
    for p in provisions:
        uow.records.add(DesignationNotice(new_id(), d.id, p.id, p.recipient_org_id, reason,
                                          deps.clock.now()))  # fmt: skip
    return len(provisions)


def run_expiry(deps: Deps, actor: Subject) -> int:
    """Notify recipients of designations that expired (once each). Safe to run at any frequency."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.DESIGNATION_MANAGE, _res(None, actor.org_id))
        return _expire(deps, uow, actor, decision, agency_id=actor.org_id)


def run_expiry_all(deps: Deps, actor: Subject) -> int:
    """The same for every agency, for the scheduled jobs (``clearance jobs run``)."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.JOBS_RUN, Resource("jobs"))
        return _expire(deps, uow, actor, decision, agency_id=None)


def _expire(deps: Deps, uow: UnitOfWork, actor: Subject, decision: Decision,
            agency_id: uuid.UUID | None) -> int:  # fmt: skip
    day = today(deps)
    scope: dict[str, Any] = {"agency_id": agency_id} if agency_id else {}
    action = Action.DESIGNATION_MANAGE if agency_id else Action.JOBS_RUN
    due = [d for d in uow.records.find(Designation, cancelled_at=None, **scope)
           if d.expires_on <= day
           and not uow.records.count(DesignationEvent, designation_id=d.id, kind="expire")]  # fmt: skip
    for d in due:
        uow.records.add(DesignationEvent(d.id, "expire", deps.clock.now(), actor.label))
        sent = _notify_recipients(deps, uow, d, "expired")
        record(deps, uow, actor, action, f"designation:{d.id}", decision,
               payload={"command": "expire", "notices": sent})  # fmt: skip
    uow.commit()
    return len(due)


def provide(
    deps: Deps, actor: Subject, designation_id: uuid.UUID, *, basis: ProvisionBasis,
    recipient_org_id: uuid.UUID | None = None, recipient_name: str = "",
    contract_id: uuid.UUID | None = None,
) -> Provision:  # fmt: skip
    """Record a provision with its legal basis; Art. 10 needs a contract in force that covers the
    designation, Art. 6 another administrative organ, Arts. 8 and 9 a named recipient."""
    with deps.uow() as uow:
        d, decision = load(deps, uow, actor, designation_id, Action.DESIGNATION_MANAGE)
        now = deps.clock.now()
        if not d.in_force(now):
            raise Conflict("The designation is not in force; it cannot be provided.")
        org = uow.orgs.get(recipient_org_id) if recipient_org_id else None
        problem = _basis_problem(deps, uow, d, basis, org.kind if org else None, recipient_org_id,
                                 recipient_name, contract_id)  # fmt: skip
        if problem:
            raise ValidationFailed("The provision does not fit its legal basis.", (problem,))
        p = Provision(new_id(), d.id, basis, recipient_org_id,
                      org.name_ja if org else recipient_name.strip(), contract_id, now, actor.label)  # fmt: skip
        uow.records.add(p)
        record(deps, uow, actor, Action.DESIGNATION_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "provide", "basis": basis.value,
                        "recipient": str(recipient_org_id) if recipient_org_id else "named"})  # fmt: skip
        uow.commit()
    return p


def _basis_problem(
    deps: Deps, uow: UnitOfWork, d: Designation, basis: ProvisionBasis, kind: OrgKind | None,
    org_id: uuid.UUID | None, name: str, contract_id: uuid.UUID | None,
) -> FieldProblem | None:  # fmt: skip
    if basis is ProvisionBasis.AGENCY:
        if kind is not OrgKind.ADMINISTRATIVE_ORGAN or org_id == d.agency_id:
            return FieldProblem(
                "recipient_org_id", "Art. 6: another administrative organ.", "basis"
            )
    elif basis is ProvisionBasis.OPERATOR:
        c = uow.records.get(Contract, contract_id) if contract_id else None
        if kind is not OrgKind.QUALIFIED_OPERATOR or c is None or c.operator_id != org_id:
            return FieldProblem("contract_id", "Art. 10: the operator's contract is required.",
                                "no_contract")  # fmt: skip
        if (
            not contract_in_force(deps, uow, c, deps.clock.now())
            or str(d.id) not in c.designation_ids
        ):
            return FieldProblem("contract_id", "Art. 10: the contract is not in force or does not "
                                "cover this designation.", "contract_not_in_force")  # fmt: skip
    elif not name.strip() or org_id is not None:
        return FieldProblem("recipient_name", "Arts. 8-9: name the foreign body or the Diet/court.",
                            "basis")  # fmt: skip
    return None


def contract_in_force(deps: Deps, uow: UnitOfWork, c: Contract, at: dt.datetime) -> bool:
    cert = uow.records.get(Certification, c.certification_id)
    return (cert is not None and cert.status is not CertStatus.CANCELLED
            and contract_facts(uow, c).in_force(at))  # fmt: skip


def ledger(
    deps: Deps, actor: Subject, *, agency_id: uuid.UUID | None = None, limit: int = 50,
    offset: int = 0,
) -> list[Designation]:  # fmt: skip
    agency_id = agency_id or actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DESIGNATION_READ, _res(None, agency_id))
        return uow.records.find(Designation, agency_id=agency_id, order="start_on,document_number",
                                limit=max(1, min(limit, 200)), offset=max(0, offset))  # fmt: skip


def notices(deps: Deps, actor: Subject, *, designation_id: uuid.UUID) -> list[DesignationNotice]:
    with deps.uow() as uow:
        load(deps, uow, actor, designation_id, Action.DESIGNATION_READ)
        return uow.records.find(DesignationNotice, designation_id=designation_id, order="sent_at")


def acknowledge_notice(deps: Deps, actor: Subject, notice_id: uuid.UUID) -> DesignationNotice:
    with deps.uow() as uow:
        n = uow.records.get(DesignationNotice, notice_id)
        if n is None:
            raise NotFound("notice", notice_id)
        decision = authorize_or_conceal(
            deps, uow, actor, Action.DESIGNATION_ACKNOWLEDGE_NOTICE,
            Resource("designation_notice", n.id, org_id=n.recipient_org_id), what="notice")  # fmt: skip
        if n.acknowledged_at is not None:
            raise Conflict("This notice was already acknowledged.")
        n = replace(n, acknowledged_at=deps.clock.now(), acknowledged_by=actor.label)
        uow.records.update(n)
        record(deps, uow, actor, Action.DESIGNATION_ACKNOWLEDGE_NOTICE,
               f"designation:{n.designation_id}", decision, payload={"notice": str(n.id)})  # fmt: skip
        uow.commit()
    return n


def provisions(deps: Deps, actor: Subject, *, designation_id: uuid.UUID) -> list[Provision]:
    """Whom the designation's information was provided to, and on which legal basis."""
    with deps.uow() as uow:
        load(deps, uow, actor, designation_id, Action.DESIGNATION_READ)
        return uow.records.find(Provision, designation_id=designation_id, order="provided_at")


def get(deps: Deps, actor: Subject, designation_id: uuid.UUID) -> Designation:
    with deps.uow() as uow:
        return load(deps, uow, actor, designation_id, Action.DESIGNATION_READ)[0]


@dataclass(frozen=True)
class ReceivedNotice:
    """A notice as its recipient sees it: which designation (number and title) ended, and why."""

    notice: DesignationNotice
    document_number: str
    title: str


def received_notices(deps: Deps, actor: Subject) -> list[ReceivedNotice]:
    """Expiry and cancellation notices addressed to the actor's organisation, newest first."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DESIGNATION_ACKNOWLEDGE_NOTICE,
                  Resource("designation_notice", org_id=actor.org_id))  # fmt: skip
        out = []
        for n in uow.records.find(
            DesignationNotice, recipient_org_id=actor.org_id, order="sent_at"
        ):
            d = uow.records.get(Designation, n.designation_id)
            out.append(ReceivedNotice(n, d.document_number if d else "", d.title if d else ""))
        return out[::-1]


@dataclass(frozen=True)
class Received:
    """A designation as the organisation it was provided to sees it: what it is, from which
    agency, on which legal basis, under which contract, and whether it may be worked with now
    (in force, and for Art. 10 the contract in force and covering it)."""

    designation: Designation
    basis: ProvisionBasis
    provided_at: dt.datetime
    contract_reference: str | None
    usable: bool


def received(deps: Deps, actor: Subject) -> list[Received]:
    """The designations provided to the actor's organisation (Arts. 6, 10), the latest provision
    of each, by document number. The company works with these: handlers, materials, access."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DESIGNATION_READ_RECEIVED,
                  Resource("designation", org_id=actor.org_id))  # fmt: skip
        if actor.org_id is None:
            return []
        latest: dict[uuid.UUID, Provision] = {}
        for p in uow.records.find(Provision, recipient_org_id=actor.org_id, order="provided_at"):
            latest[p.designation_id] = p
        now = deps.clock.now()
        out = []
        for p in latest.values():
            d = uow.records.get(Designation, p.designation_id)
            if d is None:
                continue
            c = uow.records.get(Contract, p.contract_id) if p.contract_id else None
            usable = d.in_force(now) and (
                c is None
                or (contract_in_force(deps, uow, c, now) and str(d.id) in c.designation_ids)
            )
            out.append(Received(d, p.basis, p.provided_at, c.reference if c else None, usable))
        return sorted(out, key=lambda r: (r.designation.document_number, str(r.designation.id)))
