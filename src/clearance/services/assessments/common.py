"""Shared steps of the assessment services: loading a case, the one ``transition`` helper, and the
per-person encryption of vetting content.

Every status change goes through ``transition``: it asks the domain table for the next status,
writes the new row with an optimistic version check, the stage event, and exactly one audit entry,
all in the caller's transaction. Vetting content is sealed with the person's data key before it
reaches a repository and opened only after an authorized, purpose-checked, audited read.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from typing import Any

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.assessment import Assessment, Command, next_status
from clearance.domain.casefile import AssessmentEvent, VettingKind, VettingRecord
from clearance.domain.errors import Conflict, NotFound
from clearance.domain.model import Person, new_id
from clearance.domain.records import Certification
from clearance.services.assessments import invitations
from clearance.services.assessments.actions import STEP_ACTION
from clearance.services.context import Deps
from clearance.services.guard import authorize_or_conceal, record
from clearance.services.ports import UnitOfWork
from clearance.services.sealing import person_key_context

MAX_PAGE = 200


def resource(a: Assessment) -> Resource:
    return Resource(
        "assessment", a.id, org_id=a.agency_id, person_id=a.person_id,
        attrs={"employer_id": str(a.employer_id) if a.employer_id else ""},
    )  # fmt: skip


def known_to_agency(uow: UnitOfWork, person: Person, agency_id: uuid.UUID) -> bool:
    """Whether an agency has a standing to name this person: its own staff, a person with a case
    at the agency, or an employee of an operator the agency has certified or applied to. Anyone
    else is answered like a missing person (issue 15 §1)."""
    if person.employer_id == agency_id:
        return True
    if uow.cases.find(person_id=person.id, agency_id=agency_id, limit=1).items:
        return True
    return person.employer_id is not None and bool(
        uow.records.find(Certification, operator_id=person.employer_id, agency_id=agency_id)
    )


def load(
    deps: Deps, uow: UnitOfWork, actor: Subject, assessment_id: uuid.UUID, action: Action,
    *, purpose: str | None = None, for_update: bool = True,
) -> tuple[Assessment, Decision]:  # fmt: skip
    """Fetch and authorize. A denied and a missing assessment answer alike (404) for readers who
    may not know it exists; the denial is still audited."""
    a = uow.cases.get(assessment_id, for_update=for_update)
    if a is None:
        raise NotFound("assessment", assessment_id)
    # Whoever may read the case (or its result) knows it exists: a denial is a 403 for them.
    return a, authorize_or_conceal(deps, uow, actor, action, resource(a), what="assessment",
                                   may_know=(Action.ASSESSMENT_READ, Action.ASSESSMENT_READ_RESULT),
                                   purpose=purpose)  # fmt: skip


def log_step(
    deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, command: str,
    from_status: str | None, decision: Decision, *, action: Action,
    payload: dict[str, Any] | None = None,
) -> None:  # fmt: skip
    """One stage event and one audit entry for a step on ``a`` (whose status is already the new
    one). The audit payload's ``command`` marks the entry as a step; tests count on it."""
    uow.cases.add_event(
        AssessmentEvent(a.id, command, from_status, a.status.value, actor.label,
                        actor.account_id, deps.clock.now())
    )  # fmt: skip
    record(
        deps, uow, actor, action, f"assessment:{a.id}", decision,
        payload={"command": command, "from": from_status, "to": a.status.value, **(payload or {})},
    )  # fmt: skip


def transition(
    deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, command: Command,
    decision: Decision, *, action: Action, payload: dict[str, Any] | None = None,
    **changes: Any,
) -> Assessment:  # fmt: skip
    """Move ``a`` by ``command`` as the transition table allows (``InvalidTransition`` otherwise)."""
    if STEP_ACTION[command] is not action:  # a programming error: pages would offer the wrong step
        raise RuntimeError(f"{command.value} is authorized by {STEP_ACTION[command].value}")
    target = next_status(a.status, command)
    new = replace(a, status=target, status_since=deps.clock.now(), version=a.version + 1,
                  **changes)  # fmt: skip
    uow.cases.update(new, expected_version=a.version)
    log_step(deps, uow, actor, new, command.value, a.status.value, decision, action=action,
             payload=payload)  # fmt: skip
    invitations.on_step(deps, uow, new, command)  # what the step leaves for the person to do
    return new


def created(
    deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, decision: Decision,
    *, action: Action, command: str,
) -> None:  # fmt: skip
    """Record a new assessment: its first stage event and one audit entry."""
    uow.cases.add(a)
    log_step(deps, uow, actor, a, command, None, decision, action=action,
             payload={"trigger": a.trigger.value, "agency": str(a.agency_id),
                      "person": str(a.person_id)})  # fmt: skip


# -- per-person data keys ---------------------------------------------------------------------------


def person_key(deps: Deps, uow: UnitOfWork, person_id: uuid.UUID, *, create: bool) -> bytes:
    """The person's data key, unwrapped with the installation's secret. Created on first use."""
    stored = uow.cases.get_key(person_id)
    if stored is None:
        if not create:
            raise NotFound("vetting data", person_id)
        key = deps.cipher.new_key()
        uow.cases.add_key(person_id, deps.box.seal(key, context=person_key_context(person_id)),
                          deps.clock.now())  # fmt: skip
        return key
    wrapped, destroyed = stored
    if destroyed or wrapped is None:
        raise Conflict("The vetting data of this person was purged; nothing can be added or read.")
    return deps.box.open(wrapped, context=person_key_context(person_id))


def record_context(assessment_id: uuid.UUID, kind: str, ref: str | None) -> bytes:
    return f"clearance/vetting/v1:{assessment_id}:{kind}:{ref or ''}".encode()


def seal(key: bytes, deps: Deps, assessment_id: uuid.UUID, kind: str, ref: str | None,
         content: Any) -> bytes:  # fmt: skip
    plaintext = json.dumps(content, ensure_ascii=False, sort_keys=True).encode()
    return deps.cipher.encrypt(key, plaintext, context=record_context(assessment_id, kind, ref))


def unseal(key: bytes, deps: Deps, assessment_id: uuid.UUID, kind: str, ref: str | None,
           sealed: bytes) -> Any:  # fmt: skip
    plaintext = deps.cipher.decrypt(key, sealed, context=record_context(assessment_id, kind, ref))
    return json.loads(plaintext)


def add_vetting(
    deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, kind: VettingKind,
    content: Any, *, ref: str | None = None,
) -> VettingRecord:  # fmt: skip
    key = person_key(deps, uow, a.person_id, create=True)
    rec = VettingRecord(
        new_id(), a.id, a.person_id, kind, ref, deps.clock.now(), actor.label,
        seal(key, deps, a.id, kind.value, ref, content),
    )  # fmt: skip
    uow.cases.add_vetting(rec)
    return rec


def open_records(
    deps: Deps, uow: UnitOfWork, person_id: uuid.UUID, records: list[VettingRecord]
) -> list[dict[str, Any]]:
    if not records:
        return []
    key = person_key(deps, uow, person_id, create=False)
    return [
        {"id": str(r.id), "kind": r.kind.value, "ref": r.ref, "at": r.created_at.isoformat(),
         "by": r.created_by,
         "content": unseal(key, deps, r.assessment_id, r.kind.value, r.ref, r.ciphertext)}
        for r in records
    ]  # fmt: skip


def page(limit: int, offset: int) -> tuple[int, int]:
    return max(1, min(limit, MAX_PAGE)), max(0, offset)
