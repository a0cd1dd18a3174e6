"""The regime file: statutory parameters of the CESI Act as versioned, validated data.

Every value carries its source and a status from ../shared/domain/LAW-STATUS.md (``verified``,
``verified_diet``, ``secondary``, ``unverified``, ``inferred``, ``open``). Code reads parameters from a
``Regime`` object; no rule of the regime is a constant in code. An operator corrects a value by
editing a copy of ``cesi.toml`` and pointing ``CLEARANCE_REGIME_FILE`` at it.

May import: stdlib, pydantic, ``clearance.domain.errors``.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from clearance.domain.errors import ConfigurationError

SUPPORTED_SCHEMA = 1


class Status(StrEnum):
    VERIFIED = "verified"
    VERIFIED_DIET = "verified_diet"
    SECONDARY = "secondary"
    UNVERIFIED = "unverified"
    INFERRED = "inferred"
    OPEN = "open"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Parameter(_Strict):
    value: int | str | bool | None
    unit: str | None = None
    status: Status
    source: str = Field(min_length=1)
    note: str | None = None


class Matter(_Strict):
    number: int = Field(ge=1, le=7)
    ja: str
    en: str
    status: Status
    source: str


FAMILIES = {
    "A": ("基幹インフラ役務の提供体制に特化した情報",
          "Information specific to the provision of core infrastructure services"),
    "B": ("重要物資のサプライチェーンに特化した情報",
          "Information specific to the supply chains of critical goods"),
    "C": ("基幹インフラ役務と重要物資のサプライチェーンの双方に関する情報",
          "Information on both core infrastructure services and supply chains of critical goods"),
}  # fmt: skip


class Category(_Strict):
    """One of the 19 items (細目) of the operational standards. ``placeholder`` marks an item whose
    wording could not be confirmed from public text: it is offered by its family only and never
    printed as such (a document prints the family and the designation's own title)."""

    code: str = Field(pattern=r"^[ABC][0-9]{1,2}$")
    family: str = Field(pattern=r"^[ABC]$")
    label_ja: str
    label_en: str
    placeholder: bool = False
    status: Status
    source: str

    def label(self, lang: str) -> str:
        return self.label_ja if lang == "ja" else self.label_en

    def family_label(self, lang: str) -> str:
        ja, en = FAMILIES[self.family]
        return ja if lang == "ja" else en

    def printed(self, lang: str, title: str) -> str:
        """What a document prints: the item, or for an unconfirmed one its family and ``title``."""
        if not self.placeholder:
            return self.label(lang)
        return (
            f"{self.family_label(lang)}（{title}）"
            if lang == "ja"
            else (f"{self.family_label(lang)} ({title})")
        )


class Penalty(_Strict):
    article: str
    offence_en: str
    max_prison_years: float | None = None
    max_fine_yen: int | None = None
    status: Status
    source: str


class Guidance(_Strict):
    """What a questionnaire section asks for, in words for the person (what counts, which period).
    ``{name}`` in the text is filled from the regime parameter of that name."""

    section: str
    ja: str
    en: str
    status: Status
    source: str = Field(min_length=1)


class Citation(_Strict):
    """The legal basis a document cites, in the words it prints (法第13条第1項 / Act Art. 13(1)).
    Kept here with its status because Arts. 13-17 are expected from the SDS parallel, not read."""

    key: str
    ja: str
    en: str
    status: Status
    source: str = Field(min_length=1)


class Regime(_Strict):
    schema_version: int
    regime: str
    version: str
    in_force_from: dt.date
    parameters: dict[str, Parameter]
    matters: list[Matter]
    categories: list[Category]
    penalties: list[Penalty]
    guidance: list[Guidance] = []
    citations: list[Citation] = []

    @model_validator(mode="after")
    def _consistent(self) -> Regime:
        if self.schema_version != SUPPORTED_SCHEMA:
            raise ValueError(f"schema_version {self.schema_version} is not {SUPPORTED_SCHEMA}")
        numbers = sorted(m.number for m in self.matters)
        if numbers != list(range(1, 8)):
            raise ValueError("the regime must list exactly the seven matters, numbered 1 to 7")
        codes = [c.code for c in self.categories]
        if len(set(codes)) != len(codes):
            raise ValueError("category codes must be unique")
        missing = REQUIRED_PARAMETERS - self.parameters.keys()
        if missing:
            raise ValueError(f"missing parameters: {', '.join(sorted(missing))}")
        return self

    def guidance_for(self, section: str, lang: str) -> Guidance | None:
        return next((g for g in self.guidance if g.section == section), None)

    def guidance_text(self, section: str, lang: str) -> str:
        """The section's guidance in ``lang`` with the regime's numbers filled in ("" if none)."""
        g = self.guidance_for(section, lang)
        if g is None:
            return ""
        numbers = {k: str(p.value) for k, p in self.parameters.items()}
        return (g.ja if lang == "ja" else g.en).format_map(numbers)

    def cite(self, key: str, lang: str) -> str:
        """The printed citation for ``key`` ("" if the regime file has none)."""
        c = next((c for c in self.citations if c.key == key), None)
        return "" if c is None else (c.ja if lang == "ja" else c.en)

    def value(self, name: str) -> Any:
        return self.parameters[name].value

    def years(self, name: str) -> int:
        value = self.parameters[name].value
        if not isinstance(value, int) or isinstance(value, bool):
            raise ConfigurationError(f"regime parameter {name} is not a whole number of years")
        return value


REQUIRED_PARAMETERS = frozenset(
    {
        "eligibility_validity_years",
        "sds_reciprocity_years",
        "designation_max_term_years",
        "designation_max_extension_years",
        "designation_total_cap_years",
        "investigation_reuse_window_years",
        "employment_history_years",
        "travel_history_years",
        "employment_min_months",
        "training_validity_months",
        "vetting_retention_years",
        "second_official_required",
        "employer_told_not_conducted",
        "training_overdue_removes_handler",
        "reminder_designation_expiry_days",
        "reminder_eligibility_expiry_days",
        "reminder_training_days",
        "inventory_interval_months",
        "reminder_complaint_days",
        *(
            f"timeliness_target_days_{s}"
            for s in ("listing", "consent", "investigation", "adjudication", "notification")
        ),
    }
)


def load_regime(path: Path | None = None) -> Regime:
    """Load and validate the regime file (the packaged one when ``path`` is None)."""
    try:
        if path is None:
            text = resources.files("clearance.regime").joinpath("cesi.toml").read_text("utf-8")
            where = "packaged cesi.toml"
        else:
            text = path.read_text("utf-8")
            where = str(path)
        return Regime.model_validate(tomllib.loads(text))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"Cannot read the regime file {path}: {exc}") from exc
    except ValidationError as exc:
        problems = "\n".join(
            f"  {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigurationError(f"The regime file ({where}) is invalid:\n{problems}") from exc
