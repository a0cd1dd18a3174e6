"""The questionnaire as HTML form fields, generated from the section shapes of
``domain.questionnaire`` and parsed back into answers.

Input names are the validator's field paths (``employment.entries.2.end``), so a problem the
validator reports is shown beside the input it concerns. A list shows its rows and one empty row;
an empty row is dropped when the form is read, and a row ticked "remove" too. The script adds rows
without a save ("add another entry"); without it, each save offers a new empty row.
Imports: the questionnaire shapes and the labels only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from clearance.domain.questionnaire import BOOL, DATE, OPT_DATE, STRLIST
from clearance.web.ui.labels import CHOICE, FIELD


@dataclass(frozen=True)
class Widget:
    kind: str  # text | date | select | bool | strlist | group | end
    name: str
    label: str
    value: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    optional: bool = False


def widgets(spec: Any, value: Any, path: str, key: str = "") -> list[Widget]:
    label = FIELD.get(key, key)
    if isinstance(spec, dict):
        value = value if isinstance(value, dict) else {}
        out: list[Widget] = []
        for k, sub in spec.items():
            out += widgets(sub, value.get(k), f"{path}.{k}", k)
        return out
    if isinstance(spec, tuple) and spec[0] == "list":
        rows = value if isinstance(value, list) else []
        out = [Widget("group", path, label)]
        for i, row in enumerate([*rows, None]):
            out.append(Widget("row", f"{path}.{i}", label, str(i + 1), optional=row is None))
            out += widgets(spec[1], row, f"{path}.{i}")
            out.append(Widget("endrow", f"{path}.{i}", label))
        out.append(Widget("end", path, label))
        return out
    if isinstance(spec, tuple) and spec[0] == "enum":
        choices = tuple((c, CHOICE.get(c, c)) for c in spec[1])
        return [Widget("select", path, label, value if isinstance(value, str) else "", choices)]
    if spec == BOOL:
        shown = "" if value is None else ("yes" if value else "no")
        return [Widget("bool", path, label, shown)]
    if spec == STRLIST:
        shown = ", ".join(value) if isinstance(value, list) else ""
        return [Widget("strlist", path, label, shown)]
    if spec in (DATE, OPT_DATE):
        return [Widget("date", path, label, value or "", optional=spec == OPT_DATE)]
    return [Widget("text", path, label, value if isinstance(value, str) else "")]


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value in (None, "", [])


def parse(spec: Any, form: dict[str, str], path: str) -> Any:
    """Answers from the form. A blank optional date is ``None`` ("until now"); any other blank is
    left out, so a draft may be incomplete and the validator names what is missing."""
    if isinstance(spec, dict):
        out: dict[str, Any] = {}
        for k, sub in spec.items():
            v = parse(sub, form, f"{path}.{k}")
            if v is not _MISSING:
                out[k] = v
        return out
    if isinstance(spec, tuple) and spec[0] == "list":
        prefix = f"{path}."
        indices = sorted({int(n[len(prefix):].split(".")[0]) for n in form
                          if n.startswith(prefix) and n[len(prefix):].split(".")[0].isdigit()})  # fmt: skip
        # A row ticked "remove" is left out; the rest keep their order (indices may have holes
        # where the script removed or added rows before the save).
        rows = [parse(spec[1], form, f"{path}.{i}") for i in indices[:500]
                if not form.get(f"{path}.{i}._remove")]  # fmt: skip
        return [r for r in rows if not _empty(r)]
    raw = form.get(path)
    if raw is None:
        return _MISSING
    raw = raw.strip()
    if spec == BOOL:
        return {"yes": True, "no": False}.get(raw, _MISSING)
    if spec == STRLIST:
        return [p.strip() for p in raw.replace("、", ",").split(",") if p.strip()]
    if spec == OPT_DATE:
        return raw or None
    return raw if raw else _MISSING


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


_MISSING: Any = _Missing()
