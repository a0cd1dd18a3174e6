"""The person's questionnaire: save and resume by section, the validator, submission, return of
chosen sections by the investigator, and 'what changed' for a re-assessment (CESI.md §4.3).

Answers are sealed per section under the person's data key. Only the person (their own data) and
the investigation unit or adjudicating agency (for a declared purpose) may open them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Subject
from clearance.domain.assessment import Assessment, Command, Status
from clearance.domain.casefile import AssessmentEvent, VettingKind
from clearance.domain.errors import Conflict, FieldProblem, InvalidTransition, ValidationFailed
from clearance.domain.periods import jst_today
from clearance.domain.questionnaire import SECTIONS, changed_paths, check_complete, check_shape
from clearance.services.assessments.common import add_vetting, load, person_key, seal, transition
from clearance.services.assessments.vetting import check_purpose, opened_sections
from clearance.services.context import Deps
from clearance.services.guard import gate, record
from clearance.services.ports import UnitOfWork


@dataclass(frozen=True)
class SectionView:
    section: str
    matter: int
    state: str
    carried_over: bool
    confirmed: bool
    answers: dict[str, Any] | None


def _need_open(a: Assessment, attempted: str) -> None:
    if a.status is not Status.QUESTIONNAIRE_OPEN:
        raise InvalidTransition(kind="The questionnaire", current=a.status.value,
                                attempted=attempted, allowed=())  # fmt: skip


def read(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, purpose: str
) -> list[SectionView]:
    """The questionnaire with answers: the person's own (purpose ``own_data``) or, for the
    investigation unit and the adjudicating agency, for a declared purpose. Audited."""
    return _read(deps, actor, assessment_id, purpose)[1]


def _read(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, purpose: str
) -> tuple[Assessment, list[SectionView], list[AssessmentEvent]]:
    with deps.uow() as uow:
        own = actor.person_id is not None
        action = Action.QUESTIONNAIRE_WRITE if own else Action.VETTING_READ
        a, decision = load(deps, uow, actor, assessment_id, action, purpose=purpose,
                           for_update=False)  # fmt: skip
        check_purpose(deps, uow, actor, a, purpose)
        answers = opened_sections(deps, uow, a)
        record(deps, uow, actor, Action.VETTING_READ, f"assessment:{a.id}", decision,
               purpose=purpose, payload={"kinds": ["questionnaire"]})  # fmt: skip
        uow.commit()
        views = [
            SectionView(s.section, SECTIONS[s.section].matter, s.state, s.carried_over,
                        s.confirmed, answers.get(s.section))
            for s in sorted(uow.cases.sections(a.id), key=lambda s: list(SECTIONS).index(s.section))
        ]  # fmt: skip
        return a, views, uow.cases.events(a.id)


@dataclass(frozen=True)
class Receipt:
    """Proof of what was submitted and when: ``number`` (12 digits in groups of four) is derived
    from the assessment, the submission time and the answers, so a printed copy whose answers
    were altered no longer matches its number."""

    number: str
    submitted_at: dt.datetime
    sections: list[SectionView]


def receipt_number(assessment_id: uuid.UUID, at: dt.datetime, sections: list[SectionView]) -> str:
    body = json.dumps({v.section: v.answers for v in sections}, sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(f"{assessment_id}|{at.isoformat()}|{body}".encode()).digest()
    n = f"{int.from_bytes(digest[:8], 'big') % 10**12:012d}"
    return f"{n[:4]}-{n[4:8]}-{n[8:]}"


def receipt(deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, purpose: str) -> Receipt:
    """The receipt of the latest submission (the person keeps it; the investigator sees the same
    number). Conflict while nothing has been submitted. Reading it is a read of the answers."""
    a, views, events = _read(deps, actor, assessment_id, purpose)
    submitted = [e for e in events if e.command == Command.SUBMIT_QUESTIONNAIRE.value]
    if not submitted:
        raise Conflict("The questionnaire has not been submitted yet.")
    at = max(e.at for e in submitted)
    return Receipt(receipt_number(a.id, at, views), at, views)


def save_section(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, section: str, answers: Any
) -> SectionView:
    """Save a draft of one section (shape-checked only: a draft may be incomplete)."""
    problems = check_shape(section, answers)
    if problems:
        raise ValidationFailed("The answers do not fit the questionnaire.", tuple(problems))
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.QUESTIONNAIRE_WRITE)
        _need_open(a, "save_section")
        current = {s.section: s for s in uow.cases.sections(a.id)}[section]
        if current.state != "open":
            raise Conflict(
                f"Section {section} is closed; only the sections the investigator returned can "
                "be changed.", section=section,
            )  # fmt: skip
        key = person_key(deps, uow, a.person_id, create=True)
        saved = replace(current, confirmed=True, saved_at=deps.clock.now(),
                        ciphertext=seal(key, deps, a.id, "questionnaire", section, answers))  # fmt: skip
        uow.cases.put_section(saved)
        record(deps, uow, actor, Action.QUESTIONNAIRE_WRITE, f"assessment:{a.id}", decision,
               payload={"section": section})  # fmt: skip
        uow.commit()
    return SectionView(section, SECTIONS[section].matter, saved.state, saved.carried_over, True,
                       answers)  # fmt: skip


def confirm_section(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, section: str
) -> SectionView:
    """Confirm a section carried over from the previous questionnaire as still true."""
    if section not in SECTIONS:
        raise ValidationFailed("Unknown section.", (FieldProblem("section", "No such section."),))
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.QUESTIONNAIRE_WRITE)
        _need_open(a, "confirm_section")
        current = {s.section: s for s in uow.cases.sections(a.id)}[section]
        if current.state != "open" or current.ciphertext is None:
            raise Conflict(f"Section {section} has nothing open to confirm.", section=section)
        uow.cases.put_section(replace(current, confirmed=True, saved_at=deps.clock.now()))
        record(deps, uow, actor, Action.QUESTIONNAIRE_WRITE, f"assessment:{a.id}", decision,
               payload={"section": section, "confirmed": True})  # fmt: skip
        uow.commit()
    return SectionView(section, SECTIONS[section].matter, "open", current.carried_over, True, None)


def _problems(deps: Deps, uow: UnitOfWork, a: Assessment) -> list[FieldProblem]:
    answers = opened_sections(deps, uow, a)
    problems = check_complete(answers, today=jst_today(deps.clock.now()))
    for s in uow.cases.sections(a.id):
        if s.carried_over and not s.confirmed:
            problems.append(FieldProblem(s.section, "Confirm this section from your previous "
                                         "questionnaire, or change it.", "unconfirmed"))  # fmt: skip
    return problems


def problems(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> list[FieldProblem]:
    """Run the validator without submitting: every problem, each with its field."""
    with deps.uow() as uow:
        a, _ = load(deps, uow, actor, assessment_id, Action.QUESTIONNAIRE_WRITE, for_update=False)
        return _problems(deps, uow, a)


def submit(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.QUESTIONNAIRE_WRITE)
        _need_open(a, "submit_questionnaire")
        found = _problems(deps, uow, a)
        if found:
            raise ValidationFailed(
                f"The questionnaire cannot be submitted yet: {len(found)} problem(s).",
                tuple(found),
            )
        a = transition(deps, uow, actor, a, Command.SUBMIT_QUESTIONNAIRE, decision,
                       action=Action.QUESTIONNAIRE_WRITE)  # fmt: skip
        for s in uow.cases.sections(a.id):
            uow.cases.put_section(replace(s, state="locked"))
        uow.commit()
    return a


def return_sections(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, sections: list[str], note: str
) -> Assessment:
    """The investigator returns the questionnaire; only the named sections reopen."""
    gate(deps, actor, Action.ASSESSMENT_INVESTIGATE, "assessment")  # before any input is read
    bad = [s for s in sections if s not in SECTIONS]
    found = [FieldProblem("sections", f"No section {s!r}.", "unknown_section") for s in bad]
    if not sections or len(set(sections)) != len(sections):
        found.append(FieldProblem("sections", "Name each section to reopen once.", "required"))
    if not note.strip() or len(note) > 4000:
        found.append(FieldProblem("note", "Tell the person what to correct (≤ 4000).", "required"))
    if found:
        raise ValidationFailed("The questionnaire cannot be returned as asked.", tuple(found))
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_INVESTIGATE)
        a = transition(deps, uow, actor, a, Command.RETURN_QUESTIONNAIRE, decision,
                       action=Action.ASSESSMENT_INVESTIGATE, payload={"sections": sections})  # fmt: skip
        for s in uow.cases.sections(a.id):
            uow.cases.put_section(replace(s, state="open" if s.section in sections else "locked"))
        add_vetting(deps, uow, actor, a, VettingKind.RETURN_NOTE,
                    {"sections": sections, "note": note.strip()})  # fmt: skip
        uow.commit()
    return a


def changes(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, purpose: str
) -> dict[str, list[str]]:
    """For a re-assessment: per section, the answer paths that differ from the previous
    questionnaire (an empty list: confirmed unchanged). Audited vetting read."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.VETTING_READ, purpose=purpose,
                           for_update=False)  # fmt: skip
        check_purpose(deps, uow, actor, a, purpose)
        now = opened_sections(deps, uow, a)
        before: dict[str, Any] = {}
        if a.previous_id is not None:
            prev = uow.cases.get(a.previous_id)
            before = opened_sections(deps, uow, prev) if prev else {}
        record(deps, uow, actor, Action.VETTING_READ, f"assessment:{a.id}", decision,
               purpose=purpose, payload={"kinds": ["questionnaire_changes"]})  # fmt: skip
        uow.commit()
        return {name: changed_paths(before.get(name), now.get(name), name) for name in SECTIONS}
