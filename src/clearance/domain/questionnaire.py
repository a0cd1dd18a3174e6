"""The questionnaire (質問票): its sections, their shapes, and the validator.

CESI.md §4.3. The questionnaire covers exactly the seven statutory matters; every section names the
matter it serves, and a field that is not in a section's shape is refused, so nothing beyond the
seven matters can be collected. Pure; imports only ``clearance.domain``.

Two checks:

- ``check_shape`` runs on every save: types and unknown fields. A draft may be incomplete.
- ``check_complete`` runs before submission and reports *every* problem at once, each with the
  dotted path of the field it concerns (``employment.entries.2.end``): missing fields, gaps in the
  10-year histories, overlapping or impossible dates, incomplete family entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from clearance.domain.errors import FieldProblem
from clearance.domain.periods import years_before

STR, DATE, BOOL, STRLIST = "str", "date", "bool", "strlist"
OPT_DATE = "date?"  # may be null (an open end: "until now")
MAX_TEXT = 2000

RELATIONS = (
    "spouse", "de_facto_spouse", "father", "mother", "child", "sibling", "spouse_parent",
    "spouse_child", "cohabitant",
)  # fmt: skip
EMPLOYMENT_KINDS = ("employed", "part_time", "self_employed", "student", "unemployed", "other")

_RECORD = {"date": DATE, "description": STR}
_DECLARATION = {"has_records": BOOL, "records": ("list", _RECORD)}


@dataclass(frozen=True)
class SectionSpec:
    name: str
    matter: int  # 1-7, Act Art. 12(2)
    title_en: str
    title_ja: str
    shape: dict[str, Any]


SECTIONS: dict[str, SectionSpec] = {
    s.name: s
    for s in (
        SectionSpec("identity", 1, "Identity and registered domicile", "本人の氏名・住所・本籍",
                    {"family_name": STR, "given_name": STR, "date_of_birth": DATE, "address": STR,
                     "honseki": STR}),
        SectionSpec("nationality", 1, "Nationality history", "国籍の履歴", {
            "current": STRLIST,
            "history": ("list", {"nationality": STR, "from": DATE, "to": OPT_DATE}),
            "naturalised_on": OPT_DATE}),
        SectionSpec("family", 1, "Family and cohabitants", "家族及び同居人", {
            "members": ("list", {"relation": ("enum", RELATIONS), "name": STR,
                                 "date_of_birth": DATE, "nationalities": STRLIST,
                                 "former_nationalities": STRLIST, "address": STR})}),
        SectionSpec("employment", 1, "Employment in the past 10 years", "過去10年間の職歴", {
            "entries": ("list", {"kind": ("enum", EMPLOYMENT_KINDS), "organisation": STR,
                                 "start": DATE, "end": OPT_DATE})}),
        SectionSpec("travel", 1, "Non-business travel abroad in the past 10 years",
                    "過去10年間の私的な海外渡航歴", {
            "entries": ("list", {"country": STR, "start": DATE, "end": DATE})}),
        SectionSpec("foreign", 1, "Foreign accounts and residence abroad", "外国の口座・居住歴", {
            "accounts": ("list", {"country": STR, "institution": STR}),
            "residences": ("list", {"country": STR, "start": DATE, "end": OPT_DATE})}),
        SectionSpec("criminal", 2, "Criminal and disciplinary record", "犯罪及び懲戒の経歴",
                    _DECLARATION),
        SectionSpec("info_handling", 3, "Information-handling violations",
                    "情報の取扱いに係る非違の経歴", _DECLARATION),
        SectionSpec("drugs", 4, "Drug misuse", "薬物の濫用及び影響", _DECLARATION),
        SectionSpec("mental_health", 5, "Treatment for mental illness", "精神疾患", _DECLARATION),
        SectionSpec("drinking", 6, "Moderation in drinking", "飲酒についての節度", _DECLARATION),
        SectionSpec("finances", 7, "Creditworthiness and finances", "信用状態その他の経済的な状況",
                    _DECLARATION),
    )
}  # fmt: skip
MATTERS = frozenset(range(1, 8))


class _Collector:
    def __init__(self) -> None:
        self.items: list[FieldProblem] = []

    def add(self, path: str, message: str, code: str = "invalid") -> None:
        self.items.append(FieldProblem(path, message, code))


def parse_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _check_value(spec: Any, value: Any, path: str, out: _Collector, complete: bool) -> None:
    if isinstance(spec, dict):
        if not isinstance(value, dict):
            out.add(path, "Expected an object.")
            return
        for key in value:
            if key not in spec:
                out.add(f"{path}.{key}", "This question is not part of the questionnaire.",
                        "unknown_field")  # fmt: skip
        for key, sub in spec.items():
            if key in value:
                _check_value(sub, value[key], f"{path}.{key}", out, complete)
            elif complete and sub != OPT_DATE:
                out.add(f"{path}.{key}", "This answer is required.", "required")
        return
    if isinstance(spec, tuple) and spec[0] == "list":
        if not isinstance(value, list) or len(value) > 500:
            out.add(path, "Expected a list (at most 500 entries).")
            return
        for i, item in enumerate(value):
            _check_value(spec[1], item, f"{path}.{i}", out, complete)
        return
    if isinstance(spec, tuple) and spec[0] == "enum":
        if value not in spec[1]:
            out.add(path, f"Choose one of: {', '.join(spec[1])}.", "choice")
        return
    if spec == STR:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            out.add(path, f"Expected text of at most {MAX_TEXT} characters.")
        elif complete and not value.strip():
            out.add(path, "This answer is required.", "required")
    elif spec == BOOL:
        if not isinstance(value, bool):
            out.add(path, "Expected true or false.")
    elif spec == STRLIST:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            out.add(path, "Expected a list of names.")
    elif spec in (DATE, OPT_DATE):
        if value is None and spec == OPT_DATE:
            return
        if parse_date(value) is None:
            out.add(path, "Expected a date as YYYY-MM-DD.", "date")


def check_shape(section: str, answers: object) -> list[FieldProblem]:
    """Problems with a draft's shape (types, unknown fields); incompleteness is allowed."""
    spec = SECTIONS.get(section)
    if spec is None:
        return [FieldProblem("section", f"There is no section {section!r}.", "unknown_section")]
    out = _Collector()
    _check_value(spec.shape, answers, section, out, complete=False)
    return out.items


def _spans(entries: list[dict[str, Any]], today: dt.date) -> list[tuple[int, dt.date, dt.date]]:
    spans = []
    for i, e in enumerate(entries):
        start = parse_date(e.get("start"))
        end = parse_date(e.get("end")) if e.get("end") is not None else today
        if start is not None and end is not None:
            spans.append((i, start, end))
    return spans


def _check_dates(
    section: str, key: str, spans: list[tuple[int, dt.date, dt.date]], today: dt.date,
    born: dt.date | None, out: _Collector, fields: tuple[str, str] = ("start", "end"),
) -> None:  # fmt: skip
    """``fields`` are the section's own names for start and end (nationality: from and to), so
    that each problem names a field the form has."""
    first, last = fields
    for i, start, end in spans:
        where = f"{section}.{key}.{i}"
        if end < start:
            out.add(f"{where}.{last}", "The end is before the start.", "date_order")
        if start > today or end > today:
            out.add(f"{where}.{first}" if start > today else f"{where}.{last}",
                    "The date is in the future.", "date_future")  # fmt: skip
        if born is not None and start < born:
            out.add(f"{where}.{first}", "The date is before the date of birth.",
                    "date_before_birth")  # fmt: skip


def _check_coverage(
    section: str, spans: list[tuple[int, dt.date, dt.date]], since: dt.date, today: dt.date,
    max_gap_days: int, out: _Collector,
) -> None:  # fmt: skip
    """The entries must cover [since, today] with no gap longer than ``max_gap_days``."""
    covered_to = since
    for _, start, end in sorted(spans, key=lambda s: s[1]):
        if (start - covered_to).days > max_gap_days:
            out.add(f"{section}.entries",
                    f"Nothing is recorded from {covered_to} to {start}; record every period "
                    "(including study or no work) in the past 10 years.", "gap")  # fmt: skip
        covered_to = max(covered_to, end)
    if (today - covered_to).days > max_gap_days:
        out.add(f"{section}.entries",
                f"Nothing is recorded from {covered_to} to {today}.", "gap")  # fmt: skip


def _check_overlaps(
    section: str, key: str, spans: list[tuple[int, dt.date, dt.date]], out: _Collector
) -> None:
    ordered = sorted(spans, key=lambda s: s[1])
    if not ordered:
        return
    latest, reach = ordered[0][0], ordered[0][2]  # the entry that reaches furthest so far
    for j, start, end in ordered[1:]:
        if start < reach:
            out.add(f"{section}.{key}.{j}.start", f"This period overlaps entry {latest}.",
                    "overlap")  # fmt: skip
        if end > reach:
            latest, reach = j, end


def check_complete(
    answers: dict[str, Any], *, today: dt.date, lookback_years: int = 10, max_gap_days: int = 31
) -> list[FieldProblem]:
    """Every problem that stops submission, each with its field path."""
    out = _Collector()
    for name, spec in SECTIONS.items():
        if name not in answers:
            out.add(name, "This section has not been answered.", "required")
            continue
        _check_value(spec.shape, answers[name], name, out, complete=True)
    if out.items and any(p.code in ("invalid", "date", "unknown_field") for p in out.items):
        return out.items  # shape errors first: date rules need well-formed dates
    born = parse_date(answers.get("identity", {}).get("date_of_birth"))
    since = years_before(today, lookback_years)
    if born is not None and born > since:
        since = born
    employment = answers.get("employment", {}).get("entries", [])
    spans = _spans(employment, today)
    _check_dates("employment", "entries", spans, today, born, out)
    _check_coverage("employment", spans, since, today, max_gap_days, out)
    full_time = [s for s in spans if employment[s[0]].get("kind") == "employed"]
    _check_overlaps("employment", "entries", full_time, out)
    trips = _spans(answers.get("travel", {}).get("entries", []), today)
    _check_dates("travel", "entries", trips, today, born, out)
    _check_overlaps("travel", "entries", trips, out)
    for i, _, end in trips:
        if end < years_before(today, lookback_years):
            out.add(f"travel.entries.{i}.end",
                    "This trip ended more than 10 years ago; it is not asked for.", "too_old")  # fmt: skip
    residences = _spans(answers.get("foreign", {}).get("residences", []), today)
    _check_dates("foreign", "residences", residences, today, born, out)
    history = [
        {"start": h.get("from"), "end": h.get("to")}
        for h in answers.get("nationality", {}).get("history", [])
    ]
    _check_dates("nationality", "history", _spans(history, today), today, born, out,
                 ("from", "to"))  # fmt: skip
    members = answers.get("family", {}).get("members", [])
    if sum(1 for m in members if m.get("relation") in ("spouse", "de_facto_spouse")) > 1:
        out.add("family.members", "Only one spouse may be recorded.", "duplicate_spouse")
    for i, m in enumerate(members):
        if not m.get("nationalities"):
            out.add(f"family.members.{i}.nationalities",
                    "Record at least one current nationality.", "required")  # fmt: skip
        dob = parse_date(m.get("date_of_birth"))
        if dob is not None and dob > today:
            out.add(f"family.members.{i}.date_of_birth", "The date is in the future.",
                    "date_future")  # fmt: skip
    for name, spec in SECTIONS.items():
        if spec.shape is _DECLARATION:
            section = answers.get(name, {})
            records = section.get("records", [])
            if section.get("has_records") and not records:
                out.add(f"{name}.records", "Describe each record, or answer 'none'.", "required")
            if section.get("has_records") is False and records:
                out.add(f"{name}.has_records", "Records are listed but the answer is 'none'.",
                        "inconsistent")  # fmt: skip
            for i, r in enumerate(records):
                day = parse_date(r.get("date"))
                if day is not None and day > today:
                    out.add(f"{name}.records.{i}.date", "The date is in the future.", "date_future")
    return out.items


def changed_paths(old: Any, new: Any, path: str = "") -> list[str]:
    """Dotted paths where ``new`` differs from ``old`` (for the investigator's 'what changed')."""
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in sorted(set(old) | set(new)):
            out += changed_paths(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(old, list) and isinstance(new, list):
        out = []
        for i in range(max(len(old), len(new))):
            a = old[i] if i < len(old) else None
            b = new[i] if i < len(new) else None
            out += changed_paths(a, b, f"{path}.{i}")
        return out
    return [] if old == new else [path]
