"""Counting periods in years: the one place the regime's calendar arithmetic lives. Pure."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TypeVar

JST = dt.timezone(dt.timedelta(hours=9), "JST")
D = TypeVar("D", dt.date, dt.datetime)


def years_before(value: D, years: int) -> D:
    """The same calendar day ``years`` earlier (29 February -> 28 February)."""
    try:
        return value.replace(year=value.year - years)
    except ValueError:
        return value.replace(year=value.year - years, day=28)


def period_end(start: dt.datetime, years: int) -> dt.datetime:
    """End (exclusive) of a period of ``years`` counted from the day of ``start``, in Japan time.

    Civil Code Arts. 140 and 143 as we read them (inferred; see docs/assessment.md): the first day
    is not counted, so the period runs from the next day and ends at the close of the day before
    the corresponding day ``years`` later, i.e. eligibility lasts through the calendar day that
    corresponds to the day of notice. Where that day does not exist (29 February), the last day of
    the month is used.
    """
    local = start.astimezone(JST).date()
    corresponding = years_before(local, -years)
    end_day = corresponding + dt.timedelta(days=1)
    return dt.datetime(end_day.year, end_day.month, end_day.day, tzinfo=JST).astimezone(dt.UTC)


def term_end(first_day: dt.date, years: int) -> dt.date:
    """Exclusive end (the first day no longer in force) of a term of ``years`` whose first day is
    ``first_day`` and counted (it starts at 00:00, Civil Code Art. 140 proviso).

    Art. 143(2): the term ends on the day before the corresponding day ``years`` later; where the
    last month has no corresponding day (29 February), on that month's last day. So a term from
    29 February 2028 may run through 28 February 2033 (exclusive end 1 March 2033), not only
    through 27 February as a plain "same day, or the 28th" would give.
    """
    try:
        return first_day.replace(year=first_day.year + years)
    except ValueError:  # 29 February in a common year: the period ends on the month's last day
        return dt.date(first_day.year + years, 3, 1)


def add_months(value: D, months: int) -> D:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    years, index = divmod(value.month - 1 + months, 12)
    year, month = value.year + years, index + 1
    return value.replace(
        year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1])
    )


def months_end(start: dt.datetime, months: int) -> dt.datetime:
    """End (exclusive) of a period of ``months`` counted from the day of ``start`` in Japan time,
    as ``period_end`` counts years: valid through the corresponding day ``months`` later (or that
    month's last day), so the last valid day is a whole day, as printed."""
    local = start.astimezone(JST).date()
    end_day = add_months(local, months) + dt.timedelta(days=1)
    return dt.datetime(end_day.year, end_day.month, end_day.day, tzinfo=JST).astimezone(dt.UTC)


def jst_today(now: dt.datetime) -> dt.date:
    """ "Today" for every date rule: the date in Japan, not in UTC (between 00:00 and 09:00 JST
    the UTC date is still yesterday's)."""
    return now.astimezone(JST).date()
