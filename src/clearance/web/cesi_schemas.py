"""Request models of the designation, operator and custody API (responses are the domain records)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AwareDatetime, Field

from clearance.domain.access import AccessAction, AccessDecision
from clearance.domain.designation import Marking, ProvisionBasis
from clearance.web.schemas import LooseDate, LooseInt, LooseUUID, Request, Response

Loose = Field(strict=False)


class DesignationIn(Request):
    category_code: str = Field(max_length=8)
    document_number: str = Field(max_length=64)
    title: str = Field(max_length=300)
    marking: Annotated[Marking, Loose]
    start_on: LooseDate
    expires_on: LooseDate = Field(
        description="Exclusive: the first day (JST) no longer in force. Pages ask for and print the last day in force, the day before."
    )


class ExtendIn(Request):
    expires_on: LooseDate = Field(
        description="Exclusive: the first day (JST) no longer in force. Pages ask for and print the last day in force, the day before."
    )
    cabinet_approval_on: LooseDate | None = None
    cabinet_approval_ref: str | None = Field(default=None, max_length=100)


class ReasonIn(Request):
    reason: str = Field(max_length=2000)


class ProvisionIn(Request):
    basis: Annotated[ProvisionBasis, Loose]
    recipient_org_id: LooseUUID | None = None
    recipient_name: str = Field(default="", max_length=200)
    contract_id: LooseUUID | None = None


class ProposeIn(Request):
    operator_id: LooseUUID


class ApplyIn(Request):
    checklist: dict[str, Any]


class StepIn(Request):
    note: str | None = Field(default=None, max_length=2000)


class SummaryIn(Request):
    summary: str = Field(max_length=4000)


class ContractIn(Request):
    reference: str = Field(max_length=100)
    designation_ids: list[LooseUUID] = Field(max_length=1000)
    departments: list[str] = Field(min_length=1, max_length=100)
    sites: list[str] = Field(default_factory=list, max_length=100)
    start_on: LooseDate
    end_on: LooseDate = Field(
        description="Exclusive: the first day (JST) no longer in force. Pages ask for and print the last day in force, the day before."
    )


class ModuleIn(Request):
    code: str = Field(max_length=40)
    title_ja: str = Field(max_length=200)
    title_en: str = Field(max_length=200)
    required: bool = True


class AssignTrainingIn(Request):
    person_id: LooseUUID
    module_code: str = Field(max_length=40)
    due_on: LooseDate


class HandlerIn(Request):
    designation_id: LooseUUID
    person_id: LooseUUID
    department: str | None = Field(default=None, max_length=100)


class AcknowledgeIn(Request):
    person_id: LooseUUID
    paper_reference: str | None = Field(default=None, max_length=100)


class MaterialIn(Request):
    designation_id: LooseUUID
    kind: str = Field(max_length=16)
    title: str = Field(max_length=200)
    copy_total: LooseInt = Field(default=1, ge=1, le=1000)
    location: str = Field(max_length=200)


class LocationIn(Request):
    location: str = Field(default="", max_length=200)


class TransferIn(Request):
    to_org_id: LooseUUID
    custodian_id: LooseUUID


class DestroyIn(Request):
    destroyer_id: LooseUUID
    witness_id: LooseUUID
    method: str = Field(max_length=200)


class InventoryIn(Request):
    found: list[LooseUUID] = Field(max_length=100_000)


class IncidentIn(Request):
    kind: str = Field(max_length=16)
    occurred_at: Annotated[AwareDatetime, Loose]  # with its offset: a bare time is refused
    material_ids: list[LooseUUID] = Field(default_factory=list, max_length=1000)
    text: str = Field(max_length=4000)


class IncidentStepIn(Request):
    command: str = Field(max_length=20)
    text: str = Field(max_length=4000)


class AccessIn(Request):
    person_id: LooseUUID
    material_id: LooseUUID
    action: Annotated[AccessAction, Loose]
    at: Annotated[AwareDatetime | None, Loose] = None  # with its offset (…+09:00 or Z)


class ReasonOut(Response):
    code: str
    article: str
    message: str


class AccessOut(Response):
    permit: bool
    reasons: list[ReasonOut]

    @classmethod
    def of(cls, d: AccessDecision) -> AccessOut:
        return cls(
            permit=d.permit,
            reasons=[
                ReasonOut(code=r.code, article=r.article, message=r.message) for r in d.reasons
            ],
        )
