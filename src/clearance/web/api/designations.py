"""/api/v1 designation ledger, provisions, notices, operator certification and contracts. Thin:
parse, call one service function, answer with the domain record."""

from __future__ import annotations

import uuid
from enum import Enum

from fastapi import APIRouter

from clearance.domain.designation import Designation
from clearance.domain.records import Certification, Contract, DesignationNotice, Material, Provision
from clearance.services.cesi import designations as ledger
from clearance.services.cesi import operators
from clearance.web import cesi_schemas as s
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import ERRORS, Limit, Offset

router = APIRouter(responses=ERRORS)
DES: list[str | Enum] = ["designations"]
OPS: list[str | Enum] = ["operators"]


@router.post("/designations", response_model=Designation, status_code=201, tags=DES)
def designate(body: s.DesignationIn, subject: CurrentSubject, deps: DepsDep) -> Designation:
    return ledger.designate(deps, subject, category_code=body.category_code,
                            document_number=body.document_number, title=body.title,
                            marking=body.marking, start_on=body.start_on,
                            expires_on=body.expires_on)  # fmt: skip


@router.get("/designations", response_model=list[Designation], tags=DES)
def list_designations(
    subject: CurrentSubject, deps: DepsDep, agency_id: uuid.UUID | None = None, limit: Limit = 50,
    offset: Offset = 0,
) -> list[Designation]:  # fmt: skip
    return ledger.ledger(deps, subject, agency_id=agency_id, limit=limit, offset=offset)


@router.post("/designations/{designation_id}/extension", response_model=Designation, tags=DES)
def extend(designation_id: uuid.UUID, body: s.ExtendIn, subject: CurrentSubject,
           deps: DepsDep) -> Designation:  # fmt: skip
    return ledger.extend(deps, subject, designation_id, expires_on=body.expires_on,
                         cabinet_approval_on=body.cabinet_approval_on,
                         cabinet_approval_ref=body.cabinet_approval_ref)  # fmt: skip


@router.post("/designations/{designation_id}/cancellation", response_model=Designation, tags=DES)
def cancel(designation_id: uuid.UUID, body: s.ReasonIn, subject: CurrentSubject,
           deps: DepsDep) -> Designation:  # fmt: skip
    return ledger.cancel(deps, subject, designation_id, reason=body.reason)


@router.post("/designations/expiry-run", response_model=int, tags=DES)
def run_expiry(subject: CurrentSubject, deps: DepsDep) -> int:
    """Notify recipients of designations that reached their expiry (idempotent)."""
    return ledger.run_expiry(deps, subject)


@router.post("/designations/{designation_id}/provisions", response_model=Provision,
             status_code=201, tags=DES)  # fmt: skip
def provide(designation_id: uuid.UUID, body: s.ProvisionIn, subject: CurrentSubject,
            deps: DepsDep) -> Provision:  # fmt: skip
    return ledger.provide(deps, subject, designation_id, basis=body.basis,
                          recipient_org_id=body.recipient_org_id,
                          recipient_name=body.recipient_name, contract_id=body.contract_id)  # fmt: skip


@router.get("/designations/{designation_id}/notices", response_model=list[DesignationNotice],
            tags=DES)  # fmt: skip
def notices(designation_id: uuid.UUID, subject: CurrentSubject,
            deps: DepsDep) -> list[DesignationNotice]:  # fmt: skip
    return ledger.notices(deps, subject, designation_id=designation_id)


@router.get("/designation-notices", response_model=list[ledger.ReceivedNotice], tags=DES)
def received_notices(subject: CurrentSubject, deps: DepsDep) -> list[ledger.ReceivedNotice]:
    """Expiry and cancellation notices addressed to the caller's organisation, newest first."""
    return ledger.received_notices(deps, subject)


@router.post("/designation-notices/{notice_id}/acknowledgement", response_model=DesignationNotice,
             tags=DES)  # fmt: skip
def acknowledge_notice(notice_id: uuid.UUID, subject: CurrentSubject,
                       deps: DepsDep) -> DesignationNotice:  # fmt: skip
    return ledger.acknowledge_notice(deps, subject, notice_id)


@router.post("/certifications", response_model=Certification, status_code=201, tags=OPS)
def propose(body: s.ProposeIn, subject: CurrentSubject, deps: DepsDep) -> Certification:
    return operators.propose(deps, subject, operator_id=body.operator_id)


@router.get("/certifications", response_model=list[Certification], tags=OPS)
def certifications(subject: CurrentSubject, deps: DepsDep) -> list[Certification]:
    return operators.certifications(deps, subject)


@router.post("/certifications/{cert_id}/application", response_model=Certification, tags=OPS)
def apply(cert_id: uuid.UUID, body: s.ApplyIn, subject: CurrentSubject,
          deps: DepsDep) -> Certification:  # fmt: skip
    return operators.apply(deps, subject, cert_id, checklist=body.checklist)


@router.post("/certifications/{cert_id}/change-reports", response_model=Certification, tags=OPS)
def report_change(cert_id: uuid.UUID, body: s.SummaryIn, subject: CurrentSubject,
                  deps: DepsDep) -> Certification:  # fmt: skip
    return operators.report_change(deps, subject, cert_id, summary=body.summary)


@router.post("/certifications/{cert_id}/steps/{command}", response_model=Certification, tags=OPS)
def certification_step(cert_id: uuid.UUID, command: str, subject: CurrentSubject, deps: DepsDep,
                       body: s.StepIn | None = None) -> Certification:  # fmt: skip
    """start_review, certify, refuse, accept_change, suspend, resume or cancel."""
    return operators.decide(deps, subject, cert_id, command, note=body.note if body else None)


@router.post("/certifications/{cert_id}/contracts", response_model=Contract, status_code=201,
             tags=OPS)  # fmt: skip
def create_contract(cert_id: uuid.UUID, body: s.ContractIn, subject: CurrentSubject,
                    deps: DepsDep) -> Contract:  # fmt: skip
    return operators.create_contract(
        deps, subject, cert_id, reference=body.reference, designation_ids=body.designation_ids,
        departments=body.departments, sites=body.sites, start_on=body.start_on,
        end_on=body.end_on,
    )  # fmt: skip


@router.get("/certifications/{cert_id}/contracts", response_model=list[Contract], tags=OPS)
def contracts(cert_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> list[Contract]:
    return operators.contracts(deps, subject, cert_id)


@router.post("/contracts/{contract_id}/end", response_model=list[Material], tags=OPS)
def end_contract(contract_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> list[Material]:
    """End the contract; answers the materials that must now be returned or destroyed."""
    return operators.end_contract(deps, subject, contract_id)
