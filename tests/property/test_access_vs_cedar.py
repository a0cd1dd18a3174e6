"""Differential test: Clearance's access decisions against the same rules in Cedar (cedarpy) on
random worlds and requests. Every decision and every reason set must agree."""

from __future__ import annotations

import cedarpy
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import access_world as w

POLICIES = cedarpy.PolicySet.from_str(w.POLICIES)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.integers(min_value=0, max_value=2**32))
def test_clearance_and_cedar_agree(seed: int) -> None:
    world = w.generate(300, seed=seed, n_agencies=4, n_operators=8, n_designations=40,
                       n_materials=300)  # fmt: skip
    reqs = w.requests(world, 300, seed=seed + 1)
    entities = cedarpy.Entities.from_json_str(w.entities_json(world))
    results = cedarpy.is_authorized_batch([r.cedar for r in reqs], POLICIES, entities)
    for r, c in zip(reqs, results, strict=True):
        assert not c.diagnostics.errors, c.diagnostics.errors
        ours = w.clearance_decide(r)
        assert ours.permit == (c.decision == cedarpy.Decision.Allow), (seed, ours.codes)
        assert frozenset(ours.codes) == w.cedar_codes(c), (seed, ours.codes)


def test_the_random_worlds_exercise_every_rule() -> None:
    world = w.generate(2000, seed=7, n_materials=2000)
    seen = {code for r in w.requests(world, 3000) for code in w.clearance_decide(r).codes}
    assert seen == set(w.REASONS)
    assert any(w.clearance_decide(r).permit for r in w.requests(world, 300))
