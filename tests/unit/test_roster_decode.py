"""A roster file is read as UTF-8 (with or without a byte-order mark) or Shift_JIS / CP932, and
anything else is refused with a field problem, never guessed."""

from __future__ import annotations

import pytest

from clearance.domain.errors import ValidationFailed
from clearance.services.assessments.roster import decode_csv

TEXT = "family_name,given_name\n髙橋,﨑子\n山田,太郎\n"  # CP932 extensions included


@pytest.mark.parametrize(("raw", "name"), [
    (TEXT.encode("utf-8"), "UTF-8"),
    (TEXT.encode("utf-8-sig"), "UTF-8"),
    (TEXT.encode("cp932"), "Shift_JIS (CP932)"),
])  # fmt: skip
def test_each_encoding_excel_saves_reads_back_the_same_text(raw: bytes, name: str) -> None:
    assert decode_csv(raw) == (TEXT, name)


def test_anything_else_is_refused_with_a_field_problem() -> None:
    with pytest.raises(ValidationFailed) as caught:
        decode_csv(TEXT.encode("utf-16"))
    assert [p.code for p in caught.value.problems] == ["encoding"]
