"""Read views of assessments, shaped by who asks (CESI.md §6):

- the agency and the investigation unit: status, stage clock, who acts next, stage history;
- the employer: ``EmployerView`` — person, agency, status (result only) and eligible-until;
- the person: their cases, notices (with reasons unless withheld) and an export of all data held
  about them (investigators' notes and sources are listed by kind and count, not shown).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, dataclass, replace
from typing import Any

from clearance.authz.engine import decide
from clearance.authz.model import Action, Resource, Subject
from clearance.domain.assessment import (
    INVESTIGATING,
    WHO_ACTS_NEXT,
    Assessment,
    Status,
    employer_status,
    step_names,
)
from clearance.domain.casefile import AssessmentEvent, Notice, Purpose, Recipient, VettingKind
from clearance.domain.errors import NotAuthorized
from clearance.domain.oversight import Invitation, PersonContact
from clearance.services.assessments import steps
from clearance.services.assessments.common import load, open_records, page, resource
from clearance.services.assessments.steps import NextActor
from clearance.services.assessments.vetting import INVESTIGATION_KINDS, opened_sections
from clearance.services.context import Deps
from clearance.services.guard import authorize, record
from clearance.services.ports import Page, UnitOfWork

# What the person wrote or was told, disclosed in their export; investigators' records are counted.
OWN_KINDS = frozenset(
    {VettingKind.COMPLAINT, VettingKind.COMPLAINT_ANSWER, VettingKind.RETURN_NOTE}
)


@dataclass(frozen=True)
class CaseView:
    assessment: Assessment
    who_acts_next: str
    allowed_commands: tuple[str, ...]
    seconds_in_stage: int
    events: list[AssessmentEvent]
    person_name: str = ""  # those who may see the case know whom it concerns
    # For the one who asked (``get`` only): the steps they may take now, and who acts next.
    available_steps: tuple[str, ...] = ()
    next_actor: NextActor | None = None
    proposal: Proposal | None = None  # for the officials who decide or confirm


@dataclass(frozen=True)
class Proposal:
    """The decision as proposed (and, once decided, confirmed), for the officials who decide: the
    second official sees it before confirming. Reasons are vetting content, read separately."""

    outcome: str
    reasons_withheld: bool
    proposed_by: str  # the official's display name
    proposed_at: dt.datetime
    confirmed_by: str | None
    confirmed_at: dt.datetime | None


@dataclass(frozen=True)
class EmployerView:
    """Everything an employer may learn about an employee's assessment."""

    assessment_id: uuid.UUID
    person_id: uuid.UUID
    agency_id: uuid.UUID
    status: str
    eligible_until: str | None
    person_name: str = ""


def _name(uow: UnitOfWork, a: Assessment) -> str:
    p = uow.persons.get(a.person_id)
    return f"{p.family_name} {p.given_name}" if p else ""


def _case(deps: Deps, uow: UnitOfWork, a: Assessment) -> CaseView:
    seconds = int((deps.clock.now() - a.status_since).total_seconds())
    return CaseView(a, WHO_ACTS_NEXT[a.status].value,
                    step_names(a.status), max(0, seconds),
                    uow.cases.events(a.id), _name(uow, a))  # fmt: skip


def _employer_view(deps: Deps, uow: UnitOfWork, a: Assessment) -> EmployerView:
    status = employer_status(a).value
    until = None
    if a.status is Status.RESULT_NOTIFIED:
        now = deps.clock.now()
        for e in uow.cases.eligibilities(a.person_id, a.agency_id):
            if e.assessment_id == a.id and e.ended_at is None and e.valid_until > now:
                if e.suspended_at is not None and e.suspended_at <= now:
                    status = "suspended"
                else:
                    until = e.valid_until.isoformat()
    return EmployerView(a.id, a.person_id, a.agency_id, status, until, _name(uow, a))


def get(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> CaseView:
    """The case as the agency, the investigation unit or the person sees it (no vetting data),
    with the steps this actor may take now and who acts next."""
    with deps.uow() as uow:
        a, _ = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_READ, for_update=False)
        return replace(_case(deps, uow, a), available_steps=steps.available(deps, uow, actor, a),
                       next_actor=steps.next_actor(deps, uow, a),
                       proposal=_proposal(uow, actor, a))  # fmt: skip


def _proposal(uow: UnitOfWork, actor: Subject, a: Assessment) -> Proposal | None:
    res = resource(a)
    if not (decide(actor, Action.ASSESSMENT_DECIDE, res).allowed
            or decide(actor, Action.ASSESSMENT_CONFIRM_DECISION, res).allowed):  # fmt: skip
        return None
    d = uow.cases.get_decision(a.id)
    if d is None or a.status not in (Status.DECISION_PROPOSED, Status.DECIDED,
                                     Status.RESULT_NOTIFIED):  # fmt: skip
        return None

    def name(account_id: uuid.UUID | None) -> str:
        rec = uow.accounts.get(account_id) if account_id else None
        return rec.account.display_name if rec else ""

    return Proposal(d.outcome.value, d.reasons_withheld, name(d.proposed_by), d.proposed_at,
                    name(d.confirmed_by) if d.confirmed_by else None, d.confirmed_at)  # fmt: skip


def get_result(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> EmployerView:
    """The employer's view of one employee's assessment: the result only."""
    with deps.uow() as uow:
        a, _ = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_READ_RESULT,
                    for_update=False)  # fmt: skip
        return _employer_view(deps, uow, a)


def list_cases(
    deps: Deps, actor: Subject, *, status: Status | None = None, limit: int = 50, offset: int = 0
) -> Page[CaseView]:
    """The agency's cases, the investigation unit's queue, or the person's own cases."""
    limit, offset = page(limit, offset)
    statuses = frozenset({status}) if status else None
    with deps.uow() as uow:
        res = Resource("assessment", org_id=actor.org_id, person_id=actor.person_id)
        if decide(actor, Action.ASSESSMENT_INVESTIGATE, res).allowed:
            statuses = statuses & INVESTIGATING if statuses else INVESTIGATING
            found = uow.cases.find(statuses=statuses, limit=limit, offset=offset)
        else:
            authorize(deps, uow, actor, Action.ASSESSMENT_READ, res)
            if actor.person_id is not None and actor.org_id is None:
                found = uow.cases.find(person_id=actor.person_id, statuses=statuses, limit=limit,
                                       offset=offset)  # fmt: skip
            else:
                found = uow.cases.find(agency_id=actor.org_id, statuses=statuses, limit=limit,
                                       offset=offset)  # fmt: skip
        return Page([_case(deps, uow, a) for a in found.items], found.total, limit, offset)


def list_for_employer(
    deps: Deps, actor: Subject, *, limit: int = 50, offset: int = 0
) -> Page[EmployerView]:
    limit, offset = page(limit, offset)
    with deps.uow() as uow:
        employer = str(actor.org_id) if actor.org_id else ""
        authorize(deps, uow, actor, Action.ASSESSMENT_READ_RESULT,
                  Resource("assessment", attrs={"employer_id": employer}))  # fmt: skip
        found = uow.cases.find(employer_id=actor.org_id, limit=limit, offset=offset)
        return Page([_employer_view(deps, uow, a) for a in found.items], found.total, limit,
                    offset)  # fmt: skip


def notices(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> list[dict[str, Any]]:
    """Notices this actor may see: the person their own (with reasons unless withheld, an audited
    own-data read), an employer those addressed to it, the agency all (without reasons)."""
    with deps.uow() as uow:
        a = uow.cases.get(assessment_id)
        full = a is not None and decide(actor, Action.ASSESSMENT_READ, resource(a)).allowed
        action = Action.ASSESSMENT_READ if full else Action.ASSESSMENT_READ_RESULT
        a, decision = load(deps, uow, actor, assessment_id, action, for_update=False)
        items = uow.cases.notices(a.id)
        own = actor.person_id is not None and actor.person_id == a.person_id
        if own:
            items = [n for n in items if n.recipient is Recipient.PERSON]
        elif not full:
            items = [n for n in items if n.recipient_org_id == actor.org_id]
        out = [_notice(n, full=full) for n in items]
        if own and any(n.reasons_included for n in items):
            reasons = open_records(deps, uow, a.person_id,
                                   uow.cases.vetting([a.id], frozenset({VettingKind.REASONS})))  # fmt: skip
            for n in out:
                if n["reasons_included"] and reasons:
                    n["reasons"] = reasons[-1]["content"]["reasons"]
            record(deps, uow, actor, Action.VETTING_READ, f"assessment:{a.id}", decision,
                   purpose=Purpose.OWN_DATA.value, payload={"kinds": ["reasons"]})  # fmt: skip
            uow.commit()
        return out


def _notice(n: Notice, *, full: bool = False) -> dict[str, Any]:
    """A notice as its reader sees it. Who issued it (an official's login, or the person's own
    session when they refused or withdrew) is for the agency only: the employer and the person
    learn the result and the date of the notice, nothing of who or how (issue 15 §2)."""
    return {
        "id": str(n.id), "kind": n.kind.value, "recipient": n.recipient.value,
        "recipient_org_id": str(n.recipient_org_id) if n.recipient_org_id else None,
        "result": n.result, "reasons_included": n.reasons_included,
        "issued_at": n.issued_at.isoformat(), "issued_by": n.issued_by if full else None,
    }  # fmt: skip


def _own_notices(deps: Deps, uow: UnitOfWork, a: Assessment) -> list[dict[str, Any]]:
    """The person's own notices for the data export, with the reasons the notice gave them."""
    items = [n for n in uow.cases.notices(a.id) if n.recipient is Recipient.PERSON]
    out = [_notice(n) for n in items]
    if any(n.reasons_included for n in items) and _key_live(uow, a.person_id):
        found = open_records(deps, uow, a.person_id,
                             uow.cases.vetting([a.id], frozenset({VettingKind.REASONS})))  # fmt: skip
        for n in out:
            if n["reasons_included"] and found:
                n["reasons"] = found[-1]["content"]["reasons"]
    return out


def export_own_data(deps: Deps, actor: Subject) -> dict[str, Any]:
    """Everything held about the person who asks (Act on the Protection of Personal Information
    style disclosure). Audited as an own-data read."""
    if actor.person_id is None:
        raise NotAuthorized("Only a person's own portal account can export their data.",
                            reason="not_a_person")  # fmt: skip
    with deps.uow() as uow:
        person = uow.persons.get(actor.person_id)
        decision = authorize(deps, uow, actor, Action.PERSON_EXPORT,
                             Resource("person", actor.person_id, person_id=actor.person_id))  # fmt: skip
        cases = uow.cases.find(person_id=actor.person_id, limit=200).items
        out: dict[str, Any] = {
            "person": {k: str(v) for k, v in asdict(person).items()} if person else None,
            "assessments": [], "eligibility": [],
        }  # fmt: skip
        for a in cases:
            withheld = [r for r in uow.cases.vetting([a.id], INVESTIGATION_KINDS)
                        if r.kind is not VettingKind.RETURN_NOTE]  # fmt: skip
            item = {
                "id": str(a.id), "agency_id": str(a.agency_id), "status": a.status.value,
                "trigger": a.trigger.value, "outcome": a.outcome.value if a.outcome else None,
                "created_at": a.created_at.isoformat(),
                "notified_at": a.notified_at.isoformat() if a.notified_at else None,
                "stages": [{"command": e.command, "to": e.to_status, "at": e.at.isoformat()}
                           for e in uow.cases.events(a.id)],
                "questionnaire": opened_sections(deps, uow, a) if _key_live(uow, a.person_id)
                else {},
                "notices": _own_notices(deps, uow, a),
                "your_records": open_records(deps, uow, a.person_id,
                                             uow.cases.vetting([a.id], OWN_KINDS))
                if _key_live(uow, a.person_id) else [],
                "complaints": [{"id": str(c.id), "subject": c.subject, "status": c.status.value,
                                "filed_at": c.filed_at.isoformat()}
                               for c in uow.cases.complaints(agency_id=None,
                                                             assessment_id=a.id).items],
                "records_not_disclosed": {k: sum(1 for r in withheld if r.kind.value == k)
                                          for k in sorted({r.kind.value for r in withheld})},
            }  # fmt: skip
            out["assessments"].append(item)
        out["eligibility"] = [
            {"agency_id": str(e.agency_id), "source": e.source.value,
             "valid_from": e.valid_from.isoformat(), "valid_until": e.valid_until.isoformat(),
             "suspended_at": e.suspended_at.isoformat() if e.suspended_at else None,
             "ended_at": e.ended_at.isoformat() if e.ended_at else None}
            for e in uow.cases.eligibilities(actor.person_id)
        ]  # fmt: skip
        contact = uow.records.get(PersonContact, actor.person_id)
        out["contact_email"] = contact.email if contact else None
        out["invitations"] = [
            {"kind": i.kind.value, "assessment_id": str(i.assessment_id),
             "at": i.created_at.isoformat(), "emailed_to": i.emailed_to}
            for i in uow.records.find(Invitation, person_id=actor.person_id, order="created_at")
        ]  # fmt: skip
        record(deps, uow, actor, Action.PERSON_EXPORT, f"person:{actor.person_id}", decision,
               purpose=Purpose.OWN_DATA.value, payload={"assessments": len(cases)})  # fmt: skip
        uow.commit()
        return out


def _key_live(uow: UnitOfWork, person_id: uuid.UUID) -> bool:
    stored = uow.cases.get_key(person_id)
    return stored is not None and not stored[1]
