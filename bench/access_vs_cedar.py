"""Benchmark: Clearance's access decision function against the same rules in Cedar (cedarpy).

    python -m bench.access_vs_cedar --persons 100000 --requests 20000

Both sides decide the same requests on the same synthetic world (bench/access_world.py), on one
core, in the same run. Building facts (Clearance) and parsing entities and policies (Cedar) happen
before the clock starts; what is timed is the decisions themselves: ``decide_access`` called in a
loop, and ``cedarpy.is_authorized_batch`` over the whole batch with pre-parsed handles (cedarpy's
fastest path). Every decision and every reason set is compared; the run fails on a disagreement.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time

import cedarpy

from bench import access_world as w


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--materials", type=int, default=50_000)
    ap.add_argument("--designations", type=int, default=2_000)
    ap.add_argument("--requests", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="best of N timed rounds")
    args = ap.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core for both sides

    t0 = time.perf_counter()
    world = w.generate(args.persons, seed=args.seed, n_materials=args.materials,
                       n_designations=args.designations)  # fmt: skip
    reqs = w.requests(world, args.requests, seed=args.seed + 1)
    entities = cedarpy.Entities.from_json_str(w.entities_json(world))
    policies = cedarpy.PolicySet.from_str(w.POLICIES)
    cedar_reqs = [r.cedar for r in reqs]
    by_id = {e["uid"]["id"]: e for e in w.cedar_entities(world)}
    slices = [  # the "only what this request needs" pattern: principal and resource, pre-parsed
        cedarpy.Entities.from_json_str(json.dumps(
            [by_id[r["principal"].split('"')[1]], by_id[r["resource"].split('"')[1]]]))
        for r in cedar_reqs
    ]  # fmt: skip
    setup = time.perf_counter() - t0

    ours_best = batch_best = single_best = float("inf")
    ours: list = []
    theirs: list = []
    singles: list = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        ours = [w.clearance_decide(r) for r in reqs]
        ours_best = min(ours_best, time.perf_counter() - t)
        t = time.perf_counter()
        theirs = cedarpy.is_authorized_batch(cedar_reqs, policies, entities)
        batch_best = min(batch_best, time.perf_counter() - t)
        t = time.perf_counter()
        singles = [
            cedarpy.is_authorized(r, policies, e) for r, e in zip(cedar_reqs, slices, strict=True)
        ]
        single_best = min(single_best, time.perf_counter() - t)
    cedar_best = min(batch_best, single_best)

    disagreements = sum(
        1 for o, c, c1 in zip(ours, theirs, singles, strict=True)
        if o.permit != (c.decision == cedarpy.Decision.Allow) or frozenset(o.codes) != w.cedar_codes(c)
        or w.cedar_codes(c1) != w.cedar_codes(c)
    )  # fmt: skip
    ours_rate, cedar_rate = len(reqs) / ours_best, len(reqs) / cedar_best
    permits = sum(o.permit for o in ours)
    print(f"world: {args.persons:,} persons, {args.designations:,} designations, "
          f"{args.materials:,} materials; {len(reqs):,} requests ({permits:,} permits); "
          f"setup {setup:.1f} s")  # fmt: skip
    print(f"python {platform.python_version()}, cedarpy {cedarpy_version()}, one core")
    print(f"| side | decisions/s |\n|---|---|\n| Clearance decide_access | {ours_rate:,.0f} |\n"
          f"| cedarpy is_authorized_batch (whole world, pre-parsed) | {len(reqs) / batch_best:,.0f} |\n"
          f"| cedarpy is_authorized (2 entities, pre-parsed) | {len(reqs) / single_best:,.0f} |")  # fmt: skip
    print(
        f"ratio (Clearance / cedarpy's faster mode): {ours_rate / cedar_rate:.1f}x (target >= 5x)"
    )
    print(f"disagreements: {disagreements}")
    return 1 if disagreements else 0


def cedarpy_version() -> str:
    from importlib.metadata import version

    return version("cedarpy")


if __name__ == "__main__":
    sys.exit(main())
