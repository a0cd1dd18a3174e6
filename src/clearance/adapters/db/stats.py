"""``SqlStatistics``: aggregate and follow-up queries for the annual report, the timeliness
dashboard and the reminder jobs. Counting happens in the database (GROUP BY over indexed columns),
so the report stays fast at national scale. Implements ``services.ports.Statistics``."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

from sqlalchemy import Connection, func, literal, or_, select, union_all

from clearance.adapters.db import tables as t
from clearance.adapters.db import tables_cesi as tc
from clearance.adapters.db import tables_ops as to
from clearance.adapters.db.cases import _eligibility
from clearance.domain.assessment import Eligibility
from clearance.domain.casefile import Complaint, ComplaintStatus
from clearance.domain.designation import day_start

# One row per figure: (section, agency_id or None, key, sub-key, count)
Figure = tuple[str, uuid.UUID | None, str, str, int]


class SqlStatistics:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    # -- the annual report ---------------------------------------------------------------------
    def annual_figures(
        self, start: dt.datetime, end: dt.datetime, first_day: dt.date, last_day: dt.date
    ) -> list[Figure]:
        """Every count of the report for the period [start, end) (the JST calendar year)."""
        d, de = tc.designations.c, tc.designation_events.c
        a, ae = t.assessments.c, t.assessment_events.c
        queries = [
            select(literal("designations"), d.agency_id, de.kind, d.category_code, func.count())
            .select_from(tc.designation_events.join(tc.designations, d.id == de.designation_id))
            .where(de.at >= start, de.at < end, de.kind.in_(["designate", "extend", "cancel"]))
            .group_by(d.agency_id, de.kind, d.category_code),
            select(literal("designations"), d.agency_id, literal("in_force"), d.category_code,
                   func.count())
            .where(d.start_on <= last_day, d.expires_on > last_day,
                   or_(d.cancelled_at.is_(None), d.cancelled_at >= end))
            .group_by(d.agency_id, d.category_code),
            select(literal("provisions"), d.agency_id, tc.provisions.c.basis, literal(""),
                   func.count())
            .select_from(tc.provisions.join(tc.designations,
                                            d.id == tc.provisions.c.designation_id))
            .where(tc.provisions.c.provided_at >= start, tc.provisions.c.provided_at < end)
            .group_by(d.agency_id, tc.provisions.c.basis),
            select(literal("assessments"), a.agency_id, ae.command, a.origin, func.count())
            .select_from(t.assessment_events.join(t.assessments, a.id == ae.assessment_id))
            .where(ae.at >= start, ae.at < end,
                   ae.command.in_(["request_investigation", "reuse_investigation", "refuse",
                                   "withdraw", "issue_notice"]))
            .group_by(a.agency_id, ae.command, a.origin),
            select(literal("results"), a.agency_id, a.outcome, a.origin, func.count())
            .select_from(t.assessment_events.join(t.assessments, a.id == ae.assessment_id))
            .where(ae.at >= start, ae.at < end, ae.command == "notify_result")
            .group_by(a.agency_id, a.outcome, a.origin),
            select(literal("complaints"), t.complaints.c.agency_id, literal("filed"), literal(""),
                   func.count())
            .where(t.complaints.c.filed_at >= start, t.complaints.c.filed_at < end)
            .group_by(t.complaints.c.agency_id),
            select(literal("complaints"), t.complaints.c.agency_id, literal("answered"),
                   literal(""), func.count())
            .where(t.complaints.c.answered_at >= start, t.complaints.c.answered_at < end)
            .group_by(t.complaints.c.agency_id),
            select(literal("certifications"), tc.certifications.c.agency_id,
                   tc.certification_events.c.command, literal(""), func.count())
            .select_from(tc.certification_events.join(
                tc.certifications,
                tc.certifications.c.id == tc.certification_events.c.certification_id))
            .where(tc.certification_events.c.at >= start, tc.certification_events.c.at < end,
                   tc.certification_events.c.command.in_(["apply", "certify", "refuse",
                                                          "suspend", "cancel"]))
            .group_by(tc.certifications.c.agency_id, tc.certification_events.c.command),
            select(literal("incidents"), tc.incidents.c.agency_id, tc.incidents.c.kind,
                   literal(""), func.count())
            .where(tc.incidents.c.reported_at >= start, tc.incidents.c.reported_at < end)
            .group_by(tc.incidents.c.agency_id, tc.incidents.c.kind),
            select(literal("oversight"), to.inspections.c.agency_id, literal("correction_requests"),
                   literal(""), func.count())
            .where(to.inspections.c.requested_at >= start, to.inspections.c.requested_at < end)
            .group_by(to.inspections.c.agency_id),
            select(literal("oversight"), literal(None, type_=d.agency_id.type),
                   literal("whistle_reports"), literal(""), func.count())
            .where(to.whistle_reports.c.received_at >= start, to.whistle_reports.c.received_at < end),
        ]  # fmt: skip
        rows = self.conn.execute(union_all(*queries))
        out: list[Figure] = [(r[0], r[1], r[2] or "", r[3] or "", int(r[4])) for r in rows if r[4]]
        # Expired in the period: the expiry instant (start of expires_on, JST) falls in it and no
        # cancellation came first. Few rows; compared here at the domain's own precision.
        expired: dict[tuple[uuid.UUID, str], int] = {}
        for agency, category, expires_on, cancelled_at in self.conn.execute(
            select(d.agency_id, d.category_code, d.expires_on, d.cancelled_at).where(
                d.expires_on >= first_day, d.expires_on <= last_day
            )
        ):
            if cancelled_at is None or cancelled_at >= day_start(expires_on):
                expired[(agency, category)] = expired.get((agency, category), 0) + 1
        out += [("designations", ag, "expired", cat, n) for (ag, cat), n in expired.items()]
        return out

    # -- timeliness ----------------------------------------------------------------------------
    def stage_events(
        self, *, agency_id: uuid.UUID | None, since: dt.datetime, until: dt.datetime
    ) -> Iterator[tuple[uuid.UUID, uuid.UUID, str, str, dt.datetime]]:
        """(assessment, agency, origin, status entered, when) for every assessment created in
        [since, until), in assessment and time order."""
        a, ae = t.assessments.c, t.assessment_events.c
        q = (
            select(a.id, a.agency_id, a.origin, ae.to_status, ae.at)
            .select_from(t.assessment_events.join(t.assessments, a.id == ae.assessment_id))
            .where(a.created_at >= since, a.created_at < until)
            .order_by(a.id, ae.at, ae.id)
        )
        if agency_id is not None:
            q = q.where(a.agency_id == agency_id)
        for r in self.conn.execute(q.execution_options(yield_per=5000)):
            yield r[0], r[1], r[2], r[3], r[4]

    # -- reminders -----------------------------------------------------------------------------
    def ending_eligibilities(self, after: dt.datetime, before: dt.datetime) -> list[Eligibility]:
        e = t.eligibilities.c
        rows = self.conn.execute(
            select(t.eligibilities)
            .where(e.ended_at.is_(None), e.valid_until > after, e.valid_until <= before)
            .order_by(e.valid_until)
        )
        return [_eligibility(r) for r in rows]

    def waiting_complaints(self, filed_before: dt.datetime) -> list[Complaint]:
        c = t.complaints.c
        rows = self.conn.execute(
            select(t.complaints)
            .where(c.filed_at <= filed_before, c.status != ComplaintStatus.ANSWERED.value)
            .order_by(c.filed_at)
        )
        return [Complaint(**{**r._mapping, "status": ComplaintStatus(r.status)}) for r in rows]

    def holders_without_inventory(self, since: dt.datetime) -> list[uuid.UUID]:
        """Organisations holding materials whose latest inventory is older than ``since``."""
        m, inv = tc.materials.c, to.inventories.c
        latest = select(inv.org_id, func.max(inv.at).label("last")).group_by(inv.org_id).subquery()
        q = (
            select(m.holder_org_id)
            .select_from(tc.materials.outerjoin(latest, latest.c.org_id == m.holder_org_id))
            .where(m.status == "held", or_(latest.c.last.is_(None), latest.c.last < since))
            .group_by(m.holder_org_id)
        )
        return [r[0] for r in self.conn.execute(q)]
