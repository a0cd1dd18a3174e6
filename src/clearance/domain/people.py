"""Rules for person records (identity fields only; vetting data lives with assessments)."""

from __future__ import annotations

import datetime as dt
import re

from clearance.domain.errors import Problems

KANA = re.compile(r"^[\u30A0-\u30FF\u3040-\u309F\u30FC\s・]+$")


def check_person_fields(
    *, family_name: str, given_name: str, family_name_kana: str, given_name_kana: str,
    date_of_birth: dt.date, today: dt.date,
) -> None:  # fmt: skip
    """Report every problem at once."""
    problems = Problems()
    for name, value in (("family_name", family_name), ("given_name", given_name)):
        if not value.strip():
            problems.add(name, "This name is required.", "required")
        elif len(value) > 100:
            problems.add(name, "Use at most 100 characters.", "too_long")
    for name, value in (
        ("family_name_kana", family_name_kana),
        ("given_name_kana", given_name_kana),
    ):
        if not value.strip():
            problems.add(name, "The reading in kana is required.", "required")
        elif not KANA.fullmatch(value.strip()):
            problems.add(name, "Write the reading in katakana or hiragana.", "not_kana")
    if date_of_birth >= today:
        problems.add("date_of_birth", "The date of birth must be in the past.", "future_date")
    elif date_of_birth.year < 1900:
        problems.add("date_of_birth", "The date of birth is before 1900.", "implausible")
    problems.raise_if_any()
