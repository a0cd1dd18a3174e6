"""``decide_access``: all conditions met permits; removing any one denies with exactly its reason."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

import pytest

from clearance.domain.access import (
    AccessAction,
    ContractFacts,
    HandlerSpan,
    MaterialFacts,
    PersonFacts,
    Span,
    decide_access,
)
from clearance.domain.assessment import Eligibility, EligibilitySource
from clearance.domain.designation import Designation, Marking

T0 = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
NOW = T0 + dt.timedelta(days=30)
AGENCY, OPERATOR, PERSON = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
D = Designation(uuid.uuid4(), AGENCY, "A3", "X-1", "t", Marking.MARK, dt.date(2026, 4, 1),
                dt.date(2031, 4, 1), T0, "m")  # fmt: skip
ELIG = Eligibility(uuid.uuid4(), PERSON, AGENCY, EligibilitySource.CESI, T0, T0.replace(year=2036))
CONTRACT = ContractFacts(OPERATOR, AGENCY, frozenset({D.id}), frozenset({"開発部"}),
                         Span(T0, T0.replace(year=2029)))  # fmt: skip
PERSON_OK = PersonFacts(
    PERSON, OPERATOR, True, (ELIG,), (HandlerSpan(D.id, OPERATOR, "開発部", Span(T0)),), T0,
    {"rules": (Span(T0, T0 + dt.timedelta(days=365)),)}, frozenset({"rules"}),
)  # fmt: skip
MATERIAL = MaterialFacts(uuid.uuid4(), D.id, ((OPERATOR, Span(T0)),))

REMOVALS = {
    "no_eligibility": lambda p, m, d, c: (dataclasses.replace(p, eligibilities=()), m, d, c),
    "suspended": lambda p, m, d, c: (dataclasses.replace(
        p, eligibilities=(dataclasses.replace(ELIG, suspended_at=T0),)), m, d, c),
    "not_handler": lambda p, m, d, c: (dataclasses.replace(p, handlers=()), m, d, c),
    "duties_not_acknowledged": lambda p, m, d, c: (dataclasses.replace(p, acknowledged_at=None), m, d, c),
    "training_overdue": lambda p, m, d, c: (dataclasses.replace(p, training={}), m, d, c),
    "contract_not_in_force": lambda p, m, d, c: (p, m, d, (dataclasses.replace(
        CONTRACT, suspensions=(Span(T0),)),)),
    "department_not_authorised": lambda p, m, d, c: (p, m, d, (dataclasses.replace(
        CONTRACT, departments=frozenset({"営業部"})),)),
    "designation_not_in_force": lambda p, m, d, c: (p, m, dataclasses.replace(d, cancelled_at=T0), c),
    "material_not_held": lambda p, m, d, c: (p, dataclasses.replace(m, holdings=()), d, c),
}  # fmt: skip


def test_everything_in_order_permits() -> None:
    for action in AccessAction:
        assert decide_access(PERSON_OK, MATERIAL, D, (CONTRACT,), action, NOW).permit


@pytest.mark.parametrize("code", sorted(REMOVALS))
def test_removing_one_condition_gives_exactly_its_reason(code: str) -> None:
    p, m, d, c = REMOVALS[code](PERSON_OK, MATERIAL, D, (CONTRACT,))
    verdict = decide_access(p, m, d, c, AccessAction.READ, NOW)
    assert not verdict.permit and verdict.codes == (code,)
    assert verdict.reasons[0].article


def test_boundaries_in_time() -> None:
    end = D.ends()  # 1 April 2031, 00:00 JST
    late = dataclasses.replace(PERSON_OK, training_blocks=False)  # the regime switch
    long = (dataclasses.replace(CONTRACT, span=Span(T0, T0.replace(year=2033))),)
    before = decide_access(
        late, MATERIAL, D, long, AccessAction.READ, end - dt.timedelta(microseconds=1)
    )
    assert before.permit
    assert decide_access(late, MATERIAL, D, long, AccessAction.READ, end).codes == (
        "designation_not_in_force",)  # fmt: skip


def test_agency_staff_need_their_own_agencys_eligibility_and_no_contract() -> None:
    staff = dataclasses.replace(
        PERSON_OK, employer_id=AGENCY, employer_is_operator=False,
        handlers=(HandlerSpan(D.id, AGENCY, None, Span(T0)),),
    )  # fmt: skip
    held = MaterialFacts(MATERIAL.id, D.id, ((AGENCY, Span(T0)),))
    assert decide_access(staff, held, D, (), AccessAction.READ, NOW).permit
