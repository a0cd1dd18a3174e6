"""Qualified business operators (適合事業者, CESI.md §5): proposal, application with the criteria
checklist, review, certification by the agency, contracts, change reports that need re-review,
suspension, cancellation and the end of a contract (after which materials must come back)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace
from typing import Any

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.designation import Designation
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.organisations import OrgKind
from clearance.domain.records import (
    CRITERIA,
    Certification,
    CertificationEvent,
    CertStatus,
    Contract,
    Material,
    MaterialStatus,
    Suspension,
    cert_next,
)
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record
from clearance.services.ports import UnitOfWork


def _res(c: Certification) -> Resource:
    return Resource("certification", c.id, org_id=c.agency_id,
                    attrs={"employer_id": str(c.operator_id)})  # fmt: skip


def _load(
    deps: Deps, uow: UnitOfWork, actor: Subject, cert_id: uuid.UUID, action: Action
) -> tuple[Certification, Decision]:
    c = uow.records.get(Certification, cert_id)
    if c is None:
        raise NotFound("certification", cert_id)
    return c, authorize_or_conceal(deps, uow, actor, action, _res(c), what="certification",
                                   may_know=(Action.OPERATOR_READ,))  # fmt: skip


def _move(
    deps: Deps, uow: UnitOfWork, actor: Subject, c: Certification, command: str,
    decision: Decision, action: Action, *, note: str | None = None, **changes: Any,
) -> Certification:  # fmt: skip
    target = cert_next(c.status, command)
    now = deps.clock.now()
    new = replace(c, status=target, status_since=now, version=c.version + 1, **changes)
    uow.records.update(new, expected_version=c.version)
    uow.records.add(CertificationEvent(c.id, command, c.status.value, target.value, now,
                                       actor.label, note))  # fmt: skip
    record(deps, uow, actor, action, f"certification:{c.id}", decision,
           payload={"command": command, "from": c.status.value, "to": target.value})  # fmt: skip
    return new


def propose(deps: Deps, actor: Subject, *, operator_id: uuid.UUID) -> Certification:
    gate(deps, actor, Action.OPERATOR_CERTIFY, "certification")  # before any input is read
    with deps.uow() as uow:
        org = uow.orgs.get(operator_id)
        if org is None or org.kind is not OrgKind.QUALIFIED_OPERATOR:
            raise ValidationFailed(
                "Only a business operator can be certified.",
                (FieldProblem("operator_id", "Not a business operator.", "not_operator"),),
            )
        decision = authorize(
            deps,
            uow,
            actor,
            Action.OPERATOR_CERTIFY,
            Resource("certification", org_id=actor.org_id, attrs={"employer_id": str(operator_id)}),
        )
        assert actor.org_id is not None  # own_org scope
        now = deps.clock.now()
        c = Certification(new_id(), operator_id, actor.org_id, CertStatus.PROPOSED, {}, now, now)
        open_ = [x for x in uow.records.find(Certification, operator_id=operator_id,
                                             agency_id=c.agency_id)
                 if x.status not in (CertStatus.CANCELLED, CertStatus.REFUSED)]  # fmt: skip
        if open_:
            raise Conflict("This operator already has a certification with this agency.")
        uow.records.add(c)
        uow.records.add(CertificationEvent(c.id, "propose", None, c.status.value, now, actor.label))
        record(deps, uow, actor, Action.OPERATOR_CERTIFY, f"certification:{c.id}", decision,
               payload={"command": "propose", "to": c.status.value})  # fmt: skip
        uow.commit()
    return c


def apply(
    deps: Deps, actor: Subject, cert_id: uuid.UUID, *, checklist: dict[str, Any]
) -> Certification:
    """The operator applies, answering every certification criterion (met + a note)."""
    gate(deps, actor, Action.OPERATOR_APPLY, "certification")  # before any input is read
    problems = [FieldProblem(f"checklist.{k}", "Answer this criterion.", "required")
                for k in CRITERIA if k not in checklist]  # fmt: skip
    problems += [FieldProblem(f"checklist.{k}", "Not a certification criterion.", "unknown_field")
                 for k in checklist if k not in CRITERIA]  # fmt: skip
    for k, v in checklist.items():
        if k in CRITERIA and not (isinstance(v, dict) and isinstance(v.get("met"), bool)
                                  and isinstance(v.get("note", ""), str)):  # fmt: skip
            problems.append(
                FieldProblem(f"checklist.{k}", "Give {met: bool, note: text}.", "invalid")
            )
    if problems:
        raise ValidationFailed("The application is incomplete.", tuple(problems))
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, cert_id, Action.OPERATOR_APPLY)
        c = _move(
            deps, uow, actor, c, "apply", decision, Action.OPERATOR_APPLY, checklist=checklist
        )
        uow.commit()
    return c


def decide(deps: Deps, actor: Subject, cert_id: uuid.UUID, command: str, *,
           note: str | None = None) -> Certification:  # fmt: skip
    """The agency's steps: start_review, certify, refuse, accept_change, suspend, resume, cancel."""
    gate(deps, actor, Action.OPERATOR_CERTIFY, "certification")  # before any input is read
    if command not in ("start_review", "certify", "refuse", "accept_change", "suspend", "resume",
                       "cancel"):  # fmt: skip
        raise ValidationFailed("Unknown step.", (FieldProblem("command", "Not a step.", "choice"),))
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, cert_id, Action.OPERATOR_CERTIFY)
        cert_next(c.status, command)  # a step the status does not allow is a 409 before anything
        if command == "certify":
            unmet = [k for k in CRITERIA if not c.checklist.get(k, {}).get("met")]
            if unmet:
                raise ValidationFailed(
                    "Every criterion must be met to certify.",
                    tuple(
                        FieldProblem(f"checklist.{k}", "Not met.", "criterion_unmet") for k in unmet
                    ),
                )
        c = _move(deps, uow, actor, c, command, decision, Action.OPERATOR_CERTIFY, note=note)
        now = deps.clock.now()
        if command == "suspend":
            uow.records.add(Suspension(c.id, now))
        elif command == "resume":
            for s in uow.records.find(Suspension, certification_id=c.id, end=None):
                uow.records.update(replace(s, end=now))
        elif command == "cancel":
            for k in uow.records.find(Contract, certification_id=c.id, ended_at=None):
                uow.records.update(replace(k, ended_at=now))
        uow.commit()
    return c


def report_change(deps: Deps, actor: Subject, cert_id: uuid.UUID, *, summary: str) -> Certification:
    """A change to what the application said needs prior report and re-examination."""
    gate(deps, actor, Action.OPERATOR_APPLY, "certification")  # before any input is read
    if not summary.strip() or len(summary) > 4000:
        raise ValidationFailed(
            "Describe the change.", (FieldProblem("summary", "Required.", "required"),)
        )
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, cert_id, Action.OPERATOR_APPLY)
        c = _move(deps, uow, actor, c, "report_change", decision, Action.OPERATOR_APPLY,
                  note=summary.strip())  # fmt: skip
        uow.commit()
    return c


def create_contract(
    deps: Deps, actor: Subject, cert_id: uuid.UUID, *, reference: str,
    designation_ids: list[uuid.UUID], departments: list[str], sites: list[str],
    start_on: dt.date, end_on: dt.date,
) -> Contract:  # fmt: skip
    gate(deps, actor, Action.OPERATOR_CERTIFY, "certification")  # before any input is read
    problems = []
    if end_on <= start_on:
        problems.append(FieldProblem("end_on", "The end must be after the start.", "date_order"))
    if not departments or any(not d.strip() for d in departments):
        problems.append(FieldProblem("departments", "Name the authorised departments.", "required"))
    if not reference.strip():
        problems.append(FieldProblem("reference", "Give the contract reference.", "required"))
    if problems:
        raise ValidationFailed("The contract has problems; see the list.", tuple(problems))
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, cert_id, Action.OPERATOR_CERTIFY)
        if c.status is not CertStatus.CERTIFIED:
            raise Conflict(
                f"A contract needs a certified operator; the certification is {c.status}."
            )
        for i in designation_ids:
            d = uow.records.get(Designation, i)
            if d is None or d.agency_id != c.agency_id:
                raise ValidationFailed("Designations must be this agency's.", (
                    FieldProblem("designation_ids", f"{i} is not a designation of this agency.",
                                 "not_found"),))  # fmt: skip
        k = Contract(new_id(), c.id, c.operator_id, c.agency_id, reference.strip(),
                     [str(i) for i in designation_ids], [d.strip() for d in departments],
                     [s.strip() for s in sites], start_on, end_on, deps.clock.now())  # fmt: skip
        uow.records.add(k)
        record(deps, uow, actor, Action.OPERATOR_CERTIFY, f"contract:{k.id}", decision,
               payload={"command": "contract", "designations": len(designation_ids)})  # fmt: skip
        uow.commit()
    return k


def end_contract(deps: Deps, actor: Subject, contract_id: uuid.UUID) -> list[Material]:
    """End the contract now; returns the materials the operator still holds under it, which must be
    returned or destroyed."""
    with deps.uow() as uow:
        k = uow.records.get(Contract, contract_id)
        if k is None:
            raise NotFound("contract", contract_id)
        try:
            _, decision = _load(deps, uow, actor, k.certification_id, Action.OPERATOR_CERTIFY)
        except NotFound:  # concealed: answer about the contract asked for, nothing more
            raise NotFound("contract", contract_id) from None
        if k.ended_at is not None:
            raise Conflict("The contract has already ended.")
        uow.records.update(replace(k, ended_at=deps.clock.now()))
        outstanding = [m for m in uow.records.find(Material, holder_org_id=k.operator_id,
                                                   status=MaterialStatus.HELD)
                       if str(m.designation_id) in k.designation_ids]  # fmt: skip
        record(deps, uow, actor, Action.OPERATOR_CERTIFY, f"contract:{k.id}", decision,
               payload={"command": "end_contract", "outstanding": len(outstanding)})  # fmt: skip
        uow.commit()
    return outstanding


def certifications(deps: Deps, actor: Subject) -> list[Certification]:
    with deps.uow() as uow:
        agency = uow.orgs.get(actor.org_id) if actor.org_id else None
        is_agency = agency is not None and agency.kind is OrgKind.ADMINISTRATIVE_ORGAN
        probe = Resource("certification", org_id=actor.org_id,
                         attrs={"employer_id": str(actor.org_id)})  # fmt: skip
        authorize(deps, uow, actor, Action.OPERATOR_READ, probe)
        if is_agency:
            return uow.records.find(Certification, agency_id=actor.org_id, order="created_at")
        return uow.records.find(Certification, operator_id=actor.org_id, order="created_at")


def contracts(deps: Deps, actor: Subject, cert_id: uuid.UUID) -> list[Contract]:
    with deps.uow() as uow:
        c, _ = _load(deps, uow, actor, cert_id, Action.OPERATOR_READ)
        return uow.records.find(Contract, certification_id=c.id, order="created_at")
