"""Excel workbooks in and out (openpyxl): a roster uploaded as .xlsx is read into the same CSV text
the CSV import checks (so both take one path, with one preview of every problem), and tables
offered for download (the roster template, the handler register, the annual report) are written
as .xlsx. Dates are written as dates (Excel shows them in the reader's locale).
Imports: openpyxl, services' return types.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from clearance.domain import exports
from clearance.domain.errors import FieldProblem, ValidationFailed

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_CELLS = 2_000_000  # a roster of 100,000 rows of 7 columns, with room


def is_xlsx(raw: bytes) -> bool:
    """An .xlsx file is a zip archive; CSV text never starts with its signature."""
    return raw[:4] == b"PK\x03\x04"


def xlsx_to_csv(raw: bytes) -> str:
    """The first sheet as CSV text: every cell as text, dates as YYYY-MM-DD, empty rows dropped."""
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ValidationFailed("The file is not an Excel workbook (.xlsx) that can be read.", (
            FieldProblem("file", f"Not a readable .xlsx file ({type(exc).__name__}).",
                         "invalid"),)) from exc  # fmt: skip
    sheet = book.worksheets[0]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    cells = 0
    for row in sheet.iter_rows(values_only=True):
        values = [_text(v) for v in row]
        while values and values[-1] == "":
            values.pop()
        cells += len(values)
        if cells > MAX_CELLS:
            raise ValidationFailed("The workbook is too large.", (
                FieldProblem("rows", "At most 100,000 rows per file.", "too_many"),))  # fmt: skip
        if values:
            w.writerow(values)
    book.close()
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def workbook(title: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """One sheet: a header row, then ``rows``; dates stay dates, with a date format."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(exports.row(list(header)))
    for row in rows:
        # A text starting with = is a formula to openpyxl too: neutralised like the CSV cells.
        sheet.append(exports.row(list(row)))
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    for i, name in enumerate(header, start=1):
        sheet.column_dimensions[sheet.cell(1, i).column_letter].width = max(12, len(name) + 4)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
