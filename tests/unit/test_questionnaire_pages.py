"""The questionnaire's pages without a browser: every problem the validator reports names a field
the form shows (so its message appears beside it and the summary link lands on it), rows ticked
"remove" are dropped, the document view says every answer in words, every section has guidance
from the regime, and the receipt number follows the answers.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.domain.questionnaire import SECTIONS, check_complete
from clearance.regime import load_regime
from clearance.services.assessments.questionnaire import SectionView, receipt_number
from clearance.web.ui import answers, qform

TODAY = dt.date(2026, 12, 2)


def widget_names(section: str, value: Any) -> set[str]:
    return {w.name for w in qform.widgets(SECTIONS[section].shape, value, section)}


def valid() -> dict[str, Any]:
    none = {"has_records": False, "records": []}
    return {
        "identity": {"family_name": "田中", "given_name": "花子", "date_of_birth": "1988-04-12",
                     "address": "東京都", "honseki": "東京都"},
        "nationality": {"current": ["JP"], "history": [
            {"nationality": "JP", "from": "1988-04-12", "to": None}], "naturalised_on": None},
        "family": {"members": [{"relation": "mother", "name": "田中 洋子",
                                "date_of_birth": "1960-02-02", "nationalities": ["JP"],
                                "former_nationalities": [], "address": "東京都"}]},
        "employment": {"entries": [{"kind": "employed", "organisation": "さくら重工業",
                                    "start": "2014-04-01", "end": None}]},
        "travel": {"entries": []},
        "foreign": {"accounts": [], "residences": []},
        **{k: dict(none) for k in ("criminal", "info_handling", "drugs", "mental_health",
                                   "drinking", "finances")},
    }  # fmt: skip


DATES = st.sampled_from(["1950-01-01", "1987-01-01", "1999-01-01", "2014-04-01", "2026-11-30",
                         "2030-01-01", None])  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    nat=st.tuples(DATES, DATES),
    job=st.tuples(DATES, DATES),
    trip=st.tuples(DATES, DATES),
    home=st.tuples(DATES, DATES),
    relative_born=DATES,
)
def test_every_problem_names_a_field_the_form_shows(
    nat: tuple[Any, Any], job: tuple[Any, Any], trip: tuple[Any, Any], home: tuple[Any, Any],
    relative_born: Any,
) -> None:  # fmt: skip
    a = valid()
    a["nationality"]["history"][0].update({"from": nat[0] or "1988-04-12", "to": nat[1]})
    a["employment"]["entries"][0].update({"start": job[0] or "2014-04-01", "end": job[1]})
    a["travel"]["entries"] = [{"country": "KR", "start": trip[0] or "2020-01-01",
                               "end": trip[1] or "2020-01-05"}]  # fmt: skip
    a["foreign"]["residences"] = [{"country": "US", "start": home[0] or "2000-01-01",
                                   "end": home[1]}]  # fmt: skip
    a["family"]["members"][0]["date_of_birth"] = relative_born or "1960-02-02"
    for p in check_complete(a, today=TODAY):
        section = p.field.split(".")[0]
        shown = widget_names(section, a[section]) | {section}
        assert p.field in shown, (p.field, p.code)


def test_nationality_dates_in_the_wrong_order_point_at_the_to_field() -> None:
    a = valid()
    a["nationality"]["history"][0].update({"from": "2000-01-01", "to": "1999-01-01"})
    fields = {p.field for p in check_complete(a, today=TODAY)}
    assert "nationality.history.0.to" in fields


def test_a_row_ticked_remove_is_dropped_and_the_others_keep_their_order() -> None:
    form = {
        "family.members.0.name": "田中 洋子", "family.members.0.relation": "mother",
        "family.members.3.name": "田中 一郎", "family.members.3.relation": "father",
        "family.members.3._remove": "1",
        "family.members.7.name": "田中 次郎", "family.members.7.relation": "sibling",
    }  # fmt: skip
    parsed = qform.parse(SECTIONS["family"].shape, form, "family")
    assert [m["name"] for m in parsed["members"]] == ["田中 洋子", "田中 次郎"]


def _words(views: list[SectionView]) -> str:
    doc = answers.document(views, lambda s: s, "ja", lambda v: f"<{v}>")
    return "\n".join(f"{ln.label}={ln.text}" for m in doc for s in m.sections for ln in s.lines)


def test_the_document_says_every_answer_in_words_grouped_by_matter() -> None:
    a = valid()
    views = [SectionView(k, SECTIONS[k].matter, "open", False, True, v) for k, v in a.items()]
    doc = answers.document(views, lambda s: s, "ja", str)
    assert [m.number for m in doc] == [1, 2, 3, 4, 5, 6, 7]
    text = _words(views)
    assert (
        "Relation=Mother" in text and "Is there anything to declare?=No, nothing to declare" in text
    )
    assert "To=Until now" in text and "Naturalised on=Not applicable" in text
    assert "True" not in text and "False" not in text and "has_records" not in text
    assert "{" not in text and "[" not in text


def test_every_section_has_guidance_from_the_regime_with_its_numbers_filled() -> None:
    regime = load_regime()
    assert {g.section for g in regime.guidance} == set(SECTIONS)
    for section in SECTIONS:
        for lang in ("ja", "en"):
            text = regime.guidance_text(section, lang)
            assert text and "{" not in text and "}" not in text, (section, lang, text)
    assert "過去10年間" in regime.guidance_text("employment", "ja")
    assert all(g.source.strip() for g in regime.guidance)


def test_the_receipt_number_follows_the_answers() -> None:
    aid, at = uuid.uuid4(), dt.datetime(2026, 12, 2, 3, 4, tzinfo=dt.UTC)
    a = valid()
    views = [SectionView(k, SECTIONS[k].matter, "locked", False, True, v) for k, v in a.items()]
    number = receipt_number(aid, at, views)
    assert re.fullmatch(r"\d{4}-\d{4}-\d{4}", number)
    assert receipt_number(aid, at, views) == number
    changed = [
        SectionView(v.section, v.matter, v.state, False, True,
                    {**v.answers, "address": "大阪府"} if v.section == "identity" else v.answers)
        for v in views
    ]  # fmt: skip
    assert receipt_number(aid, at, changed) != number
    assert receipt_number(aid, at + dt.timedelta(seconds=1), views) != number
