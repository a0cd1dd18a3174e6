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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from fastapi.responses import Response
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import FontFace

from clearance.domain.dates import long_date
from clearance.domain.errors import InfrastructureError
from clearance.domain.periods import JST
from clearance.web.deps import get_ctx

if TYPE_CHECKING:
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


@dataclass(frozen=True)
class Heading:
    """The head of an official document (公用文): number and date at the top right, the addressee
    at the left, the issuer at the right, then the title. ``reissued`` prints 再交付 with its date;
    ``marking`` the 「重要経済安保情報」 marking where the document itself carries CESI."""

    number: str
    date: dt.date
    addressee: str = ""
    issuer: str = ""
    reissued: dt.date | None = None
    marking: bool = False


# A font with the characters the main one lacks (𠮷 and the rest of the MJ set), loaded only when
# a document needs it (it is large): Debian's fonts-ipamj-mincho, or Noto Sans CJK.
FALLBACKS = ("/usr/share/fonts/truetype/ipamj/ipamjm.ttf",
             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")  # fmt: skip


class _Pdf(FPDF):
    def __init__(self, page_label: str) -> None:
        super().__init__(format="A4")
        self.page_label = page_label
        self.fallback_loaded = False

    def normalize_text(self, text: str) -> str:
        # Any Japanese text prints: a character outside the main font (a name written 𠮷田)
        # brings in the fallback font before the text is laid out.
        if not self.fallback_loaded and "jp" in self.fonts:
            cmap = getattr(self.fonts["jp"], "cmap", {})
            if any(ord(c) not in cmap for c in text if not c.isspace()):
                self.fallback_loaded = True
                path = next((p for p in FALLBACKS if Path(p).is_file()), None)
                if path is not None:
                    self.add_font("fallback", fname=path)
                    self.set_fallback_fonts(["fallback"])
        return super().normalize_text(text)

    def footer(self) -> None:
        # Page numbers on every page: "1 / 2" (the label is empty in Japanese: numbers only).
        self.set_y(-12)
        self.set_font("jp", size=8)
        self.cell(0, 5, f"{self.page_label}{self.page_no()} / {{nb}}", align="C")


MARGIN = 20  # mm on every side; tests check that nothing is drawn outside it


class Document:
    """A one-column document: heading, title, body text, particulars (記), tables, closing.

    Japanese text is wrapped by character (it has no spaces), English by word; long unbroken
    input is split too, so everything stays inside the margins. Without a ``Heading`` it is a working paper with its preparation
    date (the questionnaire copy, the annual report)."""

    def __init__(self, u: Ui, title: str, head: Heading | None = None) -> None:
        self.u = u
        self.lang = u.lang
        # Japanese wraps between any two characters; English between words (a word longer than
        # the line is still split, so nothing leaves the margins).
        self.wrap = WrapMode.CHAR if u.lang == "ja" else WrapMode.WORD
        self.pdf = _Pdf("" if u.lang == "ja" else "Page ")
        self.pdf.set_title(title)
        self.pdf.set_creator("Clearance")
        self.pdf.add_font("jp", fname=str(font_path(get_ctx(u.request).settings.pdf_font)))
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(auto=True, margin=MARGIN)
        self.pdf.add_page()
        today = u.deps.clock.now().astimezone(JST).date()
        if head is None:
            prepared = u._("Prepared on")
            self._right(f"{prepared} {long_date(today, u.lang)}", 9)
        else:
            self._heading(head)
        self.pdf.set_font("jp", size=15)
        self.pdf.ln(4)
        self.pdf.multi_cell(0, 9, title, align="C", new_x="LMARGIN", new_y="NEXT",
                            wrapmode=self.wrap)  # fmt: skip
        self.pdf.ln(4)

    def _right(self, text: str, size: int = 10) -> None:
        self.pdf.set_font("jp", size=size)
        self.pdf.multi_cell(0, 6, text, align="R", new_x="LMARGIN", new_y="NEXT",
                            wrapmode=self.wrap)  # fmt: skip

    def _heading(self, h: Heading) -> None:
        _ = self.u._
        if h.marking:
            self.pdf.set_font("jp", size=11)
            self.pdf.set_text_color(180, 0, 0)
            self.pdf.cell(0, 7, _("Critical Economic Security Information"), border=1, align="C",
                          new_x="LMARGIN", new_y="NEXT")  # fmt: skip
            self.pdf.set_text_color(0, 0, 0)
            self.pdf.ln(2)
        self._right(h.number if self.lang == "ja" else f"No. {h.number}", 10)
        self._right(long_date(h.date, self.lang), 10)
        if h.reissued is not None:
            again, on = _("Reissued"), long_date(h.reissued, self.lang)
            self._right(f"{again}（{on}）" if self.lang == "ja" else f"{again} ({on})", 10)
        self.pdf.ln(3)
        if h.addressee:
            self.line(h.addressee, 12)
        if h.issuer:
            self.pdf.ln(2)
            self._right(h.issuer, 11)

    def line(self, text: str, size: int = 11, *, align: str = "L") -> None:
        self.pdf.set_font("jp", size=size)
        self.pdf.multi_cell(0, 6.5, text, align=align, new_x="LMARGIN", new_y="NEXT",
                            wrapmode=self.wrap)  # fmt: skip

    def gap(self, mm: float = 3) -> None:
        self.pdf.ln(mm)

    def centred(self, text: str, size: int = 11) -> None:
        self.line(text, size, align="C")

    def rows(self, items: list[tuple[str, str]]) -> None:
        """Particulars as label and value; both wrap, the label in a column of its own."""
        self.table(["", ""], [[a, b or "—"] for a, b in items], header=False, widths=(1, 2.6))

    def table(self, head: list[str], body: list[list[str]], *, header: bool = True,
              widths: tuple[float, ...] | None = None) -> None:  # fmt: skip
        show_head = header
        self.pdf.set_font("jp", size=9 if show_head else 10.5)
        # The embedded font has one weight; headings are set apart by a fill instead of bold.
        style = FontFace(emphasis="NONE", fill_color=(230, 236, 244))
        with self.pdf.table(col_widths=widths or tuple(1 for _ in head), text_align="LEFT",
                            headings_style=style, first_row_as_headings=show_head,
                            borders_layout="ALL" if show_head else "NONE",
                            line_height=6 if show_head else 7,
                            wrapmode=self.wrap) as t:  # fmt: skip
            if show_head:
                row = t.row()
                for h in head:
                    row.cell(h)
            for values in body:
                row = t.row()
                for v in values:
                    row.cell(v)
        self.pdf.ln(3)

    def bars(self, items: list[tuple[str, int]]) -> None:
        """A horizontal bar chart: each label at the left, its bar scaled to the largest value,
        the value after the bar (drawn, so it prints as it shows; the table gives the numbers)."""
        label_w, bar_w, row_h = 62.0, 88.0, 6.0
        top = max([v for _, v in items] + [1])
        self.pdf.set_font("jp", size=8)
        for label, value in items:
            if self.pdf.will_page_break(row_h):
                self.pdf.add_page()
            x, y = self.pdf.l_margin, self.pdf.get_y()
            self.pdf.set_xy(x, y)
            self.pdf.cell(label_w, row_h, _fit(self.pdf, label, label_w - 2))
            width = bar_w * value / top
            if width > 0:
                self.pdf.set_fill_color(61, 110, 168)
                self.pdf.rect(x + label_w, y + 1, max(width, 0.4), row_h - 2, style="F")
                self.pdf.set_fill_color(255, 255, 255)  # tables after the chart stay unfilled
            self.pdf.set_xy(x + label_w + width + 1.5, y)
            self.pdf.cell(14, row_h, str(value))
            self.pdf.set_xy(x, y + row_h)
        self.pdf.ln(2)

    def bytes(self) -> bytes:
        self.pdf.alias_nb_pages()
        return bytes(self.pdf.output())


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` shortened with … to fit ``width`` mm in the current font (a chart label)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def response(body: bytes, filename: str) -> Response:
    return Response(body, media_type="application/pdf",
                    headers={"content-disposition": disposition("inline", filename)})  # fmt: skip


def disposition(kind: str, filename: str) -> str:
    """A Content-Disposition any name fits in (RFC 6266): an ASCII fallback for old clients and
    the name itself in UTF-8. A header is Latin-1, so 「経産安第12号」 put there as is was a 500."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_"
                       for c in filename)  # fmt: skip
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
