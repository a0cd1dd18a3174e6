"""``SqlCaseRepository``: assessments and their case files over SQLAlchemy Core.

Row <-> domain conversion is explicit. ``update`` is optimistic: it matches the expected version
and raises ``Conflict`` when another transaction changed the assessment first.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict, fields
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, exists, func, insert, or_, select, update

from clearance.adapters.db import tables as t
from clearance.domain.assessment import (
    TERMINAL,
    Assessment,
    Eligibility,
    EligibilitySource,
    Origin,
    Outcome,
    Status,
    Trigger,
)
from clearance.domain.casefile import (
    AssessmentEvent,
    Complaint,
    ComplaintStatus,
    Decision,
    Notice,
    NoticeKind,
    QuestionnaireSection,
    Recipient,
    Roster,
    VettingKind,
    VettingRecord,
)
from clearance.domain.errors import Conflict
from clearance.services.ports import Page


def _values(obj: Any) -> dict[str, Any]:
    """Dataclass -> column values (enums as their values)."""
    out = {}
    for f in fields(obj):
        v = getattr(obj, f.name)
        out[f.name] = v.value if hasattr(v, "value") and not isinstance(v, bool) else v
    return out


def _assessment(r: Row[Any]) -> Assessment:
    m = r._mapping
    return Assessment(
        id=m["id"], person_id=m["person_id"], agency_id=m["agency_id"], origin=Origin(m["origin"]),
        employer_id=m["employer_id"], dispatching_employer_id=m["dispatching_employer_id"],
        trigger=Trigger(m["trigger"]), status=Status(m["status"]), status_since=m["status_since"],
        created_at=m["created_at"], version=m["version"],
        outcome=Outcome(m["outcome"]) if m["outcome"] else None, roster_id=m["roster_id"],
        previous_id=m["previous_id"], reused_from_id=m["reused_from_id"],
        investigation_reported_at=m["investigation_reported_at"], notified_at=m["notified_at"],
    )  # fmt: skip


def _eligibility(r: Row[Any]) -> Eligibility:
    m = dict(r._mapping)
    m["source"] = EligibilitySource(m["source"])
    return Eligibility(**m)


class SqlCaseRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- assessments -------------------------------------------------------------------------------

    def add(self, a: Assessment) -> None:
        self.conn.execute(insert(t.assessments).values(**_values(a)))

    def get(self, assessment_id: uuid.UUID, *, for_update: bool = False) -> Assessment | None:
        q = select(t.assessments).where(t.assessments.c.id == assessment_id)
        if for_update and self.conn.dialect.name == "postgresql":
            q = q.with_for_update()
        r = self.conn.execute(q).first()
        return _assessment(r) if r else None

    def update(self, a: Assessment, *, expected_version: int) -> None:
        values = _values(a)
        del values["id"]
        c = t.assessments.c
        res = self.conn.execute(
            update(t.assessments)
            .where(c.id == a.id, c.version == expected_version)
            .values(**values)
        )
        if res.rowcount != 1:
            raise Conflict("The assessment changed at the same time; reload it and retry.")

    def find(
        self, *, agency_id: uuid.UUID | None = None, employer_id: uuid.UUID | None = None,
        person_id: uuid.UUID | None = None, statuses: frozenset[Status] | None = None,
        limit: int = 50, offset: int = 0,
    ) -> Page[Assessment]:  # fmt: skip
        c = t.assessments.c
        cond = []
        if agency_id is not None:
            cond.append(c.agency_id == agency_id)
        if employer_id is not None:
            cond.append(c.employer_id == employer_id)
        if person_id is not None:
            cond.append(c.person_id == person_id)
        if statuses is not None:
            cond.append(c.status.in_(sorted(s.value for s in statuses)))
        total = self.conn.execute(select(func.count()).select_from(t.assessments).where(*cond))
        rows = self.conn.execute(
            select(t.assessments).where(*cond)
            .order_by(c.status_since, c.id).limit(limit).offset(offset)
        )  # fmt: skip
        return Page([_assessment(r) for r in rows], total.scalar_one(), limit, offset)

    def latest_investigation(
        self, person_id: uuid.UUID, *, since: dt.datetime
    ) -> Assessment | None:
        """The newest original (not itself reused) Cabinet Office investigation of the person
        reported at or after ``since``, in a case whose consent still stands."""
        c = t.assessments.c
        r = self.conn.execute(
            select(t.assessments)
            .where(
                c.person_id == person_id, c.investigation_reported_at >= since,
                c.reused_from_id.is_(None), c.status != Status.WITHDRAWN.value,
            )
            .order_by(c.investigation_reported_at.desc())
            .limit(1)
        ).first()  # fmt: skip
        return _assessment(r) if r else None

    def add_event(self, event: AssessmentEvent) -> None:
        self.conn.execute(insert(t.assessment_events).values(**_values(event)))

    def add_many(self, assessments: list[Assessment], events: list[AssessmentEvent]) -> None:
        """Bulk inserts (executemany) for a roster import."""
        if assessments:
            self.conn.execute(insert(t.assessments), [_values(a) for a in assessments])
        if events:
            self.conn.execute(insert(t.assessment_events), [_values(e) for e in events])

    def open_for(
        self, person_ids: list[uuid.UUID], agency_id: uuid.UUID
    ) -> dict[uuid.UUID, uuid.UUID]:
        c = t.assessments.c
        open_statuses = [s.value for s in Status if s not in TERMINAL]
        out: dict[uuid.UUID, uuid.UUID] = {}
        for i in range(0, len(person_ids), 500):
            rows = self.conn.execute(select(c.person_id, c.id).where(
                c.person_id.in_(person_ids[i:i + 500]), c.agency_id == agency_id,
                c.status.in_(open_statuses)))  # fmt: skip
            out.update({r[0]: r[1] for r in rows})
        return out

    def events(self, assessment_id: uuid.UUID) -> list[AssessmentEvent]:
        c = t.assessment_events.c
        rows = self.conn.execute(
            select(t.assessment_events).where(c.assessment_id == assessment_id).order_by(c.id)
        )
        return [
            AssessmentEvent(r.assessment_id, r.command, r.from_status, r.to_status, r.actor,
                            r.actor_account_id, r.at)
            for r in rows
        ]  # fmt: skip

    def add_roster(self, roster: Roster) -> None:
        self.conn.execute(insert(t.rosters).values(**asdict(roster)))

    # -- vetting content (ciphertext only) ---------------------------------------------------------

    def add_vetting(self, record: VettingRecord) -> None:
        self.conn.execute(insert(t.vetting_records).values(**_values(record)))

    def vetting(
        self, assessment_ids: list[uuid.UUID], kinds: frozenset[VettingKind] | None = None,
        ref: str | None = None,
    ) -> list[VettingRecord]:  # fmt: skip
        c = t.vetting_records.c
        cond: list[Any] = [c.assessment_id.in_(assessment_ids)]
        if kinds is not None:
            cond.append(c.kind.in_(sorted(k.value for k in kinds)))
        if ref is not None:
            cond.append(c.ref == ref)
        rows = self.conn.execute(
            select(t.vetting_records).where(*cond).order_by(c.created_at, c.id)
        )
        return [
            VettingRecord(r.id, r.assessment_id, r.person_id, VettingKind(r.kind), r.ref,
                          r.created_at, r.created_by, r.ciphertext)
            for r in rows
        ]  # fmt: skip

    def sections(self, assessment_id: uuid.UUID) -> list[QuestionnaireSection]:
        c = t.questionnaire_sections.c
        rows = self.conn.execute(
            select(t.questionnaire_sections).where(c.assessment_id == assessment_id)
        )
        return [QuestionnaireSection(**dict(r._mapping)) for r in rows]

    def put_section(self, section: QuestionnaireSection) -> None:
        c = t.questionnaire_sections.c
        values = asdict(section)
        res = self.conn.execute(
            update(t.questionnaire_sections)
            .where(c.assessment_id == section.assessment_id, c.section == section.section)
            .values(**values)
        )
        if res.rowcount == 0:
            self.conn.execute(insert(t.questionnaire_sections).values(**values))

    # -- decisions, notices, complaints ------------------------------------------------------------

    def put_decision(self, decision: Decision) -> None:
        values = _values(decision)
        c = t.decisions.c
        res = self.conn.execute(
            update(t.decisions).where(c.assessment_id == decision.assessment_id).values(**values)
        )
        if res.rowcount == 0:
            self.conn.execute(insert(t.decisions).values(**values))

    def get_decision(self, assessment_id: uuid.UUID) -> Decision | None:
        r = self.conn.execute(
            select(t.decisions).where(t.decisions.c.assessment_id == assessment_id)
        ).first()
        if r is None:
            return None
        m = dict(r._mapping)
        m["outcome"] = Outcome(m["outcome"])
        return Decision(**m)

    def add_notice(self, notice: Notice) -> None:
        self.conn.execute(insert(t.notices).values(**_values(notice)))

    def notices(self, assessment_id: uuid.UUID) -> list[Notice]:
        c = t.notices.c
        rows = self.conn.execute(
            select(t.notices).where(c.assessment_id == assessment_id).order_by(c.issued_at, c.id)
        )
        out = []
        for r in rows:
            m = dict(r._mapping)
            m["kind"], m["recipient"] = NoticeKind(m["kind"]), Recipient(m["recipient"])
            out.append(Notice(**m))
        return out

    def add_complaint(self, complaint: Complaint) -> None:
        self.conn.execute(insert(t.complaints).values(**_values(complaint)))

    @staticmethod
    def _complaint(r: Row[Any]) -> Complaint:
        m = dict(r._mapping)
        m["status"] = ComplaintStatus(m["status"])
        return Complaint(**m)

    def get_complaint(self, complaint_id: uuid.UUID) -> Complaint | None:
        r = self.conn.execute(select(t.complaints).where(t.complaints.c.id == complaint_id)).first()
        return self._complaint(r) if r else None

    def update_complaint(self, complaint: Complaint) -> None:
        values = _values(complaint)
        self.conn.execute(
            update(t.complaints).where(t.complaints.c.id == complaint.id).values(**values)
        )

    def complaints(
        self, *, agency_id: uuid.UUID | None, assessment_id: uuid.UUID | None = None,
        status: ComplaintStatus | None = None, limit: int = 50, offset: int = 0,
    ) -> Page[Complaint]:  # fmt: skip
        c = t.complaints.c
        cond = []
        if agency_id is not None:
            cond.append(c.agency_id == agency_id)
        if assessment_id is not None:
            cond.append(c.assessment_id == assessment_id)
        if status is not None:
            cond.append(c.status == status.value)
        total = self.conn.execute(select(func.count()).select_from(t.complaints).where(*cond))
        rows = self.conn.execute(
            select(t.complaints).where(*cond).order_by(c.filed_at, c.id).limit(limit).offset(offset)
        )
        return Page([self._complaint(r) for r in rows], total.scalar_one(), limit, offset)

    # -- eligibility -------------------------------------------------------------------------------

    def add_eligibility(self, e: Eligibility) -> None:
        self.conn.execute(insert(t.eligibilities).values(**_values(e)))

    def update_eligibility(self, e: Eligibility) -> None:
        values = _values(e)
        self.conn.execute(
            update(t.eligibilities).where(t.eligibilities.c.id == e.id).values(**values)
        )

    def eligibilities(
        self, person_id: uuid.UUID, agency_id: uuid.UUID | None = None
    ) -> list[Eligibility]:
        c = t.eligibilities.c
        cond = [c.person_id == person_id]
        if agency_id is not None:
            cond.append(c.agency_id == agency_id)
        rows = self.conn.execute(select(t.eligibilities).where(*cond).order_by(c.valid_from, c.id))
        return [_eligibility(r) for r in rows]

    # -- per-person data keys ----------------------------------------------------------------------

    def get_key(self, person_id: uuid.UUID) -> tuple[bytes | None, bool] | None:
        c = t.person_keys.c
        r = self.conn.execute(
            select(c.wrapped_key, c.destroyed_at).where(c.person_id == person_id)
        ).first()
        return (r.wrapped_key, r.destroyed_at is not None) if r else None

    def add_key(self, person_id: uuid.UUID, wrapped: bytes, at: dt.datetime) -> None:
        self.conn.execute(
            insert(t.person_keys).values(person_id=person_id, wrapped_key=wrapped, created_at=at)
        )

    def destroy_key(self, person_id: uuid.UUID, at: dt.datetime) -> None:
        self.conn.execute(
            update(t.person_keys)
            .where(t.person_keys.c.person_id == person_id)
            .values(wrapped_key=None, destroyed_at=at)
        )

    def purge_candidates(self, cutoff: dt.datetime, limit: int) -> list[uuid.UUID]:
        """Persons with a live data key whose every case closed before ``cutoff`` and whose every
        eligibility ended or expired before it."""
        k, a, e = t.person_keys.c, t.assessments.c, t.eligibilities.c
        open_case = exists().where(
            a.person_id == k.person_id,
            or_(a.status.notin_(sorted(s.value for s in TERMINAL)), a.status_since >= cutoff),
        )
        live_eligibility = exists().where(
            e.person_id == k.person_id,
            e.valid_until >= cutoff,
            or_(e.ended_at.is_(None), e.ended_at >= cutoff),
        )
        rows = self.conn.execute(
            select(k.person_id)
            .where(and_(k.wrapped_key.is_not(None), ~open_case, ~live_eligibility))
            .order_by(k.person_id)
            .limit(limit)
        )
        return [r.person_id for r in rows]

    def delete_vetting_for(self, person_id: uuid.UUID) -> int:
        n = self.conn.execute(
            delete(t.vetting_records).where(t.vetting_records.c.person_id == person_id)
        ).rowcount
        ids = select(t.assessments.c.id).where(t.assessments.c.person_id == person_id)
        n += self.conn.execute(
            delete(t.questionnaire_sections).where(
                t.questionnaire_sections.c.assessment_id.in_(ids)
            )
        ).rowcount
        return int(n)
