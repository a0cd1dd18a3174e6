"""Adjudication and notification (CESI.md §4.5, §4.6).

The agency decides favourable ("no risk of leaking") or unfavourable; reasons are required when
unfavourable and may be withheld from the person only with a recorded justification. Separation of
duties: nobody who did investigation work on the case (or on the investigation it reuses) may
decide or confirm it, and the confirming official must differ from the proposer (when the regime's
``second_official_required`` is on, the default). The notice gives the person the result (and the
reasons unless withheld); the employer and a dispatching employer get the result only.
"""

from __future__ import annotations

import uuid

from clearance.authz.model import Action, Subject
from clearance.domain.assessment import Assessment, Command, Origin, Outcome, Trigger
from clearance.domain.casefile import Decision, Notice, NoticeKind, Recipient, VettingKind
from clearance.domain.errors import Conflict, FieldProblem, NotAuthorized, ValidationFailed
from clearance.domain.model import new_id
from clearance.services.assessments import eligibility
from clearance.services.assessments.common import add_vetting, load, transition
from clearance.services.assessments.investigation import investigators
from clearance.services.context import Deps
from clearance.services.ports import AuditDraft, UnitOfWork


def _refuse(deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, action: Action,
            reason: str, message: str) -> None:  # fmt: skip
    uow.rollback()
    uow.audit.append(
        AuditDraft(actor.label, action.value, f"assessment:{a.id}", "deny", reason),
        deps.clock.now(),
    )
    uow.commit()
    raise NotAuthorized(message, reason=reason)


def _separation(deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, action: Action) -> None:
    if actor.account_id is not None and actor.account_id in investigators(uow, a):
        _refuse(deps, uow, actor, a, action, "separation_of_duties",
                "You did investigation work on this case, so you may not decide it.")  # fmt: skip


def propose(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, outcome: Outcome,
    reasons: str | None = None, withhold_reasons: bool = False,
    withhold_justification: str | None = None,
) -> Assessment:  # fmt: skip
    problems = []
    if outcome is Outcome.UNFAVOURABLE and not (reasons or "").strip():
        problems.append(FieldProblem("reasons", "Reasons are required for an unfavourable result.",
                                     "required"))  # fmt: skip
    if outcome is Outcome.FAVOURABLE and (reasons or withhold_reasons):
        problems.append(FieldProblem("reasons", "A favourable result carries no reasons.",
                                     "not_applicable"))  # fmt: skip
    if withhold_reasons and not (withhold_justification or "").strip():
        problems.append(FieldProblem("withhold_justification",
                                     "Record why giving the reasons would hinder assessments.",
                                     "required"))  # fmt: skip
    for name, value in (("reasons", reasons), ("withhold_justification", withhold_justification)):
        if value and len(value) > 8000:
            problems.append(FieldProblem(name, "Use at most 8000 characters.", "too_long"))
    if problems:
        raise ValidationFailed("The decision has problems; see the list.", tuple(problems))
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_DECIDE)
        _separation(deps, uow, actor, a, Action.ASSESSMENT_DECIDE)
        two_person = bool(deps.regime.value("second_official_required"))
        command = Command.PROPOSE_DECISION if two_person else Command.DECIDE
        now = deps.clock.now()
        a = transition(deps, uow, actor, a, command, decision, action=Action.ASSESSMENT_DECIDE,
                       payload={"outcome": outcome.value, "reasons_withheld": withhold_reasons},
                       outcome=None if two_person else outcome)  # fmt: skip
        uow.cases.put_decision(
            Decision(a.id, outcome, withhold_reasons, actor.account_id, now,
                     None if two_person else actor.account_id, None if two_person else now)
        )  # fmt: skip
        if reasons and reasons.strip():
            add_vetting(deps, uow, actor, a, VettingKind.REASONS, {"reasons": reasons.strip()})
        if withhold_reasons:
            add_vetting(deps, uow, actor, a, VettingKind.WITHHOLDING,
                        {"justification": (withhold_justification or "").strip()})  # fmt: skip
        uow.commit()
    return a


def confirm(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    """The second official confirms the proposed decision."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_CONFIRM_DECISION)
        _separation(deps, uow, actor, a, Action.ASSESSMENT_CONFIRM_DECISION)
        proposed = uow.cases.get_decision(a.id)
        if proposed is not None and proposed.proposed_by == actor.account_id:
            _refuse(deps, uow, actor, a, Action.ASSESSMENT_CONFIRM_DECISION, "same_official",
                    "The decision must be confirmed by a second, different official.")  # fmt: skip
        outcome = proposed.outcome if proposed else None
        a = transition(deps, uow, actor, a, Command.CONFIRM_DECISION, decision,
                       action=Action.ASSESSMENT_CONFIRM_DECISION,
                       payload={"outcome": outcome.value if outcome else None}, outcome=outcome)  # fmt: skip
        assert proposed is not None  # the transition table admits confirm only after a proposal
        now = deps.clock.now()
        uow.cases.put_decision(
            Decision(a.id, proposed.outcome, proposed.reasons_withheld, proposed.proposed_by,
                     proposed.proposed_at, actor.account_id, now)
        )  # fmt: skip
        uow.commit()
    return a


def send_back(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    """The second official does not confirm; the case returns to the adjudicator."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_CONFIRM_DECISION)
        a = transition(deps, uow, actor, a, Command.SEND_BACK, decision,
                       action=Action.ASSESSMENT_CONFIRM_DECISION)  # fmt: skip
        uow.commit()
    return a


def notify(deps: Deps, actor: Subject, assessment_id: uuid.UUID) -> Assessment:
    """Notify the result: to the person (with reasons unless withheld), to the employer and any
    dispatching employer (result only). A favourable result starts the eligibility period."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.ASSESSMENT_NOTIFY)
        stored = uow.cases.get_decision(a.id)
        now = deps.clock.now()
        a = transition(deps, uow, actor, a, Command.NOTIFY_RESULT, decision,
                       action=Action.ASSESSMENT_NOTIFY, notified_at=now)  # fmt: skip
        if stored is None or a.outcome is None or stored.confirmed_at is None:
            raise Conflict("The decision is not confirmed; nothing can be notified.")
        result = a.outcome.value
        with_reasons = a.outcome is Outcome.UNFAVOURABLE and not stored.reasons_withheld
        notices = [Notice(new_id(), a.id, NoticeKind.RESULT, Recipient.PERSON, None, result,
                          with_reasons, now, actor.label)]  # fmt: skip
        if a.origin is Origin.OPERATOR_EMPLOYEE:
            notices.append(Notice(new_id(), a.id, NoticeKind.RESULT, Recipient.EMPLOYER,
                                  a.employer_id, result, False, now, actor.label))  # fmt: skip
            if a.dispatching_employer_id is not None:
                notices.append(Notice(new_id(), a.id, NoticeKind.RESULT,
                                      Recipient.DISPATCHING_EMPLOYER, a.dispatching_employer_id,
                                      result, False, now, actor.label))  # fmt: skip
        for n in notices:
            uow.cases.add_notice(n)
        if a.outcome is Outcome.FAVOURABLE:
            eligibility.grant(deps, uow, a, now)
        elif a.trigger is Trigger.DOUBT:
            eligibility.end_suspended(deps, uow, a, reason="unfavourable_reassessment")
        uow.commit()
    return a
