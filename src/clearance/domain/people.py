"""Rules for person records (identity fields only; vetting data lives with assessments): names
are stored in NFC, readings in full-width katakana, and invisible characters are refused."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from clearance.domain.errors import Problems

KANA = re.compile(r"^[\u30A0-\u30FF\u3040-\u309F\u30FC\s・]+$")
# Control, format (zero-width, bidirectional overrides, BOM), private-use, surrogate and line or
# paragraph separator characters: invisible in a name, and a way to make two names look alike.
INVISIBLE = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def clean_name(value: str) -> str:
    """A name as stored: NFC (one code point sequence for each character), trimmed."""
    return unicodedata.normalize("NFC", value).strip()


def clean_kana(value: str) -> str:
    """A reading as stored: full-width katakana. Half-width katakana (ｶﾀｶﾅ, as old systems export
    it) becomes full-width with its voicing marks joined (NFKC), hiragana becomes katakana."""
    text = unicodedata.normalize("NFKC", value).strip()
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def invisible(value: str) -> bool:
    return any(unicodedata.category(c) in INVISIBLE for c in value)


def check_person_fields(
    *, family_name: str, given_name: str, family_name_kana: str, given_name_kana: str,
    date_of_birth: dt.date, today: dt.date,
) -> None:  # fmt: skip
    """Report every problem at once."""
    problems = Problems()
    for name, value in (("family_name", family_name), ("given_name", given_name),
                        ("family_name_kana", family_name_kana),
                        ("given_name_kana", given_name_kana)):  # fmt: skip
        if invisible(value):
            problems.add(name, "Remove control or invisible characters.", "invalid_character")
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
        elif not invisible(value) and not KANA.fullmatch(value.strip()):
            problems.add(name, "Write the reading in katakana or hiragana.", "not_kana")
    if date_of_birth >= today:
        problems.add("date_of_birth", "The date of birth must be in the past.", "future_date")
    elif date_of_birth.year < 1900:
        problems.add("date_of_birth", "The date of birth is before 1900.", "implausible")
    problems.raise_if_any()
