"""The pure assessment rules: transition table, eligibility periods, the questionnaire validator."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.domain.assessment import (
    TERMINAL,
    TRANSITIONS,
    WHO_ACTS_NEXT,
    Command,
    Status,
    allowed_commands,
    next_status,
)
from clearance.domain.errors import InvalidTransition
from clearance.domain.periods import JST, period_end
from clearance.domain.questionnaire import SECTIONS, changed_paths, check_complete, check_shape
from tests.e2e.flows import valid_answers

TODAY = dt.date(2026, 4, 1)


def test_terminal_statuses_allow_nothing_and_every_status_has_a_next_actor() -> None:
    for s in TERMINAL:
        assert allowed_commands(s) == ()
    assert set(WHO_ACTS_NEXT) == set(Status)
    assert {t.command for t in TRANSITIONS} == set(Command)


def test_invalid_transition_names_current_and_allowed() -> None:
    with pytest.raises(InvalidTransition) as err:
        next_status(Status.CONSENT_PENDING, Command.REQUEST_INVESTIGATION)
    assert "consent_pending" in err.value.message and "consent, refuse" in err.value.message


@given(st.sampled_from(list(Status)), st.sampled_from(list(Command)))
def test_withdrawal_is_possible_exactly_between_consent_and_result(s: Status, c: Command) -> None:
    if c is Command.WITHDRAW:
        before_result = s not in TERMINAL and s not in {
            Status.LISTING_CONSENT_PENDING, Status.LISTED, Status.ROSTER_SUBMITTED,
            Status.CONSENT_PENDING}  # fmt: skip
        assert (c in allowed_commands(s)) == before_result


def test_period_end_counts_from_the_next_day_in_japan_time() -> None:
    notified = dt.datetime(2026, 4, 1, 3, 0, tzinfo=dt.UTC)  # 12:00 JST on 1 April 2026
    assert period_end(notified, 10) == dt.datetime(2036, 4, 2, tzinfo=JST)
    late = dt.datetime(2026, 4, 1, 16, 0, tzinfo=dt.UTC)  # already 2 April in Japan
    assert period_end(late, 10) == dt.datetime(2036, 4, 3, tzinfo=JST)
    leap = dt.datetime(2028, 2, 29, 1, 0, tzinfo=dt.UTC)
    assert period_end(leap, 10) == dt.datetime(2038, 3, 1, tzinfo=JST)


def test_a_complete_questionnaire_passes() -> None:
    assert check_complete(valid_answers(TODAY), today=TODAY) == []


def test_the_validator_reports_every_problem_with_its_field() -> None:
    answers = valid_answers(TODAY)
    answers["employment"]["entries"] = [
        {"kind": "employed", "organisation": "A", "start": "2015-01-01", "end": "2019-12-31"},
        {"kind": "employed", "organisation": "B", "start": "2019-06-01", "end": "2021-01-01"},
        {"kind": "employed", "organisation": "C", "start": "2023-01-01", "end": "2022-01-01"},
    ]
    answers["family"]["members"][0]["nationalities"] = []
    del answers["family"]["members"][0]["address"]
    answers["travel"]["entries"].append(
        {"country": "US", "start": "2030-01-01", "end": "2030-01-05"})  # fmt: skip
    del answers["drinking"]
    found = {(p.field, p.code) for p in check_complete(answers, today=TODAY)}
    assert ("family.members.0.address", "required") in found
    assert ("drinking", "required") in found
    answers["family"]["members"][0]["address"] = "東京都"
    answers["drinking"] = {"has_records": True, "records": []}
    found = {(p.field, p.code) for p in check_complete(answers, today=TODAY)}
    assert found >= {
        ("employment.entries.1.start", "overlap"),
        ("employment.entries.2.end", "date_order"),
        ("employment.entries", "gap"),
        ("family.members.0.nationalities", "required"),
        ("travel.entries.1.start", "date_future"),
        ("drinking.records", "required"),
    }, found


def test_nothing_beyond_the_seven_matters_can_be_saved() -> None:
    problems = check_shape("identity", {"family_name": "田中", "religion": "x"})
    assert [(p.field, p.code) for p in problems] == [("identity.religion", "unknown_field")]
    assert check_shape("union_membership", {})[0].code == "unknown_section"
    assert {s.matter for s in SECTIONS.values()} == set(range(1, 8))


def test_changed_paths_name_what_changed() -> None:
    old = valid_answers(TODAY)
    new = valid_answers(TODAY)
    new["foreign"]["accounts"] = [{"country": "SG", "institution": "DBS"}]
    new["identity"]["address"] = "大阪府"
    assert changed_paths(old, new) == ["foreign.accounts.0", "identity.address"]
