"""/api/v1 complaints, eligibility, change reports, the person's data export and the retention
purge. Thin: parse, call one service function, shape the answer."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from clearance.domain.casefile import ComplaintStatus
from clearance.services.assessments import cases, complaints, eligibility, invitations, vetting
from clearance.web import assessment_schemas as s
from clearance.web.deps import CurrentSubject, DepsDep
from clearance.web.schemas import ERRORS, Limit, Offset, PurposeQ

router = APIRouter(responses=ERRORS)


@router.post(
    "/assessments/{assessment_id}/complaints", response_model=s.ComplaintOut, status_code=201,
    tags=["complaints"],
)  # fmt: skip
def file_complaint(
    assessment_id: uuid.UUID, body: s.ComplaintIn, subject: CurrentSubject, deps: DepsDep
) -> s.ComplaintOut:
    c = complaints.file(deps, subject, assessment_id, subject=body.subject, text=body.text)
    return s.ComplaintOut.of(c)


@router.get("/complaints", response_model=s.ComplaintPage, tags=["complaints"])
def list_complaints(
    subject: CurrentSubject, deps: DepsDep, status: ComplaintStatus | None = None,
    limit: Limit = 50, offset: Offset = 0,
) -> s.ComplaintPage:  # fmt: skip
    page = complaints.list_complaints(deps, subject, status=status, limit=limit, offset=offset)
    return s.ComplaintPage(items=[s.ComplaintOut.of(c) for c in page.items], total=page.total,
                           limit=page.limit, offset=page.offset)  # fmt: skip


@router.get("/complaints/{complaint_id}", response_model=s.ComplaintDetailOut, tags=["complaints"])
def read_complaint(
    complaint_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, purpose: PurposeQ
) -> s.ComplaintDetailOut:
    c, texts = complaints.read(deps, subject, complaint_id, purpose=purpose)
    base = s.ComplaintOut.of(c).model_dump()
    return s.ComplaintDetailOut(**base, texts=[s.VettingRecordOut(**t) for t in texts])


@router.post(
    "/complaints/{complaint_id}/review", response_model=s.ComplaintOut, tags=["complaints"]
)
def review_complaint(
    complaint_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep
) -> s.ComplaintOut:
    return s.ComplaintOut.of(complaints.start_review(deps, subject, complaint_id))


@router.post(
    "/complaints/{complaint_id}/answer", response_model=s.ComplaintOut, tags=["complaints"]
)
def answer_complaint(
    complaint_id: uuid.UUID, body: s.TextIn, subject: CurrentSubject, deps: DepsDep
) -> s.ComplaintOut:
    return s.ComplaintOut.of(complaints.answer(deps, subject, complaint_id, text=body.text))


@router.get(
    "/persons/{person_id}/eligibility", response_model=list[s.EligibilityOut], tags=["eligibility"]
)
def person_eligibility(
    person_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep,
    agency_id: uuid.UUID | None = None,
) -> list[s.EligibilityOut]:  # fmt: skip
    if (
        agency_id is None
        and subject.org_kind is not None
        and subject.org_kind.value == ("administrative_organ")
    ):
        agency_id = subject.org_id  # an agency sees its own eligibility records
    found = eligibility.eligibilities(deps, subject, person_id=person_id, agency_id=agency_id)
    now, full = deps.clock.now(), not eligibility.employer_side(subject)
    return [s.EligibilityOut.of(e, now, full=full) for e in found]


@router.post(
    "/eligibility/sds", response_model=s.EligibilityOut, status_code=201, tags=["eligibility"]
)
def record_sds(body: s.SdsIn, subject: CurrentSubject, deps: DepsDep) -> s.EligibilityOut:
    e = eligibility.record_sds(deps, subject, person_id=body.person_id,
                               sds_notified_on=body.sds_notified_on, reference=body.reference)  # fmt: skip
    return s.EligibilityOut.of(e, deps.clock.now())


@router.post(
    "/persons/{person_id}/change-reports", response_model=s.ChangeReportOut, status_code=201,
    tags=["eligibility"],
)  # fmt: skip
def report_change(
    person_id: uuid.UUID, body: s.ChangeReportIn, subject: CurrentSubject, deps: DepsDep
) -> s.ChangeReportOut:
    new = eligibility.report_change(deps, subject, person_id=person_id, agency_id=body.agency_id,
                                    summary=body.summary, raises_doubt=body.raises_doubt)  # fmt: skip
    return s.ChangeReportOut(reassessment_id=new.id if new else None)


@router.post("/persons/{person_id}/departure", response_model=s.CountOut, tags=["eligibility"])
def record_departure(
    person_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep, body: s.DepartureIn | None = None
) -> s.CountOut:
    agency = body.agency_id if body else None
    return s.CountOut(count=eligibility.record_departure(deps, subject, person_id=person_id,
                                                         agency_id=agency))  # fmt: skip


@router.get("/me/export", tags=["persons"])
def export_own_data(subject: CurrentSubject, deps: DepsDep) -> dict[str, Any]:
    """Everything held about the calling person (portal accounts only)."""
    return cases.export_own_data(deps, subject)


@router.get("/me/invitations", response_model=list[s.InvitationOut], tags=["persons"])
def my_invitations(subject: CurrentSubject, deps: DepsDep) -> list[s.InvitationOut]:
    """What waits on the calling person, newest first, each with the page that acts on it."""
    return [s.InvitationOut(kind=i.kind.value, assessment_id=i.assessment_id, at=i.created_at,
                            link=invitations.link(i), emailed=i.emailed_to is not None)
            for i in invitations.for_me(deps, subject)]  # fmt: skip


@router.put("/me/contact", response_model=s.ContactOut, tags=["persons"])
def set_my_contact(body: s.ContactIn, subject: CurrentSubject, deps: DepsDep) -> s.ContactOut:
    """The address the calling person's invitations are e-mailed to."""
    c = invitations.set_contact(deps, subject, email=body.email)
    return s.ContactOut(email=c.email, updated_at=c.updated_at)


@router.post("/vetting/purge", response_model=s.CountOut, tags=["audit"])
def purge(subject: CurrentSubject, deps: DepsDep) -> s.CountOut:
    """Destroy vetting data past the retention period (crypto-shredding; audited without data)."""
    return s.CountOut(count=vetting.purge(deps, subject))
