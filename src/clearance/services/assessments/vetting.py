"""Purpose-checked, audited reads of vetting content, and the retention purge (CESI.md §4.9).

Vetting content is readable only by the investigation unit and the adjudicating agency (and the
agency's complaints officer for complaint handling), each time for a declared purpose that must be
one their role may declare. Every read writes an audit entry naming the purpose; a refused purpose
writes a denied entry. The purge destroys the person's data key (so every copy of the ciphertext,
including backups, becomes unreadable), deletes the ciphertext, and audits only counts.
"""

from __future__ import annotations

import uuid
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.assessment import Assessment
from clearance.domain.casefile import Purpose, VettingKind
from clearance.domain.errors import NotAuthorized
from clearance.domain.organisations import Role
from clearance.domain.periods import years_before
from clearance.services.assessments.common import (
    load,
    open_records,
    person_key,
    unseal,
)
from clearance.services.context import Deps
from clearance.services.guard import authorize, record
from clearance.services.ports import AuditDraft, UnitOfWork

PURPOSES_BY_ROLE: dict[Role, frozenset[Purpose]] = {
    Role.INVESTIGATOR: frozenset({Purpose.ASSESSMENT, Purpose.STATUTORY_AUDIT}),
    Role.INVESTIGATION_SUPERVISOR: frozenset({Purpose.ASSESSMENT, Purpose.STATUTORY_AUDIT}),
    Role.ADJUDICATOR: frozenset({Purpose.ASSESSMENT, Purpose.STATUTORY_AUDIT}),
    Role.AGENCY_HEAD_DELEGATE: frozenset(
        {Purpose.ASSESSMENT, Purpose.COMPLAINT_HANDLING, Purpose.STATUTORY_AUDIT}
    ),
    Role.COMPLAINTS_OFFICER: frozenset({Purpose.COMPLAINT_HANDLING}),
    Role.ASSESSED_PERSON: frozenset({Purpose.OWN_DATA}),
}
# What the agency and the unit may read; the person reads their own answers and notices elsewhere.
INVESTIGATION_KINDS = frozenset(
    {VettingKind.INQUIRY, VettingKind.INTERVIEW, VettingKind.REPORT, VettingKind.RETURN_NOTE,
     VettingKind.CHANGE_REPORT}
)  # fmt: skip
DECISION_KINDS = frozenset({VettingKind.REASONS, VettingKind.WITHHOLDING})


def allowed_purposes(actor: Subject) -> frozenset[Purpose]:
    out: frozenset[Purpose] = frozenset()
    for role in actor.roles:
        out |= PURPOSES_BY_ROLE.get(role, frozenset())
    return out


def check_purpose(
    deps: Deps, uow: UnitOfWork, actor: Subject, a: Assessment, purpose: str
) -> Purpose:
    """The declared purpose must be one the actor's role may declare; otherwise audit and deny."""
    valid = {p.value for p in Purpose}
    if (
        purpose in valid
        and Purpose(purpose) in allowed_purposes(actor)
        and (Purpose(purpose) is not Purpose.OWN_DATA or actor.person_id == a.person_id)
    ):
        return Purpose(purpose)
    uow.rollback()
    uow.audit.append(
        AuditDraft(actor.label, Action.VETTING_READ.value, f"assessment:{a.id}", "deny",
                   "purpose_not_allowed", purpose[:80] if purpose else None),
        deps.clock.now(),
    )  # fmt: skip
    uow.commit()
    allowed = ", ".join(sorted(p.value for p in allowed_purposes(actor))) or "none"
    raise NotAuthorized(
        f"The purpose {purpose!r} is not one you may declare for vetting data (yours: {allowed}).",
        reason="purpose_not_allowed",
    )


def opened_sections(deps: Deps, uow: UnitOfWork, a: Assessment) -> dict[str, Any]:
    sections = [s for s in uow.cases.sections(a.id) if s.ciphertext is not None]
    if not sections:
        return {}
    key = person_key(deps, uow, a.person_id, create=False)
    return {
        s.section: unseal(key, deps, a.id, "questionnaire", s.section, s.ciphertext)
        for s in sections
        if s.ciphertext is not None
    }


def read_records(
    deps: Deps, actor: Subject, assessment_id: uuid.UUID, *, purpose: str,
    kinds: frozenset[VettingKind] = INVESTIGATION_KINDS | DECISION_KINDS,
) -> list[dict[str, Any]]:  # fmt: skip
    """Investigation records (inquiries, interview, report, return notes, change reports) and the
    decision's reasons, of this case and of a reused investigation. Audited with the purpose."""
    with deps.uow() as uow:
        a, decision = load(deps, uow, actor, assessment_id, Action.VETTING_READ, purpose=purpose,
                           for_update=False)  # fmt: skip
        check_purpose(deps, uow, actor, a, purpose)
        ids = [a.id] + ([a.reused_from_id] if a.reused_from_id else [])
        # A reused investigation: its findings, never the other agency's decision.
        records = [
            r for r in uow.cases.vetting(ids, kinds)
            if r.assessment_id == a.id or r.kind in INVESTIGATION_KINDS
        ]  # fmt: skip
        opened = open_records(deps, uow, a.person_id, records)
        record(deps, uow, actor, Action.VETTING_READ, f"assessment:{a.id}", decision,
               purpose=purpose, payload={"kinds": sorted({r.kind.value for r in records}),
                                         "records": len(records)})  # fmt: skip
        uow.commit()
        return opened


def purge(deps: Deps, actor: Subject, *, limit: int = 1000) -> int:
    """Destroy the vetting data of persons whose cases closed more than
    ``vetting_retention_years`` ago and who hold no live eligibility. Returns persons purged."""
    cutoff = years_before(deps.clock.now(), deps.regime.years("vetting_retention_years"))
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.VETTING_PURGE, Resource("vetting"))
        persons = uow.cases.purge_candidates(cutoff, limit)
        for person_id in persons:
            deleted = uow.cases.delete_vetting_for(person_id)
            uow.cases.destroy_key(person_id, deps.clock.now())
            record(deps, uow, actor, Action.VETTING_PURGE, f"person:{person_id}", decision,
                   payload={"records_deleted": deleted, "key_destroyed": True,
                            "cutoff": cutoff.isoformat()})  # fmt: skip
        uow.commit()
    return len(persons)
