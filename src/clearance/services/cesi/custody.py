"""Custody of CESI materials (CESI.md §5.3): registration on receipt, numbered copies, transfer
(only to a recipient with a provision and an eligible custodian, who acknowledges), return,
destruction with a distinct witness, and inventories whose discrepancies open an incident.

Every step appends a custody event; the holder of a material at any time is derived from them
(``facts.material_facts``), which the access decisions and history queries rely on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Decision, Resource, Subject
from clearance.domain.access import AccessAction, MaterialFacts, Span, decide_access
from clearance.domain.designation import Designation
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.domain.oversight import InventoryRecord
from clearance.domain.records import (
    CustodyEvent,
    Incident,
    IncidentStatus,
    Material,
    MaterialStatus,
    Provision,
    need_material_status,
)
from clearance.services.cesi.facts import contracts_between, may_hold, person_facts
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record, refuse_reference
from clearance.services.ports import UnitOfWork

KINDS = ("document", "file", "medium")


def _load(
    deps: Deps, uow: UnitOfWork, actor: Subject, material_id: uuid.UUID, *, org: str = "holder"
) -> tuple[Material, Designation, Decision]:
    m = uow.records.get(Material, material_id)
    d = uow.records.get(Designation, m.designation_id) if m else None
    if m is None or d is None:
        raise NotFound("material", material_id)
    owner = _pending_recipient(uow, m) if org == "recipient" else m.holder_org_id
    decision = authorize_or_conceal(deps, uow, actor, Action.CUSTODY_MANAGE,
                                    Resource("material", m.id, org_id=owner), what="material",
                                    may_know=(Action.CUSTODY_READ,))  # fmt: skip
    return m, d, decision


def _step(deps: Deps, uow: UnitOfWork, actor: Subject, m: Material, new: Material, kind: str,
          decision: Decision, holder: uuid.UUID | None, **details: Any) -> Material:  # fmt: skip
    text = {k: str(v) for k, v in details.items()}
    uow.records.update(new, expected_version=m.version)
    uow.records.add(CustodyEvent(m.id, kind, deps.clock.now(), actor.label, holder, text))
    record(
        deps,
        uow,
        actor,
        Action.CUSTODY_MANAGE,
        f"material:{m.id}",
        decision,
        payload={"command": kind, **text},
    )
    return new


def _renumber(uow: UnitOfWork, series: list[Material], total: int) -> None:
    """Every live copy of a series learns the new total. A destroyed copy's record is final (its
    destruction certificate says "copy n of m" as it was); found by the state machine."""
    for s in series:
        if s.status is not MaterialStatus.DESTROYED:
            uow.records.update(replace(s, copy_total=total, version=s.version + 1),
                               expected_version=s.version)  # fmt: skip


def register(deps: Deps, actor: Subject, *, designation_id: uuid.UUID, kind: str, title: str,
             copy_total: int, location: str) -> list[Material]:  # fmt: skip
    """Register received (or created) materials, held by the actor's org: copies 1..copy_total,
    or the next numbers when the designation already has copies of this title."""
    gate(deps, actor, Action.CUSTODY_MANAGE, "material")  # before any input is read
    problems = []
    if kind not in KINDS:
        problems.append(FieldProblem("kind", "document, file or medium.", "choice"))
    if not 1 <= copy_total <= 1000:
        problems.append(FieldProblem("copy_total", "Between 1 and 1000 copies.", "range"))
    for name, value in (("title", title), ("location", location)):
        if not value.strip() or len(value) > 200:
            problems.append(FieldProblem(name, "Required, at most 200 characters.", "required"))
    if problems:
        raise ValidationFailed("The material has problems; see the list.", tuple(problems))
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.CUSTODY_MANAGE,
                             Resource("material", org_id=actor.org_id))  # fmt: skip
        d = uow.records.get(Designation, designation_id)
        if d is None or actor.org_id is None:
            raise NotFound("designation", designation_id)
        if not may_hold(uow, d, actor.org_id):  # another side's designation: as if missing
            refuse_reference(deps, uow, actor, Action.CUSTODY_MANAGE, "designation", d.id)
        if not d.in_force(deps.clock.now()):
            raise Conflict("The designation is not in force.")
        now = deps.clock.now()
        # More copies of a title already registered continue its numbering (found by the
        # state machine: two "copy 1 of 1" of one document made the register ambiguous).
        series = uow.records.find(Material, designation_id=d.id, title=title.strip())
        first = max((s.copy_no for s in series), default=0)
        total = first + copy_total
        _renumber(uow, series, total)
        made = []
        for n in range(first + 1, total + 1):
            m = Material(new_id(), d.id, kind, title.strip(), n, total, actor.org_id,
                         location.strip(), MaterialStatus.HELD, now)  # fmt: skip
            uow.records.add(m)
            uow.records.add(CustodyEvent(m.id, "receipt", now, actor.label, actor.org_id, {}))
            made.append(m)
        record(deps, uow, actor, Action.CUSTODY_MANAGE, f"designation:{d.id}", decision,
               payload={"command": "receipt", "copies": copy_total})  # fmt: skip
        uow.commit()
    return made


def copy(deps: Deps, actor: Subject, material_id: uuid.UUID, *, location: str) -> Material:
    """A numbered copy: the next number in the series; every copy's total is updated."""
    with deps.uow() as uow:
        m, d, decision = _load(deps, uow, actor, material_id)
        need_material_status(m, {MaterialStatus.HELD}, "copy")
        series = uow.records.find(Material, designation_id=d.id, title=m.title)
        total = max(s.copy_no for s in series) + 1
        _renumber(uow, series, total)
        new = Material(new_id(), d.id, m.kind, m.title, total, total, m.holder_org_id,
                       location.strip() or m.location, MaterialStatus.HELD, deps.clock.now())  # fmt: skip
        uow.records.add(new)
        uow.records.add(CustodyEvent(new.id, "copy", deps.clock.now(), actor.label,
                                     m.holder_org_id, {"from": str(m.id)}))  # fmt: skip
        record(deps, uow, actor, Action.CUSTODY_MANAGE, f"material:{new.id}", decision,
               payload={"command": "copy", "from": str(m.id), "copy_no": total})  # fmt: skip
        uow.commit()
    return new


def transfer(deps: Deps, actor: Subject, material_id: uuid.UUID, *, to_org_id: uuid.UUID,
             custodian_id: uuid.UUID) -> Material:  # fmt: skip
    """Send to another organisation: it must have a provision of the designation, and the named
    custodian must be allowed to handle the material there (every reason is reported)."""
    with deps.uow() as uow:
        m, d, decision = _load(deps, uow, actor, material_id)
        need_material_status(m, {MaterialStatus.HELD}, "transfer")
        if to_org_id == m.holder_org_id or not may_hold(uow, d, to_org_id):
            raise ValidationFailed("The recipient has no provision of this designation.", (
                FieldProblem("to_org_id", "Record a provision to this organisation first (Arts. "
                             "6, 10).", "no_provision"),))  # fmt: skip
        custodian = uow.persons.get(custodian_id)
        if custodian is None or custodian.employer_id != to_org_id:
            raise ValidationFailed(
                "The custodian must work for the recipient.",
                (FieldProblem("custodian_id", "Not a member of the recipient.", "custodian"),),
            )
        now = deps.clock.now()
        there = MaterialFacts(m.id, d.id, ((to_org_id, Span(now)),))
        verdict = decide_access(person_facts(deps, uow, custodian_id, d.id), there, d,
                                contracts_between(uow, to_org_id, d.agency_id),
                                AccessAction.TRANSFER, now)  # fmt: skip
        if not verdict.permit:
            raise ValidationFailed("The custodian may not hold this material.", tuple(
                FieldProblem("custodian_id", f"{r.message} ({r.article})", r.code)
                for r in verdict.reasons))  # fmt: skip
        new = replace(m, status=MaterialStatus.IN_TRANSIT, version=m.version + 1)
        _step(deps, uow, actor, m, new, "transfer", decision, None, to_org=to_org_id,
              custodian=custodian_id)  # fmt: skip
        uow.commit()
    return new


def return_to_agency(deps: Deps, actor: Subject, material_id: uuid.UUID) -> Material:
    """Send the material back to the designating agency (e.g. at the end of a contract)."""
    with deps.uow() as uow:
        m, d, decision = _load(deps, uow, actor, material_id)
        need_material_status(m, {MaterialStatus.HELD}, "return")
        if m.holder_org_id == d.agency_id:
            raise Conflict("The agency already holds this material.")
        new = replace(m, status=MaterialStatus.IN_TRANSIT, version=m.version + 1)
        _step(deps, uow, actor, m, new, "return", decision, None, to_org=d.agency_id)
        uow.commit()
    return new


def _pending_recipient(uow: UnitOfWork, m: Material) -> uuid.UUID | None:
    events = uow.records.find(CustodyEvent, material_id=m.id, order="at,id")
    last = events[-1] if events else None
    if m.status is not MaterialStatus.IN_TRANSIT or last is None:
        return None
    return uuid.UUID(str(last.details["to_org"]))


def acknowledge(deps: Deps, actor: Subject, material_id: uuid.UUID, *, location: str) -> Material:
    """The recipient confirms receipt; from now on it holds the material."""
    with deps.uow() as uow:
        m, _, decision = _load(deps, uow, actor, material_id, org="recipient")
        need_material_status(m, {MaterialStatus.IN_TRANSIT}, "acknowledge")
        to_org = _pending_recipient(uow, m)
        assert to_org is not None
        new = replace(m, status=MaterialStatus.HELD, holder_org_id=to_org,
                      location=location.strip() or m.location, version=m.version + 1)  # fmt: skip
        _step(deps, uow, actor, m, new, "acknowledge", decision, to_org)
        uow.commit()
    return new


def destroy(deps: Deps, actor: Subject, material_id: uuid.UUID, *, destroyer_id: uuid.UUID,
            witness_id: uuid.UUID, method: str) -> Material:  # fmt: skip
    """Destroy with a witness distinct from the destroyer; the event is the destruction record."""
    gate(deps, actor, Action.CUSTODY_MANAGE, "material")  # before any input is read
    with deps.uow() as uow:
        m, _, decision = _load(deps, uow, actor, material_id)
        need_material_status(m, {MaterialStatus.HELD}, "destroy")
        problems = []
        if witness_id == destroyer_id:
            problems.append(FieldProblem("witness_id", "The witness must be a different person "
                                         "from the destroyer.", "same_person"))  # fmt: skip
        for name, pid in (("destroyer_id", destroyer_id), ("witness_id", witness_id)):
            p = uow.persons.get(pid)
            if p is None or p.employer_id != m.holder_org_id:
                problems.append(FieldProblem(name, "Must be a member of the holder.", "member"))
        if not method.strip():
            problems.append(FieldProblem("method", "Say how it was destroyed.", "required"))
        if problems:
            raise ValidationFailed("The destruction cannot be recorded.", tuple(problems))
        new = replace(m, status=MaterialStatus.DESTROYED, version=m.version + 1)
        _step(deps, uow, actor, m, new, "destroy", decision, None, destroyer=destroyer_id,
              witness=witness_id, method=method.strip()[:200])  # fmt: skip
        uow.commit()
    return new


@dataclass(frozen=True)
class InventoryResult:
    expected: int
    found: int
    missing: list[uuid.UUID]
    unexpected: list[uuid.UUID]
    incident_id: uuid.UUID | None


def inventory(deps: Deps, actor: Subject, *, found: list[uuid.UUID]) -> InventoryResult:
    """Compare the materials the organisation should hold with those found; any discrepancy opens
    an incident reported to the designating agency."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.CUSTODY_MANAGE,
                             Resource("material", org_id=actor.org_id))  # fmt: skip
        ours = {m.id: m for m in uow.records.find(Material, holder_org_id=actor.org_id)}
        for mid in found:  # an id not on the organisation's register names nothing it may name
            if mid not in ours:
                refuse_reference(deps, uow, actor, Action.CUSTODY_MANAGE, "material", mid)
        expected = {m.id: m for m in ours.values() if m.status is MaterialStatus.HELD}
        missing = sorted(set(expected) - set(found))
        unexpected = sorted(set(found) - set(expected))
        now = deps.clock.now()
        for mid in set(found) & set(expected):
            uow.records.add(CustodyEvent(mid, "inventory", now, actor.label, None, {}))
        if actor.org_id is not None:  # when the next inventory falls due (reminders)
            uow.records.add(InventoryRecord(new_id(), actor.org_id, now, len(expected),
                                            len(set(found) & set(expected)), len(missing)))  # fmt: skip
        incident = None
        if missing or unexpected:
            first = ours[(missing + unexpected)[0]]
            d = uow.records.get(Designation, first.designation_id)
            assert actor.org_id is not None
            incident = Incident(
                new_id(), actor.org_id, d.agency_id if d else actor.org_id, "discrepancy",
                IncidentStatus.REPORTED, now, now, [str(i) for i in missing + unexpected],
                [{"at": now.isoformat(), "by": actor.label,
                  "text": f"Inventory: {len(missing)} missing, {len(unexpected)} unexpected."}],
            )  # fmt: skip
            uow.records.add(incident)
        record(deps, uow, actor, Action.CUSTODY_MANAGE, f"organisation:{actor.org_id}", decision,
               payload={"command": "inventory", "expected": len(expected), "found": len(found),
                        "missing": len(missing), "unexpected": len(unexpected),
                        "incident": str(incident.id) if incident else None})  # fmt: skip
        uow.commit()
    return InventoryResult(len(expected), len(found), missing, unexpected,
                           incident.id if incident else None)  # fmt: skip


def materials(
    deps: Deps, actor: Subject, *, org_id: uuid.UUID | None = None, limit: int = 50,
    offset: int = 0,
) -> list[Material]:  # fmt: skip
    """Materials an organisation holds (default: the actor's; an inspector may name any)."""
    org_id = org_id or actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.CUSTODY_READ, Resource("material", org_id=org_id))
        return uow.records.find(Material, holder_org_id=org_id, order="created_at,id",
                                limit=max(1, min(limit, 200)), offset=max(0, offset))  # fmt: skip


def history(
    deps: Deps, actor: Subject, material_id: uuid.UUID
) -> tuple[Material, list[CustodyEvent]]:
    """One material and its custody record, for its holder, the organisation it is on its way to
    (which must see what it is asked to receive), or an inspector."""
    with deps.uow() as uow:
        m = uow.records.get(Material, material_id)
        if m is None:
            raise NotFound("material", material_id)
        owner: uuid.UUID | None = m.holder_org_id
        if m.status is MaterialStatus.IN_TRANSIT and actor.org_id == _pending_recipient(uow, m):
            owner = actor.org_id
        authorize(deps, uow, actor, Action.CUSTODY_READ, Resource("material", m.id, org_id=owner))
        return m, uow.records.find(CustodyEvent, material_id=m.id, order="at")


def incoming(deps: Deps, actor: Subject) -> list[Material]:
    """Materials on their way to the actor's organisation, waiting for its receipt."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.CUSTODY_MANAGE,
                  Resource("material", org_id=actor.org_id))  # fmt: skip
        moving = uow.records.find(Material, status=MaterialStatus.IN_TRANSIT, order="created_at,id")
        return [m for m in moving if _pending_recipient(uow, m) == actor.org_id]


@dataclass(frozen=True)
class Custodian:
    """Someone a material may be transferred to: a member of an organisation that holds a
    provision of its designation (or the designating agency) who passes the transfer rules now."""

    org_id: uuid.UUID
    org_name_ja: str
    org_name_en: str
    person_id: uuid.UUID
    name: str


def custodians(deps: Deps, actor: Subject, material_id: uuid.UUID) -> list[Custodian]:
    """Whom the holder may send this material to, by name: only people who would pass the same
    check ``transfer`` makes, so that the sender learns no one else's name at the receiver."""
    with deps.uow() as uow:
        m, d, _ = _load(deps, uow, actor, material_id)
        receivers = {d.agency_id} | {
            p.recipient_org_id
            for p in uow.records.find(Provision, designation_id=d.id)
            if p.recipient_org_id is not None
        }
        now = deps.clock.now()
        out = []
        for org_id in sorted(receivers - {m.holder_org_id}, key=str):
            org = uow.orgs.get(org_id)
            if org is None:
                continue
            there = MaterialFacts(m.id, d.id, ((org_id, Span(now)),))
            contracts = contracts_between(uow, org_id, d.agency_id)
            people = uow.persons.list(employer_id=org_id, q=None, limit=500, offset=0).items
            for p in people:
                verdict = decide_access(person_facts(deps, uow, p.id, d.id), there, d, contracts,
                                        AccessAction.TRANSFER, now)  # fmt: skip
                if verdict.permit:
                    out.append(Custodian(org_id, org.name_ja, org.name_en, p.id,
                                         f"{p.family_name} {p.given_name}"))  # fmt: skip
        return out
