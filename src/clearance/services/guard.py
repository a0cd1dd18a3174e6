"""Authorize-then-audit helpers shared by every service function.

``authorize`` must be called before a service changes anything: on a deny it discards the
transaction, appends the denied attempt to the audit log, commits that alone, and raises
``NotAuthorized``. ``record`` appends the entry for an allowed change in the caller's transaction.
"""

from __future__ import annotations

import contextlib
from typing import Any, NoReturn

from clearance.audit.entry import AuditEntry
from clearance.authz.engine import decide, may_ever
from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.errors import NotAuthorized, NotFound
from clearance.services.context import Deps
from clearance.services.ports import AuditDraft, UnitOfWork


def authorize(
    deps: Deps,
    uow: UnitOfWork,
    actor: Subject,
    action: Action,
    resource: Resource,
    *,
    purpose: str | None = None,
) -> Decision:
    decision = decide(actor, action, resource)
    if decision.allowed:
        return decision
    uow.rollback()
    uow.audit.append(
        AuditDraft(
            actor=actor.label,
            action=action.value,
            target=resource.ref,
            decision=decision.effect.value,
            rule=decision.reason,
            purpose=purpose,
        ),
        deps.clock.now(),
    )
    uow.commit()
    raise NotAuthorized(
        f"You may not perform {action.value} on this {resource.kind}.",
        reason=decision.reason,
        rule=decision.rule_id,
    )


def gate(deps: Deps, actor: Subject, action: Action, kind: str) -> None:
    """Refuse, before any input is read or checked, an actor whose roles can never perform
    ``action`` (403, audited like every denial). A service calls it first when it validates its
    input before it can load what ``authorize`` needs; tests/e2e/test_authorize_first.py sends every
    operation a body that breaks the service's rules from accounts that may not use it."""
    if may_ever(actor, action):
        return
    with deps.uow() as uow:
        authorize(deps, uow, actor, action, Resource(kind))
    raise AssertionError("unreachable: no rule allows the action")  # pragma: no cover


def authorize_or_conceal(
    deps: Deps, uow: UnitOfWork, actor: Subject, action: Action, resource: Resource,
    *, what: str, ident: object = None, may_know: tuple[Action, ...] = (),
    purpose: str | None = None,
) -> Decision:  # fmt: skip
    """``authorize`` for an object whose existence is need-to-know: an actor who may neither act
    on it nor read it (``may_know``) gets ``NotFound``, exactly like a missing object, and the
    denial is still audited. Found by tests/e2e/test_object_matrix.py."""
    if not decide(actor, action, resource).allowed and not any(
        decide(actor, a, resource).allowed for a in may_know
    ):
        with contextlib.suppress(NotAuthorized):
            authorize(deps, uow, actor, action, resource, purpose=purpose)
        raise NotFound(what, resource.id if ident is None else ident)
    return authorize(deps, uow, actor, action, resource, purpose=purpose)


def refuse_reference(
    deps: Deps, uow: UnitOfWork, actor: Subject, action: Action, what: str, ident: object
) -> NoReturn:
    """A request body or query names an object the actor may not name (another organisation's
    person, material, designation…): the answer is exactly that of a missing object, so the caller
    learns nothing of its existence, and the attempt is audited as a denial. Callers check the
    reference before anything else that could tell the two apart (tests/e2e/test_reference_scope)."""
    uow.rollback()
    uow.audit.append(
        AuditDraft(actor=actor.label, action=action.value, target=f"{what}:{ident}",
                   decision="deny", rule="reference_out_of_scope", purpose=None),
        deps.clock.now(),
    )  # fmt: skip
    uow.commit()
    raise NotFound(what, ident)


def authorize_any(
    deps: Deps, uow: UnitOfWork, actor: Subject, action: Action, resources: list[Resource],
    *, purpose: str | None = None,
) -> Decision:  # fmt: skip
    """Allowed when the actor may act on any of ``resources`` (the same object seen from several
    organisations, e.g. the reporter and the designating agency); a denial names the first."""
    for res in resources:
        if decide(actor, action, res).allowed:
            return authorize(deps, uow, actor, action, res, purpose=purpose)
    return authorize(deps, uow, actor, action, resources[0], purpose=purpose)


def draft(
    actor: Subject, action: Action | str, target: str, decision: Decision | None, *,
    payload: dict[str, Any] | None = None, purpose: str | None = None,
) -> AuditDraft:  # fmt: skip
    """The audit entry ``record`` would append, for a bulk ``append_many``."""
    return AuditDraft(actor=actor.label, action=str(action), target=target,
                      decision=decision.effect.value if decision else "allow",
                      rule=decision.rule_id if decision else None, purpose=purpose,
                      payload=payload or {})  # fmt: skip


def record(
    deps: Deps,
    uow: UnitOfWork,
    actor: Subject,
    action: Action | str,
    target: str,
    decision: Decision | None,
    *,
    payload: dict[str, Any] | None = None,
    purpose: str | None = None,
) -> AuditEntry:
    return uow.audit.append(
        AuditDraft(
            actor=actor.label,
            action=str(action),
            target=target,
            decision=decision.effect.value if decision else "allow",
            rule=decision.rule_id if decision else None,
            purpose=purpose,
            payload=payload or {},
        ),
        deps.clock.now(),
    )
