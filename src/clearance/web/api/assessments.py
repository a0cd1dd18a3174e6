"""/api/v1 suitability assessment: candidates, rosters, consent, investigation, adjudication,
notices. Thin: each route parses, calls one service function, and shapes the answer."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from starlette.concurrency import run_in_threadpool

from clearance.domain.assessment import Status
from clearance.services import tasks
from clearance.services.assessments import (
    adjudication,
    cases,
    consent,
    investigation,
    questionnaire,
    roster,
    vetting,
)
from clearance.web import assessment_schemas as s
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import ERRORS, Limit, Offset, PurposeQ

router = APIRouter(tags=["assessments"], responses=ERRORS)
Out = s.AssessmentOut


def _out(deps: Any, subject: Any, assessment_id: uuid.UUID) -> Out:
    return Out.of(cases.get(deps, subject, assessment_id))


@router.post("/assessments", response_model=Out, status_code=201)
def nominate(body: s.NominateIn, subject: CurrentSubject, deps: DepsDep) -> Out:
    a = roster.nominate(deps, subject, person_id=body.person_id, trigger=body.trigger)
    return _out(deps, subject, a.id)


@router.post("/assessments/candidates", response_model=s.EmployerViewOut, status_code=201)
def add_candidate(body: s.CandidateIn, subject: CurrentSubject, deps: DepsDep) -> s.EmployerViewOut:
    a = roster.add_candidate(
        deps, subject, person_id=body.person_id, agency_id=body.agency_id,
        dispatching_employer_id=body.dispatching_employer_id, trigger=body.trigger,
    )  # fmt: skip
    return s.EmployerViewOut.of(cases.get_result(deps, subject, a.id))


@router.get("/assessments", response_model=s.AssessmentPage)
def list_assessments(
    subject: CurrentSubject, deps: DepsDep, status: Status | None = None, limit: Limit = 50,
    offset: Offset = 0,
) -> s.AssessmentPage:  # fmt: skip
    page = cases.list_cases(deps, subject, status=status, limit=limit, offset=offset)
    return s.AssessmentPage(items=[Out.of(v) for v in page.items], total=page.total,
                            limit=page.limit, offset=page.offset)  # fmt: skip


@router.get("/tasks", response_model=s.TaskListOut)
def my_tasks(subject: CurrentSubject, deps: DepsDep) -> s.TaskListOut:
    """What waits on the caller now: the same list as the home page's 対応が必要な案件."""
    return s.TaskListOut.of(tasks.waiting_on(deps, subject))


# ":uuid": "/assessments/candidates" (POST only) must not be taken for a case id (405, not 401)
@router.get("/assessments/{assessment_id:uuid}", response_model=Out)
def get_assessment(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/listing-consent", response_model=s.EmployerViewOut)
def listing_consent(
    assessment_id: uuid.UUID, body: s.ListingConsentIn, subject: CurrentSubject, deps: DepsDep
) -> s.EmployerViewOut:
    roster.record_listing_consent(deps, subject, assessment_id, given=body.given)
    return s.EmployerViewOut.of(cases.get_result(deps, subject, assessment_id))


@router.post("/rosters", response_model=s.RosterOut, status_code=201)
def submit_roster(body: s.RosterIn, subject: CurrentSubject, deps: DepsDep) -> s.RosterOut:
    r = roster.submit_roster(
        deps, subject, agency_id=body.agency_id, assessment_ids=body.assessment_ids
    )
    return s.RosterOut.of(r, body.assessment_ids)


@router.post(
    "/rosters/import", response_model=s.RosterOut, status_code=201,
    openapi_extra={"requestBody": {"required": True, "content": {"text/csv": {
        "schema": {"type": "string"}}}}},
)  # fmt: skip
async def import_roster(
    request: Request, subject: CurrentSubject, deps: DepsDep, agency_id: uuid.UUID
) -> s.RosterOut:
    """Upload a roster as CSV (UTF-8 with or without a byte-order mark, or Shift_JIS; header row; columns in ``roster.CSV_COLUMNS``). Every bad
    row is reported; nothing is imported unless every row is valid."""
    text, _encoding = roster.decode_csv(await request.body())
    result = await run_in_threadpool(
        roster.import_roster_csv, deps, subject, agency_id=agency_id, text=text
    )
    return s.RosterOut.of(result.roster, [a.id for a in result.assessments])


@router.post("/assessments/{assessment_id}/notice", response_model=Out)
def issue_notice(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    consent.issue_notice(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/consent", response_model=Out)
def give_consent(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, body: s.PaperIn | None = None
) -> Out:
    ref = body.paper_reference if body else None
    consent.consent(deps, subject, assessment_id, paper_reference=ref)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/refuse", response_model=Out)
def refuse(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, body: s.PaperIn | None = None
) -> Out:
    consent.refuse(
        deps, subject, assessment_id, paper_reference=body.paper_reference if body else None
    )
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/withdraw", response_model=Out)
def withdraw(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, body: s.PaperIn | None = None
) -> Out:
    consent.withdraw(
        deps, subject, assessment_id, paper_reference=body.paper_reference if body else None
    )
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/investigation", response_model=Out)
def request_investigation(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep,
    body: s.InvestigationIn | None = None,
) -> Out:  # fmt: skip
    reuse = body.reuse if body else True
    investigation.request_investigation(deps, subject, assessment_id, reuse=reuse)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/questionnaire", response_model=Out)
def issue_questionnaire(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    investigation.issue_questionnaire(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.get("/assessments/{assessment_id}/questionnaire", response_model=list[s.SectionOut])
def read_questionnaire(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, purpose: PurposeQ
) -> list[s.SectionOut]:
    views = questionnaire.read(deps, subject, assessment_id, purpose=purpose)
    return [s.SectionOut.of(v) for v in views]


@router.get(
    "/assessments/{assessment_id}/questionnaire/problems", response_model=list[s.ProblemOut]
)
def questionnaire_problems(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep
) -> list[s.ProblemOut]:
    found = questionnaire.problems(deps, subject, assessment_id)
    return [s.ProblemOut(field=p.field, message=p.message, code=p.code) for p in found]


@router.get(
    "/assessments/{assessment_id}/questionnaire/changes", response_model=dict[str, list[str]]
)
def questionnaire_changes(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, purpose: PurposeQ
) -> dict[str, list[str]]:
    return questionnaire.changes(deps, subject, assessment_id, purpose=purpose)


@router.put("/assessments/{assessment_id}/questionnaire/{section}", response_model=s.SectionOut)
def save_section(
    assessment_id: uuid.UUID, section: str, answers: Annotated[dict[str, Any], Body()],
    subject: CurrentSubject, deps: DepsDep,
) -> s.SectionOut:  # fmt: skip
    return s.SectionOut.of(
        questionnaire.save_section(deps, subject, assessment_id, section, answers)
    )


@router.post(
    "/assessments/{assessment_id}/questionnaire/{section}/confirm", response_model=s.SectionOut
)
def confirm_section(
    assessment_id: uuid.UUID, section: str, subject: CurrentSubject, deps: DepsDep
) -> s.SectionOut:
    return s.SectionOut.of(questionnaire.confirm_section(deps, subject, assessment_id, section))


@router.post("/assessments/{assessment_id}/questionnaire-submission", response_model=Out)
def submit_questionnaire(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    questionnaire.submit(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/questionnaire-return", response_model=Out)
def return_questionnaire(
    assessment_id: uuid.UUID, body: s.ReturnIn, subject: CurrentSubject, deps: DepsDep
) -> Out:
    questionnaire.return_sections(deps, subject, assessment_id, sections=body.sections,
                                  note=body.note)  # fmt: skip
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/inquiries", response_model=Out)
def record_inquiry(
    assessment_id: uuid.UUID, body: s.InquiryIn, subject: CurrentSubject, deps: DepsDep
) -> Out:
    investigation.record_inquiry(deps, subject, assessment_id, target=body.target,
                                 matter=body.matter, on=body.date, outcome=body.outcome)  # fmt: skip
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/interview", response_model=Out)
def record_interview(
    assessment_id: uuid.UUID, body: s.InterviewIn, subject: CurrentSubject, deps: DepsDep
) -> Out:
    investigation.record_interview(deps, subject, assessment_id, held_on=body.held_on,
                                   summary=body.summary)  # fmt: skip
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/report", response_model=Out)
def report(
    assessment_id: uuid.UUID, body: s.ReportIn, subject: CurrentSubject, deps: DepsDep
) -> Out:
    investigation.report(deps, subject, assessment_id, findings=body.findings,
                         opinion=body.opinion)  # fmt: skip
    return _out(deps, subject, assessment_id)


@router.get("/assessments/{assessment_id}/records", response_model=list[s.VettingRecordOut])
def read_records(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, purpose: PurposeQ
) -> list[s.VettingRecordOut]:
    records = vetting.read_records(deps, subject, assessment_id, purpose=purpose)
    return [s.VettingRecordOut(**r) for r in records]


@router.post("/assessments/{assessment_id}/decision", response_model=Out)
def propose_decision(
    assessment_id: uuid.UUID, body: s.DecisionIn, subject: CurrentSubject, deps: DepsDep
) -> Out:
    adjudication.propose(
        deps, subject, assessment_id, outcome=body.outcome, reasons=body.reasons,
        withhold_reasons=body.withhold_reasons, withhold_justification=body.withhold_justification,
    )  # fmt: skip
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/decision/confirm", response_model=Out)
def confirm_decision(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    adjudication.confirm(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/decision/send-back", response_model=Out)
def send_back(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    adjudication.send_back(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.post("/assessments/{assessment_id}/notify", response_model=Out)
def notify(assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Out:
    adjudication.notify(deps, subject, assessment_id)
    return _out(deps, subject, assessment_id)


@router.get("/assessments/{assessment_id}/notices", response_model=list[s.NoticeOut])
def list_notices(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep
) -> list[s.NoticeOut]:
    return [s.NoticeOut(**n) for n in cases.notices(deps, subject, assessment_id)]


@router.get("/employer/assessments", response_model=s.EmployerPage)
def employer_assessments(
    subject: CurrentSubject, deps: DepsDep, limit: Limit = 50, offset: Offset = 0
) -> s.EmployerPage:
    page = cases.list_for_employer(deps, subject, limit=limit, offset=offset)
    return s.EmployerPage(items=[s.EmployerViewOut.of(v) for v in page.items], total=page.total,
                          limit=page.limit, offset=page.offset)  # fmt: skip


@router.get("/employer/assessments/{assessment_id}", response_model=s.EmployerViewOut)
def employer_assessment(
    assessment_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep
) -> s.EmployerViewOut:
    return s.EmployerViewOut.of(cases.get_result(deps, subject, assessment_id))
