"""Build the time-indexed facts ``domain.access.decide_access`` needs, from recorded history:
eligibility records, handler spans, training completions, contract spans and suspensions, and the
custody events of a material. Nothing here reads a 'current' flag, so past times answer correctly.
"""

from __future__ import annotations

import uuid
from typing import Any

from clearance.domain.access import ContractFacts, HandlerSpan, MaterialFacts, PersonFacts, Span
from clearance.domain.designation import Designation, day_start
from clearance.domain.errors import NotFound
from clearance.domain.organisations import OrgKind
from clearance.domain.records import (
    Acknowledgement,
    Contract,
    CustodyEvent,
    Handler,
    Material,
    Provision,
    Suspension,
    TrainingModule,
    TrainingRecord,
)
from clearance.services.context import Deps
from clearance.services.ports import UnitOfWork


def contract_facts(uow: UnitOfWork, c: Contract) -> ContractFacts:
    end = day_start(c.end_on)
    if c.ended_at is not None:
        end = min(end, c.ended_at)
    suspensions = uow.records.find(Suspension, certification_id=c.certification_id)
    return ContractFacts(
        c.operator_id, c.agency_id, frozenset(uuid.UUID(i) for i in c.designation_ids),
        frozenset(c.departments), Span(day_start(c.start_on), end),
        tuple(Span(s.start, s.end) for s in suspensions),
    )  # fmt: skip


def may_hold(uow: UnitOfWork, d: Designation, org_id: uuid.UUID) -> bool:
    """The designating agency, or an organisation the designation was provided to: the only
    organisations that may name the designation in a request (materials, handlers)."""
    return org_id == d.agency_id or bool(
        uow.records.count(Provision, designation_id=d.id, recipient_org_id=org_id)
    )


def contracts_between(
    uow: UnitOfWork, operator_id: uuid.UUID | None, agency_id: uuid.UUID
) -> tuple[ContractFacts, ...]:
    if operator_id is None:
        return ()
    found = uow.records.find(Contract, operator_id=operator_id, agency_id=agency_id)
    return tuple(contract_facts(uow, c) for c in found)


def required_modules(uow: UnitOfWork, employer_id: uuid.UUID | None) -> frozenset[str]:
    modules = uow.records.find(TrainingModule, required=True, org_id=None)
    if employer_id is not None:
        modules += uow.records.find(TrainingModule, required=True, org_id=employer_id)
    return frozenset(m.code for m in modules)


def person_facts(deps: Deps, uow: UnitOfWork, person_id: uuid.UUID,
                 designation_id: uuid.UUID | None = None) -> PersonFacts:  # fmt: skip
    """The person's history as decision inputs. With ``designation_id`` only the handler spans of
    that designation are loaded (all a decision about it looks at): a person handling thousands
    of designations costs one indexed lookup, not thousands of rows."""
    person = uow.persons.get(person_id)
    if person is None:
        raise NotFound("person", person_id)
    employer = uow.orgs.get(person.employer_id) if person.employer_id else None
    scope: dict[str, Any] = {"designation_id": designation_id} if designation_id else {}
    training: dict[str, list[Span]] = {}
    for r in uow.records.find(TrainingRecord, person_id=person_id):
        if r.completed_at is not None and r.valid_until is not None:
            training.setdefault(r.module_code, []).append(Span(r.completed_at, r.valid_until))
    ack = uow.records.get(Acknowledgement, person_id)
    return PersonFacts(
        person_id=person_id,
        employer_id=person.employer_id,
        employer_is_operator=employer is not None and employer.kind is OrgKind.QUALIFIED_OPERATOR,
        eligibilities=tuple(uow.cases.eligibilities(person_id)),
        handlers=tuple(
            HandlerSpan(h.designation_id, h.org_id, h.department, Span(h.start, h.end))
            for h in uow.records.find(Handler, person_id=person_id, **scope)
        ),
        acknowledged_at=ack.acknowledged_at if ack else None,
        training={k: tuple(v) for k, v in training.items()},
        required_modules=required_modules(uow, person.employer_id),
        training_blocks=bool(deps.regime.value("training_overdue_removes_handler")),
    )


def material_facts(uow: UnitOfWork, m: Material) -> MaterialFacts:
    """Who held the material when: each custody event that names a holder starts a new span."""
    events = uow.records.find(CustodyEvent, material_id=m.id, order="at,id")
    holdings: list[tuple[uuid.UUID, Span]] = []
    for e in events:
        if e.kind == "inventory":  # an inventory sees the material; it does not move it
            continue
        if holdings and holdings[-1][1].end is None:
            org, span = holdings[-1]
            holdings[-1] = (org, Span(span.start, e.at))
        if e.holder_org_id is not None:
            holdings.append((e.holder_org_id, Span(e.at)))
    return MaterialFacts(m.id, m.designation_id, tuple(holdings))
