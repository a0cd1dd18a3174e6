"""Organisation kinds and roles, as CESI.md §6 lists them.

A role is held by an account *within one organisation*; which roles an organisation kind may grant is
one table here (``ROLES_BY_KIND``). Role names in the left column are identifiers; the Japanese legal
titles are in docs/glossary.md.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class OrgKind(StrEnum):
    ADMINISTRATIVE_ORGAN = "administrative_organ"  # 行政機関
    INVESTIGATION_UNIT = "investigation_unit"  # 内閣府 適性評価調査 (acting for the Prime Minister)
    QUALIFIED_OPERATOR = "qualified_operator"  # 適合事業者
    OVERSIGHT_BODY = "oversight_body"  # 独立公文書管理監 and the expert panel
    PLATFORM = "platform"  # the operators of this installation (no CESI duties)


@unique
class Role(StrEnum):
    # Administrative organ (行政機関)
    AGENCY_ADMIN = "agency_admin"  # manages the agency's accounts
    AGENCY_HEAD_DELEGATE = "agency_head_delegate"  # decides assessments for the head (評価の判断)
    ADJUDICATOR = "adjudicator"  # prepares and confirms adjudications (second official)
    ASSESSMENT_OFFICER = (
        "assessment_officer"  # runs the assessing office: rosters, notices, requests
    )
    CESI_MANAGER = "cesi_manager"  # 重要経済安保情報管理者: designations, ledger, handlers
    COMPLAINTS_OFFICER = "complaints_officer"  # handles 苦情の申出
    CERTIFICATION_OFFICER = "certification_officer"  # reviews and certifies operators, contracts
    # Cabinet Office investigation unit
    UNIT_ADMIN = "unit_admin"
    INVESTIGATOR = "investigator"  # 適性評価調査 investigator
    INVESTIGATION_SUPERVISOR = "investigation_supervisor"
    # Qualified business operator (適合事業者)
    OPERATOR_ADMIN = "operator_admin"
    OPERATOR_MANAGEMENT = "operator_management"  # applies for certification, signs the contract
    SECURITY_OFFICER = "security_officer"  # in-house CESI protection manager
    # Oversight
    INSPECTOR = "inspector"  # 独立公文書管理監 staff
    STATISTICS_VIEWER = "statistics_viewer"  # expert panel: aggregates only
    # Platform
    SYSTEM_ADMIN = "system_admin"  # creates organisations and their first administrators
    # A person's own portal account (評価対象者); not tied to an organisation's duties
    ASSESSED_PERSON = "assessed_person"


ROLES_BY_KIND: dict[OrgKind, frozenset[Role]] = {
    OrgKind.ADMINISTRATIVE_ORGAN: frozenset(
        {
            Role.AGENCY_ADMIN,
            Role.AGENCY_HEAD_DELEGATE,
            Role.ADJUDICATOR,
            Role.ASSESSMENT_OFFICER,
            Role.CESI_MANAGER,
            Role.COMPLAINTS_OFFICER,
            Role.CERTIFICATION_OFFICER,
        }
    ),
    OrgKind.INVESTIGATION_UNIT: frozenset(
        {Role.UNIT_ADMIN, Role.INVESTIGATOR, Role.INVESTIGATION_SUPERVISOR}
    ),
    OrgKind.QUALIFIED_OPERATOR: frozenset(
        {Role.OPERATOR_ADMIN, Role.OPERATOR_MANAGEMENT, Role.SECURITY_OFFICER}
    ),
    OrgKind.OVERSIGHT_BODY: frozenset({Role.INSPECTOR, Role.STATISTICS_VIEWER}),
    OrgKind.PLATFORM: frozenset({Role.SYSTEM_ADMIN}),
}


def role_allowed_for(kind: OrgKind | None, role: Role) -> bool:
    """Whether an account of an organisation of ``kind`` may hold ``role``.

    A person's portal account has no organisation and may hold only ``ASSESSED_PERSON``.
    """
    if kind is None:
        return role is Role.ASSESSED_PERSON
    return role in ROLES_BY_KIND[kind]
