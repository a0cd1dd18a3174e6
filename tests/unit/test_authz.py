"""The decision function: deny by default, deny overrides, scopes, order independence."""

from __future__ import annotations

import uuid

from hypothesis import given
from hypothesis import strategies as st

from clearance.authz.engine import decide
from clearance.authz.model import Action, Effect, Resource, Subject
from clearance.authz.policy import DEFAULT_POLICY, Rule, Scope
from clearance.domain.organisations import Role

ORG_A, ORG_B = uuid.uuid4(), uuid.uuid4()


def subject(*roles: Role, org: uuid.UUID | None = ORG_A, **kw: object) -> Subject:
    return Subject(uuid.uuid4(), "u", frozenset(roles), org_id=org, **kw)  # type: ignore[arg-type]


def test_empty_policy_never_allows() -> None:
    d = decide(subject(Role.SYSTEM_ADMIN), Action.ORGANISATION_CREATE, Resource("organisation"), ())
    assert (d.effect, d.reason) == (Effect.DENY, "no_matching_rule")


def test_disabled_subject_is_denied_everything() -> None:
    s = subject(Role.SYSTEM_ADMIN, disabled=True)
    for action in Action:
        assert decide(s, action, Resource("x")).reason == "account_disabled"


def test_own_org_scope() -> None:
    admin = subject(Role.AGENCY_ADMIN)
    assert decide(admin, Action.ACCOUNT_CREATE, Resource("account", org_id=ORG_A)).allowed
    d = decide(admin, Action.ACCOUNT_CREATE, Resource("account", org_id=ORG_B))
    assert (d.allowed, d.reason) == (False, "out_of_scope")


def test_self_scope() -> None:
    person = uuid.uuid4()
    s = subject(Role.ASSESSED_PERSON, org=None, person_id=person)
    assert decide(s, Action.PERSON_READ, Resource("person", person, person_id=person)).allowed
    other = uuid.uuid4()
    assert not decide(s, Action.PERSON_READ, Resource("person", other, person_id=other)).allowed


def test_employer_cannot_use_self_rules_on_persons() -> None:
    officer = subject(Role.SECURITY_OFFICER)
    assert not decide(officer, Action.PERSON_READ, Resource("person", org_id=ORG_B)).allowed
    assert decide(officer, Action.PERSON_READ, Resource("person", org_id=ORG_A)).allowed


def test_engine_error_fails_closed_with_its_own_reason() -> None:
    class Broken:
        def __iter__(self):  # type: ignore[no-untyped-def]
            raise RuntimeError("boom")

    d = decide(subject(Role.SYSTEM_ADMIN), Action.DEMO_SEED, Resource("demo"), Broken())  # type: ignore[arg-type]
    assert (d.effect, d.reason) == (Effect.DENY, "engine_error")


roles = st.frozensets(st.sampled_from(list(Role)), max_size=4)
actions = st.sampled_from(list(Action))


@given(roles, actions, st.booleans())
def test_a_matching_deny_always_wins(rs: frozenset[Role], action: Action, same_org: bool) -> None:
    s = subject(*rs)
    resource = Resource("x", org_id=ORG_A if same_org else ORG_B)
    deny = Rule("forbid", Effect.DENY, frozenset(Role), frozenset({action}), Scope.ANY)
    d = decide(s, action, resource, (*DEFAULT_POLICY, deny))
    assert d.effect is Effect.DENY or not rs


@given(roles, actions, st.randoms())
def test_decision_does_not_depend_on_rule_order(rs: frozenset[Role], action: Action, rnd) -> None:  # type: ignore[no-untyped-def]
    s = subject(*rs)
    resource = Resource("x", org_id=ORG_A)
    shuffled = list(DEFAULT_POLICY)
    rnd.shuffle(shuffled)
    a, b = decide(s, action, resource), decide(s, action, resource, shuffled)
    assert (a.effect, a.reason, a.rule_id) == (b.effect, b.reason, b.rule_id)


@given(roles, actions)
def test_unrelated_rule_changes_nothing(rs: frozenset[Role], action: Action) -> None:
    s = subject(*rs)
    others = frozenset(Action) - {action}
    extra = Rule("unrelated", Effect.ALLOW, frozenset(Role), others, Scope.ANY)
    r = Resource("x", org_id=ORG_B)
    assert decide(s, action, r).effect == decide(s, action, r, (*DEFAULT_POLICY, extra)).effect
