"""The company security officer's roster pages: employees' assessments as results only, candidates,
listing consents, the roster, the CSV upload with a preview of every problem, and the notice of the
result to the employer as PDF. Imports: services, web.ui.
"""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from fastapi import APIRouter, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from clearance.domain.errors import ClearanceError, FieldProblem, NotFound, ValidationFailed
from clearance.domain.organisations import OrgKind
from clearance.services import directory
from clearance.services.assessments import cases, roster
from clearance.web.ui import notices, pdf, sheets
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, paging, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)
MAX_UPLOAD = 2_000_000


def agencies(u: Ui) -> list[tuple[str, str]]:
    page = directory.list_organisations(u.deps, u.subject, kind=OrgKind.ADMINISTRATIVE_ORGAN,
                                        limit=200)  # fmt: skip
    return [(str(o.id), o.name_ja if u.lang == "ja" else o.name_en) for o in page.items]


def employees_page(u: Ui, preview: list[dict[str, Any]] | None = None, q: str = "",
                   **extra: Any) -> Response:  # fmt: skip
    raw = u.request.query_params.get("offset", "0")
    offset = int(raw) if raw.isdigit() else 0
    page = cases.list_for_employer(u.deps, u.subject, limit=200 if q else 25, offset=offset)
    items = [v for v in page.items if q in v.person_name] if q else page.items
    people = directory.list_persons(u.deps, u.subject, limit=200).items
    return u.render("employees.html", items=items, paging=paging(page), q=q, agencies=agencies(u),
                    people=[(str(p.id), f"{p.family_name} {p.given_name}") for p in people],
                    preview=preview, **extra)  # fmt: skip


@router.get("/employees")
def employees(u: UiDep) -> Response:
    return employees_page(u)


@router.post("/employees/search")
def search(u: UiDep) -> Response:
    """Search by name with POST, so that names stay out of URLs, logs and browser history."""
    return employees_page(u, q=u.text("q", required=False, max_length=100))


@router.post("/employees/candidates")
def add_candidate(u: UiDep) -> Response:
    try:
        person, agency = u.id("person_id"), u.id("agency_id")
        u.check()
        roster.add_candidate(u.deps, u.subject, person_id=person, agency_id=agency)
    except ClearanceError as exc:
        return u.failed(employees_page, exc)
    return done("/employees", "saved")


@router.post("/employees/{assessment_id}/listing-consent")
def listing_consent(u: UiDep, assessment_id: str) -> Response:
    try:
        roster.record_listing_consent(
            u.deps, u.subject, path_id(assessment_id, "assessment"), given=u.flag("given")
        )
    except ClearanceError as exc:
        return u.failed(employees_page, exc)
    return done("/employees", "saved")


@router.post("/employees/roster")
def submit_roster(u: UiDep) -> Response:
    try:
        agency = u.id("agency_id")
        chosen = u.many("assessment_ids")
        if not chosen:
            u.problems.append(FieldProblem("assessment_ids", "Choose at least one.", "required"))
        u.check()
        roster.submit_roster(u.deps, u.subject, agency_id=agency,
                             assessment_ids=[path_id(a, "assessment") for a in chosen])  # fmt: skip
    except ClearanceError as exc:
        return u.failed(employees_page, exc)
    return done("/employees", "submitted")


def _decoded(raw: bytes) -> tuple[str, str]:
    """The roster's CSV text and what it was read as: an Excel workbook (.xlsx, first sheet), or
    CSV in UTF-8 (with or without a BOM) or Shift_JIS (CP932), detected, never guessed."""
    if sheets.is_xlsx(raw):
        return sheets.xlsx_to_csv(raw), "Excel (.xlsx)"
    return roster.decode_csv(raw)


def _shown(raw: bytes) -> tuple[str, str]:
    try:
        return _decoded(raw)
    except ValidationFailed:
        return ("", "") if sheets.is_xlsx(raw) else (raw.decode("utf-8", "replace"), "")


TEMPLATE_ROW = ("田中", "花子", "タナカ", "ハナコ", "1990-04-01", "2026-04-01", "")
TEMPLATES = {"utf-8": ("utf-8", "UTF-8"), "utf-8-bom": ("utf-8-sig", "UTF-8 (BOM)"),
             "shift_jis": ("cp932", "Shift_JIS")}  # fmt: skip


@router.get("/employees/roster-template.{kind}")
def roster_template(u: UiDep, kind: str) -> Response:
    """The roster's columns with one example row, as .xlsx or as CSV in the encoding asked for."""
    if kind == "xlsx":
        body = sheets.workbook("roster", roster.CSV_COLUMNS, [TEMPLATE_ROW])
        return Response(body, media_type=sheets.XLSX_MEDIA, headers={
            "content-disposition": pdf.disposition("attachment", "roster-template.xlsx")})  # fmt: skip
    encoding = u.request.query_params.get("encoding", "utf-8-bom")
    if kind != "csv" or encoding not in TEMPLATES:
        raise NotFound("template", kind)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(roster.CSV_COLUMNS)
    w.writerow(TEMPLATE_ROW)
    body_bytes = out.getvalue().encode(TEMPLATES[encoding][0])
    return Response(body_bytes, media_type="text/csv", headers={
        "content-disposition": pdf.disposition("attachment", f"roster-template-{encoding}.csv")})  # fmt: skip


def _rows(text: str) -> list[dict[str, Any]]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    return [{"n": n, "cells": row} for n, row in enumerate(reader)][:1001]


@router.post("/employees/roster-import")
async def import_csv(u: UiDep, file: UploadFile | None = None) -> Response:
    raw = await file.read(MAX_UPLOAD + 1) if file is not None else b""
    try:
        agency = u.id("agency_id")
        if not raw:
            u.problems.append(FieldProblem("file", "Choose a CSV file.", "required"))
        u.check()
        text, encoding = _decoded(raw)
        # The import is synchronous database work: off the event loop, like the API's.
        result = await run_in_threadpool(roster.import_roster_csv, u.deps, u.subject,
                                         agency_id=agency, text=text)  # fmt: skip
    except ValidationFailed as exc:
        shown, encoding = _shown(raw)
        rows = _rows(shown) if raw else []
        bad: dict[int, list[FieldProblem]] = {}
        for p in exc.problems:
            parts = p.field.split(".")
            if parts[0] == "rows" and len(parts) > 1 and parts[1].isdigit():
                bad.setdefault(int(parts[1]), []).append(p)
        for r in rows:
            r["problems"] = bad.get(r["n"], [])
        return u.failed(lambda ui, **kw: employees_page(ui, rows, encoding=encoding, **kw), exc)
    except ClearanceError as exc:
        return u.failed(employees_page, exc)
    return done(f"/employees?imported={len(result.assessments)}", "submitted")


@router.get("/employees/{assessment_id}/notice.pdf")
def employer_notice_pdf(u: UiDep, assessment_id: str) -> Response:
    view = cases.get_result(u.deps, u.subject, path_id(assessment_id, "assessment"))
    employer = directory.get_organisation(u.deps, u.subject, u.subject.org_id or uuid.uuid4())
    body = notices.employer_notice(
        u, view, employer=employer.name_ja if u.lang == "ja" else employer.name_en
    )
    return pdf.response(body, f"employer-notice-{view.assessment_id}.pdf")
