"""How dates are shown: the one date policy for pages, documents and e-mails. Pure.

Every instant is stored in UTC and every date shown is the date in Japan (JST), the calendar the
regime's periods are counted in (``domain.periods``). Japanese text writes a date in the Japanese
era (和暦), as official documents do: 令和8年12月2日, and 令和元年 for an era's first year; where a
form needs the Gregorian year too it follows in brackets, 令和8年（2026年）12月2日. English text
writes 2 December 2026.

A period is shown as its **last valid day**, the day enforcement still permits at 23:59:59 JST:
``last_day`` turns the exclusive end the ledger keeps (the first instant or day no longer valid)
into that day, for designations, eligibility, SDS results, contracts, training and certification.
Imports: the standard library and ``domain.periods`` only.
"""

from __future__ import annotations

import datetime as dt

from clearance.domain.periods import JST

# The eras since the Gregorian calendar was adopted (1873); each from its first day.
ERAS = (
    (dt.date(2019, 5, 1), "令和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1873, 1, 1), "明治"),
)
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def parse(value: object) -> dt.date | dt.datetime | None:
    """A date or an instant as given, or parsed from ISO text; None for anything else."""
    if isinstance(value, str):
        try:
            return (
                dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
            )
        except ValueError:
            return None
    return value if isinstance(value, dt.date) else None


def as_date(value: object) -> dt.date | None:
    """The JST date of an instant, a date as is, an ISO string parsed; None for anything else."""
    value = parse(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:  # stored naive values are UTC
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(JST).date()
    return value if isinstance(value, dt.date) else None


def era_year(day: dt.date) -> str:
    """令和8年, 令和元年; the Gregorian year before the first era this table knows."""
    for first, name in ERAS:
        if day >= first:
            n = day.year - first.year + 1
            return f"{name}{'元' if n == 1 else n}年"
    return f"{day.year}年"


def wareki(day: dt.date, *, gregorian: bool = False) -> str:
    """令和8年12月2日; with ``gregorian`` 令和8年（2026年）12月2日."""
    year = era_year(day)
    if gregorian:
        year = f"{year}（{day.year}年）"
    return f"{year}{day.month}月{day.day}日"


def long_date(value: object, lang: str, *, gregorian: bool = False) -> str:
    """A date as people write it in ``lang``: 令和8年12月2日 or 2 December 2026 (JST)."""
    day = as_date(value)
    if day is None:
        return "" if value is None else str(value)
    if lang == "ja":
        return wareki(day, gregorian=gregorian)
    return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"


def long_datetime(value: object, lang: str) -> str:
    """令和8年12月2日 15時30分 / 2 December 2026, 15:30 (JST)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if not isinstance(value, dt.datetime):
        return long_date(value, lang)
    local = value.astimezone(JST)
    if lang == "ja":
        return f"{wareki(local.date())} {local.hour}時{local.minute:02d}分"
    return f"{long_date(local.date(), lang)}, {local:%H:%M}"


def last_day(end: dt.date | dt.datetime | None) -> dt.date | None:
    """The last valid day of a period whose exclusive end the ledger keeps: the JST date of the
    instant before ``end`` (an instant), or the day before ``end`` (a date)."""
    if end is None:
        return None
    if isinstance(end, dt.datetime):
        return (end - dt.timedelta(microseconds=1)).astimezone(JST).date()
    return end - dt.timedelta(days=1)


def fiscal_year(day: dt.date) -> int:
    """The Japanese fiscal year (年度) a day falls in: April to March, named by its April."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_text(year: int, lang: str) -> str:
    """令和8年度 / FY2026."""
    return f"{era_year(dt.date(year, 4, 1))[:-1]}年度" if lang == "ja" else f"FY{year}"
