"""Names as a register keeps them: NFC, readings in full-width katakana, nothing invisible."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from clearance.domain.errors import ValidationFailed
from clearance.domain.people import check_person_fields, clean_kana, clean_name


@pytest.mark.parametrize(("typed", "stored"), [
    ("ﾀﾅｶ", "タナカ"), ("ｶﾞｸ", "ガク"), ("たなか", "タナカ"), (" ハナコ ", "ハナコ"),
    ("ｽｽﾞｷ ﾐｻｷ", "スズキ ミサキ"),
])  # fmt: skip
def test_readings_become_full_width_katakana(typed: str, stored: str) -> None:
    assert clean_kana(typed) == stored


def test_names_are_stored_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "ガ")  # カ + combining voiced mark
    assert len(decomposed) == 2 and clean_name(decomposed) == "ガ"


@pytest.mark.parametrize("bad", ["田\u200b中", "田中\x00", "\u202e田中", "田\ufeff中", "田\n中"])
def test_invisible_characters_are_refused_with_a_field_problem(bad: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        check_person_fields(family_name=bad, given_name="花子", family_name_kana="タナカ",
                            given_name_kana="ハナコ", date_of_birth=dt.date(1990, 1, 1),
                            today=dt.date(2026, 12, 2))  # fmt: skip
    assert [(p.field, p.code) for p in refused.value.problems] == [
        ("family_name", "invalid_character")
    ]
