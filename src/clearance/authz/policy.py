"""The default policy set as data.

Each rule names roles, actions, a scope and an effect. Scopes:

- ``any``      no condition on the resource;
- ``own_org``  the resource belongs to the subject's organisation;
- ``self``     the resource is the subject's own account or person record.

Deny rules are evaluated like allow rules and override them (see ``engine``). Changing who may do what
is a change to this table, reviewed like code; tests/unit/authz has the expected matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clearance.authz.model import Action, Effect
from clearance.domain.organisations import Role


class Scope(StrEnum):
    ANY = "any"
    OWN_ORG = "own_org"
    SELF = "self"


@dataclass(frozen=True)
class Rule:
    id: str
    effect: Effect
    roles: frozenset[Role]
    actions: frozenset[Action]
    scope: Scope = Scope.ANY


ALL_ROLES = frozenset(Role)
ORG_ROLES = frozenset(Role) - {Role.ASSESSED_PERSON}
ORG_ADMINS = frozenset({Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.OPERATOR_ADMIN})
PEOPLE_KEEPERS = frozenset({Role.ASSESSMENT_OFFICER, Role.AGENCY_ADMIN, Role.SECURITY_OFFICER})
AUDITORS = frozenset({Role.SYSTEM_ADMIN, Role.INSPECTOR})


def _allow(rule_id: str, roles: frozenset[Role], actions: set[Action], scope: Scope) -> Rule:
    return Rule(rule_id, Effect.ALLOW, roles, frozenset(actions), scope)


DEFAULT_POLICY: tuple[Rule, ...] = (
    _allow(
        "platform-admin",
        frozenset({Role.SYSTEM_ADMIN}),
        {
            Action.ORGANISATION_CREATE,
            Action.ACCOUNT_CREATE,
            Action.ACCOUNT_DISABLE,
            Action.ACCOUNT_LIST,
            Action.ACCOUNT_READ,
            Action.PERSON_CREATE,
            Action.PERSON_LIST,
            Action.PERSON_READ,
            Action.DEMO_SEED,
            Action.SESSION_REVOKE,
        },
        Scope.ANY,
    ),
    _allow(
        "org-admin-accounts",
        ORG_ADMINS,
        {
            Action.ACCOUNT_CREATE,
            Action.ACCOUNT_DISABLE,
            Action.ACCOUNT_LIST,
            Action.ACCOUNT_READ,
            Action.SESSION_REVOKE,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "org-keeps-its-people",
        PEOPLE_KEEPERS,
        {Action.PERSON_CREATE, Action.PERSON_LIST, Action.PERSON_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "directory",
        ALL_ROLES,
        {Action.ORGANISATION_LIST, Action.ORGANISATION_READ, Action.REGIME_READ},
        Scope.ANY,
    ),
    _allow(
        "self-service",
        ALL_ROLES,
        {
            Action.ACCOUNT_READ,
            Action.API_TOKEN_CREATE,
            Action.API_TOKEN_REVOKE,
            Action.SESSION_LIST,
            Action.SESSION_REVOKE,
        },
        Scope.SELF,
    ),
    _allow(
        "person-reads-self", frozenset({Role.ASSESSED_PERSON}), {Action.PERSON_READ}, Scope.SELF
    ),
    _allow(
        "audit-oversight",
        AUDITORS,
        {Action.AUDIT_VERIFY, Action.AUDIT_CHECKPOINT, Action.AUDIT_PROVE, Action.AUDIT_READ},
        Scope.ANY,
    ),
)
