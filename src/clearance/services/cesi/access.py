"""Access decisions and history queries (issue 4 item 8), all audited.

- ``check``: may person P perform an action on material M at time T (default now)? Every reason.
- ``who_could``: the persons who could perform an action on M at T.
- ``what_could``: the materials P could access at T.

Both queries evaluate ``decide_access`` on facts rebuilt from recorded history, so a past T gives
the answer that held then, not today's.
"""

from __future__ import annotations

import datetime as dt
import uuid

from clearance.authz.engine import decide
from clearance.authz.model import Action, Resource, Subject
from clearance.domain.access import AccessAction, AccessDecision, decide_access
from clearance.domain.designation import Designation
from clearance.domain.errors import NotFound
from clearance.domain.records import Handler, Material
from clearance.services.cesi.facts import contracts_between, material_facts, person_facts
from clearance.services.context import Deps
from clearance.services.guard import (
    authorize,
    authorize_or_conceal,
    record,
    refuse_reference,
)
from clearance.services.ports import UnitOfWork


def _material(uow: UnitOfWork, material_id: uuid.UUID) -> tuple[Material, Designation]:
    m = uow.records.get(Material, material_id)
    d = uow.records.get(Designation, m.designation_id) if m else None
    if m is None or d is None:
        raise NotFound("material", material_id)
    return m, d


def evaluate(
    deps: Deps, uow: UnitOfWork, person_id: uuid.UUID, m: Material, d: Designation,
    action: AccessAction, at: dt.datetime,
) -> AccessDecision:  # fmt: skip
    facts = person_facts(deps, uow, person_id, d.id)
    return decide_access(facts, material_facts(uow, m), d,
                         contracts_between(uow, facts.employer_id, d.agency_id), action, at)  # fmt: skip


def check(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, material_id: uuid.UUID,
    action: AccessAction, at: dt.datetime | None = None,
) -> AccessDecision:  # fmt: skip
    at = at or deps.clock.now()
    with deps.uow() as uow:
        m, d = _material(uow, material_id)
        # The decision belongs to the material's side: its holder or its designating agency. The
        # person must be the asker's own, or registered as a handler of the designation; anything
        # else answers like a missing object (issue 15 §1).
        if actor.org_id not in (m.holder_org_id, d.agency_id):
            refuse_reference(deps, uow, actor, Action.ACCESS_DECIDE, "material", material_id)
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFound("person", person_id)
        if person.employer_id != actor.org_id and not uow.records.find(
            Handler, designation_id=d.id, person_id=person_id
        ):
            refuse_reference(deps, uow, actor, Action.ACCESS_DECIDE, "person", person_id)
        decision = authorize(deps, uow, actor, Action.ACCESS_DECIDE,
                             Resource("access", f"material:{m.id}", org_id=actor.org_id))  # fmt: skip
        verdict = evaluate(deps, uow, person_id, m, d, action, at)
        record(deps, uow, actor, Action.ACCESS_DECIDE, f"material:{m.id}", decision,
               payload={"person": str(person_id), "action": action.value, "at": at.isoformat(),
                        "permit": verdict.permit, "reasons": list(verdict.codes)})  # fmt: skip
        uow.commit()
        return verdict


def who_could(
    deps: Deps, actor: Subject, *, material_id: uuid.UUID, action: AccessAction, at: dt.datetime
) -> list[uuid.UUID]:
    """Everyone who could perform ``action`` on the material at ``at``. Candidates are the people
    ever assigned as handlers of its designation; each is judged on the history as of ``at``."""
    with deps.uow() as uow:
        m, d = _material(uow, material_id)
        decision = authorize_or_conceal(
            deps, uow, actor, Action.ACCESS_HISTORY,
            Resource("access", f"material:{m.id}", org_id=d.agency_id), what="material",
            ident=material_id, may_know=(Action.CUSTODY_READ,))  # fmt: skip
        candidates = sorted({h.person_id for h in uow.records.find(Handler, designation_id=d.id)})
        allowed = [p for p in candidates if evaluate(deps, uow, p, m, d, action, at).permit]
        record(deps, uow, actor, Action.ACCESS_HISTORY, f"material:{m.id}", decision,
               payload={"query": "who_could", "action": action.value, "at": at.isoformat(),
                        "count": len(allowed)})  # fmt: skip
        uow.commit()
        return allowed


def what_could(
    deps: Deps, actor: Subject, *, person_id: uuid.UUID, at: dt.datetime
) -> list[uuid.UUID]:
    """The materials the person could read at ``at`` (limited to the actor's agency's designations
    unless the actor oversees all). For one agency, an id that names nobody answers like a
    person with nothing there (an empty list), so existence is not revealed."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.ACCESS_HISTORY,
                             Resource("access", f"person:{person_id}", org_id=actor.org_id))  # fmt: skip
        everything = decide(actor, Action.ACCESS_HISTORY, Resource("access", org_id=None)).allowed
        if everything and uow.persons.get(person_id) is None:
            raise NotFound("person", person_id)
        designation_ids = {h.designation_id for h in uow.records.find(Handler, person_id=person_id)}
        found = []
        for did in sorted(designation_ids):
            d = uow.records.get(Designation, did)
            if d is None or (not everything and d.agency_id != actor.org_id):
                continue
            for m in uow.records.find(Material, designation_id=did, order="created_at,id"):
                if evaluate(deps, uow, person_id, m, d, AccessAction.READ, at).permit:
                    found.append(m.id)
        record(deps, uow, actor, Action.ACCESS_HISTORY, f"person:{person_id}", decision,
               payload={"query": "what_could", "at": at.isoformat(), "count": len(found)})  # fmt: skip
        uow.commit()
        return found
