"""Cells of CSV and spreadsheet exports, made safe to open (OWASP "CSV injection"). Pure.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (``=HYPERLINK(...)`` in a person's name would run in the inspector's
spreadsheet); it is written with a leading apostrophe, which the spreadsheet shows as text.
Control characters are written as visible escapes (``\\x00``). Numbers and dates are left as they
are, so counts stay numbers.
"""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = "".join(
        c if c == "\n" or not (ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0) else f"\\x{ord(c):02x}"
        for c in value
    )
    return "'" + text if value.startswith(FORMULA_START) else text


def row(values: list[Any]) -> list[Any]:
    return [cell(v) for v in values]
