"""The designation ledger (指定管理簿): list with search, filters and pages; designate, extend,
cancel; provisions with their legal basis; expiry and cancellation notices and their
acknowledgement; the designation document as PDF. The inspector sees the same ledger read-only
(the services refuse any change). Imports: services, web.ui.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain.designation import Marking, ProvisionBasis
from clearance.domain.errors import ClearanceError, FieldProblem, NotFound
from clearance.domain.organisations import OrgKind, Role
from clearance.services import directory
from clearance.services.cesi import designations, operators
from clearance.web.ui import labels, notices, pdf
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)


def categories(u: Ui) -> list[tuple[str, str]]:
    return [(c.code, c.label(u.lang)) for c in u.deps.regime.categories]


def after(last_day: dt.date) -> dt.date:
    """The form asks for the last day in force, as the pages print the term; the ledger keeps the
    first day no longer in force (``Designation.expires_on``, exclusive)."""
    return last_day if last_day == dt.date.min else last_day + dt.timedelta(days=1)


def state(d: Any, now: Any) -> str:
    if d.cancelled_at is not None:
        return "cancelled"
    return "in_force" if d.in_force(now) else "expired"


def ledger_page(u: Ui, search: bool = False, **extra: Any) -> Response:
    """The ledger. A search by title comes by POST (``/designations/search``): titles stay out of
    URLs, logs and browser history, and its answer is one page of up to 200 rows."""
    params: Any = u.form if search and u.form is not None else u.request.query_params
    q, want = (str(params.get("q") or "")).strip()[:100], str(params.get("state") or "")
    agency = params.get("agency") or ""
    offset = (
        max(0, int(params.get("offset", "0") or 0))
        if (params.get("offset") or "0").isdigit()
        else 0
    )
    agency_id = None
    if u.has(Role.INSPECTOR):
        orgs = directory.list_organisations(u.deps, u.subject, kind=OrgKind.ADMINISTRATIVE_ORGAN,
                                            limit=200).items  # fmt: skip
        agencies = [(str(o.id), o.name_ja if u.lang == "ja" else o.name_en) for o in orgs]
        agency_id = (
            uuid.UUID(agency) if agency in dict(agencies) else (orgs[0].id if orgs else None)
        )
    else:
        agencies = []
    rows = designations.ledger(u.deps, u.subject, agency_id=agency_id, limit=200, offset=0)
    now = u.deps.clock.now()
    rows = [d for d in rows if (not q or q in d.title or q in d.document_number)
            and (not want or state(d, now) == want)]  # fmt: skip
    size = 200 if q else 25
    shown = rows[offset : offset + size]
    paging = {"offset": offset, "limit": size, "count": len(shown), "total": len(rows),
              "more": offset + size < len(rows)}  # fmt: skip
    return u.render("designations.html", rows=shown, paging=paging, q=q, want=want, now=now,
                    state=state, categories=categories(u), agencies=agencies,
                    agency=str(agency_id or ""), markings=[m.value for m in Marking],
                    may_manage=u.has(Role.CESI_MANAGER), **extra)  # fmt: skip


@router.get("/designations")
def ledger(u: UiDep) -> Response:
    return ledger_page(u)


@router.post("/designations/search")
def search(u: UiDep) -> Response:
    return ledger_page(u, search=True)


@router.post("/designations")
def designate(u: UiDep) -> Response:
    try:
        category, number, title = (
            u.text("category_code"),
            u.text("document_number"),
            u.text("title"),
        )
        marking, start, expires = u.text("marking"), u.day("start_on"), after(u.day("expires_on"))
        if marking and marking not in {m.value for m in Marking}:
            u.problems.append(FieldProblem("marking", "Choose one of the options.", "choice"))
        u.check()
        d = designations.designate(u.deps, u.subject, category_code=category,
                                   document_number=number, title=title, marking=Marking(marking),
                                   start_on=start, expires_on=expires)  # fmt: skip
    except ClearanceError as exc:
        return u.failed(ledger_page, exc)
    return done(f"/designations/{d.id}", "saved")


def detail_page(u: Ui, designation_id: uuid.UUID, **extra: Any) -> Response:
    d = designations.get(u.deps, u.subject, designation_id)
    provisions = designations.provisions(u.deps, u.subject, designation_id=d.id)
    notices = designations.notices(u.deps, u.subject, designation_id=d.id)
    orgs = directory.list_organisations(u.deps, u.subject, limit=200).items
    names = {str(o.id): (o.name_ja if u.lang == "ja" else o.name_en) for o in orgs}
    contracts: list[tuple[str, str]] = []
    if u.has(Role.CESI_MANAGER):
        for c in operators.certifications(u.deps, u.subject):
            contracts += [(str(k.id), f"{k.reference} ({names.get(str(k.operator_id), '')})")
                          for k in operators.contracts(u.deps, u.subject, c.id)
                          if str(d.id) in map(str, k.designation_ids) and k.ended_at is None]  # fmt: skip
    return u.render("designation.html", d=d, state=state(d, u.deps.clock.now()),
                    provisions=provisions, notices=notices, names=names, contracts=contracts,
                    bases=[(b.value, u._(labels.BASIS[b.value])) for b in ProvisionBasis],
                    recipients=[(str(o.id), names[str(o.id)]) for o in orgs
                                if o.kind in (OrgKind.ADMINISTRATIVE_ORGAN, OrgKind.QUALIFIED_OPERATOR)],
                    may_manage=u.has(Role.CESI_MANAGER), **extra)  # fmt: skip


@router.get("/designations/{designation_id}")
def detail(u: UiDep, designation_id: str) -> Response:
    return detail_page(u, path_id(designation_id, "designation"))


@router.post("/designations/{designation_id}/{step}")
def designation_step(u: UiDep, designation_id: str, step: str) -> Response:
    d_id = path_id(designation_id, "designation")
    try:
        if step == "extension":
            expires = after(u.day("expires_on"))
            approval_on = u.date("cabinet_approval_on", required=False)
            ref = u.text("cabinet_approval_ref", required=False) or None
            u.check()
            designations.extend(u.deps, u.subject, d_id, expires_on=expires,
                                cabinet_approval_on=approval_on, cabinet_approval_ref=ref)  # fmt: skip
        elif step == "cancellation":
            reason = u.text("reason")
            u.check()
            designations.cancel(u.deps, u.subject, d_id, reason=reason)
        elif step == "provisions":
            basis = u.text("basis")
            if basis and basis not in {b.value for b in ProvisionBasis}:
                u.problems.append(FieldProblem("basis", "Choose one of the options.", "choice"))
            org, contract = (
                u.optional_id("recipient_org_id", required=False),
                u.optional_id("contract_id", required=False),
            )
            name = u.text("recipient_name", required=False, max_length=200)
            u.check()
            designations.provide(u.deps, u.subject, d_id, basis=ProvisionBasis(basis),
                                 recipient_org_id=org, recipient_name=name, contract_id=contract)  # fmt: skip
        elif step == "acknowledgement":
            designations.acknowledge_notice(u.deps, u.subject, u.id("notice_id"))
        else:
            raise NotFound("step", step)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: detail_page(ui, d_id, **kw), exc)
    return done(f"/designations/{d_id}", "saved")


@router.get("/designations/{designation_id}/document.pdf")
def designation_pdf(u: UiDep, designation_id: str) -> Response:
    d = designations.get(u.deps, u.subject, path_id(designation_id, "designation"))
    body = notices.designation(u, d, state(d, u.deps.clock.now()))
    return pdf.response(body, f"designation-{d.document_number}.pdf")
