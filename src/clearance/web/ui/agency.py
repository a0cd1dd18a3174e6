"""Agency and oversight pages: complaints (review and answer), certification of qualified business
operators (the company's application and change reports, the agency's review and contracts), and
the inspector's read-only oversight page (audit verification status, ledger statistics).
Imports: services, web.ui.
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.errors import ClearanceError, NotFound
from clearance.domain.organisations import OrgKind, Role
from clearance.domain.records import CERT_TRANSITIONS, CRITERIA, CertStatus
from clearance.services import audit, directory
from clearance.services.assessments import complaints, eligibility
from clearance.services.cesi import designations, operators
from clearance.web.ui import labels, notices, pdf
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, path_id
from clearance.web.ui.designations import after, state

router = APIRouter(route_class=UiRoute, include_in_schema=False)


# -- complaints ---------------------------------------------------------------------------------
def complaints_page(u: Ui, opened: uuid.UUID | None = None, **extra: Any) -> Response:
    page = complaints.list_complaints(u.deps, u.subject, limit=50)
    detail = None
    if opened is not None:
        detail = complaints.read(u.deps, u.subject, opened, purpose="complaint_handling")
    return u.render("complaints.html", page=page, detail=detail, **extra)


@router.get("/complaints")
def complaint_list(u: UiDep) -> Response:
    return complaints_page(u)


@router.get("/complaints/{complaint_id}")
def complaint_detail(u: UiDep, complaint_id: str) -> Response:
    return complaints_page(u, path_id(complaint_id, "complaint"))


@router.post("/complaints/{complaint_id}/{step}")
def complaint_step(u: UiDep, complaint_id: str, step: str) -> Response:
    c_id = path_id(complaint_id, "complaint")
    try:
        if step == "review":
            complaints.start_review(u.deps, u.subject, c_id)
        elif step == "answer":
            text = u.text("text", max_length=8000)
            u.check()
            complaints.answer(u.deps, u.subject, c_id, text=text)
        else:
            raise NotFound("step", step)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: complaints_page(ui, c_id, **kw), exc)
    return done(f"/complaints/{c_id}", "saved")


# -- eligibility: the agency's own records, and SDS results recorded for CESI -------------------
def eligibility_page(u: Ui, **extra: Any) -> Response:
    """The agency's people with their eligibility for this agency (CESI result or SDS result),
    each period shown by its last valid day; the form records a favourable SDS result."""
    people = directory.list_persons(u.deps, u.subject, limit=200).items
    rows = [(p, e) for p in people
            for e in eligibility.eligibilities(u.deps, u.subject, person_id=p.id,
                                               agency_id=u.subject.org_id)]  # fmt: skip
    choices = [(str(p.id), f"{p.family_name} {p.given_name}") for p in people]
    return u.render("eligibility.html", rows=rows, people=choices, now=u.deps.clock.now(),
                    **extra)  # fmt: skip


@router.get("/eligibility")
def eligibility_list(u: UiDep) -> Response:
    return eligibility_page(u)


@router.post("/eligibility/sds")
def record_sds(u: UiDep) -> Response:
    try:
        person, notified = u.id("person_id"), u.day("sds_notified_on")
        reference = u.text("reference", max_length=100)
        u.check()
        eligibility.record_sds(u.deps, u.subject, person_id=person, sds_notified_on=notified,
                               reference=reference)  # fmt: skip
    except ClearanceError as exc:
        return u.failed(eligibility_page, exc)
    return done("/eligibility", "saved")


# -- certification ------------------------------------------------------------------------------
def certifications_page(u: Ui, **extra: Any) -> Response:
    certs = operators.certifications(u.deps, u.subject)
    orgs = directory.list_organisations(u.deps, u.subject, limit=200).items
    names = {str(o.id): (o.name_ja if u.lang == "ja" else o.name_en) for o in orgs}
    contracts = {c.id: operators.contracts(u.deps, u.subject, c.id) for c in certs}
    agency = u.has(Role.CERTIFICATION_OFFICER)
    ledger = designations.ledger(u.deps, u.subject, limit=200) if agency else []
    # Only the steps the certification's state allows (the same table the service enforces).
    steps = {c.id: [(k, t) for k, t in labels.CERT_STEP.items()
                    if c.status in CERT_TRANSITIONS[k][0]] for c in certs}  # fmt: skip
    may_apply = {c.id for c in certs if c.status in CERT_TRANSITIONS["apply"][0]}
    return u.render("certifications.html", certs=certs, names=names, contracts=contracts,
                    agency=agency, criteria=CRITERIA, steps=steps, may_apply=may_apply,
                    operators_=[(str(o.id), names[str(o.id)]) for o in orgs
                                if o.kind is OrgKind.QUALIFIED_OPERATOR],
                    designations=[(str(d.id), f"{d.document_number} {d.title}") for d in ledger],
                    **extra)  # fmt: skip


@router.get("/certifications/{cert_id}/notice.pdf")
def certification_notice_pdf(u: UiDep, cert_id: str) -> Response:
    c_id = path_id(cert_id, "certification")
    cert = next((c for c in operators.certifications(u.deps, u.subject) if c.id == c_id), None)
    if cert is None or cert.status is not CertStatus.CERTIFIED:
        raise NotFound("certification", c_id)
    org = directory.get_organisation(u.deps, u.subject, cert.operator_id)
    body = notices.certification_notice(u, cert, operator=org.name_ja if u.lang == "ja"
                                        else org.name_en, agency_id=cert.agency_id)  # fmt: skip
    return pdf.response(body, f"certification-{c_id}.pdf")


@router.get("/certifications")
def certification_list(u: UiDep) -> Response:
    return certifications_page(u)


@router.post("/certifications")
def certification_propose(u: UiDep) -> Response:
    try:
        operator = u.id("operator_id")
        u.check()
        operators.propose(u.deps, u.subject, operator_id=operator)
    except ClearanceError as exc:
        return u.failed(certifications_page, exc)
    return done("/certifications", "saved")


@router.post("/certifications/{cert_id}/{step}")
def certification_step(u: UiDep, cert_id: str, step: str) -> Response:
    c_id = path_id(cert_id, "certification")
    try:
        if step == "application":
            checklist = {k: {"met": u.flag(f"met_{k}"), "note": u.text(f"note_{k}", required=False)}
                         for k in CRITERIA}  # fmt: skip
            u.check()
            operators.apply(u.deps, u.subject, c_id, checklist=checklist)
        elif step == "change":
            summary = u.text("summary")
            u.check()
            operators.report_change(u.deps, u.subject, c_id, summary=summary)
        elif step == "contract":
            # The form asks for the last day in force, as the pages print it; the ledger keeps
            # the first day no longer in force (exclusive), as for designations.
            reference, start = u.text("reference"), u.day("start_on")
            end = after(u.day("end_on"))
            chosen = [path_id(v, "designation") for v in u.many("designation_ids")]
            departments = [d.strip() for d in u.text("departments").split(",") if d.strip()]
            sites = [s.strip() for s in u.text("sites", required=False).split(",") if s.strip()]
            u.check()
            operators.create_contract(u.deps, u.subject, c_id, reference=reference,
                                      designation_ids=chosen, departments=departments,
                                      sites=sites, start_on=start, end_on=end)  # fmt: skip
        elif step == "end-contract":
            operators.end_contract(u.deps, u.subject, u.id("contract_id"))
        elif step in labels.CERT_STEP:
            operators.decide(u.deps, u.subject, c_id, step,
                             note=u.text("note", required=False) or None)  # fmt: skip
        else:
            raise NotFound("step", step)
    except ClearanceError as exc:
        return u.failed(certifications_page, exc)
    return done("/certifications", "saved")


# -- oversight ----------------------------------------------------------------------------------
@router.get("/oversight")
def oversight(u: UiDep) -> Response:
    report = audit.verify_log(u.deps, u.subject)
    stats: list[dict[str, Any]] = []
    if u.has(Role.INSPECTOR):
        now = u.deps.clock.now()
        for org in directory.list_organisations(u.deps, u.subject,
                                                kind=OrgKind.ADMINISTRATIVE_ORGAN, limit=200).items:  # fmt: skip
            rows = designations.ledger(u.deps, u.subject, agency_id=org.id, limit=200)
            counts = Counter(state(d, now) for d in rows)
            stats.append({"agency": org.name_ja if u.lang == "ja" else org.name_en,
                          "id": org.id, "counts": counts, "total": len(rows)})  # fmt: skip
    return u.render("oversight.html", report=report, stats=stats)
