"""Custody pages for an agency's CESI manager and a company's security officer: materials (register,
copy, transfer, return, receipt, destruction with a witness, inventory, destruction certificate as
PDF), handlers and training (register as PDF and CSV), explained access decisions, and incidents.
Imports: services, web.ui.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response

from clearance.domain import dates
from clearance.domain.access import RULES, AccessAction
from clearance.domain.designation import ProvisionBasis
from clearance.domain.errors import ClearanceError, FieldProblem, NotFound, ValidationFailed
from clearance.domain.organisations import Role
from clearance.domain.periods import JST
from clearance.services import directory
from clearance.services.cesi import access, custody, designations, handlers, incidents
from clearance.web.ui import labels, notices, pdf, sheets
from clearance.web.ui.core import Ui, UiDep, UiRoute, done, path_id

router = APIRouter(route_class=UiRoute, include_in_schema=False)


def people(u: Ui) -> list[tuple[str, str]]:
    return [(str(p.id), f"{p.family_name} {p.given_name}")
            for p in directory.list_persons(u.deps, u.subject, limit=200).items]  # fmt: skip


def designation_choices(u: Ui, *, usable: bool = True) -> list[tuple[str, str]]:
    """Designations the viewer's organisation may work with: an agency's own in force, and those
    provided to it (a company's only source) that are in force under a contract in force."""
    now = u.deps.clock.now()
    own: list[tuple[str, str]] = []
    if u.has(Role.CESI_MANAGER):
        own = [(str(d.id), f"{d.document_number} {d.title}")
               for d in designations.ledger(u.deps, u.subject, limit=200)
               if d.in_force(now) or not usable]  # fmt: skip
    got = [(str(r.designation.id), f"{r.designation.document_number} {r.designation.title}")
           for r in received(u) if r.usable or not usable]  # fmt: skip
    return own + [g for g in got if g not in own]


def received(u: Ui) -> list[designations.Received]:
    if not u.has(Role.CESI_MANAGER, Role.SECURITY_OFFICER):
        return []
    return designations.received(u.deps, u.subject)


def org_names(u: Ui) -> dict[str, str]:
    orgs = directory.list_organisations(u.deps, u.subject, limit=200).items
    return {str(o.id): (o.name_ja if u.lang == "ja" else o.name_en) for o in orgs}


# -- designations provided to the organisation ---------------------------------------------------
@router.get("/received")
def received_page(u: UiDep) -> Response:
    """What was provided to this organisation, and from here its work on each: handlers and
    materials (a company's pages start here; it has no designation ledger of its own)."""
    return u.render("received.html", rows=received(u), names=org_names(u), now=u.deps.clock.now(),
                    bases={b.value: u._(labels.BASIS[b.value]) for b in ProvisionBasis})  # fmt: skip


# -- materials ----------------------------------------------------------------------------------
def materials_page(u: Ui, q: str = "", **extra: Any) -> Response:
    rows = custody.materials(u.deps, u.subject, limit=200)
    rows = [m for m in rows if not q or q in m.title]
    notices = designations.received_notices(u.deps, u.subject)
    incoming = custody.incoming(u.deps, u.subject)
    chosen = u.request.query_params.get("designation")  # from 提供を受けた情報
    if chosen and u.form is None:
        extra.setdefault("values", {"designation_id": chosen})
    return u.render("materials.html", rows=rows, q=q, designations=designation_choices(u),
                    notices=notices, incoming=incoming, names=org_names(u),
                    kinds=[(k, u._(labels.MATERIAL_KIND[k])) for k in custody.KINDS], **extra)  # fmt: skip


@router.get("/materials")
def materials(u: UiDep) -> Response:
    return materials_page(u)


@router.post("/materials/search")
def search(u: UiDep) -> Response:
    """Search by title with POST, so that titles stay out of URLs, logs and browser history."""
    return materials_page(u, q=u.text("q", required=False, max_length=100))


@router.post("/materials")
def register(u: UiDep) -> Response:
    try:
        d_id, kind, title = u.id("designation_id"), u.text("kind"), u.text("title")
        location, total = u.text("location"), u.text("copy_total")
        if not total.isdigit() or not 1 <= int(total) <= 100:
            u.problems.append(FieldProblem("copy_total", "From 1 to 100.", "range"))
        u.check()
        made = custody.register(u.deps, u.subject, designation_id=d_id, kind=kind, title=title,
                                copy_total=int(total), location=location)  # fmt: skip
    except ClearanceError as exc:
        return u.failed(materials_page, exc)
    return done(f"/materials/{made[0].id}", "saved")


@router.post("/designation-notices/{notice_id}/acknowledgement")
def acknowledge_notice(u: UiDep, notice_id: str) -> Response:
    try:
        designations.acknowledge_notice(u.deps, u.subject, path_id(notice_id, "notice"))
    except ClearanceError as exc:
        return u.failed(materials_page, exc)
    return done("/materials", "saved")


@router.post("/inventories")
def inventory(u: UiDep) -> Response:
    try:
        result = custody.inventory(
            u.deps, u.subject, found=[path_id(v, "material") for v in u.many("found")]
        )
    except ClearanceError as exc:
        return u.failed(materials_page, exc)
    if result.incident_id:
        return done("/incidents", "saved")
    return done("/materials", "done")


def material_page(u: Ui, material_id: uuid.UUID, **extra: Any) -> Response:
    m, events = custody.history(u.deps, u.subject, material_id)
    names = org_names(u)
    titles = dict(designation_choices(u, usable=False))
    d = None
    if u.has(Role.INSPECTOR, Role.CESI_MANAGER):  # the ledger entry, where it is theirs to read
        try:
            d = designations.get(u.deps, u.subject, m.designation_id)
        except ClearanceError:
            d = None
    holder = m.status.value == "held" and m.holder_org_id == u.subject.org_id
    # For a transfer the custodian is chosen by name among those who pass the rules, grouped by
    # their organisation: the sender never types (or sees) an id.
    chosen: dict[str, list[tuple[str, str]]] = {}
    if holder and u.has(Role.CESI_MANAGER, Role.SECURITY_OFFICER):
        for c in custody.custodians(u.deps, u.subject, m.id):
            org = c.org_name_ja if u.lang == "ja" else c.org_name_en
            chosen.setdefault(org, []).append((str(c.person_id), c.name))
    return u.render("material.html", mat=m, d=d, title=titles.get(str(m.designation_id), ""),
                    events=events, names=names, people=people(u), holder=holder,
                    custodians=chosen, incoming=m.status.value == "in_transit"
                    and m.holder_org_id != u.subject.org_id, **extra)  # fmt: skip


@router.get("/materials/{material_id}")
def material(u: UiDep, material_id: str) -> Response:
    return material_page(u, path_id(material_id, "material"))


@router.post("/materials/{material_id}/{step}")
def material_step(u: UiDep, material_id: str, step: str) -> Response:
    m_id = path_id(material_id, "material")
    try:
        if step == "copies":
            location = u.text("location")
            u.check()
            m_id = custody.copy(u.deps, u.subject, m_id, location=location).id
        elif step == "transfer":
            who = u.id("custodian_id")
            u.check()
            found = [c for c in custody.custodians(u.deps, u.subject, m_id) if c.person_id == who]
            if not found:  # chosen from a list that has since changed
                raise ValidationFailed("Choose a custodian from the list.", (
                    FieldProblem("custodian_id", "Not on the list.", "custodian"),))  # fmt: skip
            custody.transfer(u.deps, u.subject, m_id, to_org_id=found[0].org_id, custodian_id=who)
        elif step == "return":
            custody.return_to_agency(u.deps, u.subject, m_id)
        elif step == "receipt":
            location = u.text("location", required=False)
            custody.acknowledge(u.deps, u.subject, m_id, location=location)
        elif step == "destruction":
            destroyer, witness, method = u.id("destroyer_id"), u.id("witness_id"), u.text("method")
            u.check()
            custody.destroy(u.deps, u.subject, m_id, destroyer_id=destroyer, witness_id=witness,
                            method=method)  # fmt: skip
        else:
            raise NotFound("step", step)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: material_page(ui, m_id, **kw), exc, form=f"{step}-")
    return done(f"/materials/{m_id}", "saved")


def _designating_agency(u: Ui, designation_id: uuid.UUID) -> uuid.UUID | None:
    """The agency that designated the material's information, addressed by the certificate: the
    own agency's designation, or one provided to the company."""
    if u.has(Role.SECURITY_OFFICER):
        got = next((r for r in designations.received(u.deps, u.subject)
                    if r.designation.id == designation_id), None)  # fmt: skip
        agency_id = got.designation.agency_id if got else None
    else:
        agency_id = designations.get(u.deps, u.subject, designation_id).agency_id
    return agency_id


@router.get("/materials/{material_id}/destruction.pdf")
def destruction_certificate(u: UiDep, material_id: str) -> Response:
    m, events = custody.history(u.deps, u.subject, path_id(material_id, "material"))
    record = next((e for e in events if e.kind == "destroy"), None)
    if record is None:
        raise NotFound("destruction record", material_id)
    names = dict(people(u))
    body = notices.destruction(u, m, record, names, m.holder_org_id,
                               _designating_agency(u, m.designation_id))  # fmt: skip
    return pdf.response(body, f"destruction-{m.id}.pdf")


# -- handlers and training ----------------------------------------------------------------------
def handlers_page(u: Ui, **extra: Any) -> Response:
    lines = handlers.register(u.deps, u.subject)
    view = handlers.training(u.deps, u.subject)
    titles = {t.code: (t.title_ja if u.lang == "ja" else t.title_en) for t in view.modules}
    chosen = u.request.query_params.get("designation")  # from 提供を受けた情報
    if chosen and u.form is None:
        extra.setdefault("values", {"designation_id": chosen})
    ack = handlers.acknowledgements(u.deps, u.subject)
    return u.render("handlers.html", lines=lines, training=view, titles=titles, acks={str(k): v for k, v in ack.items()},
                    people=people(u), designations=designation_choices(u),
                    all_designations=dict(designation_choices(u, usable=False)), **extra)  # fmt: skip


@router.get("/handlers")
def handler_register(u: UiDep) -> Response:
    return handlers_page(u)


@router.post("/handlers")
def assign_handler(u: UiDep) -> Response:
    try:
        d_id, person = u.id("designation_id"), u.id("person_id")
        department = u.text("department", required=False, max_length=200) or None
        u.check()
        handlers.assign_handler(u.deps, u.subject, designation_id=d_id, person_id=person,
                                department=department)  # fmt: skip
    except ClearanceError as exc:
        return u.failed(handlers_page, exc, form="h-")
    return done("/handlers", "saved")


@router.post("/handlers/{step}")
def handler_step(u: UiDep, step: str) -> Response:
    try:
        if step == "end":
            handler_id, reason = u.id("handler_id"), u.text("reason")
            u.check()
            handlers.end_handler(u.deps, u.subject, handler_id, reason=reason)
        elif step == "training":
            person, module, due = u.id("person_id"), u.text("module_code"), u.day("due_on")
            u.check()
            handlers.assign_training(u.deps, u.subject, person_id=person, module_code=module,
                                     due_on=due)  # fmt: skip
        elif step == "completion":
            handlers.complete_training(u.deps, u.subject, u.id("record_id"))
        elif step == "acknowledgement":
            person, ref = u.id("person_id"), u.text("paper_reference", max_length=200)
            u.check()
            handlers.acknowledge(u.deps, u.subject, person_id=person, paper_reference=ref)
        else:
            raise NotFound("step", step)
    except ClearanceError as exc:
        return u.failed(handlers_page, exc, form=FORMS.get(step, ""))
    return done("/handlers", "saved")


FORMS = {"training": "t-", "acknowledgement": "a-", "end": "", "completion": ""}


@router.get("/handlers/register.csv")
def register_csv(u: UiDep) -> Response:
    body = handlers.register_csv(handlers.register(u.deps, u.subject))
    return Response(body, media_type="text/csv; charset=utf-8", headers={
        "content-disposition": 'attachment; filename="handler-register.csv"'})  # fmt: skip


@router.get("/handlers/register.xlsx")
def register_xlsx(u: UiDep) -> Response:
    _ = u._
    rows = [[f"{ln.person.family_name} {ln.person.given_name}", ln.handler.department or "",
             dates.as_date(ln.handler.start), dates.last_day(ln.handler.end) if ln.handler.end
             else None, _("Active") if ln.active else _("Blocked")]
            for ln in handlers.register(u.deps, u.subject)]  # fmt: skip
    body = sheets.workbook(_("Register of handlers"), [_("Name"), _("Department"), _("Start"),
                           _("Last day"), _("Standing")], rows)  # fmt: skip
    return Response(body, media_type=sheets.XLSX_MEDIA, headers={
        "content-disposition": pdf.disposition("attachment", "handler-register.xlsx")})  # fmt: skip


@router.get("/handlers/register.pdf")
def register_pdf(u: UiDep) -> Response:
    lines = handlers.register(u.deps, u.subject)
    body = notices.handler_register(u, lines, u.subject.org_id or uuid.UUID(int=0))
    return pdf.response(body, "handler-register.pdf")


# -- the person's own undertaking ----------------------------------------------------------------
@router.get("/me/duties")
def duties(u: UiDep) -> Response:
    """The statement of duties and penalties, which the person acknowledges once in their portal
    before first handling (the company may instead record a signed paper form)."""
    ack = handlers.own_acknowledgement(u.deps, u.subject)
    return u.render("duties.html", ack=ack)


@router.post("/me/duties")
def acknowledge_duties(u: UiDep) -> Response:
    try:
        if not u.flag("understood"):
            u.problems.append(FieldProblem("understood", "Tick to confirm.", "required"))
        u.check()
        if u.subject.person_id is None:
            raise NotFound("person", "")
        handlers.acknowledge(u.deps, u.subject, person_id=u.subject.person_id)
    except ClearanceError as exc:
        return u.failed(lambda ui, **kw: ui.render("duties.html", ack=None, **kw), exc)
    return done("/me/duties", "saved")


# -- access decisions ---------------------------------------------------------------------------
def access_page(u: Ui, **extra: Any) -> Response:
    rows = custody.materials(u.deps, u.subject, limit=200)
    return u.render("access.html", people=people(u), rules=RULES,
                    materials=[(str(m.id), f"{m.title} ({m.copy_no}/{m.copy_total})") for m in rows],
                    actions=[(a.value, u._(labels.ACCESS_ACTION[a.value])) for a in AccessAction],
                    **extra)  # fmt: skip


@router.get("/access")
def access_form(u: UiDep) -> Response:
    return access_page(u)


@router.post("/access")
def access_decide(u: UiDep) -> Response:
    try:
        person, material_id, action = u.id("person_id"), u.id("material_id"), u.text("action")
        if action and action not in {a.value for a in AccessAction}:
            u.problems.append(FieldProblem("action", "Choose one of the options.", "choice"))
        u.check()
        decision = access.check(u.deps, u.subject, person_id=person, material_id=material_id,
                                action=AccessAction(action))  # fmt: skip
    except ClearanceError as exc:
        return u.failed(access_page, exc)
    return access_page(u, decision=decision, failed={r.code for r in decision.reasons})


# -- incidents ----------------------------------------------------------------------------------
def incidents_page(u: Ui, **extra: Any) -> Response:
    rows = incidents.incidents(u.deps, u.subject)
    return u.render("incidents.html", rows=rows, kinds=incidents.KINDS,
                    now=u.deps.clock.now().astimezone(JST), **extra)  # fmt: skip


@router.get("/incidents")
def incident_list(u: UiDep) -> Response:
    return incidents_page(u)


@router.post("/incidents")
def incident_report(u: UiDep) -> Response:
    try:
        kind, text, day = u.text("kind"), u.text("text", max_length=8000), u.day("occurred_on")
        u.check()
        at = dt.datetime.combine(day, dt.time(), JST)
        incidents.report(u.deps, u.subject, kind=kind, occurred_at=at, material_ids=[], text=text)
    except ClearanceError as exc:
        return u.failed(incidents_page, exc)
    return done("/incidents", "submitted")


@router.post("/incidents/{incident_id}/steps")
def incident_step(u: UiDep, incident_id: str) -> Response:
    try:
        command, text = u.text("command"), u.text("text", max_length=8000)
        u.check()
        incidents.update(
            u.deps, u.subject, path_id(incident_id, "incident"), command=command, text=text
        )
    except ClearanceError as exc:
        return u.failed(incidents_page, exc)
    return done("/incidents", "saved")
