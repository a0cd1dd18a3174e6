"""The questionnaire as a document: every answer under its section and matter, with the field's name
in the page's language and the value in words (a date as a date, 「申告する事項なし」 for a
declaration without records, a relation by its name). The person's review page and receipt, the
PDF copy of what was submitted, and the investigator's and adjudicator's reading all use it, so
they show the same thing. Imports: the questionnaire shapes, web.ui (labels, core's date format).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clearance.domain.questionnaire import BOOL, DATE, OPT_DATE, SECTIONS, STRLIST
from clearance.web.i18n import N_
from clearance.web.ui import labels

UNTIL_NOW = N_("Until now")
NOT_ANSWERED = N_("(not answered)")
NONE = N_("None")
NOT_APPLICABLE = N_("Not applicable")
DECLARED = N_("Yes, declared below")
NOTHING = N_("No, nothing to declare")
YES, NO, ENTRY = N_("Yes"), N_("No"), N_("Entry")


@dataclass(frozen=True)
class Line:
    depth: int
    label: str
    text: str
    heading: bool = False  # an entry of a list: its fields follow, one level deeper


@dataclass(frozen=True)
class Section:
    name: str
    title: str
    lines: list[Line]


@dataclass(frozen=True)
class Matter:
    number: int
    title: str
    sections: list[Section]


def _value(spec: Any, value: Any, key: str, gt: Callable[[str], str],
           date: Callable[[Any], str]) -> str:  # fmt: skip
    if value is None and spec == OPT_DATE:  # an open end is "until now"; any other, not applicable
        return gt(UNTIL_NOW) if key in ("to", "end") else gt(NOT_APPLICABLE)
    if value is None or value == "" or value == []:
        return gt(NOT_ANSWERED) if spec != STRLIST else gt(NONE)
    if isinstance(spec, tuple) and spec[0] == "enum":
        return gt(labels.CHOICE.get(str(value), str(value)))
    if spec == BOOL:
        if key == "has_records":
            return gt(DECLARED) if value else gt(NOTHING)
        return gt(YES) if value else gt(NO)
    if spec == STRLIST:
        return "、".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if spec in (DATE, OPT_DATE):
        return date(value)
    return str(value)


def lines(spec: Any, value: Any, gt: Callable[[str], str], date: Callable[[Any], str],
          key: str = "", depth: int = 0) -> list[Line]:  # fmt: skip
    """The answers of one shape as labelled lines, lists as numbered entries."""
    label = gt(labels.FIELD.get(key, key)) if key else ""
    if isinstance(spec, dict):
        value = value if isinstance(value, dict) else {}
        out: list[Line] = []
        for k, sub in spec.items():
            out += lines(sub, value.get(k), gt, date, k, depth)
        return out
    if isinstance(spec, tuple) and spec[0] == "list":
        rows = value if isinstance(value, list) else []
        if not rows:
            return [Line(depth, label, gt(NONE))]
        out = [Line(depth, label, "", heading=True)]
        for i, row in enumerate(rows):
            out.append(Line(depth + 1, f"{gt(ENTRY)} {i + 1}", "", heading=True))
            out += lines(spec[1], row, gt, date, "", depth + 2)
        return out
    return [Line(depth, label, _value(spec, value, key, gt, date))]


def document(views: list[Any], gt: Callable[[str], str], lang: str,
             date: Callable[[Any], str]) -> list[Matter]:  # fmt: skip
    """The questionnaire's sections (``SectionView``s) grouped by the seven matters, in order."""
    out: dict[int, Matter] = {}
    for v in sorted(views, key=lambda v: (v.matter, list(SECTIONS).index(v.section))):
        spec = SECTIONS[v.section]
        m = out.setdefault(v.matter, Matter(v.matter, gt(labels.MATTER[v.matter]), []))
        body = (
            lines(spec.shape, v.answers, gt, date)
            if v.answers is not None
            else [Line(0, "", gt(NOT_ANSWERED))]
        )
        m.sections.append(Section(v.section, spec.title_ja if lang == "ja" else spec.title_en,
                                  body))  # fmt: skip
    return list(out.values())
