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


def add_months(value: D, months: int) -> D:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    years, index = divmod(value.month - 1 + months, 12)
    year, month = value.year + years, index + 1
    return value.replace(
        year=year, month=month, day=min(value.day, calendar.monthrange(year, month)[1])
    )


def jst_today(now: dt.datetime) -> dt.date:
    """ "Today" for every date rule: the date in Japan, not in UTC (between 00:00 and 09:00 JST
    the UTC date is still yesterday's)."""
    return now.astimezone(JST).date()
