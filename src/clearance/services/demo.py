"""Demo data: organisations, people and one account per role, created through the services.

Demo accounts exist only when someone runs ``clearance serve --demo`` or ``clearance demo``; a
normal installation has no default account. Their TOTP secrets are derived from the user name so
the printed instructions stay valid across restarts; that is acceptable for demo data only.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import Conflict
from clearance.domain.organisations import OrgKind, Role
from clearance.services import directory, documents
from clearance.services.context import Deps
from clearance.services.guard import authorize

DEMO_PASSWORD = "clearance-demo-2025"  # noqa: S105 - printed demo credential, demo mode only

ORGS = (
    (OrgKind.PLATFORM, "OPS", "Clearance 運用チーム", "Clearance operations"),
    (OrgKind.ADMINISTRATIVE_ORGAN, "METI", "経済産業省", "Ministry of Economy, Trade and Industry"),
    (
        OrgKind.INVESTIGATION_UNIT,
        "CAO-INV",
        "内閣府 適性評価調査室",
        "Cabinet Office investigation unit",
    ),
    (
        OrgKind.QUALIFIED_OPERATOR,
        "SAKURA-HI",
        "さくら重工業株式会社",
        "Sakura Heavy Industries Ltd.",
    ),
    (
        OrgKind.QUALIFIED_OPERATOR,
        "AOBA-EL",
        "あおば電子株式会社",
        "Aoba Electronics Co., Ltd.",
    ),
    (
        OrgKind.OVERSIGHT_BODY,
        "IAMI",
        "独立公文書管理監",
        "Independent Archives Management Inspector",
    ),
)

PEOPLE = (  # family, given, family kana, given kana, birth, employer code
    ("田中", "花子", "タナカ", "ハナコ", dt.date(1988, 4, 12), "SAKURA-HI"),
    ("佐藤", "健一", "サトウ", "ケンイチ", dt.date(1979, 11, 3), "SAKURA-HI"),
    ("鈴木", "美咲", "スズキ", "ミサキ", dt.date(1992, 7, 21), "METI"),
    ("高橋", "誠", "タカハシ", "マコト", dt.date(1984, 1, 30), "METI"),
    ("伊藤", "翔太", "イトウ", "ショウタ", dt.date(1990, 5, 15), "AOBA-EL"),  # a second company,
    ("山本", "結衣", "ヤマモト", "ユイ", dt.date(1987, 9, 8), "AOBA-EL"),  # to receive transfers
)

ACCOUNTS = (  # username, display name, org code, role
    ("admin", "システム管理者 / System administrator", "OPS", Role.SYSTEM_ADMIN),
    ("meti.admin", "経産省 アカウント管理者", "METI", Role.AGENCY_ADMIN),
    ("meti.head", "経産省 評価判断権者", "METI", Role.AGENCY_HEAD_DELEGATE),
    ("meti.adjudicator", "経産省 評価担当（確認者）", "METI", Role.ADJUDICATOR),
    ("meti.officer", "経産省 適性評価実施担当", "METI", Role.ASSESSMENT_OFFICER),
    ("meti.manager", "経産省 重要経済安保情報管理者", "METI", Role.CESI_MANAGER),
    ("meti.complaints", "経産省 苦情処理担当", "METI", Role.COMPLAINTS_OFFICER),
    ("meti.certification", "経産省 適合事業者認定担当", "METI", Role.CERTIFICATION_OFFICER),
    ("cao.investigator", "内閣府 調査官", "CAO-INV", Role.INVESTIGATOR),
    ("sakura.security", "さくら重工 保護責任者", "SAKURA-HI", Role.SECURITY_OFFICER),
    ("aoba.security", "あおば電子 保護責任者", "AOBA-EL", Role.SECURITY_OFFICER),
    ("inspector", "独立公文書管理監 検証担当", "IAMI", Role.INSPECTOR),
)
PORTAL_ACCOUNTS = (  # username, display, index into PEOPLE
    ("tanaka.hanako", "田中 花子", 0),  # an employee of a qualified business operator
    ("suzuki.misaki", "鈴木 美咲", 2),  # a member of the agency's own staff
    ("ito.shota", "伊藤 翔太", 4),  # an employee of the second company
)


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    totp_secret: str


def demo_totp_secret(username: str) -> str:
    digest = hashlib.sha256(f"clearance-demo-totp:{username}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


# How each demo organisation numbers and signs its documents (fictional office holders).
PROFILES: dict[str, dict[str, str]] = {
    "METI": {"number_format": "経産安第{n}号", "title_ja": "経済産業大臣",
             "title_en": "Minister of Economy, Trade and Industry", "name_ja": "経済 一郎",
             "name_en": "Ichiro Keizai",
             "complaints_ja": "経済産業大臣（経済産業省 大臣官房 経済安全保障室 気付）",
             "complaints_en": "the Minister of Economy, Trade and Industry (c/o Economic "
                              "Security Office, Minister's Secretariat)"},
    "SAKURA-HI": {"number_format": "さくら保第{n}号", "title_ja": "代表取締役社長",
                  "title_en": "President and Representative Director", "name_ja": "桜井 健一",
                  "name_en": "Kenichi Sakurai"},
}  # fmt: skip


def seed(deps: Deps, actor: Subject) -> list[DemoAccount]:
    """Create the demo world. Refuses (Conflict) when the database already has accounts."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.DEMO_SEED, Resource("demo"))
        if uow.accounts.count():
            raise Conflict("The database already has accounts; demo data is only seeded once.")
    orgs = {
        code: directory.create_organisation(deps, actor, kind=k, code=code, name_ja=ja, name_en=en)
        for k, code, ja, en in ORGS
    }
    persons = [
        directory.create_person(
            deps,
            actor,
            family_name=f,
            given_name=g,
            family_name_kana=fk,
            given_name_kana=gk,
            date_of_birth=born,
            employer_id=orgs[emp].id,
        )
        for f, g, fk, gk, born, emp in PEOPLE
    ]
    for code, profile in PROFILES.items():
        documents.set_profile(deps, actor, org_id=orgs[code].id, **profile)
    made = []
    for username, display, code, role in ACCOUNTS:
        secret = demo_totp_secret(username)
        directory.create_account(
            deps, actor, username=username, display_name=display, password=DEMO_PASSWORD,
            roles=frozenset({role}), org_id=orgs[code].id, totp_secret=secret,
        )  # fmt: skip
        made.append(DemoAccount(username, role.value, orgs[code].name_en, secret))
    for username, display, index in PORTAL_ACCOUNTS:
        secret = demo_totp_secret(username)
        directory.create_account(
            deps, actor, username=username, display_name=display, password=DEMO_PASSWORD,
            roles=frozenset({Role.ASSESSED_PERSON}), person_id=persons[index].id,
            totp_secret=secret,
        )  # fmt: skip
        made.append(DemoAccount(username, Role.ASSESSED_PERSON.value, "(person portal)", secret))
    return made


def demo_accounts() -> list[DemoAccount]:
    """The demo accounts as seeded (for printing at start-up)."""
    names = {code: en for _, code, _, en in ORGS}
    out = [DemoAccount(u, r.value, names[c], demo_totp_secret(u)) for u, _, c, r in ACCOUNTS]
    out += [
        DemoAccount(u, Role.ASSESSED_PERSON.value, "(person portal)", demo_totp_secret(u))
        for u, _, _ in PORTAL_ACCOUNTS
    ]
    return out
