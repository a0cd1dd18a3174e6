"""The official documents as printed: 指定書, the result notice to the person, the notice to the
employer, the certification notice, the destruction certificate and the handler register.

Each is a 公用文: its number in the issuer's sequence (``services.documents``), the date in 和暦,
the addressee (様 for a person, 殿 for an office), the issuer's title and name, the legal basis
cited from the regime file, what follows (the last valid day), the 教示 where a complaint is
possible, and 以上. Every word comes through the catalogue, so the Japanese document carries no
English and the English one is complete. Built from what the services returned to the viewer.
Imports: domain, services, web.ui (pdf, labels, core).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Any

from clearance.domain import dates
from clearance.domain.designation import Designation
from clearance.domain.documents import DocumentKind, IssuedDocument
from clearance.domain.periods import JST
from clearance.services import documents
from clearance.services.assessments import eligibility
from clearance.web.ui import labels
from clearance.web.ui.pdf import Document, Heading

if TYPE_CHECKING:
    from clearance.services.assessments.cases import CaseView, EmployerView
    from clearance.services.documents import Issuer
    from clearance.web.ui.answers import Matter
    from clearance.web.ui.core import Ui


def _head(u: Ui, doc: IssuedDocument, issuer: Issuer, *, addressee: str = "",
          day: dt.date | None = None) -> Heading:  # fmt: skip
    signer = " ".join(x for x in (issuer.title(u.lang), issuer.name(u.lang)) if x)
    reissued = dates.as_date(doc.reissued_at) if doc.reissues else None
    issued_on = dates.as_date(doc.issued_at)
    assert issued_on is not None
    return Heading(doc.number, day or issued_on,
                   addressee=addressee, issuer=signer, reissued=reissued)  # fmt: skip


def person(u: Ui, name: str) -> str:
    return f"{name} 様" if u.lang == "ja" else f"To: {name}"


def office(u: Ui, org_name: str, issuer: Issuer | None = None, *, agency: bool = False) -> str:
    """An organisation addressed through its head: 「あおば電子株式会社 代表者 殿」; an agency by
    its head's title alone: 「経済産業大臣 殿」."""
    title = issuer.title(u.lang) if issuer and issuer.profile else ""
    if agency and title:
        return f"{title} 殿" if u.lang == "ja" else f"To: {title}"
    if u.lang == "ja":
        return f"{org_name} {title or '代表者'} 殿" if title != org_name else f"{org_name} 殿"
    return f"To: {title + ', ' if title and title != org_name else ''}{org_name}"


def _closing(d: Document) -> None:
    d.gap(4)
    d.line(d.u._("End of document"), 10, align="R")


def designation(u: Ui, d: Designation, state: str) -> bytes:
    _ = u._
    reg = u.deps.regime
    issued = documents.issue(u.deps, u.subject, org_id=d.agency_id, kind=DocumentKind.DESIGNATION,
                             subject=f"designation:{d.id}", given_number=d.document_number)  # fmt: skip
    iss = documents.issuer(u.deps, d.agency_id)
    cat = next((c for c in reg.categories if c.code == d.category_code), None)
    head = _head(u, issued, iss, day=d.created_at.astimezone(JST).date())
    doc = Document(u, _("Designation of Critical Economic Security Information"), head)
    doc.line(_("Under %(basis)s, the information below is designated as Critical Economic "
               "Security Information.") % {"basis": reg.cite("designation", u.lang)})  # fmt: skip
    doc.centred(_("Particulars"))
    doc.rows([
        (_("Information designated (title)"), d.title),
        (_("Item of the operational standards"), cat.printed(u.lang, d.title) if cat else ""),
        (_("How it is indicated"), _(labels.MARKING[d.marking.value])),
        (_("Term"), f"{dates.long_date(d.start_on, u.lang)} – "
                    f"{dates.long_date(d.last_day, u.lang)}"),
        (_("Status"), _(labels.STATUS[state])),
    ])  # fmt: skip
    doc.line(_("The term may be extended under %(term)s. Whoever handles this information and "
               "leaks it is punishable under %(penalty)s.")
             % {"term": reg.cite("designation_term", u.lang),
                "penalty": reg.cite("leak_penalty", u.lang)}, 9)  # fmt: skip
    _closing(doc)
    return doc.bytes()


def result_notice(u: Ui, view: CaseView, notice: dict[str, Any]) -> bytes:
    """To the person: the result, until when it holds, the reasons (or the statement that they
    are withheld), and how to complain."""
    _ = u._
    reg = u.deps.regime
    a = view.assessment
    issued = documents.issue(u.deps, u.subject, org_id=a.agency_id,
                             kind=DocumentKind.RESULT_NOTICE, subject=f"assessment:{a.id}")  # fmt: skip
    iss = documents.issuer(u.deps, a.agency_id)
    at = dt.datetime.fromisoformat(notice["issued_at"])
    head = _head(u, issued, iss, addressee=person(u, view.person_name), day=dates.as_date(at))
    doc = Document(u, _("Notice of the result of the suitability assessment"), head)
    doc.line(_("Under %(basis)s, you are notified of the result of the suitability assessment "
               "conducted on you, as follows.") % {"basis": reg.cite("result_notice", u.lang)})  # fmt: skip
    doc.centred(_("Particulars"))
    favourable = notice["result"] == "favourable"
    items = [(_("Result"), _(labels.RESULT_SENTENCE[notice["result"]]))]
    if favourable:
        end = eligibility.until(u.deps, at)
        items.append((_("Last day of validity"), dates.long_date(dates.last_day(end), u.lang)))
        items.append((_("Validity"), _("For the CESI of this agency only, until the day above "
                                       "unless ended earlier.")))  # fmt: skip
    elif notice.get("reasons"):
        items.append((_("Reasons"), str(notice["reasons"])))
    else:
        items.append((_("Reasons"), _("The reasons are not given, because giving them would "
                                      "hinder the smooth conduct of suitability assessments "
                                      "(%(basis)s).") % {"basis": reg.cite("reasons_withheld", u.lang)}))  # fmt: skip
    doc.rows(items)
    doc.line(_("Instruction on complaints"), 11)
    doc.line(_("If you are dissatisfied with this result or with the way the assessment was "
               "conducted, you may make a complaint in writing to %(office)s (%(basis)s). You will "
               "not be treated disadvantageously for making a complaint.")
             % {"office": iss.complaints(u.lang), "basis": reg.cite("complaint", u.lang)}, 10)  # fmt: skip
    _closing(doc)
    return doc.bytes()


def employer_notice(u: Ui, view: EmployerView, *, employer: str) -> bytes:
    """To the employer: the result and its last valid day only."""
    _ = u._
    reg = u.deps.regime
    issued = documents.issue(u.deps, u.subject, org_id=view.agency_id,
                             kind=DocumentKind.EMPLOYER_NOTICE,
                             subject=f"assessment:{view.assessment_id}")  # fmt: skip
    iss = documents.issuer(u.deps, view.agency_id)
    head = _head(u, issued, iss, addressee=office(u, employer))
    doc = Document(u, _("Notice of the result to the employer"), head)
    doc.line(_("Under %(basis)s, you are notified of the result of the suitability assessment "
               "of your employee, as follows.") % {"basis": reg.cite("employer_notice", u.lang)})  # fmt: skip
    doc.centred(_("Particulars"))
    until = dt.datetime.fromisoformat(view.eligible_until) if view.eligible_until else None
    doc.rows([
        (_("Employee"), view.person_name),
        (_("Result"), _(labels.EMPLOYER_RESULT.get(view.status)
                        or labels.STATUS.get(view.status, ""))),
        (_("Last day of validity"), dates.long_date(dates.last_day(until), u.lang) if until else "—"),
    ])  # fmt: skip
    doc.line(_("Only the result is given. It must not be used for any purpose other than the "
               "protection of CESI, such as dismissal, pay or transfer (%(basis)s).")
             % {"basis": reg.cite("purpose_limit", u.lang)}, 10)  # fmt: skip
    _closing(doc)
    return doc.bytes()


def certification_notice(u: Ui, cert: Any, *, operator: str, agency_id: uuid.UUID) -> bytes:
    _ = u._
    reg = u.deps.regime
    issued = documents.issue(u.deps, u.subject, org_id=agency_id,
                             kind=DocumentKind.CERTIFICATION_NOTICE,
                             subject=f"certification:{cert.id}")  # fmt: skip
    iss = documents.issuer(u.deps, agency_id)
    head = _head(u, issued, iss, addressee=office(u, operator))
    doc = Document(u, _("Notice of certification as a qualified business operator"), head)
    doc.line(_("Under %(basis)s, your organisation is certified as a qualified business operator "
               "that may receive Critical Economic Security Information, as follows.")
             % {"basis": reg.cite("certification", u.lang)})  # fmt: skip
    doc.centred(_("Particulars"))
    doc.rows([
        (_("Business operator"), operator),
        (_("Certified on"), dates.long_date(cert.status_since, u.lang)),
    ])  # fmt: skip
    doc.line(_("Report any change of the matters certified to this agency without delay."), 10)
    _closing(doc)
    return doc.bytes()


def destruction(u: Ui, m: Any, record: Any, names: dict[str, str], holder: uuid.UUID,
                agency_id: uuid.UUID | None) -> bytes:  # fmt: skip
    _ = u._
    issued = documents.issue(u.deps, u.subject, org_id=holder, kind=DocumentKind.DESTRUCTION,
                             subject=f"material:{m.id}")  # fmt: skip
    iss = documents.issuer(u.deps, holder)
    to = documents.issuer(u.deps, agency_id) if agency_id else None
    name = (to.org_name_ja if u.lang == "ja" else to.org_name_en) if to else ""
    head = _head(u, issued, iss, addressee=office(u, name, to, agency=True) if to else "")
    doc = Document(u, _("Certificate of destruction"), head)
    doc.line(_("We certify that the material below was destroyed so that it cannot be restored."))
    doc.centred(_("Particulars"))
    doc.rows([
        (_("Material"), f"{m.title}（{m.copy_no}/{m.copy_total}）"),
        (_("Kind"), _(labels.MATERIAL_KIND.get(m.kind, ""))),
        (_("Destroyed on"), dates.long_datetime(record.at, u.lang)),
        (_("Method"), str(record.details.get("method", ""))),
        (_("Destroyed by"), names.get(str(record.details.get("destroyer")), "")),
        (_("Witness"), names.get(str(record.details.get("witness")), "")),
    ])  # fmt: skip
    _closing(doc)
    return doc.bytes()


def handler_register(u: Ui, lines: list[Any], org_id: uuid.UUID) -> bytes:
    _ = u._
    today = dates.as_date(u.deps.clock.now())
    issued = documents.issue(u.deps, u.subject, org_id=org_id,
                             kind=DocumentKind.HANDLER_REGISTER,
                             subject=f"organisation:{org_id}:{today}")  # fmt: skip
    iss = documents.issuer(u.deps, org_id)
    doc = Document(u, _("Register of handlers"), _head(u, issued, iss))
    doc.line(_("Handlers of Critical Economic Security Information as of the date above."), 10)
    rows = [[f"{ln.person.family_name} {ln.person.given_name}", ln.handler.department or "",
             dates.long_date(ln.handler.start, u.lang),
             dates.long_date(dates.last_day(ln.handler.end), u.lang) if ln.handler.end else "",
             _("Active") if ln.active else _("Blocked") + ": " + ", ".join(
                 _(labels.REASON.get(c, "")) for c in ln.blocked_by)]
            for ln in lines]  # fmt: skip
    doc.table([_("Name"), _("Department"), _("Start"), _("Last day"), _("Standing")], rows)
    _closing(doc)
    return doc.bytes()


def questionnaire_copy(u: Ui, number: str, submitted_at: dt.datetime, doc: list[Matter]) -> bytes:
    """The person's copy of the submitted questionnaire: receipt number and time, then every
    answer under its matter and section, as the review page shows them."""
    _ = u._
    d = Document(u, _("Questionnaire (copy of what was submitted)"))
    d.rows([(_("Receipt number"), number),
            (_("Submitted at"), dates.long_datetime(submitted_at, u.lang))])  # fmt: skip
    for m in doc:
        d.line(f"{m.number}. {m.title}", size=12)
        for s in m.sections:
            d.line(s.title, size=11)
            d.rows([("　" * ln.depth + ln.label, ln.text) for ln in s.lines])
    d.line(_("Keep this copy. The receipt number changes if any answer is changed."), 9)
    return d.bytes()
