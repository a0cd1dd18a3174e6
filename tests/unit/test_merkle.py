"""RFC 6962 tree hashing and proofs, against the recursive definition in the RFC."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from clearance.audit.merkle import (
    EMPTY_ROOT,
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)


def mth(leaves: list[bytes]) -> bytes:
    """RFC 6962 §2.1 MTH, written exactly as the RFC defines it."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def leaves(n: int) -> list[bytes]:
    return [leaf_hash(f"entry {i}".encode()) for i in range(n)]


def test_known_vector_for_empty_and_single_leaf() -> None:
    assert root_of([]) == EMPTY_ROOT
    # RFC 6962 test vector: leaf hash of the empty string
    assert (
        leaf_hash(b"").hex() == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


@given(st.integers(min_value=0, max_value=70))
def test_frontier_root_equals_rfc_definition_for_every_prefix(n: int) -> None:
    ls = leaves(n)
    f = Frontier()
    for i, leaf in enumerate(ls):
        f.append(leaf)
        assert f.root() == mth(ls[: i + 1])
    assert root_of(ls) == mth(ls)


@given(st.data())
def test_inclusion_proofs_verify_and_bind_the_leaf(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=60))
    i = data.draw(st.integers(min_value=0, max_value=n - 1))
    ls = leaves(n)
    proof = inclusion_proof(i, ls)
    root = mth(ls)
    assert verify_inclusion(i, n, ls[i], proof, root)
    assert not verify_inclusion(i, n, leaf_hash(b"forged"), proof, root)
    if n > 1:
        assert not verify_inclusion((i + 1) % n, n, ls[i], proof, root)
    if proof:
        bad = [*proof[:-1], leaf_hash(b"x")]
        assert not verify_inclusion(i, n, ls[i], bad, root)


@given(st.data())
def test_consistency_proofs_verify_and_detect_a_rewritten_prefix(data: st.DataObject) -> None:
    n = data.draw(st.integers(min_value=1, max_value=60))
    m = data.draw(st.integers(min_value=1, max_value=n))
    ls = leaves(n)
    proof = consistency_proof(m, ls)
    assert verify_consistency(m, n, mth(ls[:m]), mth(ls), proof)
    rewritten = list(ls)
    rewritten[m - 1] = leaf_hash(b"rewritten")
    assert not verify_consistency(m, n, mth(ls[:m]), mth(rewritten), proof)
    assert not verify_consistency(m, n, mth(rewritten[:m]), mth(ls), proof)


def test_consistency_rejects_impossible_sizes() -> None:
    ls = leaves(4)
    assert not verify_consistency(0, 4, b"", root_of(ls), [])
    assert not verify_consistency(5, 4, b"", root_of(ls), [])
    assert verify_consistency(4, 4, root_of(ls), root_of(ls), [])
    assert not verify_consistency(4, 4, root_of(ls), root_of(ls), [b"x" * 32])
