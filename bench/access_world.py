"""A synthetic world for the access-decision benchmark and the Cedar differential test.

The same world is expressed twice: as Clearance's facts (``clearance.domain.access``) and as Cedar
entities, with the access rules written as a Cedar policy set (``POLICIES``, one forbid per
reason, in ``REASONS`` order). Times are integer microseconds since ``EPOCH`` on both sides, so
boundaries compare exactly. Each person has at most one eligibility, one handler assignment and one
training completion, each material one holding, and each (operator, agency) pair at most one
contract: Cedar has no quantifier over sets of records, so richer histories would not translate.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass
from typing import Any

from clearance.domain.access import (
    AccessAction,
    AccessDecision,
    ContractFacts,
    HandlerSpan,
    MaterialFacts,
    PersonFacts,
    Span,
    decide_access,
)
from clearance.domain.assessment import Eligibility, EligibilitySource
from clearance.domain.designation import Designation, Marking

EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
NEVER = 2**62  # an open end, in microseconds
YEAR = 365 * 86_400 * 1_000_000
DEPARTMENTS = ("開発部", "製造部", "営業部", "研究所")
REASONS = (
    "designation_not_in_force", "no_eligibility", "suspended", "not_handler",
    "duties_not_acknowledged", "training_overdue", "contract_not_in_force",
    "department_not_authorised", "material_not_held",
)  # fmt: skip

LIVE_ELIG = ("principal.elig_agency == (if principal.is_operator then resource.agency else "
             "principal.employer) && principal.elig_from <= context.now && "
             "context.now < principal.elig_until && context.now < principal.elig_ended")  # fmt: skip
LIVE_HANDLER = ("principal.h_designation == resource.designation && principal.h_org == "
                "principal.employer && principal.h_start <= context.now && "
                "context.now < principal.h_end")  # fmt: skip
CONTRACT_OK = ("context.c_exists && context.c_designations.contains(resource.designation) && "
               "context.c_start <= context.now && context.now < context.c_end && "
               "!(context.c_susp_from <= context.now && context.now < context.c_susp_until)")  # fmt: skip
POLICIES = "\n".join([
    "permit(principal, action, resource);",
    "forbid(principal, action, resource) when { context.now < resource.d_start || "
    "context.now >= resource.d_end };",
    f"forbid(principal, action, resource) when {{ !({LIVE_ELIG}) }};",
    f"forbid(principal, action, resource) when {{ ({LIVE_ELIG}) && "
    "principal.elig_suspended <= context.now };",
    f"forbid(principal, action, resource) when {{ !({LIVE_HANDLER}) }};",
    "forbid(principal, action, resource) when { principal.acknowledged > context.now };",
    "forbid(principal, action, resource) when { !(principal.trained_from <= context.now && "
    "context.now < principal.trained_until) };",
    f"forbid(principal, action, resource) when {{ principal.is_operator && !({CONTRACT_OK}) }};",
    f"forbid(principal, action, resource) when {{ principal.is_operator && ({CONTRACT_OK}) && "
    f"({LIVE_HANDLER}) && !context.c_departments.contains(principal.h_department) }};",
    "forbid(principal, action, resource) when { !(resource.holder == principal.employer && "
    "resource.held_from <= context.now && context.now < resource.held_until) };",
])  # fmt: skip
POLICY_REASON = {f"policy{i + 1}": code for i, code in enumerate(REASONS)}


def at(us: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=us)


def opt(us: int) -> dt.datetime | None:
    return None if us >= NEVER else at(us)


@dataclass
class World:
    designations: dict[str, dict[str, Any]]
    contracts: dict[tuple[str, str], dict[str, Any]]
    persons: dict[str, dict[str, Any]]
    materials: dict[str, dict[str, Any]]


def _span(rng: random.Random, open_prob: float = 0.3) -> tuple[int, int]:
    """Mostly long spans that start early (so most requests meet most conditions), some short."""
    start = rng.randrange(0, YEAR) if rng.random() < 0.8 else rng.randrange(0, 4 * YEAR)
    if rng.random() < open_prob:
        return start, NEVER
    return start, start + (rng.randrange(3 * YEAR, 6 * YEAR) if rng.random() < 0.7
                           else rng.randrange(1, YEAR))  # fmt: skip


def generate(n_persons: int, *, seed: int = 1, n_agencies: int = 8, n_operators: int = 40,
             n_designations: int = 500, n_materials: int = 5000) -> World:  # fmt: skip
    rng = random.Random(seed)
    uid = lambda: str(uuid.UUID(int=rng.getrandbits(128)))  # noqa: E731
    agencies = [uid() for _ in range(n_agencies)]
    operators = [uid() for _ in range(n_operators)]
    designations = {}
    for _ in range(n_designations):
        start_day = EPOCH.date() + dt.timedelta(days=rng.randrange(0, 365))
        end_day = start_day + dt.timedelta(days=rng.randrange(1, 5 * 365 + 1))
        cancelled = rng.randrange(0, 5 * YEAR) if rng.random() < 0.1 else NEVER
        designations[uid()] = {"agency": rng.choice(agencies), "start_on": start_day,
                               "expires_on": end_day, "cancelled": cancelled}  # fmt: skip
    ids = list(designations)
    contracts = {}
    for op in operators:
        for ag in rng.sample(agencies, 3):
            s, e = _span(rng, 0.2)
            susp = _span(rng, 0.5) if rng.random() < 0.2 else (NEVER, NEVER)
            mine = [d for d in ids if designations[d]["agency"] == ag]
            contracts[(op, ag)] = {
                "designations": rng.sample(mine, max(1, int(len(mine) * rng.uniform(0.5, 1.0)))),
                "departments": rng.sample(DEPARTMENTS, rng.randrange(1, 4)),
                "start": s, "end": e, "susp": susp,
            }  # fmt: skip
    own_designations: dict[str, list[str]] = {}
    for did, dd in designations.items():
        own_designations.setdefault(dd["agency"], []).append(did)
    persons = {}
    for _ in range(n_persons):
        operator = rng.random() < 0.6
        employer = rng.choice(operators if operator else agencies)
        d = rng.choice(ids)
        dept = rng.choice(DEPARTMENTS)
        if operator and rng.random() < 0.9:  # mostly work under one of the employer's contracts
            c = contracts[rng.choice([k for k in contracts if k[0] == employer])]
            d = rng.choice(c["designations"])
            dept = rng.choice(c["departments"]) if rng.random() < 0.9 else dept
        elif not operator and rng.random() < 0.9:
            d = rng.choice(own_designations.get(employer, ids))
        elig = None
        if rng.random() < 0.9:
            f, u = _span(rng, 0.0)
            agency = designations[d]["agency"] if rng.random() < 0.95 else rng.choice(agencies)
            elig = {"agency": agency if operator else (employer if rng.random() < 0.95 else agency),
                    "from": f, "until": min(u, NEVER - 1) + 6 * YEAR,
                    "suspended": rng.randrange(0, 5 * YEAR) if rng.random() < 0.1 else NEVER,
                    "ended": rng.randrange(0, 5 * YEAR) if rng.random() < 0.05 else NEVER}  # fmt: skip
        handler = None
        if rng.random() < 0.95:
            hs, he = _span(rng, 0.6)
            handler = {"designation": d, "org": employer if rng.random() < 0.95 else rng.choice(agencies),
                       "department": dept if operator else "", "start": hs, "end": he}  # fmt: skip
        trained = _span(rng, 0.2) if rng.random() < 0.95 else None
        ack = rng.randrange(0, YEAR) if rng.random() < 0.95 else NEVER
        persons[uid()] = {"operator": operator, "employer": employer, "elig": elig,
                          "handler": handler, "trained": trained, "ack": ack, "focus": d}  # fmt: skip
    person_ids = list(persons)
    materials = {}
    for _ in range(n_materials):
        holder = persons[rng.choice(person_ids)]
        d = holder["focus"] if rng.random() < 0.9 else rng.choice(ids)
        org = holder["employer"] if rng.random() < 0.9 else rng.choice(agencies)
        hs, he = _span(rng, 0.7)
        materials[uid()] = {"designation": d, "holder": org, "from": hs, "until": he}
    return World(designations, contracts, persons, materials)


# -- as Clearance facts -----------------------------------------------------------------------------


def clearance_designation(did: str, d: dict[str, Any]) -> Designation:
    return Designation(uuid.UUID(did), uuid.UUID(d["agency"]), "A1", did, "t", Marking.MARK,
                       d["start_on"], d["expires_on"], EPOCH, "bench", cancelled_at=opt(d["cancelled"]))  # fmt: skip


def clearance_person(pid: str, p: dict[str, Any]) -> PersonFacts:
    e, h, t = p["elig"], p["handler"], p["trained"]
    eligibilities = () if e is None else (Eligibility(
        uuid.UUID(int=1), uuid.UUID(pid), uuid.UUID(e["agency"]), EligibilitySource.CESI,
        at(e["from"]), at(e["until"]), suspended_at=opt(e["suspended"]), ended_at=opt(e["ended"])),)  # fmt: skip
    handlers = () if h is None else (HandlerSpan(
        uuid.UUID(h["designation"]), uuid.UUID(h["org"]), h["department"] or None,
        Span(at(h["start"]), opt(h["end"]))),)  # fmt: skip
    training = {} if t is None else {"rules": (Span(at(t[0]), opt(t[1])),)}
    return PersonFacts(uuid.UUID(pid), uuid.UUID(p["employer"]), p["operator"], eligibilities,
                       handlers, opt(p["ack"]), training, frozenset({"rules"}))  # fmt: skip


def clearance_contracts(world: World, employer: str, agency: str) -> tuple[ContractFacts, ...]:
    c = world.contracts.get((employer, agency))
    if c is None:
        return ()
    susp = () if c["susp"][0] >= NEVER else (Span(at(c["susp"][0]), opt(c["susp"][1])),)
    return (ContractFacts(uuid.UUID(employer), uuid.UUID(agency),
                          frozenset(uuid.UUID(d) for d in c["designations"]),
                          frozenset(c["departments"]), Span(at(c["start"]), opt(c["end"])), susp),)  # fmt: skip


def clearance_material(mid: str, m: dict[str, Any]) -> MaterialFacts:
    return MaterialFacts(uuid.UUID(mid), uuid.UUID(m["designation"]),
                         ((uuid.UUID(m["holder"]), Span(at(m["from"]), opt(m["until"]))),))  # fmt: skip


@dataclass
class Prepared:
    """A request with its facts built, ready for the decision function."""

    person: PersonFacts
    material: MaterialFacts
    designation: Designation
    contracts: tuple[ContractFacts, ...]
    when: dt.datetime
    cedar: dict[str, Any]


def us_of(day: dt.date) -> int:
    from clearance.domain.designation import day_start

    return (day_start(day) - EPOCH) // dt.timedelta(microseconds=1)


# -- as Cedar entities -------------------------------------------------------------------------------


def cedar_entities(world: World) -> list[dict[str, Any]]:
    out = []
    for pid, p in world.persons.items():
        e = p["elig"] or {"agency": "", "from": NEVER, "until": 0, "suspended": NEVER, "ended": 0}
        h = p["handler"] or {
            "designation": "",
            "org": "",
            "department": "",
            "start": NEVER,
            "end": 0,
        }
        t = p["trained"] or (NEVER, 0)
        out.append({"uid": {"type": "Person", "id": pid}, "parents": [], "attrs": {
            "employer": p["employer"], "is_operator": p["operator"],
            "elig_agency": e["agency"], "elig_from": e["from"], "elig_until": e["until"],
            "elig_suspended": e["suspended"], "elig_ended": e["ended"],
            "h_designation": h["designation"], "h_org": h["org"], "h_department": h["department"],
            "h_start": h["start"], "h_end": h["end"], "acknowledged": p["ack"],
            "trained_from": t[0], "trained_until": t[1]}})  # fmt: skip
    for mid, m in world.materials.items():
        d = world.designations[m["designation"]]
        out.append({"uid": {"type": "Material", "id": mid}, "parents": [], "attrs": {
            "designation": m["designation"], "agency": d["agency"],
            "d_start": us_of(d["start_on"]), "d_end": min(us_of(d["expires_on"]), d["cancelled"]),
            "holder": m["holder"], "held_from": m["from"], "held_until": m["until"]}})  # fmt: skip
    return out


def cedar_context(world: World, employer: str, agency: str, now: int) -> dict[str, Any]:
    c = world.contracts.get((employer, agency))
    if c is None:
        return {"now": now, "c_exists": False, "c_designations": [], "c_departments": [],
                "c_start": 0, "c_end": 0, "c_susp_from": NEVER, "c_susp_until": NEVER}  # fmt: skip
    return {"now": now, "c_exists": True, "c_designations": c["designations"],
            "c_departments": c["departments"], "c_start": c["start"], "c_end": c["end"],
            "c_susp_from": c["susp"][0], "c_susp_until": c["susp"][1]}  # fmt: skip


def requests(world: World, n: int, *, seed: int = 2) -> list[Prepared]:
    rng = random.Random(seed)
    person_ids, material_ids = list(world.persons), list(world.materials)
    near: dict[tuple[str, str], list[str]] = {}
    for mid, m in world.materials.items():
        near.setdefault((m["designation"], m["holder"]), []).append(mid)
    with_material = [p for p in person_ids
                     if (world.persons[p]["focus"], world.persons[p]["employer"]) in near]  # fmt: skip
    out = []
    for _ in range(n):
        pid = rng.choice(with_material) if with_material and rng.random() < 0.8 else rng.choice(
            person_ids)  # fmt: skip
        p = world.persons[pid]
        mine = near.get((p["focus"], p["employer"]))
        mid = rng.choice(mine) if mine and rng.random() < 0.9 else rng.choice(material_ids)
        m = world.materials[mid]
        d = world.designations[m["designation"]]
        now = rng.randrange(YEAR // 2, 4 * YEAR)
        out.append(Prepared(
            clearance_person(pid, p), clearance_material(mid, m),
            clearance_designation(m["designation"], d),
            clearance_contracts(world, p["employer"], d["agency"]), at(now),
            {"principal": f'Person::"{pid}"', "action": 'Action::"read"',
             "resource": f'Material::"{mid}"',
             "context": cedar_context(world, p["employer"], d["agency"], now)},
        ))  # fmt: skip
    return out


def clearance_decide(r: Prepared) -> AccessDecision:
    return decide_access(
        r.person, r.material, r.designation, r.contracts, AccessAction.READ, r.when
    )


def cedar_codes(result: Any) -> frozenset[str]:
    return frozenset(POLICY_REASON[p] for p in result.diagnostics.reasons if p in POLICY_REASON)


def entities_json(world: World) -> str:
    return json.dumps(cedar_entities(world), ensure_ascii=False)
