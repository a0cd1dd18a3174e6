"""The questionnaire pages: the person fills it in section by section (save and resume), sees the
validator's messages beside the fields, and submits; the investigator reads it for the declared
purpose of the assessment (audited). Imports: services, web.ui.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.errors import ClearanceError, FieldProblem, NotFound, ValidationFailed
from clearance.domain.questionnaire import SECTIONS
from clearance.services.assessments import questionnaire
from clearance.web.ui import qform
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
    return u.render("questionnaire.html", aid=aid, views=views, specs=SECTIONS,
                    section_base=f"/cases/{aid}/questionnaire/",
                    by_section=by_section, own=u.subject.person_id is not None, **extra)  # fmt: skip


@router.get("/cases/{assessment_id}/questionnaire")
def questionnaire_overview(u: UiDep, assessment_id: str, check: int = 0) -> Response:
    aid = path_id(assessment_id, "assessment")
    problems = questionnaire.problems(u.deps, u.subject, aid) if check else None
    return overview(u, aid, problems)


def section_page(u: Ui, aid: uuid.UUID, section: str, answers: Any = None,
                 check: bool = False, **extra: Any) -> Response:  # fmt: skip
    spec = SECTIONS.get(section)
    if spec is None:
        raise NotFound("section", section)
    views = {v.section: v for v in questionnaire.read(u.deps, u.subject, aid, purpose="own_data")}
    view = views.get(section)
    if answers is None:
        answers = view.answers if view else None
    if check and "error" not in extra:
        found = [p for p in questionnaire.problems(u.deps, u.subject, aid)
                 if p.field.split(".")[0] == section]  # fmt: skip
        if found:
            extra["error"] = error_view(ValidationFailed("Some answers need attention.",
                                                         tuple(found)))  # fmt: skip
    names = list(SECTIONS)
    following = names[names.index(section) + 1] if section != names[-1] else None
    return u.render("section.html", aid=aid, spec=spec, view=view, following=following,
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
    names = list(SECTIONS)
    if u.flag("next") and section != names[-1]:
        return done(f"/cases/{aid}/questionnaire/{names[names.index(section) + 1]}", "saved")
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
    return done(f"/cases/{aid}", "submitted")
