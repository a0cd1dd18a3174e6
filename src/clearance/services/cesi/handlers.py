"""Training and handlers (取扱者, Act Art. 11; CESI.md §3, §5.3).

A handler is assigned per designation from persons who, at that moment, pass the access rules
(eligible for the right agency, trained, and for an operator's employee a contract in force that
covers the designation and their department). The check reuses ``domain.access.decide_access`` so
assignment and access cannot disagree. Before first handling, the person acknowledges the duties and
penalties in a dated statement. Overdue training removes handler status through the same rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, replace
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain import exports
from clearance.domain.access import AccessAction, HandlerSpan, MaterialFacts, Span, decide_access
from clearance.domain.designation import Designation
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import Person, new_id
from clearance.domain.organisations import Role
from clearance.domain.periods import jst_today, months_end
from clearance.domain.records import (
    DEFAULT_MODULES,
    STATEMENT_VERSION,
    Acknowledgement,
    Handler,
    TrainingModule,
    TrainingRecord,
)
from clearance.services.cesi.facts import contracts_between, may_hold, person_facts
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, gate, record, refuse_reference
from clearance.services.ports import UnitOfWork

IGNORED_FOR_ASSIGNMENT = {"duties_not_acknowledged", "material_not_held"}


def _person(uow: UnitOfWork, person_id: uuid.UUID) -> Person:
    person = uow.persons.get(person_id)
    if person is None:
        raise NotFound("person", person_id)
    return person


def _named(uow: UnitOfWork, person_id: uuid.UUID) -> tuple[Person | None, uuid.UUID | None]:
    """A person named in a request body, and the organisation to authorize against. A missing
    person belongs to no organisation, so the caller is refused exactly as for another
    organisation's person and cannot tell the two apart (issue 15 §1)."""
    person = uow.persons.get(person_id)
    return person, person.employer_id if person else None


def ensure_default_modules(uow: UnitOfWork) -> None:
    for m in DEFAULT_MODULES:
        if uow.records.get(TrainingModule, m.code) is None:
            uow.records.add(m)


def add_module(deps: Deps, actor: Subject, *, code: str, title_ja: str, title_en: str,
               required: bool) -> TrainingModule:  # fmt: skip
    gate(deps, actor, Action.TRAINING_MANAGE, "training")  # before any input is read
    if not code.strip() or len(code) > 40 or not title_ja.strip() or not title_en.strip():
        raise ValidationFailed(
            "The module needs a code and both titles.",
            (FieldProblem("code", "A code of up to 40 characters and both titles.", "required"),),
        )
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.TRAINING_MANAGE,
                             Resource("training", org_id=actor.org_id))  # fmt: skip
        ensure_default_modules(uow)
        if uow.records.get(TrainingModule, code.strip()) is not None:
            raise Conflict("A module with this code exists.", field="code")
        m = TrainingModule(code.strip(), title_ja.strip(), title_en.strip(), required, actor.org_id)
        uow.records.add(m)
        record(deps, uow, actor, Action.TRAINING_MANAGE, f"training_module:{m.code}", decision)
        uow.commit()
    return m


def assign_training(deps: Deps, actor: Subject, *, person_id: uuid.UUID, module_code: str,
                    due_on: dt.date) -> TrainingRecord:  # fmt: skip
    with deps.uow() as uow:
        person, org = _named(uow, person_id)
        decision = authorize(deps, uow, actor, Action.TRAINING_MANAGE,
                             Resource("training", org_id=org))  # fmt: skip
        if person is None:
            raise NotFound("person", person_id)
        ensure_default_modules(uow)
        if uow.records.get(TrainingModule, module_code) is None:
            raise NotFound("training module", module_code)
        r = TrainingRecord(new_id(), person_id, module_code, deps.clock.now(), due_on)
        uow.records.add(r)
        record(deps, uow, actor, Action.TRAINING_MANAGE, f"person:{person_id}", decision,
               payload={"assigned": module_code})  # fmt: skip
        uow.commit()
    return r


def complete_training(deps: Deps, actor: Subject, record_id: uuid.UUID) -> TrainingRecord:
    """Record completion now; valid for ``training_validity_months`` (yearly by default)."""
    with deps.uow() as uow:
        r = uow.records.get(TrainingRecord, record_id)
        if r is None:
            raise NotFound("training record", record_id)
        person = _person(uow, r.person_id)
        decision = authorize_or_conceal(deps, uow, actor, Action.TRAINING_MANAGE,
                                        Resource("training", r.id, org_id=person.employer_id),
                                        what="training record")  # fmt: skip
        if r.completed_at is not None:
            raise Conflict("Already completed; assign the module again for the next round.")
        now = deps.clock.now()
        # Valid through the corresponding day (JST), a whole last day as the register prints.
        valid_until = months_end(now, int(deps.regime.value("training_validity_months")))
        r = replace(r, completed_at=now, valid_until=valid_until)
        uow.records.update(r)
        record(deps, uow, actor, Action.TRAINING_MANAGE, f"person:{r.person_id}", decision,
               payload={"completed": r.module_code, "valid_until": valid_until.isoformat()})  # fmt: skip
        uow.commit()
    return r


def assign_handler(deps: Deps, actor: Subject, *, designation_id: uuid.UUID, person_id: uuid.UUID,
                   department: str | None = None) -> Handler:  # fmt: skip
    with deps.uow() as uow:
        person, org = _named(uow, person_id)
        decision = authorize(deps, uow, actor, Action.HANDLER_MANAGE,
                             Resource("handler", org_id=org))  # fmt: skip
        if person is None:
            raise NotFound("person", person_id)
        d = uow.records.get(Designation, designation_id)
        if d is None or person.employer_id is None:
            raise NotFound("designation", designation_id)
        if not may_hold(uow, d, person.employer_id):  # not provided to the employer: as if missing
            refuse_reference(deps, uow, actor, Action.HANDLER_MANAGE, "designation", d.id)
        ensure_default_modules(uow)
        now = deps.clock.now()
        if any(h.end is None for h in uow.records.find(Handler, designation_id=d.id,
                                                        person_id=person_id)):  # fmt: skip
            raise Conflict("The person is already a handler of this designation.")
        facts = person_facts(deps, uow, person_id)
        trial = replace(facts, handlers=(*facts.handlers, HandlerSpan(
            d.id, person.employer_id, department, Span(now))))  # fmt: skip
        verdict = decide_access(trial, MaterialFacts(uuid.uuid4(), d.id, ()), d,
                                contracts_between(uow, person.employer_id, d.agency_id),
                                AccessAction.READ, now)  # fmt: skip
        reasons = [r for r in verdict.reasons if r.code not in IGNORED_FOR_ASSIGNMENT]
        if reasons:
            raise ValidationFailed(
                "The person cannot be made a handler of this designation.",
                tuple(
                    FieldProblem("person_id", f"{r.message} ({r.article})", r.code) for r in reasons
                ),
            )
        h = Handler(new_id(), d.id, person_id, person.employer_id, department, now, actor.label)
        uow.records.add(h)
        record(deps, uow, actor, Action.HANDLER_MANAGE, f"designation:{d.id}", decision,
               payload={"assigned": str(person_id), "department": department})  # fmt: skip
        uow.commit()
    return h


def end_handler(deps: Deps, actor: Subject, handler_id: uuid.UUID, *, reason: str) -> Handler:
    with deps.uow() as uow:
        h = uow.records.get(Handler, handler_id)
        if h is None:
            raise NotFound("handler", handler_id)
        decision = authorize_or_conceal(deps, uow, actor, Action.HANDLER_MANAGE,
                                        Resource("handler", h.id, org_id=h.org_id),
                                        what="handler", may_know=(Action.HANDLER_READ,))  # fmt: skip
        if h.end is not None:
            raise Conflict("This assignment has already ended.")
        h = replace(h, end=deps.clock.now(), end_reason=(reason.strip() or "ended")[:40])
        uow.records.update(h)
        record(deps, uow, actor, Action.HANDLER_MANAGE, f"designation:{h.designation_id}",
               decision, payload={"ended": str(h.person_id), "reason": h.end_reason})  # fmt: skip
        uow.commit()
    return h


def acknowledge(deps: Deps, actor: Subject, *, person_id: uuid.UUID,
                paper_reference: str | None = None) -> Acknowledgement:  # fmt: skip
    """The person's dated undertaking (duties and penalties); an officer may record a signed form."""
    with deps.uow() as uow:
        person, org = _named(uow, person_id)
        decision = authorize(deps, uow, actor, Action.HANDLER_ACKNOWLEDGE,
                             Resource("handler", org_id=org, person_id=person_id))  # fmt: skip
        if person is None:
            raise NotFound("person", person_id)
        own = Role.ASSESSED_PERSON in actor.roles and actor.person_id == person_id
        if not own and not (paper_reference or "").strip():
            raise ValidationFailed("Recording this for the person needs their signed statement.", (
                FieldProblem("paper_reference", "Give the signed statement's reference.",
                             "required"),))  # fmt: skip
        if uow.records.get(Acknowledgement, person_id) is not None:
            raise Conflict("The person has already acknowledged the duties.")
        a = Acknowledgement(person_id, deps.clock.now(), STATEMENT_VERSION)
        uow.records.add(a)
        record(deps, uow, actor, Action.HANDLER_ACKNOWLEDGE, f"person:{person_id}", decision,
               payload={"statement": STATEMENT_VERSION, "via": "portal" if own else "paper"})  # fmt: skip
        uow.commit()
    return a


def acknowledgements(
    deps: Deps, actor: Subject, *, org_id: uuid.UUID | None = None
) -> dict[uuid.UUID, Acknowledgement]:
    """Who among an organisation's people (default: the actor's) has acknowledged the duties."""
    org_id = org_id or actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.HANDLER_READ, Resource("handler", org_id=org_id))
        people = uow.persons.list(employer_id=org_id, q=None, limit=1000, offset=0).items
        found = {p.id: uow.records.get(Acknowledgement, p.id) for p in people}
        return {k: v for k, v in found.items() if v is not None}


def own_acknowledgement(deps: Deps, actor: Subject) -> Acknowledgement | None:
    """The person's own undertaking, for their portal (None before they have given it)."""
    if actor.person_id is None:
        return None
    with deps.uow() as uow:
        person = _person(uow, actor.person_id)
        authorize(deps, uow, actor, Action.HANDLER_ACKNOWLEDGE,
                  Resource("handler", org_id=person.employer_id, person_id=person.id))  # fmt: skip
        return uow.records.get(Acknowledgement, person.id)


@dataclass(frozen=True)
class RegisterLine:
    handler: Handler
    person: Person
    active: bool
    blocked_by: tuple[str, ...]


def register(
    deps: Deps, actor: Subject, *, org_id: uuid.UUID | None = None,
    designation_id: uuid.UUID | None = None,
) -> list[RegisterLine]:  # fmt: skip
    """The handler register (取扱者名簿) of an organisation (default: the actor's), with each
    handler's standing now (a handler whose training lapsed is listed as blocked)."""
    org_id = org_id or actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.HANDLER_READ, Resource("handler", org_id=org_id))
        filters: dict[str, Any] = {"designation_id": designation_id} if designation_id else {}
        now = deps.clock.now()
        lines = []
        for h in uow.records.find(Handler, org_id=org_id, order="start", **filters):
            d = uow.records.get(Designation, h.designation_id)
            person = _person(uow, h.person_id)
            assert d is not None
            verdict = decide_access(person_facts(deps, uow, h.person_id, d.id),
                                    MaterialFacts(uuid.uuid4(), d.id, ()), d,
                                    contracts_between(uow, h.org_id, d.agency_id),
                                    AccessAction.READ, now)  # fmt: skip
            blocked = tuple(r.code for r in verdict.reasons if r.code != "material_not_held")
            lines.append(RegisterLine(h, person, h.end is None and not blocked, blocked))
        return lines


def register_csv(lines: list[RegisterLine]) -> str:
    """The register as CSV for Excel: a byte-order mark, and dates in Japan time."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["designation_id", "family_name", "given_name", "department", "start", "end",
                "active", "blocked_by"])  # fmt: skip
    for line in lines:
        h = line.handler
        w.writerow(exports.row([h.designation_id, line.person.family_name, line.person.given_name,
                    h.department or "", jst_today(h.start).isoformat(),
                    jst_today(h.end).isoformat() if h.end else "",
                    "yes" if line.active else "no", " ".join(line.blocked_by)]))  # fmt: skip
    return "\ufeff" + out.getvalue()  # Excel on Japanese Windows needs the mark to read UTF-8


@dataclass(frozen=True)
class TrainingView:
    modules: list[TrainingModule]
    records: list[TrainingRecord]


def training(deps: Deps, actor: Subject, *, org_id: uuid.UUID | None = None) -> TrainingView:
    """The modules an organisation's people take and their assignments (default: the actor's)."""
    org_id = org_id or actor.org_id
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.TRAINING_MANAGE, Resource("training", org_id=org_id))
        ensure_default_modules(uow)
        modules = uow.records.find(TrainingModule, org_id=None, order="code")
        modules += uow.records.find(TrainingModule, org_id=org_id, order="code") if org_id else []
        people = uow.persons.list(employer_id=org_id, q=None, limit=1000, offset=0).items
        records = [r for p in people
                   for r in uow.records.find(TrainingRecord, person_id=p.id, order="assigned_at")]  # fmt: skip
        uow.commit()  # the default modules, created on first use
        return TrainingView(modules, records)
