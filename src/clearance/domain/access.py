"""Explained access decisions (Act Art. 11 and the operator rules): may person P perform an action
on CESI material M at time T? Pure; imports only ``clearance.domain``.

``decide_access`` takes the facts *as recorded over time* (intervals, not today's flags) so the same
function answers "now" and "at any past T". It returns every reason that applies; any reason denies
(deny overrides). Each reason names its rule and the article it comes from.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from enum import StrEnum, unique

from clearance.domain.assessment import Eligibility
from clearance.domain.designation import Designation


@unique
class AccessAction(StrEnum):
    READ = "read"
    COPY = "copy"
    TRANSFER = "transfer"
    DESTROY = "destroy"


@dataclass(frozen=True)
class Rule:
    code: str
    article: str
    message: str


RULES: dict[str, Rule] = {r.code: r for r in (
    Rule("designation_not_in_force", "Act Art. 3(1), 4 (term and cancellation)",
         "The designation is not in force at this time."),
    Rule("no_eligibility", "Act Art. 11, 12(1)(i)",
         "No valid suitability assessment (or SDS reference) by the designating agency."),
    Rule("suspended", "Act Art. 12(1)(iii)",
         "Suspended from handling pending a re-assessment."),
    Rule("not_handler", "Act Art. 11; model contract Art. 16(2) (need to know)",
         "Not a designated handler of this designation."),
    Rule("duties_not_acknowledged", "Operational standards (handler undertaking)",
         "Has not acknowledged the duties and the penalties for a leak."),
    Rule("training_overdue", "Act Art. 10(1) (operator's education); regime training rules",
         "Required training is missing or overdue."),
    Rule("contract_not_in_force", "Act Art. 10(1)",
         "The operator has no contract in force with the agency covering this designation."),
    Rule("department_not_authorised", "Act Art. 10(1); model contract Art. 16(2)",
         "The handler's department is not authorised by the contract."),
    Rule("material_not_held", "Custody rules (holder organisation)",
         "The material is not held by the person's organisation (or was destroyed or returned)."),
)}  # fmt: skip


@dataclass(frozen=True)
class Span:
    """[start, end): ``end`` None means open."""

    start: dt.datetime
    end: dt.datetime | None = None

    def holds(self, at: dt.datetime) -> bool:
        return self.start <= at and (self.end is None or at < self.end)


@dataclass(frozen=True)
class HandlerSpan:
    designation_id: uuid.UUID
    org_id: uuid.UUID
    department: str | None
    span: Span


@dataclass(frozen=True)
class ContractFacts:
    operator_id: uuid.UUID
    agency_id: uuid.UUID
    designation_ids: frozenset[uuid.UUID]
    departments: frozenset[str]
    span: Span
    suspensions: tuple[Span, ...] = ()

    def in_force(self, at: dt.datetime) -> bool:
        return self.span.holds(at) and not any(s.holds(at) for s in self.suspensions)


@dataclass(frozen=True)
class PersonFacts:
    person_id: uuid.UUID
    employer_id: uuid.UUID | None
    employer_is_operator: bool
    eligibilities: tuple[Eligibility, ...] = ()
    handlers: tuple[HandlerSpan, ...] = ()
    acknowledged_at: dt.datetime | None = None
    # per required training module: the spans in which a completion was valid
    training: dict[str, tuple[Span, ...]] = field(default_factory=dict)
    required_modules: frozenset[str] = frozenset()
    training_blocks: bool = True  # regime: overdue training removes handler status


@dataclass(frozen=True)
class MaterialFacts:
    id: uuid.UUID
    designation_id: uuid.UUID
    holdings: tuple[tuple[uuid.UUID, Span], ...]  # (holder organisation, when)


@dataclass(frozen=True)
class AccessDecision:
    permit: bool
    reasons: tuple[Rule, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)


def decide_access(
    person: PersonFacts, material: MaterialFacts, designation: Designation,
    contracts: tuple[ContractFacts, ...], action: AccessAction, at: dt.datetime,
) -> AccessDecision:  # fmt: skip
    """Every reason that applies, in a fixed order; permit only when there is none."""
    found: list[str] = []
    if not designation.in_force(at):
        found.append("designation_not_in_force")
    # Eligibility is per agency head: the person's own agency for its staff (also for CESI provided
    # to that agency under Art. 6); the designating agency for an operator's employee (Art. 10).
    agency = designation.agency_id if person.employer_is_operator else person.employer_id
    own = [e for e in person.eligibilities if e.agency_id == agency]
    live = [e for e in own if e.valid_from <= at < e.valid_until
            and (e.ended_at is None or at < e.ended_at)]  # fmt: skip
    if not live:
        found.append("no_eligibility")
    elif all(e.suspended_at is not None and e.suspended_at <= at for e in live):
        found.append("suspended")
    handler = next(
        (h for h in person.handlers
         if h.designation_id == designation.id and h.span.holds(at) and h.org_id == person.employer_id),
        None,
    )  # fmt: skip
    if handler is None:
        found.append("not_handler")
    if person.acknowledged_at is None or person.acknowledged_at > at:
        found.append("duties_not_acknowledged")
    if person.training_blocks and any(
        not any(s.holds(at) for s in person.training.get(m, ())) for m in person.required_modules
    ):
        found.append("training_overdue")
    if person.employer_is_operator:
        covering = [c for c in contracts
                    if c.operator_id == person.employer_id and c.agency_id == designation.agency_id
                    and designation.id in c.designation_ids and c.in_force(at)]  # fmt: skip
        if not covering:
            found.append("contract_not_in_force")
        elif handler is not None and not any(handler.department in c.departments for c in covering):
            found.append("department_not_authorised")
    if not any(org == person.employer_id and span.holds(at) for org, span in material.holdings):
        found.append("material_not_held")
    # Every action needs the same standing; the custody steps (transfer, destruction) add their
    # own checks (provision, witness). ``action`` is part of the audited request.
    _ = action
    return AccessDecision(not found, tuple(RULES[c] for c in found))
