"""The central investigation (CESI.md §4.4): the agency head's request to the Cabinet Office, reuse
of a recent Cabinet Office investigation, inquiries, the interview and the report to the agency.

Everything gathered here is vetting content: sealed under the person's data key, never in the
audit payload (which names only kinds, matters and ids).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from clearance.authz.model import Action, Subject
from clearance.domain.assessment import Assessment, Command, Status
from clearance.domain.casefile import QuestionnaireSection, VettingKind
from clearance.domain.errors import FieldProblem, InvalidTransition, ValidationFailed
from clearance.domain.periods import jst_today, years_before
from clearance.domain.questionnaire import SECTIONS
from clearance.services.assessments.common import (
    add_vetting,
    load,
    log_step,
    person_key,
    seal,
    transition,
    unseal,
)
from clearance.services.context import Deps
from clearance.services.guard import gate
from clearance.services.ports import UnitOfWork

INVESTIGATION_COMMANDS = frozenset(
    {"issue_questionnaire", "return_questionnaire", "start_inquiries", "record_interview",
     "report", "record_inquiry"}
)  # fmt: skip


def request_investigation(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, reuse: bool = True
) -> Assessment:
    """Ask the Cabinet Office to investigate; when ``reuse`` and a Cabinet Office investigation of
    the same person was reported within the reuse window, use it instead (case goes to
    ``reported``)."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_REQUEST_INVESTIGATION)
        prior = reusable_investigation(deps, uow, a) if reuse else None
        if prior is not None:
            a = transition(deps, uow, actor, a, Command.REUSE_INVESTIGATION, decision,
                           action=Action.ASSESSMENT_REQUEST_INVESTIGATION,
                           payload={"reused_from": str(prior.id)}, reused_from_id=prior.id,
                           investigation_reported_at=prior.investigation_reported_at)  # fmt: skip
        else:
            a = transition(deps, uow, actor, a, Command.REQUEST_INVESTIGATION, decision,
                           action=Action.ASSESSMENT_REQUEST_INVESTIGATION)  # fmt: skip
        uow.commit()
    return a


def reusable_investigation(deps: Deps, uow: UnitOfWork, a: Assessment) -> Assessment | None:
    """The newest Cabinet Office investigation of the person inside the reuse window, if any."""
    window = deps.regime.years("investigation_reuse_window_years")
    prior = uow.cases.latest_investigation(
        a.person_id, since=years_before(deps.clock.now(), window)
    )
    return prior if prior is not None and prior.id != a.id else None


def issue_questionnaire(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    """Open the questionnaire. A renewal or re-assessment starts from the previous answers: each
    section is carried over and must be confirmed or changed by the person."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_INVESTIGATE)
        a = transition(deps, uow, actor, a, Command.ISSUE_QUESTIONNAIRE, decision,
                       action=Action.ASSESSMENT_INVESTIGATE)  # fmt: skip
        previous = (
            {s.section: s for s in uow.cases.sections(a.previous_id)} if a.previous_id else {}
        )
        key = person_key(deps, uow, a.person_id, create=True)
        for name in SECTIONS:
            old = previous.get(name)
            ciphertext = None
            if old is not None and old.ciphertext is not None and a.previous_id is not None:
                content = unseal(key, deps, a.previous_id, "questionnaire", name, old.ciphertext)
                ciphertext = seal(key, deps, a.id, "questionnaire", name, content)
            uow.cases.put_section(
                QuestionnaireSection(a.id, name, "open", ciphertext is not None,
                                     ciphertext is None, None, ciphertext)
            )  # fmt: skip
        uow.commit()
    return a


def _text(value: str, field: str, problems: list[FieldProblem], limit: int = 4000) -> str:
    if not value or not value.strip():
        problems.append(FieldProblem(field, "This is required.", "required"))
    elif len(value) > limit:
        problems.append(FieldProblem(field, f"Use at most {limit} characters.", "too_long"))
    return value.strip() if value else ""


def _past_date(value: dt.date, field: str, today: dt.date, problems: list[FieldProblem]) -> None:
    if value > today:
        problems.append(FieldProblem(field, "The date is in the future.", "date_future"))


def record_inquiry(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, target: str, matter: int,
    on: dt.date, outcome: str,
) -> Assessment:  # fmt: skip
    """An inquiry to a public office or organisation about one of the seven matters. The first
    inquiry moves a submitted questionnaire's case into ``inquiries``; further ones may be recorded
    until the report (also after the interview), without moving the case."""
    gate(deps, actor, Action.ASSESSMENT_INVESTIGATE, "assessment")  # before any input is read
    problems: list[FieldProblem] = []
    content = {"target": _text(target, "target", problems, 200), "matter": matter,
               "date": on.isoformat(), "outcome": _text(outcome, "outcome", problems)}  # fmt: skip
    if matter not in range(1, 8):
        problems.append(FieldProblem("matter", "Choose a matter from 1 to 7.", "choice"))
    _past_date(on, "date", jst_today(deps.clock.now()), problems)
    if problems:
        raise ValidationFailed("The inquiry has problems; see the list.", tuple(problems))
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_INVESTIGATE)
        if a.status is Status.QUESTIONNAIRE_SUBMITTED:
            a = transition(deps, uow, actor, a, Command.START_INQUIRIES, decision,
                           action=Action.ASSESSMENT_INVESTIGATE,
                           payload={"recorded": "inquiry", "matter": matter})  # fmt: skip
        elif a.status in (Status.INQUIRIES, Status.INTERVIEWED):  # until the report
            log_step(deps, uow, actor, a, "record_inquiry", a.status.value, decision,
                     action=Action.ASSESSMENT_INVESTIGATE, payload={"matter": matter})  # fmt: skip
        else:
            raise InvalidTransition(
                kind="The assessment", current=a.status.value, attempted="record_inquiry",
                allowed=("submit_questionnaire first",) if a.status is Status.QUESTIONNAIRE_OPEN
                else (),
            )  # fmt: skip
        add_vetting(deps, uow, actor, a, VettingKind.INQUIRY, content)
        uow.commit()
    return a


def record_interview(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, held_on: dt.date, summary: str
) -> Assessment:
    gate(deps, actor, Action.ASSESSMENT_INVESTIGATE, "assessment")  # before any input is read
    problems: list[FieldProblem] = []
    content = {"held_on": held_on.isoformat(), "summary": _text(summary, "summary", problems)}
    _past_date(held_on, "held_on", jst_today(deps.clock.now()), problems)
    if problems:
        raise ValidationFailed("The interview record has problems; see the list.", tuple(problems))
    return _step(deps, actor, assessment_id, Command.RECORD_INTERVIEW, VettingKind.INTERVIEW,
                 content)  # fmt: skip


def report(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, findings: dict[str, str],
    opinion: str,
) -> Assessment:  # fmt: skip
    gate(deps, actor, Action.ASSESSMENT_INVESTIGATE, "assessment")  # before any input is read
    """The report to the agency head: a finding for each of the seven matters and an opinion."""
    problems: list[FieldProblem] = []
    keys = {str(n) for n in range(1, 8)}
    for k in sorted(set(findings) - keys):
        problems.append(FieldProblem(f"findings.{k}", "Findings are given for matters 1-7 only.",
                                     "unknown_field"))  # fmt: skip
    clean = {k: _text(findings.get(k, ""), f"findings.{k}", problems) for k in sorted(keys)}
    content = {"findings": clean, "opinion": _text(opinion, "opinion", problems)}
    if problems:
        raise ValidationFailed("The report has problems; see the list.", tuple(problems))
    return _step(deps, actor, assessment_id, Command.REPORT, VettingKind.REPORT, content,
                 reported=True)  # fmt: skip


def _step(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, command: Command, kind: VettingKind,
    content: dict[str, Any], *, reported: bool = False,
) -> Assessment:  # fmt: skip
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_INVESTIGATE)
        changes: dict[str, Any] = (
            {"investigation_reported_at": deps.clock.now()} if reported else {}
        )
        a = transition(deps, uow, actor, a, command, decision,
                       action=Action.ASSESSMENT_INVESTIGATE, **changes)  # fmt: skip
        add_vetting(deps, uow, actor, a, kind, content)
        uow.commit()
    return a


def investigators(uow: UnitOfWork, a: Assessment) -> set[uuid.UUID]:
    """Accounts that did investigation work on this case (or on the investigation it reuses)."""
    ids = {a.id} | ({a.reused_from_id} if a.reused_from_id else set())
    return {
        e.actor_account_id
        for i in ids
        for e in uow.cases.events(i)
        if e.command in INVESTIGATION_COMMANDS and e.actor_account_id is not None
    }
