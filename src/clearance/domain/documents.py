"""Official documents (公文書): who issues them, how they are numbered, and the record of each one
issued. Pure; imports only ``clearance.domain``.

Japanese offices number outgoing documents per organisation and fiscal year (年度, April–March) in
a gap-free sequence, written in the organisation's own form, e.g. 経産安第12号. Each organisation
keeps an ``IssuerProfile``: the number form, the issuing authority's title and name (e.g.
経済産業大臣), and where complaints about its notices go (the 教示 printed on them). A document is
issued once per subject and kind (``IssuedDocument``); printing it again prints the same number,
and a reissue (再交付) keeps the number and says so.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from enum import StrEnum, unique

from clearance.domain.errors import FieldProblem


@unique
class DocumentKind(StrEnum):
    DESIGNATION = "designation"  # 指定書 (its number is the designation's own)
    RESULT_NOTICE = "result_notice"  # 適性評価の結果の通知 (to the person)
    EMPLOYER_NOTICE = "employer_notice"  # 適性評価の結果の通知 (to the employer: result only)
    CERTIFICATION_NOTICE = "certification_notice"  # 適合事業者認定通知書
    DESTRUCTION = "destruction"  # 廃棄証明書
    HANDLER_REGISTER = "handler_register"  # 取扱者名簿


DEFAULT_FORMAT = "第{n}号"
MAX_SERIAL = 10**7


@dataclass(frozen=True)
class IssuerProfile:
    """How an organisation signs and numbers its documents. Absent, its name and 第{n}号 are used."""

    org_id: uuid.UUID
    number_format: str  # {n} the serial; {fy} the fiscal year in the era (8 for 令和8年度)
    title_ja: str  # 経済産業大臣, 代表取締役社長
    title_en: str
    name_ja: str  # the holder of the office, as signed (may be empty)
    name_en: str
    complaints_ja: str  # where a complaint is made, printed in the 教示
    complaints_en: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class IssuedDocument:
    id: uuid.UUID
    key: str  # unique: kind and subject ("result_notice:assessment:<id>")
    org_id: uuid.UUID  # the issuing organisation
    kind: str
    fiscal_year: int
    serial: int | None  # None where the number was given (a designation's own)
    number: str
    issued_at: dt.datetime
    issued_by: str
    reissues: int = 0
    reissued_at: dt.datetime | None = None
    version: int = 1


def format_number(number_format: str, serial: int, fiscal_year: int) -> str:
    """経産安第{n}号 with n=12 -> 経産安第12号; {fy} is the year within the era (令和8年度 -> 8)."""
    era_fy = fiscal_year - 2018 if fiscal_year >= 2019 else fiscal_year
    return number_format.replace("{fy}", str(era_fy)).replace("{n}", str(serial))


def check_format(number_format: str) -> list[FieldProblem]:
    """A number form must contain {n} once, nothing else in braces, and fit a line."""
    text = number_format.strip()
    rest = text.replace("{n}", "").replace("{fy}", "")
    if text.count("{n}") != 1:
        return [FieldProblem("number_format", "The number form must contain {n} exactly once.",
                             "format_serial")]  # fmt: skip
    if "{" in rest or "}" in rest or len(text) > 40 or not text.isprintable():
        return [FieldProblem("number_format", "Use text, {n} and {fy} only (at most 40).",
                             "format_invalid")]  # fmt: skip
    return []
