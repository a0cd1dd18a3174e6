"""The questionnaire pages: the person fills it in section by section (save and resume) with the
regime's guidance per section, sees the validator's messages beside the fields on each save,
reviews every answer, submits, and keeps a receipt (number, time) and a PDF copy; the investigator
and the adjudicator read it as a document for the declared purpose (audited).
Imports: services, web.ui.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.dates import long_date
from clearance.domain.errors import (
    ClearanceError,
    Conflict,
    FieldProblem,
    NotFound,
    ValidationFailed,
)
from clearance.domain.questionnaire import SECTIONS
from clearance.services import directory
from clearance.services.assessments import questionnaire
from clearance.web.ui import answers, notices, pdf, qform
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, error_view, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)


def _purpose(u: Ui) -> str:
    return "own_data" if u.subject.person_id is not None else "assessment"


def overview(u: Ui, aid: uuid.UUID, problems: list[FieldProblem] | None = None,
             **extra: Any) -> Response:  # fmt: skip
    views = questionnaire.read(u.deps, u.subject, aid, purpose=_purpose(u))
    by_section: dict[str, list[FieldProblem]] = {}
    for p in problems or []:
        by_section.setdefault(p.field.split(".")[0], []).append(p)
    own = u.subject.person_id is not None
    # The investigator and the adjudicator read the answers as a document, with the receipt
    # number the person holds; the person reviews hers on the review page.
    doc = [] if own else answers.document(views, u._, u.lang, lambda v: long_date(v, u.lang))
    submitted = None
    if not own:
        try:
            submitted = questionnaire.receipt(u.deps, u.subject, aid, purpose=_purpose(u))
        except Conflict:
            submitted = None
    return u.render("questionnaire.html", aid=aid, views=views, specs=SECTIONS,
                    section_base=f"/cases/{aid}/questionnaire/", doc=doc, receipt=submitted,
                    by_section=by_section, own=own, **extra)  # fmt: skip


@router.get("/cases/{assessment_id}/questionnaire")
def questionnaire_overview(u: UiDep, assessment_id: str, check: int = 0) -> Response:
    aid = path_id(assessment_id, "assessment")
    problems = questionnaire.problems(u.deps, u.subject, aid) if check else None
    return overview(u, aid, problems)


# The fixed paths come before /questionnaire/{section}, which would take them as section names.
@router.get("/cases/{assessment_id}/questionnaire/review")
def review(u: UiDep, assessment_id: str) -> Response:
    """Every answer before submission, with a link to change each section and what still needs
    attention; the submit button is here."""
    return review_page(u, path_id(assessment_id, "assessment"))


def review_page(u: Ui, aid: uuid.UUID, **extra: Any) -> Response:
    views = questionnaire.read(u.deps, u.subject, aid, purpose=_purpose(u))
    problems = questionnaire.problems(u.deps, u.subject, aid)
    by_section: dict[str, int] = {}
    for p in problems:
        by_section[p.field.split(".")[0]] = by_section.get(p.field.split(".")[0], 0) + 1
    doc = answers.document(views, u._, u.lang, lambda v: long_date(v, u.lang))
    return u.render("review.html", aid=aid, doc=doc, by_section=by_section,
                    open=any(v.state == "open" for v in views), **extra)  # fmt: skip


@router.get("/cases/{assessment_id}/questionnaire/receipt")
def receipt(u: UiDep, assessment_id: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    r = questionnaire.receipt(u.deps, u.subject, aid, purpose=_purpose(u))
    doc = answers.document(r.sections, u._, u.lang, lambda v: long_date(v, u.lang))
    return u.render("receipt.html", aid=aid, receipt=r, doc=doc)


@router.get("/cases/{assessment_id}/questionnaire.pdf")
def receipt_pdf(u: UiDep, assessment_id: str) -> Response:
    """A copy of what was submitted, with its receipt number and time, for the person to keep."""
    aid = path_id(assessment_id, "assessment")
    r = questionnaire.receipt(u.deps, u.subject, aid, purpose=_purpose(u))
    doc = answers.document(r.sections, u._, u.lang, lambda v: long_date(v, u.lang))
    body = notices.questionnaire_copy(u, r.number, r.submitted_at, doc)
    return pdf.response(body, "questionnaire.pdf")


def section_page(u: Ui, aid: uuid.UUID, section: str, answers: Any = None,
                 check: bool = False, **extra: Any) -> Response:  # fmt: skip
    spec = SECTIONS.get(section)
    if spec is None:
        raise NotFound("section", section)
    views = {v.section: v for v in questionnaire.read(u.deps, u.subject, aid, purpose="own_data")}
    view = views.get(section)
    prefilled = False
    if answers is None:
        answers = view.answers if view else None
    if answers is None and section == "identity" and u.subject.person_id is not None:
        # What the roster already holds is filled in for the person to check, not typed again.
        p = directory.get_person(u.deps, u.subject, u.subject.person_id)
        answers = {"family_name": p.family_name, "given_name": p.given_name,
                   "date_of_birth": p.date_of_birth.isoformat()}  # fmt: skip
        prefilled = True
    if check and "error" not in extra:
        found = [p for p in questionnaire.problems(u.deps, u.subject, aid)
                 if p.field.split(".")[0] == section]  # fmt: skip
        if found:
            extra["error"] = error_view(ValidationFailed("Some answers need attention.",
                                                         tuple(found)))  # fmt: skip
    names = list(SECTIONS)
    following = names[names.index(section) + 1] if section != names[-1] else None
    return u.render("section.html", aid=aid, spec=spec, view=view, following=following,
                    prefilled=prefilled,
                    guidance=u.deps.regime.guidance_text(section, u.lang),
                    widgets=qform.widgets(spec.shape, answers, section), **extra)  # fmt: skip


@router.get("/cases/{assessment_id}/questionnaire/{section}")
def section_form(u: UiDep, assessment_id: str, section: str, check: int = 0) -> Response:
    return section_page(u, path_id(assessment_id, "assessment"), section, check=bool(check))


@router.post("/cases/{assessment_id}/questionnaire/{section}")
def section_save(u: UiDep, assessment_id: str, section: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    spec = SECTIONS.get(section)
    if spec is None:
        raise NotFound("section", section)
    form = {k: str(v) for k, v in (u.form or {}).items() if isinstance(v, str)}
    answers = qform.parse(spec.shape, form, section)
    try:
        questionnaire.save_section(u.deps, u.subject, aid, section, answers)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: section_page(ui, aid, section, answers, **kw), exc)
    # Checked on save: the section's problems are shown beside its fields at once (it is saved
    # all the same, so nothing typed is lost), rather than only at submission.
    found = [p for p in questionnaire.problems(u.deps, u.subject, aid)
             if p.field.split(".")[0] == section]  # fmt: skip
    if found:
        back = "&from=review" if u.text("back", required=False) == "review" else ""
        return done(f"/cases/{aid}/questionnaire/{section}?check=1{back}", "saved_with_problems")
    names = list(SECTIONS)
    if u.text("back", required=False) == "review":  # changed from the review page: back there
        return done(f"/cases/{aid}/questionnaire/review", "saved")
    if u.flag("next") and section != names[-1]:
        return done(f"/cases/{aid}/questionnaire/{names[names.index(section) + 1]}", "saved")
    if u.flag("next"):
        return done(f"/cases/{aid}/questionnaire/review", "saved")
    return done(f"/cases/{aid}/questionnaire/{section}", "saved")


@router.post("/cases/{assessment_id}/questionnaire/{section}/confirmation")
def section_confirm(u: UiDep, assessment_id: str, section: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    try:
        questionnaire.confirm_section(u.deps, u.subject, aid, section)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: section_page(ui, aid, section, **kw), exc)
    return done(f"/cases/{aid}/questionnaire", "saved")


@router.post("/cases/{assessment_id}/questionnaire-submission")
def submit(u: UiDep, assessment_id: str) -> Response:
    aid = path_id(assessment_id, "assessment")
    try:
        questionnaire.submit(u.deps, u.subject, aid)
    except ClearanceError as exc:
        found = list(exc.problems) if isinstance(exc, ValidationFailed) else None
        return u.failed(lambda ui, **kw: overview(ui, aid, found, **kw), exc)
    return done(f"/cases/{aid}/questionnaire/receipt", "submitted")
