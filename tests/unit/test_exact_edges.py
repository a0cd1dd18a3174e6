"""Exact answers at the edges of the decision, audit and access modules: every branch's whole
result (not only allow or deny), every boundary of a time span or a tree size, and every error
message. Written against the survivors of a mutation run (docs/reliability.md, mutation testing):
each test here fails for at least one mutant that the rest of the suite let through."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearance.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    TrustedKey,
    Verifier,
    key_id,
    open_signed,
    open_trusted,
    parse,
    parse_trust,
    sign,
    verifier_key,
)
from clearance.audit.entry import canonical_json, check_payload
from clearance.audit.merkle import (
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)
from clearance.audit.verify import verify_entries
from clearance.authz.engine import decide
from clearance.authz.model import Action, Decision, Effect, Resource, Subject
from clearance.authz.policy import Rule, Scope
from clearance.domain.access import AccessAction, Span, decide_access
from clearance.domain.organisations import Role
from tests.unit.test_access_domain import CONTRACT, ELIG, MATERIAL, NOW, PERSON_OK, D
from tests.unit.test_audit_verify import build

ORG, OTHER = uuid.uuid4(), uuid.uuid4()
ACC, PER = uuid.uuid4(), uuid.uuid4()
A = Action.PERSON_READ


def rule(rid: str, scope: Scope, effect: Effect = Effect.ALLOW) -> Rule:
    return Rule(rid, effect, frozenset({Role.ASSESSMENT_OFFICER}), frozenset({A}), scope)


def subject(**kw: object) -> Subject:
    base = {"account_id": ACC, "username": "u", "roles": frozenset({Role.ASSESSMENT_OFFICER}),
            "org_id": ORG, "person_id": PER}  # fmt: skip
    return Subject(**{**base, **kw})  # type: ignore[arg-type]


# -- authz.engine ---------------------------------------------------------------------------------


def test_every_branch_of_the_decision_in_full() -> None:
    own = Resource("person", 1, org_id=ORG)
    allow, deny = rule("b-allow", Scope.OWN_ORG), rule("a-deny", Scope.OWN_ORG, Effect.DENY)
    assert decide(subject(disabled=True), A, own, [allow]) == Decision(
        Effect.DENY, "account_disabled", "deny-disabled")  # fmt: skip
    assert decide(subject(), A, own, [allow, deny]) == Decision(
        Effect.DENY, "explicit_deny", "a-deny", ("a-deny", "b-allow"))  # fmt: skip
    assert decide(subject(), A, own, [rule("z", Scope.OWN_ORG), allow]) == Decision(
        Effect.ALLOW, "allowed", "b-allow", ("b-allow", "z"))  # fmt: skip
    other = Resource("person", 1, org_id=OTHER)
    assert decide(subject(), A, other, [allow]) == Decision(
        Effect.DENY, "out_of_scope", None, ("b-allow",))  # fmt: skip
    assert decide(subject(), Action.AUDIT_READ, own, [allow]) == Decision(
        Effect.DENY, "no_matching_rule", None, ())  # fmt: skip


@pytest.mark.parametrize(("scope", "resource", "actor", "holds"), [
    (Scope.EMPLOYER, Resource("x", attrs={"employer_id": str(ORG)}), {}, True),
    (Scope.EMPLOYER, Resource("x", attrs={"employer_id": str(OTHER)}), {}, False),
    (Scope.EMPLOYER, Resource("x", attrs={}), {}, False),
    (Scope.EMPLOYER, Resource("x", attrs={"employer_id": "None"}), {"org_id": None}, False),
    (Scope.EMPLOYER, Resource("x", attrs={"employer_id": str(ORG)}), {"org_id": None}, False),
    (Scope.SELF, Resource("x", account_id=ACC), {"person_id": None}, True),
    (Scope.SELF, Resource("x", account_id=uuid.uuid4()), {"person_id": None}, False),
    (Scope.SELF, Resource("x"), {"account_id": None, "person_id": None}, False),
    (Scope.SELF, Resource("x", person_id=PER), {}, True),
    (Scope.SELF, Resource("x", account_id=uuid.uuid4(), person_id=PER), {}, True),
    (Scope.OWN_ORG, Resource("x", org_id=None), {"org_id": None}, False),
])  # fmt: skip
def test_scopes_hold_exactly(scope: Scope, resource: Resource, actor: dict[str, object],
                             holds: bool) -> None:  # fmt: skip
    d = decide(subject(**actor), A, resource, [rule("r", scope)])
    assert d.allowed is holds and d.reason == ("allowed" if holds else "out_of_scope")


# -- audit.checkpoint ------------------------------------------------------------------------------

KEY = Ed25519PrivateKey.generate()
CP = Checkpoint("log", 7, leaf_hash(b"r"))
TEXT = sign(CP, name="log", key=KEY)
ROOT64 = base64.b64encode(CP.root).decode()


@pytest.mark.parametrize(("text", "message"), [
    ("log\n7\n" + ROOT64 + "\n", "no blank line between the checkpoint and its signatures"),
    ("log\n7\n\n", "a checkpoint needs an origin, a size and a root hash"),
    ("log\n07\n" + ROOT64 + "\n\n", "tree size '07' is not a decimal number"),
    ("log\n-7\n" + ROOT64 + "\n\n", "tree size '-7' is not a decimal number"),
    ("log\n7\n" + ROOT64[:-4] + "!!!=\n\n", "root hash is not base64"),
    ("log\n7\n" + base64.b64encode(b"x" * 31).decode() + "\n\n", "root hash is not 32 bytes"),
    (TEXT + "extra\n", "unexpected line in the signature block: 'extra'"),
    ("log\n7\n" + ROOT64 + "\n\n\u2014 log AAAA*AAA\n", "malformed signature line"),
])  # fmt: skip
def test_checkpoint_parse_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CheckpointError) as err:
        parse(text)
    assert str(err.value) == message


def test_checkpoint_format_details() -> None:
    assert parse("log\n0\n" + ROOT64 + "\n\n")[0].size == 0  # "0" is a number
    spaced = sign(CP, name="my log", key=KEY)  # a key name with a space: the last space splits
    (name, kid, sig), = parse(spaced)[1]  # fmt: skip
    assert name == "my log" and len(kid) == 4 and len(sig) == 64
    assert key_id("log", b"k") != key_id("lo", b"g\nk")  # the separator is part of the id
    vkey = verifier_key("log", KEY.public_key())
    assert open_signed(TEXT, Verifier.parse(vkey)) == CP
    # Only the first blank line separates: a note with a blank line inside its signatures fails.
    with pytest.raises(CheckpointError, match="unexpected line"):
        open_signed(TEXT + "\n" + TEXT.partition("\n\n")[2], Verifier.parse(vkey))
    body = TEXT.partition("\n\n")
    forged = body[0].replace("\n7\n", "\n8\n") + body[1] + body[2]
    with pytest.raises(CheckpointError) as err:
        open_signed(forged, Verifier.parse(vkey))
    assert str(err.value) == "the checkpoint's signature does not verify"


def _swap_key(vkey: str, blob: str) -> str:
    name, hex_id, _ = vkey.split("+", 2)
    return f"{name}+{hex_id}+{blob}"


@pytest.mark.parametrize(("mangle", "message"), [
    (lambda v: v.replace("+", "+zz", 1), "malformed verifier key: non-hexadecimal number found"),
    (lambda v: _swap_key(v, "AQID*"), "malformed verifier key"),
    (lambda v: _swap_key(v, base64.b64encode(b"\x02" + b"k" * 32).decode()),
     "verifier key is not an Ed25519 key"),
    (lambda v: _swap_key(v, base64.b64encode(b"\x01" + b"k" * 31).decode()),
     "verifier key is not an Ed25519 key"),
    (lambda v: v.replace(v.split("+")[1], "00000000"), "verifier key id does not match its key"),
])  # fmt: skip
def test_verifier_key_errors(mangle: object, message: str) -> None:
    vkey = verifier_key("log", KEY.public_key())
    with pytest.raises(CheckpointError) as err:
        Verifier.parse(mangle(vkey))  # type: ignore[operator]
    assert str(err.value).startswith(message)


def test_trust_lists_exactly() -> None:
    vkey = verifier_key("log", KEY.public_key())
    assert TrustedKey(Verifier.parse(vkey)).line() == vkey
    assert TrustedKey(Verifier.parse(vkey), 0).line() == f"{vkey} max-size=0"
    assert parse_trust(f"{vkey} max-size=7")[0].max_size == 7
    with pytest.raises(CheckpointError) as err:
        parse_trust(f"{vkey} max-size=7=8")
    assert str(err.value) == "unexpected text after a verifier key: 'max-size=7=8'"
    with pytest.raises(CheckpointError) as err:
        parse_trust("\n# nothing\n")
    assert str(err.value) == "no verifier key given"
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(CheckpointError) as err:
        open_trusted(sign(CP, name="log", key=stranger), parse_trust(vkey))
    assert str(err.value) == "the checkpoint carries no signature by a trusted key"
    # A retired key that vouches too far is passed over for a later trusted key, not the end.
    retired = parse_trust(f"{vkey} max-size=3")[0]
    other = Ed25519PrivateKey.generate()
    both = "".join([sign(CP, name="log", key=KEY).partition("\n\n")[0], "\n\n",
                    sign(CP, name="log", key=KEY).partition("\n\n")[2],
                    sign(CP, name="log", key=other).partition("\n\n")[2]])  # fmt: skip
    trusted = [retired, TrustedKey(Verifier.parse(verifier_key("log", other.public_key())))]
    assert open_trusted(both, trusted) == CP


# -- audit.verify, audit.merkle, audit.entry ------------------------------------------------------


def test_verify_reports_in_full() -> None:
    rows = build(6)
    f = Frontier()
    for e, _ in rows:
        f.append(leaf_hash(e.canonical_bytes()))
    cp = Checkpoint("log", 6, f.root())
    ok = verify_entries(rows, cp)
    assert (ok.ok, ok.size, ok.root, ok.first_bad_seq, ok.problem, ok.checked_against) == (
        True, 6, f.root(), None, None, 6)  # fmt: skip
    assert verify_entries(rows).checked_against is None
    bad = list(rows)
    bad[3] = (dataclasses.replace(rows[3][0], actor="x"), rows[3][1])
    report = verify_entries(bad, cp)
    got = (report.ok, report.size, report.first_bad_seq, report.checked_against)
    assert got == (False, 4, 4, 6)
    assert report.problem == ("entry 4 does not match the tree recorded with it (its content, its "
                              "position or its recorded tree head was changed)")  # fmt: skip
    short = verify_entries(rows[:4], cp)
    assert (short.ok, short.size, short.first_bad_seq) == (False, 4, 5)
    assert short.problem == ("the log is truncated or rolled back: the checkpoint covers 6 "
                             "entries but the database holds 4; entry 5 onwards is missing")  # fmt: skip
    other = verify_entries(rows, Checkpoint("log", 6, leaf_hash(b"elsewhere")))
    assert other.first_bad_seq == 6 and other.problem is not None
    assert other.problem.startswith("the tree of the first 6 entries differs from the checkpoint")
    empty_ok = verify_entries([], Checkpoint("log", 0, Frontier().root()))
    assert empty_ok.ok and empty_ok.size == 0
    empty_bad = verify_entries([], Checkpoint("log", 0, leaf_hash(b"x")))
    assert (empty_bad.ok, empty_bad.first_bad_seq, empty_bad.problem) == (
        False, 1, "the empty-tree checkpoint has a wrong root")  # fmt: skip
    assert verify_entries(rows[:1], Checkpoint("log", 0, Frontier().root())).ok


def test_merkle_edges_exhaustively() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(17)]
    f = Frontier()
    for i, leaf in enumerate(leaves, 1):
        f.append(leaf)
        assert f.size == i and f.root() == root_of(leaves[:i])
    for n in range(1, 18):
        tree, root = leaves[:n], root_of(leaves[:n])
        for i in range(n):
            proof = inclusion_proof(i, tree)
            assert verify_inclusion(i, n, tree[i], proof, root)
            assert not verify_inclusion(i, n, leaf_hash(b"other"), proof, root)
            assert not verify_inclusion(n, n, tree[i], proof, root)
            assert not verify_inclusion(-1, n, tree[i], proof, root)
            assert not verify_inclusion(i, n, tree[i], [*proof, root], root)
        for m in range(1, n + 1):
            proof = consistency_proof(m, tree)
            assert verify_consistency(m, n, root_of(leaves[:m]), root, proof)
            assert not verify_consistency(m, n, leaf_hash(b"x"), root, proof)
            assert not verify_consistency(m, n, root_of(leaves[:m]), leaf_hash(b"x"), proof)
            assert not verify_consistency(m, n, root_of(leaves[:m]), root, [*proof, root])
            if proof:
                assert not verify_consistency(m, n, root_of(leaves[:m]), root, proof[:-1])
        assert not verify_consistency(0, n, root, root, [])
        assert not verify_consistency(n + 1, n, root, root, [])
    with pytest.raises(ValueError, match="leaf index 3 is outside a tree of size 3"):
        inclusion_proof(3, leaves[:3])
    for bad in (0, 4):
        with pytest.raises(ValueError, match=f"old size {bad} must be in 1..3"):
            consistency_proof(bad, leaves[:3])


def test_payload_rules_name_the_path() -> None:
    assert canonical_json({"b": "田中", "a": [1, None]}) == '{"a":[1,null],"b":"田中"}'
    cases = [
        (
            {"x": [1, 2.5]},
            "payload.x[1]: floats have no canonical form; use an integer or a string",
        ),
        ({"x": {1: "a"}}, "payload.x: keys must be strings"),
        ({"x": {"y": {1, 2}}}, "payload.x.y: set is not allowed in an audit payload"),
    ]
    for value, message in cases:
        with pytest.raises(TypeError) as err:
            check_payload(value)
        assert str(err.value) == message


# -- domain.access ---------------------------------------------------------------------------------


def test_spans_and_access_at_their_exact_edges() -> None:
    t = NOW
    span = Span(t, t + dt.timedelta(days=1))
    assert span.holds(t) and not span.holds(t - dt.timedelta(microseconds=1))
    assert not span.holds(t + dt.timedelta(days=1)) and not Span(t).holds(t - dt.timedelta(1))

    def at(p: object, when: dt.datetime) -> tuple[str, ...]:
        return decide_access(p, MATERIAL, D, (CONTRACT,), AccessAction.READ, when).codes  # type: ignore[arg-type]

    edge = dataclasses.replace(ELIG, valid_from=t, valid_until=t + dt.timedelta(days=1))
    p = dataclasses.replace(PERSON_OK, eligibilities=(edge,))
    assert at(p, t) == () and at(p, t + dt.timedelta(days=1)) == ("no_eligibility",)
    ended = dataclasses.replace(PERSON_OK, eligibilities=(dataclasses.replace(ELIG, ended_at=t),))
    assert at(ended, t) == ("no_eligibility",) and at(ended, t - dt.timedelta(seconds=1)) == ()
    held = dataclasses.replace(
        PERSON_OK, eligibilities=(dataclasses.replace(ELIG, suspended_at=t),)
    )
    assert at(held, t) == ("suspended",) and at(held, t - dt.timedelta(seconds=1)) == ()
    acked = dataclasses.replace(PERSON_OK, acknowledged_at=t)
    assert at(acked, t) == () and at(acked, t - dt.timedelta(seconds=1)) == (
        "duties_not_acknowledged",)  # fmt: skip
