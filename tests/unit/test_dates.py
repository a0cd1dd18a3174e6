"""The date policy and the period arithmetic at their edges: era changes, 元年, the last valid day,
the fiscal year, and Civil Code Art. 143(2) for a term from 29 February."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.domain.dates import fiscal_year, fiscal_year_text, last_day, long_date, wareki
from clearance.domain.designation import TermRules, check_initial_term
from clearance.domain.periods import JST, months_end, period_end, term_end

D = dt.date


@pytest.mark.parametrize(("day", "text"), [
    (D(2019, 4, 30), "平成31年4月30日"), (D(2019, 5, 1), "令和元年5月1日"),
    (D(2020, 1, 1), "令和2年1月1日"), (D(1989, 1, 7), "昭和64年1月7日"),
    (D(1989, 1, 8), "平成元年1月8日"), (D(1926, 12, 25), "昭和元年12月25日"),
    (D(2026, 12, 2), "令和8年12月2日"),
])  # fmt: skip
def test_era_edges(day: dt.date, text: str) -> None:
    assert wareki(day) == text


def test_both_languages_and_the_jst_date_of_an_instant() -> None:
    late = dt.datetime(2026, 12, 1, 15, 30, tzinfo=dt.UTC)  # 00:30 JST on 2 December
    assert long_date(late, "ja") == "令和8年12月2日"
    assert long_date(late, "en") == "2 December 2026"
    assert wareki(D(2026, 12, 2), gregorian=True) == "令和8年（2026年）12月2日"


def test_last_day_of_an_exclusive_end() -> None:
    end = dt.datetime(2036, 12, 3, tzinfo=JST)  # eligible until the close of 2 December
    assert last_day(end) == D(2036, 12, 2)
    assert last_day(end.astimezone(dt.UTC)) == D(2036, 12, 2)
    assert last_day(D(2031, 12, 2)) == D(2031, 12, 1)


@pytest.mark.parametrize(("day", "year"), [(D(2026, 3, 31), 2025), (D(2026, 4, 1), 2026)])
def test_fiscal_year_starts_in_april(day: dt.date, year: int) -> None:
    assert fiscal_year(day) == year
    assert fiscal_year_text(2026, "ja") == "令和8年度"


def test_a_term_from_29_february_runs_to_the_end_of_february() -> None:
    """Art. 143(2): no corresponding day (29 February 2033) -> the term ends on the last day of
    that month, 28 February 2033, so the exclusive end is 1 March."""
    rules = TermRules(5, 5, 30)
    start = D(2028, 2, 29)
    assert term_end(start, 5) == D(2033, 3, 1)
    assert check_initial_term(start, D(2033, 3, 1), rules) == []  # last day 28 February
    [too_long] = check_initial_term(start, D(2033, 3, 2), rules)
    assert too_long.code == "term_too_long"
    assert check_initial_term(D(2026, 12, 2), D(2031, 12, 2), rules) == []
    assert check_initial_term(D(2026, 12, 2), D(2031, 12, 3), rules) != []


def test_eligibility_from_29_february_and_training_months() -> None:
    notified = dt.datetime(2028, 2, 29, 10, tzinfo=JST)
    assert last_day(period_end(notified, 10)) == D(2038, 2, 28)
    completed = dt.datetime(2026, 1, 31, 23, 30, tzinfo=JST)
    assert last_day(months_end(completed, 1)) == D(2026, 2, 28)  # the month's last day
    assert last_day(months_end(completed, 12)) == D(2027, 1, 31)


@given(st.dates(min_value=D(1927, 1, 1), max_value=D(2100, 12, 31)))
def test_wareki_names_a_known_era_and_the_day(day: dt.date) -> None:
    text = wareki(day)
    assert text[:2] in {"昭和", "平成", "令和"} and text.endswith(f"{day.month}月{day.day}日")
