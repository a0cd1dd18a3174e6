"""Incidents: loss, leak or suspected leak of CESI, reported by an operator or an agency, with a
timeline, the affected materials, notification of the designating agency, and status to closure.
Descriptions must not contain CESI itself; they record what happened to which material."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from clearance.authz.engine import decide
from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.designation import Designation
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.records import Incident, IncidentStatus, Material
from clearance.services.context import Deps
from clearance.services.guard import (
    authorize,
    authorize_any,
    authorize_or_conceal,
    gate,
    record,
    refuse_reference,
)
from clearance.services.ports import UnitOfWork

KINDS = ("loss", "leak", "suspected_leak", "discrepancy")


def _text(text: str) -> str:
    if not text.strip() or len(text) > 4000:
        raise ValidationFailed(
            "Describe what happened.",
            (FieldProblem("text", "Required, at most 4000 characters.", "required"),),
        )
    return text.strip()


def report(deps: Deps, actor: Subject, *, kind: str, occurred_at: dt.datetime,
           material_ids: list[uuid.UUID], text: str) -> Incident:  # fmt: skip
    gate(deps, actor, Action.INCIDENT_REPORT, "incident")  # before any input is read
    body = _text(text)
    if kind not in KINDS:
        raise ValidationFailed(
            "Choose the kind.", (FieldProblem("kind", ", ".join(KINDS), "choice"),)
        )
    now = deps.clock.now()
    if occurred_at > now:
        raise ValidationFailed(
            "The time is in the future.",
            (FieldProblem("occurred_at", "Not in the future.", "date_future"),),
        )
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.INCIDENT_REPORT,
                             Resource("incident", org_id=actor.org_id))  # fmt: skip
        assert actor.org_id is not None
        agencies = set()
        for mid in material_ids:
            m = uow.records.get(Material, mid)
            d = uow.records.get(Designation, m.designation_id) if m else None
            if m is None or d is None:
                raise NotFound("material", mid)
            if actor.org_id not in (m.holder_org_id, d.agency_id):  # another side's material
                refuse_reference(deps, uow, actor, Action.INCIDENT_REPORT, "material", mid)
            agencies.add(d.agency_id)
        if len(agencies) > 1:
            raise ValidationFailed(
                "Report one incident per designating agency.",
                (FieldProblem("material_ids", "Materials of several agencies.", "agencies"),),
            )
        agency = agencies.pop() if agencies else actor.org_id
        i = Incident(new_id(), actor.org_id, agency, kind, IncidentStatus.REPORTED, occurred_at,
                     now, [str(m) for m in material_ids],
                     [{"at": now.isoformat(), "by": actor.label, "text": body}])  # fmt: skip
        uow.records.add(i)
        record(deps, uow, actor, Action.INCIDENT_REPORT, f"incident:{i.id}", decision,
               payload={"kind": kind, "materials": len(material_ids)})  # fmt: skip
        uow.commit()
    return i


def _load(
    deps: Deps, uow: UnitOfWork, actor: Subject, incident_id: uuid.UUID
) -> tuple[Incident, Decision]:
    """The reporting organisation and the designating agency may both work on an incident."""
    i = uow.records.get(Incident, incident_id)
    if i is None:
        raise NotFound("incident", incident_id)
    sides = [Resource("incident", i.id, org_id=i.org_id),
             Resource("incident", i.id, org_id=i.agency_id)]  # fmt: skip
    if not any(decide(actor, Action.INCIDENT_MANAGE, r).allowed for r in sides):
        # neither side: existence is need-to-know (audited, then answered like a missing one)
        authorize_or_conceal(deps, uow, actor, Action.INCIDENT_MANAGE, sides[0], what="incident")
    return i, authorize_any(deps, uow, actor, Action.INCIDENT_MANAGE, sides)


def update(
    deps: Deps, actor: Subject, incident_id: uuid.UUID, *, command: str, text: str
) -> Incident:
    """``note`` adds to the timeline; ``notify_agency`` records that the agency was told;
    ``investigate`` and ``close`` move the status."""
    gate(deps, actor, Action.INCIDENT_MANAGE, "incident")  # before any input is read
    body = _text(text)
    with deps.uow() as uow:
        i, decision = _load(deps, uow, actor, incident_id)
        if i.status is IncidentStatus.CLOSED:
            raise Conflict("The incident is closed.")
        now = deps.clock.now()
        changes: dict[str, object] = {}
        if command == "notify_agency":
            if i.agency_notified_at is not None:
                raise Conflict("The agency was already notified.")
            changes["agency_notified_at"] = now
        elif command == "investigate":
            changes["status"] = IncidentStatus.INVESTIGATING
        elif command == "close":
            changes |= {"status": IncidentStatus.CLOSED, "closed_at": now}
        elif command != "note":
            raise ValidationFailed(
                "Unknown step.",
                (FieldProblem("command", "note, notify_agency, investigate or close.", "choice"),),
            )
        timeline = [
            *i.timeline,
            {"at": now.isoformat(), "by": actor.label, "text": f"[{command}] {body}"},
        ]
        i = replace(i, timeline=timeline, **changes)  # type: ignore[arg-type]
        uow.records.update(i)
        record(deps, uow, actor, Action.INCIDENT_MANAGE, f"incident:{i.id}", decision,
               payload={"command": command, "status": i.status.value})  # fmt: skip
        uow.commit()
    return i


def incidents(deps: Deps, actor: Subject) -> list[Incident]:
    """Incidents the actor's organisation reported or, for an agency, received."""
    with deps.uow() as uow:
        authorize(
            deps, uow, actor, Action.INCIDENT_REPORT, Resource("incident", org_id=actor.org_id)
        )
        seen = {i.id: i for i in uow.records.find(Incident, org_id=actor.org_id)}
        seen |= {i.id: i for i in uow.records.find(Incident, agency_id=actor.org_id)}
        return sorted(seen.values(), key=lambda i: i.reported_at)
