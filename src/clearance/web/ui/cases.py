"""Assessment pages: the case list (the agency's cases, the investigator's queue with stage clocks,
the person's own), the case page with its stages and the steps the viewer may take, complaints, the
result notice as PDF and the person's own-data export.

Which steps a page offers follows the case's status and the viewer's roles; whether a step is
allowed is still decided by the services. Imports: services, web.ui.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.assessment import Outcome, Status
from clearance.domain.errors import ClearanceError, FieldProblem, NotFound
from clearance.domain.organisations import Role
from clearance.domain.questionnaire import SECTIONS
from clearance.services import directory
from clearance.services.assessments import (
    adjudication,
    cases,
    complaints,
    consent,
    investigation,
    questionnaire,
    vetting,
)
from clearance.services.context import Deps
from clearance.web.ui import pdf
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, paging, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)
R = Role

# Which role's page offers which step (the services decide whether it is allowed).
OFFERED: dict[str, frozenset[Role]] = {
    "issue_notice": frozenset({R.ASSESSMENT_OFFICER}),
    "consent": frozenset({R.ASSESSED_PERSON, R.ASSESSMENT_OFFICER}),
    "refuse": frozenset({R.ASSESSED_PERSON, R.ASSESSMENT_OFFICER}),
    "withdraw": frozenset({R.ASSESSED_PERSON, R.ASSESSMENT_OFFICER}),
    "request_investigation": frozenset({R.AGENCY_HEAD_DELEGATE}),
    "issue_questionnaire": frozenset({R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR}),
    "return_questionnaire": frozenset({R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR}),
    "start_inquiries": frozenset({R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR}),
    "record_interview": frozenset({R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR}),
    "report": frozenset({R.INVESTIGATOR, R.INVESTIGATION_SUPERVISOR}),
    "propose_decision": frozenset({R.ADJUDICATOR}),
    "confirm_decision": frozenset({R.AGENCY_HEAD_DELEGATE, R.ADJUDICATOR}),
    "send_back": frozenset({R.AGENCY_HEAD_DELEGATE, R.ADJUDICATOR}),
    "notify_result": frozenset({R.ASSESSMENT_OFFICER, R.AGENCY_HEAD_DELEGATE}),
}
READERS_OF_FILE = frozenset({R.ADJUDICATOR, R.AGENCY_HEAD_DELEGATE, R.INVESTIGATOR,
                             R.INVESTIGATION_SUPERVISOR})  # fmt: skip


def stages(view: cases.CaseView, now: dt.datetime) -> list[dict[str, Any]]:
    """Each status the case has been in, with how long it stayed there."""
    out = []
    events = view.events
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
    steps = [c for c in view.allowed_commands if u.subject.roles & OFFERED.get(c, frozenset())]
    if view.assessment.status is Status.INQUIRIES and u.subject.roles & OFFERED["start_inquiries"]:
        steps.insert(0, "start_inquiries")  # further inquiries while in that stage
    own = u.subject.person_id == view.assessment.person_id
    notices = (
        cases.notices(u.deps, u.subject, aid) if own or u.has(*OFFERED["notify_result"]) else []
    )
    records: list[dict[str, Any]] = []
    if u.has(R.ADJUDICATOR, R.AGENCY_HEAD_DELEGATE) and view.assessment.status in (
        Status.REPORTED,
        Status.DECISION_PROPOSED,
        Status.DECIDED,
    ):
        records = vetting.read_records(u.deps, u.subject, aid, purpose="assessment")
    return u.render("case.html", view=view, a=view.assessment, steps=steps, own=own,
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
    elif command == "start_inquiries":
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
    notices = [n for n in cases.notices(u.deps, u.subject, aid) if n["kind"] == "result"
               and n["recipient"] == "person"]  # fmt: skip
    if not notices:
        raise NotFound("notice", aid)
    n = notices[-1]
    body = pdf.result_notice(u, view, n, agency=_org_name(u.deps, u, view.assessment.agency_id))
    return pdf.response(body, f"result-notice-{aid}.pdf")


def _org_name(deps: Deps, u: Ui, org_id: uuid.UUID) -> str:
    org = directory.get_organisation(deps, u.subject, org_id)
    return org.name_ja if u.lang == "ja" else org.name_en


@router.get("/me/export")
def export_page(u: UiDep) -> Response:
    return u.render("export.html")


@router.post("/me/export")
def export_download(u: UiDep) -> Response:
    data = cases.export_own_data(u.deps, u.subject)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(body, media_type="application/json", headers={
        "content-disposition": 'attachment; filename="clearance-my-data.json"'})  # fmt: skip
