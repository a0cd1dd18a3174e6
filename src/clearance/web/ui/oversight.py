"""Oversight pages: the annual report with charts and its CSV, JSON and PDF exports; the
timeliness dashboard; the Inspector's inspections and the agency's answers; the whistle-blowing
form and the Inspector's reading of it; reminders and the organisation's contact address.
Charts are SVG drawn on the server (no script, nothing inline). Imports: services, web.ui.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain import dates
from clearance.domain.errors import ClearanceError
from clearance.domain.organisations import Role
from clearance.domain.periods import JST
from clearance.services import directory
from clearance.services.cesi import designations
from clearance.services.oversight import inspections, reminders, report, timeliness
from clearance.web.ui import pdf, sheets
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)


def bars(items: list[tuple[str, float]], width: int = 360) -> list[dict[str, Any]]:
    """Horizontal bars scaled to the largest value, for an SVG chart."""
    top = max([v for _, v in items] + [1])
    return [{"label": label, "value": value, "y": i * 26, "w": round(width * value / top, 1)}
            for i, (label, value) in enumerate(items)]  # fmt: skip


def _year(u: Ui, raw: str | None) -> int:
    this = u.deps.clock.now().astimezone(JST).year
    return int(raw) if raw and raw.isdigit() and len(raw) == 4 else this


def org_names(u: Ui) -> dict[str, str]:
    """Agencies by their names, as people call them (the code is the key, not what is shown)."""
    orgs = directory.list_organisations(u.deps, u.subject, limit=200).items
    return {o.code: (o.name_ja if u.lang == "ja" else o.name_en) for o in orgs}


@router.get("/report")
def annual(u: UiDep, year: str = "") -> Response:
    r = report.build(u.deps, u.subject, year=_year(u, year))
    charts = {
        section: bars([(key, float(r.total(section, key))) for s, key in report.FIGURES
                       if s == section])
        for section in dict.fromkeys(s for s, _ in report.FIGURES)
    }  # fmt: skip
    return u.render("report.html", r=r, charts=charts, figures=report.FIGURES, names=org_names(u),
                    sections=list(charts))  # fmt: skip


@router.get("/report/{year}.csv")
def annual_csv(u: UiDep, year: int) -> Response:
    body = report.as_csv(report.build(u.deps, u.subject, year=year))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="annual-report-{year}.csv"'})  # fmt: skip


@router.get("/report/{year}.json")
def annual_json(u: UiDep, year: int) -> Response:
    body = json.dumps(report.as_json(report.build(u.deps, u.subject, year=year)),
                      ensure_ascii=False, indent=2)  # fmt: skip
    return Response(body, media_type="application/json", headers={
        "content-disposition": f'attachment; filename="annual-report-{year}.json"'})  # fmt: skip


@router.get("/report/{year}.xlsx")
def annual_xlsx(u: UiDep, year: int) -> Response:
    from clearance.web.ui import labels

    r = report.build(u.deps, u.subject, year=year)
    _ = u._
    rows = [[_(labels.REPORT_SECTION[s]), _(labels.REPORT_FIGURE.get(f"{s}.{key}", key)),
             r.total(s, key)] for s, key in report.FIGURES]  # fmt: skip
    body = sheets.workbook(str(year), [_("Section"), _("Figure"), _("Count")], rows)
    return Response(body, media_type=sheets.XLSX_MEDIA, headers={
        "content-disposition": pdf.disposition("attachment", f"annual-report-{year}.xlsx")})  # fmt: skip


@router.get("/report/{year}.pdf")
def annual_pdf(u: UiDep, year: int) -> Response:
    from clearance.web.ui import labels

    r = report.build(u.deps, u.subject, year=year)
    _ = u._
    # The calendar year as the page's language writes it: 令和8年 / 2026.
    when = dates.era_year(dt.date(year, 1, 1)) if u.lang == "ja" else str(year)
    title = _("Annual report on Critical Economic Security Information")
    doc = pdf.Document(u, f"{title} {when}")
    doc.line(_("Figures for the calendar year (Japan time), by section. Aggregates only."), 9)
    for section in dict.fromkeys(s for s, _k in report.FIGURES):
        doc.line(_(labels.REPORT_SECTION[section]), 12)
        figures = [(_(labels.REPORT_FIGURE.get(f"{section}.{key}", key)), r.total(section, key))
                   for s, key in report.FIGURES if s == section]  # fmt: skip
        doc.bars(figures)
        doc.table([_("Figure"), _("Count")], [[label, str(n)] for label, n in figures])
    names = org_names(u)
    doc.line(_("By agency"), 12)
    doc.table(
        [_("Agency"), _("New designations"), _("In force at the end of the year"),
         _("Investigations requested"), _("Favourable"), _("Unfavourable")],
        [[names.get(code, ""), str(per.get("designations", {}).get("designate", 0)),
          str(per.get("designations", {}).get("in_force", 0)),
          str(per.get("assessments", {}).get("request_investigation", 0)),
          str(per.get("results", {}).get("favourable", 0)),
          str(per.get("results", {}).get("unfavourable", 0))]
         for code, per in sorted(r.by_agency.items())],
    )  # fmt: skip
    return pdf.response(doc.bytes(), f"annual-report-{year}.pdf")


@router.get("/timeliness")
def dashboard(u: UiDep, days: int = 365) -> Response:
    until = u.deps.clock.now() + dt.timedelta(days=1)
    since = until - dt.timedelta(days=max(1, min(days, 3660)))
    t = timeliness.compute(u.deps, u.subject, since=since, until=until)
    chart = bars([(f"{s.agency_code} {s.stage}", s.p90_days or 0.0) for s in t.stages])
    return u.render("timeliness.html", t=t, chart=chart, days=days, names=org_names(u))


# -- inspections ----------------------------------------------------------------------------------
def inspections_page(u: Ui, **extra: Any) -> Response:
    rows = inspections.inspections(u.deps, u.subject)
    ledger = []
    if u.has(Role.INSPECTOR):
        from clearance.domain.organisations import OrgKind

        for org in directory.list_organisations(u.deps, u.subject,
                                                kind=OrgKind.ADMINISTRATIVE_ORGAN, limit=200).items:  # fmt: skip
            ledger += [(str(d.id), f"{d.document_number} {d.title}")
                       for d in designations.ledger(u.deps, u.subject, agency_id=org.id, limit=200)]  # fmt: skip
    return u.render("inspections.html", rows=rows, ledger=ledger,
                    inspector=u.has(Role.INSPECTOR), **extra)  # fmt: skip


@router.get("/inspections")
def inspection_list(u: UiDep) -> Response:
    return inspections_page(u)


@router.post("/inspections")
def inspection_open(u: UiDep) -> Response:
    try:
        d_id, findings = u.id("designation_id"), u.text("findings", max_length=8000)
        u.check()
        inspections.open_inspection(u.deps, u.subject, designation_id=d_id, findings=findings)
    except ClearanceError as exc:
        return u.failed(inspections_page, exc)
    return done("/inspections", "saved")


@router.post("/inspections/{inspection_id}/{command}")
def inspection_step(u: UiDep, inspection_id: str, command: str) -> Response:
    iid = path_id(inspection_id, "inspection")
    try:
        text = u.text("text", required=command != "close", max_length=8000)
        u.check()
        inspections.step(u.deps, u.subject, iid, command, text=text)
    except ClearanceError as exc:
        return u.failed(inspections_page, exc)
    return done("/inspections", "saved")


# -- whistle-blowing ------------------------------------------------------------------------------
def whistle_page(u: Ui, **extra: Any) -> Response:
    listed = inspections.reports(u.deps, u.subject) if u.has(Role.INSPECTOR) else []
    return u.render("whistle.html", listed=listed, **extra)


@router.get("/whistle")
def whistle(u: UiDep) -> Response:
    return whistle_page(u)


@router.post("/whistle")
def whistle_file(u: UiDep) -> Response:
    try:
        text, contact = (
            u.text("text", max_length=20_000),
            u.text("contact", required=False, max_length=300),
        )
        u.check()
        inspections.file_report(u.deps, u.subject, text=text, contact=contact)
    except ClearanceError as exc:
        return u.failed(whistle_page, exc)
    return done("/whistle", "submitted")


@router.get("/whistle/{report_id}")
def whistle_open(u: UiDep, report_id: str) -> Response:
    rid = path_id(report_id, "report")
    return whistle_page(u, opened=inspections.open_report(u.deps, u.subject, rid))


# -- reminders ------------------------------------------------------------------------------------
def reminders_page(u: Ui, **extra: Any) -> Response:
    rows = reminders.for_my_org(u.deps, u.subject)
    return u.render("reminders.html", rows=rows, **extra)


@router.get("/reminders")
def reminder_list(u: UiDep) -> Response:
    return reminders_page(u)


@router.post("/reminders/contact")
def contact(u: UiDep) -> Response:
    try:
        email = u.text("email", max_length=320)
        u.check()
        reminders.set_contact(u.deps, u.subject, org_id=u.subject.org_id or uuid.UUID(int=0),
                              email=email)  # fmt: skip
    except ClearanceError as exc:
        return u.failed(reminders_page, exc)
    return done("/reminders", "saved")
