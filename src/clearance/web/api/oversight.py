"""JSON API of oversight and follow-up: the annual report, timeliness, the Inspector's inspections
and the whistle-blowing intake, reminders, organisation contacts, and the scheduled jobs."""

from __future__ import annotations

import datetime as dt
import uuid
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse
from pydantic import AwareDatetime, Field

from clearance.domain.documents import IssuedDocument, IssuerProfile
from clearance.domain.oversight import Inspection, OrgContact, Reminder
from clearance.services import documents
from clearance.services.oversight import inspections, jobs, reminders, report, timeliness
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import ERRORS, LooseUUID, Request, Response

router = APIRouter(responses=ERRORS)
OV: list[str | Enum] = ["oversight"]


class InspectionIn(Request):
    designation_id: LooseUUID
    findings: str = Field(max_length=8000)


class TextIn(Request):
    text: str = Field(default="", max_length=8000)


class WhistleIn(Request):
    text: str = Field(max_length=20_000)
    contact: str = Field(default="", max_length=300)
    agency_id: LooseUUID | None = None


class WhistleOut(Response):
    id: uuid.UUID
    received_at: dt.datetime | None = None
    status: str | None = None
    agency_id: uuid.UUID | None = None
    text: str | None = None
    reporter: str | None = None
    contact: str | None = None


class ContactIn(Request):
    email: str = Field(max_length=320)


@router.get("/reports/annual/{year}", tags=OV)
def annual_report(year: int, subject: CurrentSubject, deps: DepsDep) -> dict[str, Any]:
    """The Art. 19 annual report for a JST calendar year: aggregates only."""
    return report.as_json(report.build(deps, subject, year=year))


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"  # documented as such in the OpenAPI document


@router.get("/reports/annual/{year}/csv", tags=OV, response_class=CsvResponse)
def annual_report_csv(year: int, subject: CurrentSubject, deps: DepsDep) -> CsvResponse:
    body = report.as_csv(report.build(deps, subject, year=year))
    return CsvResponse(body, headers={
        "content-disposition": f'attachment; filename="annual-report-{year}.csv"'})  # fmt: skip


@router.get("/timeliness", response_model=timeliness.Timeliness, tags=OV)
def stage_times(subject: CurrentSubject, deps: DepsDep, since: Annotated[AwareDatetime, Query()],
                until: Annotated[AwareDatetime, Query()]) -> timeliness.Timeliness:  # fmt: skip
    return timeliness.compute(deps, subject, since=since, until=until)


@router.post("/inspections", response_model=Inspection, status_code=201, tags=OV)
def open_inspection(body: InspectionIn, subject: CurrentSubject, deps: DepsDep) -> Inspection:
    return inspections.open_inspection(deps, subject, designation_id=body.designation_id,
                                       findings=body.findings)  # fmt: skip


@router.get("/inspections", response_model=list[Inspection], tags=OV)
def list_inspections(subject: CurrentSubject, deps: DepsDep) -> list[Inspection]:
    return inspections.inspections(deps, subject)


@router.post("/inspections/{inspection_id}/steps/{command}", response_model=Inspection, tags=OV)
def inspection_step(inspection_id: uuid.UUID, command: str, body: TextIn,
                    subject: CurrentSubject, deps: DepsDep) -> Inspection:  # fmt: skip
    """``request_correction`` and ``close`` (Inspector), ``respond`` (the agency)."""
    return inspections.step(deps, subject, inspection_id, command, text=body.text)


@router.post("/whistle-reports", response_model=WhistleOut, status_code=201, tags=OV)
def file_whistle_report(body: WhistleIn, subject: CurrentSubject, deps: DepsDep) -> WhistleOut:
    """A confidential report to the Inspector (通報); the answer carries only its number."""
    rid = inspections.file_report(deps, subject, text=body.text, contact=body.contact,
                                  agency_id=body.agency_id)  # fmt: skip
    return WhistleOut(id=rid)


@router.get("/whistle-reports", response_model=list[WhistleOut], tags=OV)
def list_whistle_reports(subject: CurrentSubject, deps: DepsDep) -> list[WhistleOut]:
    return [WhistleOut(id=r.id, received_at=r.received_at, status=r.status, agency_id=r.agency_id)
            for r in inspections.reports(deps, subject)]  # fmt: skip


@router.get("/whistle-reports/{report_id}", response_model=WhistleOut, tags=OV)
def open_whistle_report(report_id: uuid.UUID, subject: CurrentSubject,
                        deps: DepsDep) -> WhistleOut:  # fmt: skip
    o = inspections.open_report(deps, subject, report_id)
    return WhistleOut(id=o.report.id, received_at=o.report.received_at, status=o.report.status,
                      agency_id=o.report.agency_id, text=o.text, reporter=o.reporter,
                      contact=o.contact)  # fmt: skip


@router.get("/reminders", response_model=list[Reminder], tags=OV)
def my_reminders(subject: CurrentSubject, deps: DepsDep) -> list[Reminder]:
    return reminders.for_my_org(deps, subject)


@router.put("/contacts/{org_id}", response_model=OrgContact, tags=OV)
def set_contact(org_id: uuid.UUID, body: ContactIn, subject: CurrentSubject,
                deps: DepsDep) -> OrgContact:  # fmt: skip
    return reminders.set_contact(deps, subject, org_id=org_id, email=body.email)


@router.post("/jobs/run", response_model=jobs.JobReport, tags=OV)
def run_jobs(subject: CurrentSubject, deps: DepsDep) -> jobs.JobReport:
    """What ``clearance jobs run`` does, for a scheduler that prefers HTTP."""
    return jobs.run(deps, subject)


# -- official documents: the register of documents issued, reissue, the issuer profile ----------
DOCS: list[str | Enum] = ["documents"]


class IssuerProfileIn(Request):
    number_format: str = Field(max_length=40, description="The number form: {n} is the serial.")
    title_ja: str = Field(max_length=100)
    title_en: str = Field(default="", max_length=100)
    name_ja: str = Field(default="", max_length=100)
    name_en: str = Field(default="", max_length=100)
    complaints_ja: str = Field(default="", max_length=300)
    complaints_en: str = Field(default="", max_length=300)


@router.get("/documents", response_model=list[IssuedDocument], tags=DOCS)
def issued_documents(subject: CurrentSubject, deps: DepsDep) -> list[IssuedDocument]:
    """The documents the caller's organisation issued, newest first (発行簿)."""
    return documents.issued(deps, subject)


@router.post("/documents/{document_id}/reissue", response_model=IssuedDocument, tags=DOCS)
def reissue_document(document_id: uuid.UUID, subject: CurrentSubject,
                     deps: DepsDep) -> IssuedDocument:  # fmt: skip
    """再交付: the same number, one more reissue, audited."""
    return documents.reissue(deps, subject, document_id)


@router.put("/documents/settings", response_model=IssuerProfile, tags=DOCS)
def set_issuer_profile(body: IssuerProfileIn, subject: CurrentSubject,
                       deps: DepsDep) -> IssuerProfile:  # fmt: skip
    return documents.set_profile(deps, subject, **body.model_dump())
