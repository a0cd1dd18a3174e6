"""Notice of the seven matters (告知), consent, refusal and withdrawal (CESI.md §4.2).

Refusal or withdrawal ends the case: the investigation stops (no further command is accepted) and
the employer is told only that the assessment was not conducted. For a re-assessment triggered by
doubt, the suspended eligibility then ends: it can only be restored by a favourable result.
"""

from __future__ import annotations

import uuid

from clearance.authz.model import Action, Subject
from clearance.domain.assessment import Assessment, Command, Origin, Trigger
from clearance.domain.casefile import Notice, NoticeKind, Recipient
from clearance.domain.errors import FieldProblem, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.organisations import Role
from clearance.services.assessments import eligibility
from clearance.services.assessments.common import load, transition
from clearance.services.context import Deps
from clearance.services.ports import UnitOfWork


def issue_notice(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    """Tell the person the seven matters to be investigated; the person's consent is asked next."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_ISSUE_NOTICE)
        a = transition(deps, uow, actor, a, Command.ISSUE_NOTICE, decision,
                       action=Action.ASSESSMENT_ISSUE_NOTICE,
                       payload={"matters": [m.number for m in deps.regime.matters]})  # fmt: skip
        uow.cases.add_notice(
            Notice(new_id(), a.id, NoticeKind.MATTERS, Recipient.PERSON, None, None, False,
                   deps.clock.now(), actor.label)
        )  # fmt: skip
        uow.commit()
    return a


def _paper(actor: Subject, paper_reference: str | None) -> dict[str, str]:
    """An officer may record a consent, refusal or withdrawal the person signed on paper."""
    if Role.ASSESSED_PERSON in actor.roles and actor.person_id is not None:
        return {"via": "portal"}
    if not paper_reference or not paper_reference.strip():
        raise ValidationFailed(
            "Recording this for the person needs the reference of their signed form.",
            (FieldProblem("paper_reference", "Give the form's reference.", "required"),),
        )
    return {"via": "paper", "paper_reference": paper_reference.strip()[:100]}


def consent(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, paper_reference: str | None = None
) -> Assessment:
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_CONSENT)
        a = transition(deps, uow, actor, a, Command.CONSENT, decision,
                       action=Action.ASSESSMENT_CONSENT, payload=_paper(actor, paper_reference))  # fmt: skip
        uow.commit()
    return a


def refuse(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, paper_reference: str | None = None
) -> Assessment:
    return _end(deps, actor, assessment_id, Command.REFUSE, paper_reference)


def withdraw(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, paper_reference: str | None = None
) -> Assessment:
    return _end(deps, actor, assessment_id, Command.WITHDRAW, paper_reference)


def _end(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, command: Command,
    paper_reference: str | None,
) -> Assessment:  # fmt: skip
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_CONSENT)
        a = transition(deps, uow, actor, a, command, decision, action=Action.ASSESSMENT_CONSENT,
                       payload=_paper(actor, paper_reference))  # fmt: skip
        notify_not_conducted(deps, uow, actor, a)
        if a.trigger is Trigger.DOUBT:
            eligibility.end_suspended(deps, uow, a, reason="reassessment_not_conducted")
        uow.commit()
    return a


def notify_not_conducted(deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment) -> None:
    """Tell the employer (and a dispatching employer) only that no assessment was conducted."""
    if a.origin is not Origin.OPERATOR_EMPLOYEE or not deps.regime.value(
        "employer_told_not_conducted"
    ):
        return
    now = deps.clock.now()
    targets = [(Recipient.EMPLOYER, a.employer_id)]
    if a.dispatching_employer_id is not None:
        targets.append((Recipient.DISPATCHING_EMPLOYER, a.dispatching_employer_id))
    for recipient, org in targets:
        uow.cases.add_notice(
            Notice(new_id(), a.id, NoticeKind.NOT_CONDUCTED, recipient, org, "not_conducted",
                   False, now, actor.label)
        )  # fmt: skip
