"""Complaints (苦情の申出, CESI.md §4.7): in writing, about the result or the process, tracked to an
answer. The texts are vetting content; the record carries the rule that the person must not be
treated disadvantageously for complaining."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.assessment import Status
from clearance.domain.casefile import Complaint, ComplaintStatus, VettingKind
from clearance.domain.errors import FieldProblem, InvalidTransition, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.services.assessments.common import add_vetting, load, open_records, page
from clearance.services.assessments.vetting import check_purpose
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record
from clearance.services.ports import Page, UnitOfWork

NO_DISADVANTAGE = (
    "The person must not be treated disadvantageously for making this complaint. "
    "苦情の申出をしたことを理由として不利益な取扱いをしてはならない。"
)
SUBJECTS = ("result", "process")
BEFORE_NOTICE = frozenset({Status.LISTING_CONSENT_PENDING, Status.LISTING_DECLINED, Status.LISTED,
                           Status.ROSTER_SUBMITTED})  # fmt: skip


def _text(value: str, field: str) -> str:
    if not value.strip() or len(value) > 8000:
        raise ValidationFailed(
            "The text is required.",
            (FieldProblem(field, "Write the text (up to 8000 characters).", "required"),),
        )
    return value.strip()


def file(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, subject: str, text: str
) -> Complaint:
    with deps.uow() as uow:  # the person's own case first: its rules are for its owner only
        a, decision = load(deps, uow, actor, assessment_id, Action.COMPLAINT_FILE)
        if subject not in SUBJECTS:
            raise ValidationFailed(
                "Choose what the complaint is about.",
                (FieldProblem("subject", "Choose result or process.", "choice"),),
            )
        body = _text(text, "text")
        if a.status in BEFORE_NOTICE:
            raise InvalidTransition(kind="The assessment", current=a.status.value,
                                    attempted="file_complaint", allowed=())  # fmt: skip
        c = Complaint(new_id(), a.id, a.agency_id, subject, ComplaintStatus.FILED,
                      deps.clock.now())  # fmt: skip
        uow.cases.add_complaint(c)
        add_vetting(deps, uow, actor, a, VettingKind.COMPLAINT, {"text": body}, ref=str(c.id))
        record(deps, uow, actor, Action.COMPLAINT_FILE, f"complaint:{c.id}", decision,
               payload={"assessment": str(a.id), "subject": subject})  # fmt: skip
        uow.commit()
    return c


def _load(
    deps: Deps, uow: UnitOfWork, actor: Subject, complaint_id: uuid.UUID
) -> tuple[Complaint, Any]:
    c = uow.cases.get_complaint(complaint_id)
    a = uow.cases.get(c.assessment_id) if c else None
    if c is None or a is None:
        raise NotFound("complaint", complaint_id)
    res = Resource("complaint", c.id, org_id=c.agency_id, person_id=a.person_id)
    return c, authorize_or_conceal(deps, uow, actor, Action.COMPLAINT_HANDLE, res,
                                   what="complaint")  # fmt: skip


def start_review(deps: Deps, actor: Subject, complaint_id: uuid.UUID) -> Complaint:
    return _move(deps, actor, complaint_id, ComplaintStatus.UNDER_REVIEW, None)


def answer(deps: Deps, actor: Subject, complaint_id: uuid.UUID, *, text: str) -> Complaint:
    gate(deps, actor, Action.COMPLAINT_HANDLE, "complaint")  # before any input is read
    return _move(deps, actor, complaint_id, ComplaintStatus.ANSWERED, _text(text, "text"))


def _move(
    deps: Deps, actor: Subject, complaint_id: uuid.UUID, target: ComplaintStatus, body: str | None
) -> Complaint:
    allowed = {
        ComplaintStatus.UNDER_REVIEW: {ComplaintStatus.FILED},
        ComplaintStatus.ANSWERED: {ComplaintStatus.FILED, ComplaintStatus.UNDER_REVIEW},
    }
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, complaint_id)
        if c.status not in allowed[target]:
            raise InvalidTransition(
                kind="The complaint", current=c.status.value, attempted=target.value,
                allowed=tuple(t.value for t, src in allowed.items() if c.status in src),
            )  # fmt: skip
        now = deps.clock.now()
        c = replace(c, status=target, answered_at=now if body else c.answered_at)
        uow.cases.update_complaint(c)
        if body is not None:
            a = uow.cases.get(c.assessment_id)
            assert a is not None
            add_vetting(deps, uow, actor, a, VettingKind.COMPLAINT_ANSWER, {"text": body},
                        ref=str(c.id))  # fmt: skip
        record(deps, uow, actor, Action.COMPLAINT_HANDLE, f"complaint:{c.id}", decision,
               payload={"status": target.value})  # fmt: skip
        uow.commit()
    return c


def list_complaints(
    deps: Deps, actor: Subject, *, status: ComplaintStatus | None = None, limit: int = 50,
    offset: int = 0,
) -> Page[Complaint]:  # fmt: skip
    limit, offset = page(limit, offset)
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.COMPLAINT_HANDLE,
                  Resource("complaint", org_id=actor.org_id))  # fmt: skip
        return uow.cases.complaints(agency_id=actor.org_id, status=status, limit=limit,
                                    offset=offset)  # fmt: skip


def read(
    deps: Deps, actor: Subject, complaint_id: uuid.UUID, *, purpose: str
) -> tuple[Complaint, list[dict[str, Any]]]:
    """The complaint with its text and answer, for complaint handling. Audited."""
    with deps.uow() as uow:
        c, decision = _load(deps, uow, actor, complaint_id)
        a, _ = load(deps, uow, actor, c.assessment_id, Action.VETTING_READ, purpose=purpose,
                    for_update=False)  # fmt: skip
        check_purpose(deps, uow, actor, a, purpose)
        kinds = frozenset({VettingKind.COMPLAINT, VettingKind.COMPLAINT_ANSWER})
        texts = open_records(deps, uow, a.person_id, uow.cases.vetting([a.id], kinds, str(c.id)))
        record(deps, uow, actor, Action.VETTING_READ, f"complaint:{c.id}", decision,
               purpose=purpose, payload={"kinds": sorted(k.value for k in kinds)})  # fmt: skip
        uow.commit()
        return c, texts
