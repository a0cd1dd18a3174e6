"""/api/v1 training, handlers, materials, incidents and access decisions. Thin routes."""

from __future__ import annotations

import uuid
from enum import Enum
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import AwareDatetime

from clearance.domain.access import AccessAction
from clearance.domain.records import (
    Acknowledgement,
    Handler,
    Incident,
    Material,
    TrainingModule,
    TrainingRecord,
)
from clearance.services.cesi import access, custody, handlers, incidents
from clearance.services.cesi.custody import InventoryResult
from clearance.web import cesi_schemas as s
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import ERRORS, Limit, Offset

router = APIRouter(responses=ERRORS)
# An instant with its offset (…+09:00 or Z): a bare date or a time without offset is a 422 (it
# was compared with aware instants: a 500).
AtQ = Annotated[AwareDatetime, Query(description="The time asked about (ISO 8601 with offset)")]
H: list[str | Enum] = ["handlers"]
M: list[str | Enum] = ["custody"]
A: list[str | Enum] = ["access"]


@router.post("/training/modules", response_model=TrainingModule, status_code=201, tags=H)
def add_module(body: s.ModuleIn, subject: CurrentSubject, deps: DepsDep) -> TrainingModule:
    return handlers.add_module(deps, subject, code=body.code, title_ja=body.title_ja,
                               title_en=body.title_en, required=body.required)  # fmt: skip


@router.post("/training/assignments", response_model=TrainingRecord, status_code=201, tags=H)
def assign_training(body: s.AssignTrainingIn, subject: CurrentSubject,
                    deps: DepsDep) -> TrainingRecord:  # fmt: skip
    return handlers.assign_training(deps, subject, person_id=body.person_id,
                                    module_code=body.module_code, due_on=body.due_on)  # fmt: skip


@router.post("/training/assignments/{record_id}/completion", response_model=TrainingRecord, tags=H)
def complete_training(record_id: uuid.UUID, subject: CurrentSubject,
                      deps: DepsDep) -> TrainingRecord:  # fmt: skip
    return handlers.complete_training(deps, subject, record_id)


@router.post("/handlers", response_model=Handler, status_code=201, tags=H)
def assign_handler(body: s.HandlerIn, subject: CurrentSubject, deps: DepsDep) -> Handler:
    return handlers.assign_handler(deps, subject, designation_id=body.designation_id,
                                   person_id=body.person_id, department=body.department)  # fmt: skip


@router.post("/handlers/{handler_id}/end", response_model=Handler, tags=H)
def end_handler(handler_id: uuid.UUID, body: s.ReasonIn, subject: CurrentSubject,
                deps: DepsDep) -> Handler:  # fmt: skip
    return handlers.end_handler(deps, subject, handler_id, reason=body.reason)


@router.post("/handlers/acknowledgements", response_model=Acknowledgement, status_code=201, tags=H)
def acknowledge(body: s.AcknowledgeIn, subject: CurrentSubject, deps: DepsDep) -> Acknowledgement:
    """The person's dated statement of duties and penalties (text: ``DUTIES_STATEMENT``)."""
    return handlers.acknowledge(deps, subject, person_id=body.person_id,
                                paper_reference=body.paper_reference)  # fmt: skip


@router.get("/handlers/register", tags=H, response_class=PlainTextResponse)
def handler_register(subject: CurrentSubject, deps: DepsDep, org_id: uuid.UUID | None = None,
                     designation_id: uuid.UUID | None = None) -> str:  # fmt: skip
    """The handler register (取扱者名簿) as CSV, with each handler's standing now. ``org_id``
    defaults to the caller's organisation (an inspector may name any)."""
    lines = handlers.register(deps, subject, org_id=org_id, designation_id=designation_id)
    return handlers.register_csv(lines)


@router.post("/materials", response_model=list[Material], status_code=201, tags=M)
def register_material(body: s.MaterialIn, subject: CurrentSubject, deps: DepsDep) -> list[Material]:
    return custody.register(deps, subject, designation_id=body.designation_id, kind=body.kind,
                            title=body.title, copy_total=body.copy_total, location=body.location)  # fmt: skip


@router.get("/materials", response_model=list[Material], tags=M)
def list_materials(subject: CurrentSubject, deps: DepsDep, org_id: uuid.UUID | None = None,
                   limit: Limit = 50, offset: Offset = 0) -> list[Material]:  # fmt: skip
    return custody.materials(deps, subject, org_id=org_id, limit=limit, offset=offset)


@router.post("/materials/{material_id}/copies", response_model=Material, status_code=201, tags=M)
def copy(material_id: uuid.UUID, body: s.LocationIn, subject: CurrentSubject,
         deps: DepsDep) -> Material:  # fmt: skip
    return custody.copy(deps, subject, material_id, location=body.location)


@router.post("/materials/{material_id}/transfer", response_model=Material, tags=M)
def transfer(material_id: uuid.UUID, body: s.TransferIn, subject: CurrentSubject,
             deps: DepsDep) -> Material:  # fmt: skip
    return custody.transfer(deps, subject, material_id, to_org_id=body.to_org_id,
                            custodian_id=body.custodian_id)  # fmt: skip


@router.post("/materials/{material_id}/return", response_model=Material, tags=M)
def return_material(material_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Material:
    return custody.return_to_agency(deps, subject, material_id)


@router.post("/materials/{material_id}/receipt", response_model=Material, tags=M)
def acknowledge_receipt(material_id: uuid.UUID, body: s.LocationIn, subject: CurrentSubject,
                        deps: DepsDep) -> Material:  # fmt: skip
    return custody.acknowledge(deps, subject, material_id, location=body.location)


@router.post("/materials/{material_id}/destruction", response_model=Material, tags=M)
def destroy(material_id: uuid.UUID, body: s.DestroyIn, subject: CurrentSubject,
            deps: DepsDep) -> Material:  # fmt: skip
    return custody.destroy(deps, subject, material_id, destroyer_id=body.destroyer_id,
                           witness_id=body.witness_id, method=body.method)  # fmt: skip


@router.post("/inventories", response_model=InventoryResult, tags=M)
def inventory(body: s.InventoryIn, subject: CurrentSubject, deps: DepsDep) -> InventoryResult:
    return custody.inventory(deps, subject, found=body.found)


@router.post("/incidents", response_model=Incident, status_code=201, tags=M)
def report_incident(body: s.IncidentIn, subject: CurrentSubject, deps: DepsDep) -> Incident:
    return incidents.report(deps, subject, kind=body.kind, occurred_at=body.occurred_at,
                            material_ids=body.material_ids, text=body.text)  # fmt: skip


@router.get("/incidents", response_model=list[Incident], tags=M)
def list_incidents(subject: CurrentSubject, deps: DepsDep) -> list[Incident]:
    return incidents.incidents(deps, subject)


@router.post("/incidents/{incident_id}/steps", response_model=Incident, tags=M)
def incident_step(incident_id: uuid.UUID, body: s.IncidentStepIn, subject: CurrentSubject,
                  deps: DepsDep) -> Incident:  # fmt: skip
    return incidents.update(deps, subject, incident_id, command=body.command, text=body.text)


@router.post("/access/decisions", response_model=s.AccessOut, tags=A)
def decide(body: s.AccessIn, subject: CurrentSubject, deps: DepsDep) -> s.AccessOut:
    """Permit or deny with every reason that applies (each with its rule and article)."""
    return s.AccessOut.of(access.check(deps, subject, person_id=body.person_id,
                                       material_id=body.material_id, action=body.action,
                                       at=body.at))  # fmt: skip


@router.get("/access/materials/{material_id}/who", response_model=list[uuid.UUID], tags=A)
def who_could(material_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep,
              at: AtQ, action: AccessAction = AccessAction.READ,
              ) -> list[uuid.UUID]:  # fmt: skip
    return access.who_could(deps, subject, material_id=material_id, action=action, at=at)


@router.get("/access/persons/{person_id}/materials", response_model=list[uuid.UUID], tags=A)
def what_could(person_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep,
               at: AtQ) -> list[uuid.UUID]:  # fmt: skip
    return access.what_could(deps, subject, person_id=person_id, at=at)
