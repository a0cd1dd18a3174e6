"""``decide``: the one pure decision function.

Resolution order (write any change here and in docs/authorization.md):

1. A disabled subject is denied everything (rule ``deny-disabled``).
2. Rules whose roles meet the subject's roles and whose actions include the action are *candidates*.
3. A candidate applies when its scope holds for the resource.
4. Any applicable deny rule wins over every allow (deny overrides).
5. Otherwise any applicable allow rule allows.
6. Otherwise the answer is deny with reason ``no_matching_rule`` (deny by default).
7. An exception inside evaluation is a deny with reason ``engine_error`` (fail closed), kept distinct
   from ``no_matching_rule``.

The answer never depends on the order of rules or roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from clearance.authz.model import Action, Decision, Effect, Resource, Subject
from clearance.authz.policy import DEFAULT_POLICY, Rule, Scope


def _scope_holds(scope: Scope, subject: Subject, resource: Resource) -> bool:
    if scope is Scope.ANY:
        return True
    if scope is Scope.OWN_ORG:
        return subject.org_id is not None and resource.org_id == subject.org_id
    if scope is Scope.EMPLOYER:
        employer = resource.attrs.get("employer_id")
        return subject.org_id is not None and employer == str(subject.org_id)
    # Scope.SELF
    if resource.account_id is not None and resource.account_id == subject.account_id:
        return True
    return resource.person_id is not None and resource.person_id == subject.person_id


def _decide(
    subject: Subject, action: Action, resource: Resource, policy: Iterable[Rule]
) -> Decision:
    if subject.disabled:
        return Decision(Effect.DENY, "account_disabled", "deny-disabled")
    candidates = [r for r in policy if action in r.actions and r.roles & subject.roles]
    applicable = [r for r in candidates if _scope_holds(r.scope, subject, resource)]
    names = tuple(sorted(r.id for r in candidates))
    denies = sorted(r.id for r in applicable if r.effect is Effect.DENY)
    if denies:
        return Decision(Effect.DENY, "explicit_deny", denies[0], names)
    allows = sorted(r.id for r in applicable if r.effect is Effect.ALLOW)
    if allows:
        return Decision(Effect.ALLOW, "allowed", allows[0], names)
    if candidates:
        return Decision(Effect.DENY, "out_of_scope", None, names)
    return Decision(Effect.DENY, "no_matching_rule", None, names)


def decide(
    subject: Subject,
    action: Action,
    resource: Resource,
    policy: Iterable[Rule] = DEFAULT_POLICY,
) -> Decision:
    """Decide whether ``subject`` may perform ``action`` on ``resource``. Never raises."""
    try:
        return _decide(subject, action, resource, tuple(policy))
    except Exception:  # fail closed: an engine fault must never become an allow
        return Decision(Effect.DENY, "engine_error", None)


def may_ever(subject: Subject, action: Action, policy: Iterable[Rule] = DEFAULT_POLICY) -> bool:
    """Whether some allow rule gives one of the subject's roles ``action`` on *some* resource.
    False means no input can ever make the action allowed: a service refuses such a caller before
    it reads the input, so the caller learns nothing of the operation's rules (issue 15 §3)."""
    if subject.disabled:
        return False
    return any(
        r.effect is Effect.ALLOW and action in r.actions and r.roles & subject.roles for r in policy
    )
