"""Which steps of an assessment this actor may take now, and who acts next.

One answer for the pages, the API and the task list: the domain's transition table says which
commands the status admits, ``authz.decide`` says whether the actor's roles allow the command's
action on this case, and the service rules that are not roles (separation of duties, a second
official different from the proposer, the regime's one- or two-official adjudication) narrow it
further. ``actions.STEP_ACTION`` says which action authorizes which command; the services
authorize with it (``common.transition`` checks that they do).

Pure reads: nothing here changes state or writes to the audit log (asking what one may do is not an
attempt). Imports: domain, authz, services.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from clearance.authz.engine import decide
from clearance.authz.model import Action, Effect, Subject
from clearance.authz.policy import DEFAULT_POLICY
from clearance.domain.assessment import (
    INQUIRY_STATUSES,
    RECORD_INQUIRY,
    WHO_ACTS_NEXT,
    Assessment,
    Command,
    Party,
    Status,
    allowed_commands,
)
from clearance.domain.organisations import ROLES_BY_KIND, OrgKind, Role
from clearance.services.assessments.actions import STEP_ACTION
from clearance.services.assessments.common import resource
from clearance.services.assessments.investigation import investigators
from clearance.services.context import Deps
from clearance.services.ports import UnitOfWork

C = Command


# Commands that the person's own pages offer elsewhere (the questionnaire page) or that the
# employer's roster page carries; the case page lists the rest.
ROSTER_COMMANDS = frozenset({C.RECORD_LISTING_CONSENT, C.DECLINE_LISTING, C.SUBMIT_ROSTER})
# Commands folded into another on the pages: the request decides itself whether a recent
# investigation is reused; the regime decides whether a decision is proposed or taken at once.
FOLDED = {C.REUSE_INVESTIGATION: C.REQUEST_INVESTIGATION, C.DECIDE: C.PROPOSE_DECISION}
# Steps that move the case backwards or end it: not what "acts next" means.
SIDE_STEPS = frozenset(
    {C.WITHDRAW, C.REFUSE, C.DECLINE_LISTING, C.SEND_BACK, C.RETURN_QUESTIONNAIRE}
)


def _adjudication_command(deps: Deps) -> Command:
    return C.PROPOSE_DECISION if deps.regime.value("second_official_required") else C.DECIDE


def commands_for(deps: Deps, status: Status) -> tuple[Command, ...]:
    """The commands the status admits, with the regime's choice of adjudication applied."""
    skip = {C.DECIDE} if _adjudication_command(deps) is C.PROPOSE_DECISION else {C.PROPOSE_DECISION}
    return tuple(c for c in allowed_commands(status) if c not in skip)


def available(deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment) -> tuple[str, ...]:
    """The steps ``actor`` may take on ``a`` now, in the order of the transition table. Every step
    listed succeeds when taken with valid input; every step not listed is refused."""
    res = resource(a)
    out: list[str] = []
    separated: bool | None = None
    for command in commands_for(deps, a.status):
        command = FOLDED.get(command, command)
        if command.value in out or not decide(actor, STEP_ACTION[command], res).allowed:
            continue
        if command in (C.PROPOSE_DECISION, C.DECIDE, C.CONFIRM_DECISION):
            if separated is None:  # read the case's investigators only when it matters
                separated = actor.account_id is not None and actor.account_id in investigators(
                    uow, a
                )
            if separated:
                continue
        if command is C.CONFIRM_DECISION:
            proposed = uow.cases.get_decision(a.id)
            if proposed is None or proposed.proposed_by == actor.account_id:
                continue
        out.append(command.value)
    if a.status in INQUIRY_STATUSES and decide(actor, Action.ASSESSMENT_INVESTIGATE, res).allowed:
        out.insert(0, RECORD_INQUIRY)
    return tuple(out)


@dataclass(frozen=True)
class NextActor:
    """Who acts next on a case, as the pages name it: the party, the organisation and its roles."""

    party: str
    org_id: uuid.UUID | None
    org_name_ja: str
    org_name_en: str
    roles: tuple[str, ...]


def _roles_for(actions: set[Action], kind_roles: frozenset[Role]) -> tuple[str, ...]:
    found = {
        r
        for rule in DEFAULT_POLICY
        if rule.effect is Effect.ALLOW and rule.actions & actions
        for r in rule.roles & kind_roles
    }
    return tuple(sorted(r.value for r in found))


def next_actor(deps: Deps, uow: UnitOfWork, a: Assessment) -> NextActor:
    """Derived from the transition table and the policy: the roles whose rules allow the forward
    steps of the current status, in the organisation that holds them."""
    party = WHO_ACTS_NEXT[a.status]
    forward = {STEP_ACTION[c] for c in commands_for(deps, a.status) if c not in SIDE_STEPS}
    org_id: uuid.UUID | None = None
    kind: OrgKind | None = None
    if party in (Party.AGENCY, Party.SECOND_OFFICIAL):
        org_id, kind = a.agency_id, OrgKind.ADMINISTRATIVE_ORGAN
    elif party in (Party.EMPLOYER, Party.EMPLOYEE) and a.employer_id is not None:
        org_id, kind = a.employer_id, OrgKind.QUALIFIED_OPERATOR
    elif party is Party.INVESTIGATION_UNIT:
        kind = OrgKind.INVESTIGATION_UNIT
    roles: tuple[str, ...] = ()
    if kind is not None and party is not Party.EMPLOYEE:
        roles = _roles_for(forward, frozenset(ROLES_BY_KIND[kind]))
    org = uow.orgs.get(org_id) if org_id is not None else None
    if org is None and kind is OrgKind.INVESTIGATION_UNIT:
        units = uow.orgs.list(kind=kind, q=None, limit=2, offset=0).items
        org = units[0] if len(units) == 1 else None
    return NextActor(
        party.value,
        org.id if org else None,
        org.name_ja if org else "",
        org.name_en if org else "",
        roles,
    )
