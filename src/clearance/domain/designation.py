"""Designations of CESI (指定, CESI.md §2.3-2.5): terms, extensions, the 30-year cap, cancellation,
and provision bases. Pure; imports only ``clearance.domain``.

Dates: a designation runs from ``start_on`` (inclusive) to ``expires_on`` (exclusive), both calendar
days in Japan time. A term of exactly N years ends on the same day N years later.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum, unique

from clearance.domain.errors import FieldProblem
from clearance.domain.periods import JST, term_end, years_before


@unique
class Marking(StrEnum):
    MARK = "mark"  # 表示
    NOTICE = "notice"  # 通知 (where marking is impractical)


@unique
class ProvisionBasis(StrEnum):
    """Act articles under which CESI is provided (CESI.md §2.5)."""

    AGENCY = "art6"  # another administrative organ
    FOREIGN = "art8"  # a foreign government or international organisation
    PUBLIC_INTEREST = "art9"  # the Diet in closed session, courts, ...
    OPERATOR = "art10"  # a qualified business operator under contract


@dataclass(frozen=True)
class Designation:
    id: uuid.UUID
    agency_id: uuid.UUID
    category_code: str
    document_number: str  # 指定書 number
    title: str  # an unclassified title
    marking: Marking
    start_on: dt.date
    expires_on: dt.date  # exclusive
    created_at: dt.datetime
    created_by: str
    version: int = 1
    cabinet_approval_on: dt.date | None = None
    cabinet_approval_ref: str | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None

    def starts(self) -> dt.datetime:
        return day_start(self.start_on)

    def ends(self) -> dt.datetime:
        """When it stops being in force: expiry or cancellation, whichever is first."""
        end = day_start(self.expires_on)
        return min(end, self.cancelled_at) if self.cancelled_at else end

    def in_force(self, at: dt.datetime) -> bool:
        return self.starts() <= at < self.ends()

    @property
    def last_day(self) -> dt.date:
        """The last day in force (JST), as every page and document prints the term: the day
        before ``expires_on``, which is exclusive (the first day no longer in force)."""
        return self.expires_on - dt.timedelta(days=1)


def day_start(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=JST)


def add_years(day: dt.date, years: int) -> dt.date:
    return years_before(day, -years)


@dataclass(frozen=True)
class TermRules:
    max_term_years: int
    max_extension_years: int
    total_cap_years: int


def check_initial_term(start: dt.date, expires: dt.date, rules: TermRules) -> list[FieldProblem]:
    if expires <= start:
        return [FieldProblem("expires_on", "The expiry must be after the start.", "date_order")]
    limit = term_end(start, rules.max_term_years)
    if expires > limit:
        return [FieldProblem(
            "expires_on", f"A term is at most {rules.max_term_years} years (last day "
            f"{limit - dt.timedelta(days=1)}).", "term_too_long")]  # fmt: skip
    return []


def check_extension(
    d: Designation, new_expiry: dt.date, rules: TermRules, *, today: dt.date,
    cabinet_approval: bool, approval_on: dt.date | None = None,
) -> list[FieldProblem]:  # fmt: skip
    """Each extension at most ``max_extension_years`` beyond the current expiry; the total at most
    ``total_cap_years`` from the start unless a Cabinet approval is recorded. A Cabinet approval
    given now (``approval_on``) is dated between the designation's start and today: one dated in
    the future or before the information was designated approves nothing (issue 15 §3)."""
    if approval_on is not None and not d.start_on <= approval_on <= today:
        return [FieldProblem(
            "cabinet_approval_on", "The Cabinet approval must be dated between the start of the "
            "designation and today.", "date_range")]  # fmt: skip
    if d.cancelled_at is not None:
        return [
            FieldProblem("expires_on", "A cancelled designation cannot be extended.", "cancelled")
        ]
    if today >= d.expires_on:
        return [
            FieldProblem("expires_on", "The designation has expired; designate anew.", "expired")
        ]
    problems = []
    if new_expiry <= d.expires_on:
        problems.append(FieldProblem("expires_on", "An extension must move the expiry later.",
                                     "date_order"))  # fmt: skip
    elif new_expiry > term_end(d.expires_on, rules.max_extension_years):
        problems.append(FieldProblem(
            "expires_on", f"Each extension is at most {rules.max_extension_years} years.",
            "extension_too_long"))  # fmt: skip
    cap = term_end(d.start_on, rules.total_cap_years)
    if new_expiry > cap and not cabinet_approval:
        problems.append(FieldProblem(
            "cabinet_approval_on", f"Beyond {rules.total_cap_years} years in total (last day {cap - dt.timedelta(days=1)}) "
            "a Cabinet approval (date and reference) is required.", "cabinet_approval_required"))  # fmt: skip
    return problems
