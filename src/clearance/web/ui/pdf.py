"""Printable notices as PDF (fpdf2), with the Japanese text embedded as a font subset so the text
can be searched, copied and extracted.

The font is ``CLEARANCE_PDF_FONT`` or the first Japanese font found among the usual system places
(Debian's fonts-ipaexfont-gothic, fonts-ipafont-gothic, fonts-noto-cjk). Without one, a PDF request
answers 503 with the setting to fix rather than printing empty boxes. Each document is built from
what the services returned to the viewer; nothing here reads the database.
Imports: fpdf2, services' return types, web.ui.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi.responses import Response
from fpdf import FPDF
from fpdf.fonts import FontFace

from clearance.domain.errors import InfrastructureError
from clearance.domain.periods import JST
from clearance.web.deps import get_ctx
from clearance.web.ui import labels
from clearance.web.ui.core import long_date

if TYPE_CHECKING:
    from clearance.services.assessments.cases import CaseView, EmployerView
    from clearance.web.ui.answers import Matter
    from clearance.web.ui.core import Ui

CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
)


def font_path(configured: Path | None) -> Path:
    if configured is not None:
        if configured.is_file():
            return configured
        raise InfrastructureError(f"CLEARANCE_PDF_FONT={configured} is not a readable font file.")
    for candidate in CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate).resolve()
    raise InfrastructureError(
        "No Japanese font for PDF notices: install fonts-ipaexfont-gothic or set CLEARANCE_PDF_FONT."
    )


class Document:
    """A one-column official document: heading, addressee, numbered particulars, body text."""

    def __init__(self, u: Ui, title: str) -> None:
        self.u = u
        self.pdf = FPDF(format="A4")
        self.pdf.set_title(title)
        self.pdf.set_creator("Clearance")
        self.pdf.add_font("jp", fname=str(font_path(get_ctx(u.request).settings.pdf_font)))
        self.pdf.set_auto_page_break(auto=True, margin=18)
        self.pdf.add_page()
        self.pdf.set_font("jp", size=9)
        issued = u.deps.clock.now().astimezone(JST).date().isoformat()
        self.pdf.cell(
            0, 6, f"{u._('Issued on')} {issued}", align="R", new_x="LMARGIN", new_y="NEXT"
        )
        self.pdf.set_font("jp", size=16)
        self.pdf.multi_cell(0, 10, title, align="C", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(4)

    def line(self, text: str, size: int = 11) -> None:
        self.pdf.set_font("jp", size=size)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    def rows(self, items: list[tuple[str, str]]) -> None:
        self.pdf.set_font("jp", size=11)
        for label, value in items:
            self.pdf.set_font("jp", size=9)
            self.pdf.cell(55, 7, label)
            self.pdf.set_font("jp", size=11)
            self.pdf.multi_cell(0, 7, value or "—", new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(3)

    def table(self, head: list[str], body: list[list[str]]) -> None:
        self.pdf.set_font("jp", size=8)
        # The embedded font has one weight; headings are set apart by a fill instead of bold.
        style = FontFace(emphasis="NONE", fill_color=(230, 236, 244))
        with self.pdf.table(col_widths=tuple(1 for _ in head), text_align="LEFT",
                            headings_style=style) as t:  # fmt: skip
            row = t.row()
            for h in head:
                row.cell(h)
            for values in body:
                row = t.row()
                for v in values:
                    row.cell(v)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def response(body: bytes, filename: str) -> Response:
    return Response(body, media_type="application/pdf",
                    headers={"content-disposition": disposition("inline", filename)})  # fmt: skip


def disposition(kind: str, filename: str) -> str:
    """A Content-Disposition any name fits in (RFC 6266): an ASCII fallback for old clients and
    the name itself in UTF-8. A header is Latin-1, so 「経産安第12号」 put there as is was a 500."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)  # fmt: skip
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _date(value: Any) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(JST).date().isoformat()
    return str(value or "")


def result_notice(u: Ui, view: CaseView, notice: dict[str, Any], *, agency: str) -> bytes:
    _ = u._
    doc = Document(u, _("Notice of the result of the suitability assessment"))
    doc.line(f"{view.person_name} {_('(person assessed)')}")
    doc.line(f"{agency}", size=10)
    doc.rows([
        (_("Assessment"), str(view.assessment.id)),
        (_("Result"), _(labels.label(labels.STATUS, notice["result"]))),
        (_("Notified on"), _date(notice["issued_at"])),
    ])  # fmt: skip
    if notice.get("reasons"):
        doc.line(_("Reasons"), size=10)
        doc.line(str(notice["reasons"]))
    elif notice["result"] == "unfavourable":
        doc.line(_("The reasons are withheld to protect the investigation (Act Art. 12(6))."))
    doc.line(_("You may file a complaint about this result with the agency (Act Art. 14)."), 9)
    return doc.bytes()


def employer_notice(u: Ui, view: EmployerView, *, agency: str, employer: str) -> bytes:
    _ = u._
    doc = Document(u, _("Notice of the result to the employer"))
    doc.line(employer)
    doc.rows([
        (_("Employee"), view.person_name),
        (_("Agency"), agency),
        (_("Result"), _(labels.label(labels.STATUS, view.status))),
        (_("Eligible until"), _date(view.eligible_until)),
    ])  # fmt: skip
    doc.line(_("Only the result is given. Do not use it for any purpose other than the "
               "protection of CESI (dismissal, pay, transfer or other treatment)."), 9)  # fmt: skip
    return doc.bytes()


def questionnaire_copy(u: Ui, number: str, submitted_at: dt.datetime, doc: list[Matter]) -> bytes:
    """The person's copy of the submitted questionnaire: receipt number and time, then every
    answer under its matter and section, as the review page shows them."""
    _ = u._
    d = Document(u, _("Questionnaire (copy of what was submitted)"))
    when = submitted_at.astimezone(JST)
    d.rows([(_("Receipt number"), number),
            (_("Submitted at"), f"{long_date(when, u.lang)} {when.strftime('%H:%M')}")])  # fmt: skip
    for m in doc:
        d.line(f"{m.number}. {m.title}", size=12)
        for s in m.sections:
            d.line(s.title, size=11)
            d.rows([("　" * ln.depth + ln.label, ln.text) for ln in s.lines])
    d.line(_("Keep this copy. The receipt number changes if any answer is changed."), 9)
    return d.bytes()
