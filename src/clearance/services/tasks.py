"""What waits on this account (対応が必要な案件): the task list on every home page and behind
``GET /api/v1/tasks``.

A task is an assessment on which the account may take a forward step now (the same answer as the
case page's buttons: ``assessments.steps.available``), or a complaint waiting for an answer from the
account's agency. Each carries the step, since when the case has waited and the due date from the
regime's timeliness targets (service targets, not statutory). Nothing here is vetting data; the
person's name is shown only to those who may read the case.

Pure reads, not audited (no vetting data is read). Imports: domain, authz, services.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from clearance.authz.engine import decide
from clearance.authz.model import Action, Resource, Subject
from clearance.domain.assessment import INQUIRY_STATUSES, RECORD_INQUIRY, Status
from clearance.domain.casefile import ComplaintStatus
from clearance.domain.organisations import OrgKind
from clearance.domain.periods import JST
from clearance.domain.timeliness import stage_times
from clearance.services.assessments import steps
from clearance.services.assessments.actions import STEP_ACTION
from clearance.services.context import Deps
from clearance.services.oversight.timeliness import targets
from clearance.services.ports import UnitOfWork

# Cases read per query: a task list is a work queue, not a report; ``more`` says when it was cut.
SCAN = 200


@dataclass(frozen=True)
class Task:
    kind: str  # assessment | complaint
    step: str  # the command (or ``record_inquiry``, ``answer_complaint``) that waits
    ref_id: uuid.UUID  # the assessment (for a complaint, the complaint)
    assessment_id: uuid.UUID
    person_name: str  # whom the case concerns ("" for the person's own cases)
    agency_id: uuid.UUID
    status: str
    since: dt.datetime
    due: dt.date | None  # JST date by which the stage should be done (regime targets)

    def overdue(self, today: dt.date) -> bool:
        return self.due is not None and today > self.due


@dataclass(frozen=True)
class TaskList:
    items: list[Task]
    more: bool  # some candidate cases were not scanned (more than ``SCAN``)


def _forward(available: tuple[str, ...]) -> str | None:
    """The step that moves the case on, as the task to show; side steps (withdraw, send back,
    return) are offered on the case page but are not what waits."""
    side = {c.value for c in steps.SIDE_STEPS}
    forward = [s for s in available if s not in side and s != RECORD_INQUIRY]
    if forward:
        return forward[0]
    return RECORD_INQUIRY if RECORD_INQUIRY in available else None


def _statuses_for(deps: Deps, actor: Subject, res: Resource) -> frozenset[Status]:
    """Statuses in which some forward step is allowed for the actor's roles (before the per-case
    rules): the filter of the case query."""
    out = set()
    for status in Status:
        for c in steps.commands_for(deps, status):
            if c not in steps.SIDE_STEPS and decide(actor, STEP_ACTION[c], res).allowed:
                out.add(status)
        if status in INQUIRY_STATUSES and decide(actor, Action.ASSESSMENT_INVESTIGATE, res).allowed:
            out.add(status)
    return frozenset(out)


def _due(
    deps: Deps, uow: UnitOfWork, aid: uuid.UUID, goals: dict[str, int]
) -> tuple[dt.datetime | None, dt.date | None]:
    events = uow.cases.events(aid)
    since = events[-1].at if events else None
    open_stages = [t for t in stage_times((e.to_status, e.at) for e in events) if t.ended is None]
    if not open_stages:
        return since, None
    stage = open_stages[-1]
    due = (stage.started + dt.timedelta(days=goals[stage.stage])).astimezone(JST).date()
    return since, due


def waiting_on(deps: Deps, actor: Subject) -> TaskList:
    """Every item waiting on this account or its role in its organisation, oldest first."""
    items: list[Task] = []
    more = False
    goals = targets(deps)
    with deps.uow() as uow:
        org_kind = actor.org_kind
        employer = str(actor.org_id) if actor.org_id else ""
        probe = Resource(
            "assessment",
            org_id=actor.org_id,
            person_id=actor.person_id,
            attrs={"employer_id": employer},
        )
        statuses = _statuses_for(deps, actor, probe)
        if statuses:
            if org_kind is OrgKind.INVESTIGATION_UNIT:
                scope: dict[str, uuid.UUID] = {}
            elif org_kind is OrgKind.ADMINISTRATIVE_ORGAN and actor.org_id:
                scope = {"agency_id": actor.org_id}
            elif org_kind is OrgKind.QUALIFIED_OPERATOR and actor.org_id:
                scope = {"employer_id": actor.org_id}
            elif actor.person_id is not None and actor.org_id is None:
                scope = {"person_id": actor.person_id}
            else:
                scope = {"agency_id": uuid.UUID(int=0)}  # no scope of its own: nothing waits
            found = uow.cases.find(statuses=statuses, limit=SCAN, offset=0, **scope)
            more = found.total is not None and found.total > len(found.items)
            own = actor.person_id is not None and actor.org_id is None
            for a in found.items:
                step = _forward(steps.available(deps, uow, actor, a))
                if step is None:
                    continue
                person = None if own else uow.persons.get(a.person_id)
                since, due = _due(deps, uow, a.id, goals)
                items.append(
                    Task(
                        "assessment",
                        step,
                        a.id,
                        a.id,
                        f"{person.family_name} {person.given_name}" if person else "",
                        a.agency_id,
                        a.status.value,
                        since or a.status_since,
                        due,
                    )
                )
        if (
            actor.org_id is not None
            and decide(
                actor, Action.COMPLAINT_HANDLE, Resource("complaint", org_id=actor.org_id)
            ).allowed
        ):
            for cs in (ComplaintStatus.FILED, ComplaintStatus.UNDER_REVIEW):
                page = uow.cases.complaints(agency_id=actor.org_id, status=cs, limit=SCAN)
                more = more or (page.total is not None and page.total > len(page.items))
                for c in page.items:
                    case = uow.cases.get(c.assessment_id)
                    person = uow.persons.get(case.person_id) if case is not None else None
                    items.append(
                        Task(
                            "complaint",
                            "answer_complaint",
                            c.id,
                            c.assessment_id,
                            f"{person.family_name} {person.given_name}" if person else "",
                            c.agency_id,
                            c.status.value,
                            c.filed_at,
                            None,
                        )
                    )
    items.sort(key=lambda t: (t.due or dt.date.max, t.since))
    return TaskList(items, more)
