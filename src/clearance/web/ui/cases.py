"""Assessment pages: the case list (the agency's cases, the investigator's queue with stage clocks,
the person's own), the case page with its stages and the steps the viewer may take, complaints, the
result notice as PDF and the person's own-data export.

The steps a page offers are ``services.assessments.steps.available``: the same answer the API
gives in ``available_steps``, from the transition table, ``authz.decide`` and the separation rules;
taking a step is still decided by the services. Imports: services, web.ui.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.assessment import RECORD_INQUIRY, Outcome, Status
from clearance.domain.errors import ClearanceError, FieldProblem, NotFound
from clearance.domain.organisations import Role
from clearance.domain.questionnaire import SECTIONS
from clearance.services.assessments import (
    adjudication,
    cases,
    complaints,
    consent,
    investigation,
    invitations,
    questionnaire,
    steps,
    vetting,
)
from clearance.web.ui import notices, pdf
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, paging, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)
R = Role
AGENCY_NOTICE_READERS = (R.ASSESSMENT_OFFICER, R.AGENCY_HEAD_DELEGATE, R.ADJUDICATOR)

# Steps the case page does not carry: the person submits on the questionnaire page, and the
# employer's listing and roster steps are on its employees page.
ELSEWHERE = frozenset({"submit_questionnaire"} | {c.value for c in steps.ROSTER_COMMANDS})
READERS_OF_FILE = frozenset({R.ADJUDICATOR, R.AGENCY_HEAD_DELEGATE, R.INVESTIGATOR,
                             R.INVESTIGATION_SUPERVISOR})  # fmt: skip
# When the investigation file is shown on the case page: to the investigation unit while it
# investigates, to the deciding officials from the report on.
FILE_STATUSES = {
    R.INVESTIGATOR: {Status.INQUIRIES, Status.INTERVIEWED, Status.REPORTED},
    R.INVESTIGATION_SUPERVISOR: {Status.INQUIRIES, Status.INTERVIEWED, Status.REPORTED},
    R.ADJUDICATOR: {Status.REPORTED, Status.DECISION_PROPOSED, Status.DECIDED},
    R.AGENCY_HEAD_DELEGATE: {Status.REPORTED, Status.DECISION_PROPOSED, Status.DECIDED},
}
# The questionnaire as submitted, readable by the file's readers once it is in.
ANSWERED = frozenset({Status.QUESTIONNAIRE_SUBMITTED, Status.INQUIRIES, Status.INTERVIEWED,
                      Status.REPORTED, Status.DECISION_PROPOSED, Status.DECIDED})  # fmt: skip


def stages(view: cases.CaseView, now: dt.datetime) -> list[dict[str, Any]]:
    """Each status the case has been in, with how long it stayed there."""
    out = []
    # Steps that stay in their status (a further inquiry) are not stages.
    events = [e for e in view.events if e.from_status != e.to_status]
    for i, e in enumerate(events):
        until = events[i + 1].at if i + 1 < len(events) else now
        out.append({"status": e.to_status, "command": e.command, "at": e.at,
                    "days": max(0, (until - e.at).days), "current": i + 1 == len(events)})  # fmt: skip
    return out


@router.get("/cases")
def case_list(u: UiDep, status: str = "", offset: int = 0) -> Response:
    chosen = Status(status) if status in {s.value for s in Status} else None
    page = cases.list_cases(u.deps, u.subject, status=chosen, limit=25, offset=max(0, offset))
    return u.render("cases.html", page=page, paging=paging(page), status=status,
                    statuses=[s.value for s in Status], now=u.deps.clock.now())  # fmt: skip


def case_page(u: Ui, aid: uuid.UUID, **extra: Any) -> Response:
    view = cases.get(u.deps, u.subject, aid)
    offered = [c for c in view.available_steps if c not in ELSEWHERE]
    own = u.subject.person_id == view.assessment.person_id
    status = view.assessment.status
    notices = cases.notices(u.deps, u.subject, aid) if own or u.has(*AGENCY_NOTICE_READERS) else []
    records: list[dict[str, Any]] = []
    if any(status in FILE_STATUSES.get(r, ()) for r in u.subject.roles):
        records = vetting.read_records(u.deps, u.subject, aid, purpose="assessment")
    return u.render("case.html", view=view, a=view.assessment, steps=offered, own=own,
                    file_reader=not own and bool(u.subject.roles & READERS_OF_FILE),
                    answered=status in ANSWERED,
                    submitted=status is not Status.QUESTIONNAIRE_OPEN
                    and any(e.command == "submit_questionnaire" for e in view.events),
                    notices=notices, records=records, stages=stages(view, u.deps.clock.now()),
                    sections=list(SECTIONS.values()),
                    subjects=complaints.SUBJECTS, **extra)  # fmt: skip


@router.get("/cases/{assessment_id}")
def case_detail(u: UiDep, assessment_id: str) -> Response:
    return case_page(u, path_id(assessment_id, "assessment"))


def _step(u: Ui, aid: uuid.UUID, command: str) -> None:
    d, s = u.deps, u.subject
    paper = u.text("paper_reference", required=False, max_length=200) or None
    if command == "issue_notice":
        consent.issue_notice(d, s, aid)
    elif command in ("consent", "refuse", "withdraw"):
        getattr(consent, command)(d, s, aid, paper_reference=paper)
    elif command == "request_investigation":
        investigation.request_investigation(d, s, aid, reuse=u.flag("reuse"))
    elif command == "issue_questionnaire":
        investigation.issue_questionnaire(d, s, aid)
    elif command == "return_questionnaire":
        sections, note = u.many("sections"), u.text("note")
        u.check()
        questionnaire.return_sections(d, s, aid, sections=sections, note=note)
    elif command in ("start_inquiries", RECORD_INQUIRY):
        target, matter, on = u.text("target"), u.text("matter"), u.day("on")
        outcome = u.text("outcome")
        if matter and not (matter.isdigit() and len(matter) < 3):
            u.problems.append(FieldProblem("matter", "Choose one of the options.", "choice"))
        u.check()
        investigation.record_inquiry(d, s, aid, target=target, matter=int(matter or 0),
                                     on=on, outcome=outcome)  # fmt: skip
    elif command == "record_interview":
        held_on, summary = u.day("held_on"), u.text("summary")
        u.check()
        investigation.record_interview(d, s, aid, held_on=held_on, summary=summary)
    elif command == "report":
        findings = {str(n): u.text(f"findings.{n}", required=False) for n in range(1, 8)}
        opinion = u.text("opinion")
        u.check()
        investigation.report(d, s, aid, findings=findings, opinion=opinion)
    elif command == "propose_decision":
        outcome = u.text("outcome")
        if outcome and outcome not in {o.value for o in Outcome}:
            u.problems.append(FieldProblem("outcome", "Choose one of the options.", "choice"))
        u.check()
        adjudication.propose(
            d, s, aid, outcome=Outcome(outcome),
            reasons=u.text("reasons", required=False) or None, withhold_reasons=u.flag("withhold"),
            withhold_justification=u.text("justification", required=False) or None,
        )  # fmt: skip
    elif command == "confirm_decision":
        adjudication.confirm(d, s, aid)
    elif command == "send_back":
        adjudication.send_back(d, s, aid)
    elif command == "notify_result":
        adjudication.notify(d, s, aid)
    else:
        raise NotFound("step", command)


@router.post("/cases/{assessment_id}/steps/{command}")
def case_step(u: UiDep, assessment_id: str, command: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    try:
        _step(u, aid, command)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: case_page(ui, aid, **kw), exc)
    return done(f"/cases/{aid}")


@router.post("/cases/{assessment_id}/complaints")
def complaint_file(u: UiDep, assessment_id: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    try:
        subject, text = u.text("subject"), u.text("text", max_length=8000)
        u.check()
        complaints.file(u.deps, u.subject, aid, subject=subject, text=text)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: case_page(ui, aid, **kw), exc)
    return done(f"/cases/{aid}", "submitted")


@router.get("/cases/{assessment_id}/notice.pdf")
def result_notice_pdf(u: UiDep, assessment_id: str) -> Response:
    """The notice of the result to the person (reasons included unless withheld)."""
    aid = path_id(assessment_id, "assessment")
    view = cases.get(u.deps, u.subject, aid)
    found = [n for n in cases.notices(u.deps, u.subject, aid) if n["kind"] == "result"
             and n["recipient"] == "person"]  # fmt: skip
    if not found:
        raise NotFound("notice", aid)
    n = found[-1]
    body = notices.result_notice(u, view, n)
    return pdf.response(body, f"result-notice-{aid}.pdf")


@router.get("/me/export")
def export_page(u: UiDep) -> Response:
    return u.render("export.html")


@router.post("/me/export")
def export_download(u: UiDep) -> Response:
    data = cases.export_own_data(u.deps, u.subject)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, media_type="application/json", headers={
        "content-disposition": 'attachment; filename="clearance-my-data.json"'})  # fmt: skip


def contact_page(u: Ui, **extra: Any) -> Response:
    current = invitations.my_contact(u.deps, u.subject)
    if current and u.form is None:
        extra.setdefault("values", {"email": current.email})
    return u.render("contact.html", current=current, **extra)


@router.get("/me/contact")
def contact_form(u: UiDep) -> Response:
    """The person's address for invitations by e-mail (otherwise on the home page only)."""
    return contact_page(u)


@router.post("/me/contact")
def contact(u: UiDep) -> Response:
    try:
        email = u.text("email", max_length=320)
        u.check()
        invitations.set_contact(u.deps, u.subject, email=email)
    except ClearanceError as exc:
        return u.failed(contact_page, exc)
    return done("/", "saved")
