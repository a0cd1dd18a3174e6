"""Eligibility to handle CESI for an agency (CESI.md §4.1, §4.8).

- A favourable CESI result makes the person eligible for that agency from the notice for
  ``eligibility_validity_years`` (10) — ``grant``.
- A favourable SDS result by the same agency head counts for ``sds_reciprocity_years`` (5) from the
  SDS notice — ``record_sds``.
- A change report that raises doubt suspends the person from handling and opens a re-assessment
  (trigger ``doubt``); its favourable result supersedes the old eligibility, anything else ends it.
- Leaving the employer ends eligibility — ``record_departure``.

Expiry is a pure function of time (``Eligibility.holds_at``): nothing has to run for it to happen.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.assessment import (
    TERMINAL,
    Assessment,
    Eligibility,
    EligibilitySource,
    Origin,
    Status,
    Trigger,
)
from clearance.domain.casefile import VettingKind
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.organisations import OrgKind
from clearance.domain.periods import JST, period_end
from clearance.services.assessments.common import add_vetting, created, known_to_agency
from clearance.services.context import Deps
from clearance.services.guard import authorize, gate, record, refuse_reference
from clearance.services.ports import UnitOfWork


def until(deps: Deps, notified_at: dt.datetime) -> dt.datetime:
    """Exclusive end of the eligibility a result notified at ``notified_at`` gives (Art. 12(1)):
    the one rule, for the record and for the notice that tells the person its last day."""
    return period_end(notified_at, deps.regime.years("eligibility_validity_years"))


def grant(deps: Deps, uow: UnitOfWork, a: Assessment, notified_at: dt.datetime) -> Eligibility:
    """Eligibility from a favourable, notified result; supersedes any earlier one for the agency."""
    for old in uow.cases.eligibilities(a.person_id, a.agency_id):
        if old.ended_at is None and old.valid_until > notified_at:
            uow.cases.update_eligibility(
                replace(old, ended_at=notified_at, end_reason="superseded")
            )
    e = Eligibility(
        new_id(), a.person_id, a.agency_id, EligibilitySource.CESI, notified_at,
        until(deps, notified_at), a.id,
    )  # fmt: skip
    uow.cases.add_eligibility(e)
    return e


def end_suspended(deps: Deps, uow: UnitOfWork, a: Assessment, *, reason: str) -> None:
    """A re-assessment for doubt ended without a favourable result: the suspension becomes an end."""
    now = deps.clock.now()
    for e in uow.cases.eligibilities(a.person_id, a.agency_id):
        if e.suspended_at is not None and e.ended_at is None:
            uow.cases.update_eligibility(replace(e, ended_at=now, end_reason=reason))


def _resource(uow: UnitOfWork, person_id: uuid.UUID, agency_id: uuid.UUID | None) -> Resource:
    person = uow.persons.get(person_id)
    employer = str(person.employer_id) if person and person.employer_id else ""
    return Resource("eligibility", person_id, org_id=agency_id, person_id=person_id,
                    attrs={"employer_id": employer})  # fmt: skip


def record_sds(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, sds_notified_on: dt.date,
    reference: str, agency_id: uuid.UUID | None = None,
) -> Eligibility:  # fmt: skip
    """Record a favourable SDS result of the same agency head (an SDS reference)."""
    gate(deps, actor, Action.ELIGIBILITY_RECORD_SDS, "eligibility")  # before any input is read
    agency_id = agency_id or actor.org_id
    now = deps.clock.now()
    if not dt.date(1900, 1, 1) <= sds_notified_on <= dt.date(9000, 12, 31):
        raise ValidationFailed("The SDS reference cannot be recorded.", (
            FieldProblem("sds_notified_on", "The date is out of range.", "range"),))  # fmt: skip
    # Stored and answered in UTC like every instant (POST and GET answer the same text).
    start = dt.datetime(sds_notified_on.year, sds_notified_on.month, sds_notified_on.day,
                        tzinfo=JST).astimezone(dt.UTC)  # fmt: skip
    until = period_end(start, deps.regime.years("sds_reciprocity_years"))
    problems = []
    if not reference.strip() or len(reference) > 100:
        problems.append(FieldProblem("reference", "Give the SDS notice reference (≤ 100).",
                                     "required"))  # fmt: skip
    if start > now:
        problems.append(
            FieldProblem("sds_notified_on", "The date is in the future.", "date_future")
        )
    elif until <= now:
        problems.append(FieldProblem("sds_notified_on",
                                     "That SDS result is too old to count for CESI.", "expired"))  # fmt: skip
    if problems:
        raise ValidationFailed("The SDS reference cannot be recorded.", tuple(problems))
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.ELIGIBILITY_RECORD_SDS,
                             _resource(uow, person_id, agency_id))  # fmt: skip
        assert agency_id is not None
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFound("person", person_id)
        if not known_to_agency(uow, person, agency_id):
            refuse_reference(deps, uow, actor, Action.ELIGIBILITY_RECORD_SDS, "person", person_id)
        e = Eligibility(new_id(), person_id, agency_id, EligibilitySource.SDS, start, until,
                        sds_reference=reference.strip())  # fmt: skip
        uow.cases.add_eligibility(e)
        record(deps, uow, actor, Action.ELIGIBILITY_RECORD_SDS, f"eligibility:{e.id}", decision,
               payload={"person": str(person_id), "agency": str(agency_id),
                        "valid_until": until.isoformat()})  # fmt: skip
        uow.commit()
    return e


def report_change(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, agency_id: uuid.UUID, summary: str,
    raises_doubt: bool,
) -> Assessment | None:  # fmt: skip
    """A change of circumstances (事後の事情変更). When it raises doubt the person is suspended
    from handling at once and a re-assessment is opened; the summary is vetting data."""
    gate(deps, actor, Action.ELIGIBILITY_REPORT_CHANGE, "eligibility")  # before any input is read
    if not summary.strip() or len(summary) > 4000:
        raise ValidationFailed(
            "Describe the change.",
            (FieldProblem("summary", "Give a description of up to 4000 characters.", "required"),),
        )
    with deps.uow() as uow:
        res = _resource(uow, person_id, agency_id)
        decision = authorize(deps, uow, actor, Action.ELIGIBILITY_REPORT_CHANGE, res)
        now = deps.clock.now()
        active = [e for e in uow.cases.eligibilities(person_id, agency_id) if e.holds_at(now)]
        if not active:
            raise Conflict("The person holds no eligibility for this agency; nothing to report.")
        latest = uow.cases.get(active[-1].assessment_id) if active[-1].assessment_id else None
        new = None
        if raises_doubt:
            for e in active:
                uow.cases.update_eligibility(replace(e, suspended_at=now))
            open_statuses = frozenset(Status) - TERMINAL
            if uow.cases.find(person_id=person_id, agency_id=agency_id, statuses=open_statuses,
                              limit=1).total == 0:  # fmt: skip
                person = uow.persons.get(person_id)
                assert person is not None
                origin = (Origin.AGENCY_STAFF if person.employer_id == agency_id
                          else Origin.OPERATOR_EMPLOYEE)  # fmt: skip
                new = Assessment(
                    id=new_id(), person_id=person_id, agency_id=agency_id, origin=origin,
                    employer_id=person.employer_id if origin is Origin.OPERATOR_EMPLOYEE else None,
                    dispatching_employer_id=latest.dispatching_employer_id if latest else None,
                    trigger=Trigger.DOUBT, status=Status.ROSTER_SUBMITTED, status_since=now,
                    created_at=now, previous_id=latest.id if latest else None,
                )  # fmt: skip
                created(deps, uow, actor, new, decision,
                        action=Action.ELIGIBILITY_REPORT_CHANGE, command="reassess_doubt")  # fmt: skip
        target = new or latest
        if target is not None:
            add_vetting(deps, uow, actor, target, VettingKind.CHANGE_REPORT,
                        {"summary": summary.strip(), "raises_doubt": raises_doubt})  # fmt: skip
        record(deps, uow, actor, Action.ELIGIBILITY_REPORT_CHANGE, f"person:{person_id}",
               decision, payload={"agency": str(agency_id), "raises_doubt": raises_doubt,
                                  "suspended": len(active) if raises_doubt else 0})  # fmt: skip
        uow.commit()
    return new


def record_departure(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, agency_id: uuid.UUID | None = None
) -> int:
    """The person left the employer (or the agency): every eligibility in scope ends now."""
    with deps.uow() as uow:
        res = _resource(uow, person_id, agency_id)
        decision = authorize(deps, uow, actor, Action.ELIGIBILITY_REPORT_CHANGE, res)
        now = deps.clock.now()
        ended = 0
        for e in uow.cases.eligibilities(person_id, agency_id):
            if e.ended_at is None and e.valid_until > now:
                uow.cases.update_eligibility(replace(e, ended_at=now, end_reason="left_employer"))
                ended += 1
        record(deps, uow, actor, Action.ELIGIBILITY_REPORT_CHANGE, f"person:{person_id}",
               decision, payload={"departure": True, "ended": ended})  # fmt: skip
        uow.commit()
    return ended


def employer_side(actor: Subject) -> bool:
    """A reader on the employer side (a qualified operator's staff) learns whether the person may
    handle CESI for the agency and until when, never how the eligibility arose or why it changed."""
    return actor.org_kind is OrgKind.QUALIFIED_OPERATOR


def eligibilities(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, agency_id: uuid.UUID | None = None
) -> list[Eligibility]:
    """The person's eligibility records (dates and status only; never why).

    Read for one agency, the answer is that agency's records: an empty list alike for a person
    with none there and for an id that names nobody, so another agency's staff cannot learn
    whether a person exists (found by tests/e2e/test_object_matrix.py)."""
    with deps.uow() as uow:
        res = _resource(uow, person_id, agency_id)
        authorize(deps, uow, actor, Action.ELIGIBILITY_READ, res)
        if agency_id is None and uow.persons.get(person_id) is None:
            raise NotFound("person", person_id)
        return uow.cases.eligibilities(person_id, agency_id)
