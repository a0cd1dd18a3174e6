"""The annual report (Art. 19): the year's figures on designations, provisions, assessments,
complaints, certifications, incidents and oversight, by agency, for the expert panel and the Diet.

Aggregates only: no person, no case, no designation title appears in it. The year is the JST
calendar year. Exports: JSON and CSV here, PDF and charts in the web layer.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain import exports
from clearance.domain.errors import FieldProblem, ValidationFailed
from clearance.domain.periods import JST
from clearance.services.context import Deps
from clearance.services.guard import authorize, record

# What each figure means (the keys of ``AnnualReport.totals``), in report order.
FIGURES: tuple[tuple[str, str], ...] = (
    ("designations", "designate"), ("designations", "extend"), ("designations", "cancel"),
    ("designations", "expired"), ("designations", "in_force"),
    ("provisions", "art6"), ("provisions", "art8"), ("provisions", "art9"),
    ("provisions", "art10"),
    ("assessments", "issue_notice"), ("assessments", "request_investigation"),
    ("assessments", "reuse_investigation"), ("assessments", "refuse"),
    ("assessments", "withdraw"),
    ("results", "favourable"), ("results", "unfavourable"),
    ("complaints", "filed"), ("complaints", "answered"),
    ("certifications", "apply"), ("certifications", "certify"), ("certifications", "refuse"),
    ("certifications", "suspend"), ("certifications", "cancel"),
    ("incidents", "loss"), ("incidents", "leak"), ("incidents", "suspected_leak"),
    ("incidents", "discrepancy"),
    ("oversight", "correction_requests"), ("oversight", "whistle_reports"),
)  # fmt: skip
# Sections whose sub-key says agency staff or operator employees.
BY_ORIGIN = frozenset({"assessments", "results"})


@dataclass(frozen=True)
class Row:
    section: str
    agency_code: str
    agency: str
    key: str
    sub: str
    count: int


@dataclass
class AnnualReport:
    year: int
    generated_at: dt.datetime
    rows: list[Row]
    totals: dict[str, dict[str, int]] = field(default_factory=dict)
    by_agency: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    by_origin: dict[str, dict[str, dict[str, int]]] = field(default_factory=dict)
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)

    def total(self, section: str, key: str) -> int:
        return self.totals.get(section, {}).get(key, 0)


MAX_YEAR = 2999


def build(deps: Deps, actor: Subject, *, year: int) -> AnnualReport:
    # From the Act's first year; up to 2999 (9999 overflowed the end of the year: a 500).
    if not 2025 <= year <= MAX_YEAR:
        raise ValidationFailed("Choose a year from 2025 (the Act took effect on 16 May 2025).",
                               (FieldProblem("year", "From 2025 to 2999.", "range"),))  # fmt: skip
    start = dt.datetime(year, 1, 1, tzinfo=JST)
    end = dt.datetime(year + 1, 1, 1, tzinfo=JST)
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.REPORT_READ, Resource("report"))
        figures = uow.stats.annual_figures(start, end, dt.date(year, 1, 1), dt.date(year, 12, 31))
        orgs = {o.id: o for o in uow.orgs.list(kind=None, q=None, limit=10_000, offset=0).items}
        record(deps, uow, actor, Action.REPORT_READ, f"report:{year}", decision)
        uow.commit()
    report = AnnualReport(year, deps.clock.now(), [])
    for section, agency_id, key, sub, count in figures:
        org = orgs.get(agency_id) if isinstance(agency_id, uuid.UUID) else None
        report.rows.append(Row(section, org.code if org else "", org.name_ja if org else "",
                               key, sub, count))  # fmt: skip
        totals = report.totals.setdefault(section, {})
        totals[key] = totals.get(key, 0) + count
        if org is not None:
            per = report.by_agency.setdefault(org.code, {}).setdefault(section, {})
            per[key] = per.get(key, 0) + count
        if section in BY_ORIGIN:
            o = report.by_origin.setdefault(sub, {}).setdefault(section, {})
            o[key] = o.get(key, 0) + count
        if section == "designations":
            c = report.by_category.setdefault(sub, {})
            c[key] = c.get(key, 0) + count
    report.rows.sort(key=lambda r: (r.section, r.agency_code, r.key, r.sub))
    return report


def as_json(report: AnnualReport) -> dict[str, Any]:
    return {
        "year": report.year,
        "generated_at": report.generated_at.isoformat(),
        "period": {"from": f"{report.year}-01-01T00:00:00+09:00",
                   "until": f"{report.year + 1}-01-01T00:00:00+09:00"},
        "totals": {s: {k: report.total(s, k) for (s2, k) in FIGURES if s2 == s}
                   for s in dict.fromkeys(s for s, _ in FIGURES)},
        "by_agency": report.by_agency,
        "by_origin": report.by_origin,
        "by_category": report.by_category,
        "rows": [r.__dict__ for r in report.rows],
    }  # fmt: skip


def as_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["year", "section", "agency_code", "agency", "figure", "breakdown", "count"])
    for r in report.rows:
        w.writerow(exports.row([report.year, r.section, r.agency_code, r.agency, r.key, r.sub,
                                r.count]))  # fmt: skip
    return BOM + out.getvalue()


# Excel on Japanese Windows reads a CSV without a byte-order mark as Shift_JIS and garbles it.
BOM = "\ufeff"
