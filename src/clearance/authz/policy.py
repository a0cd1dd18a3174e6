"""The default policy set as data.

Each rule names roles, actions, a scope and an effect. Scopes:

- ``any``      no condition on the resource;
- ``own_org``  the resource belongs to the subject's organisation;
- ``self``     the resource is the subject's own account or person record;
- ``employer`` the resource concerns a person employed by the subject's organisation (a qualified
  business operator sees its employees' assessments as a result only).

Deny rules are evaluated like allow rules and override them (see ``engine``). Changing who may do what
is a change to this table, reviewed like code; tests/unit/authz has the expected matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from clearance.authz.model import Action, Effect
from clearance.domain.organisations import Role


class Scope(StrEnum):
    ANY = "any"
    OWN_ORG = "own_org"
    SELF = "self"
    EMPLOYER = "employer"


@dataclass(frozen=True)
class Rule:
    id: str
    effect: Effect
    roles: frozenset[Role]
    actions: frozenset[Action]
    scope: Scope = Scope.ANY


ALL_ROLES = frozenset(Role)
ORG_ROLES = frozenset(Role) - {Role.ASSESSED_PERSON}
ORG_ADMINS = frozenset({Role.AGENCY_ADMIN, Role.UNIT_ADMIN, Role.OPERATOR_ADMIN})
PEOPLE_KEEPERS = frozenset({Role.ASSESSMENT_OFFICER, Role.AGENCY_ADMIN, Role.SECURITY_OFFICER})
AUDITORS = frozenset({Role.SYSTEM_ADMIN, Role.INSPECTOR})
INVESTIGATION_UNIT = frozenset({Role.INVESTIGATOR, Role.INVESTIGATION_SUPERVISOR})
OPERATOR_READERS = frozenset({Role.SECURITY_OFFICER, Role.OPERATOR_ADMIN, Role.OPERATOR_MANAGEMENT})


def _allow(rule_id: str, roles: frozenset[Role], actions: set[Action], scope: Scope) -> Rule:
    return Rule(rule_id, Effect.ALLOW, roles, frozenset(actions), scope)


DEFAULT_POLICY: tuple[Rule, ...] = (
    _allow(
        "platform-admin",
        frozenset({Role.SYSTEM_ADMIN}),
        {
            Action.ORGANISATION_CREATE,
            Action.ACCOUNT_CREATE,
            Action.ACCOUNT_DISABLE,
            Action.ACCOUNT_LIST,
            Action.ACCOUNT_READ,
            Action.PERSON_CREATE,
            Action.PERSON_LIST,
            Action.PERSON_READ,
            Action.DEMO_SEED,
            Action.SESSION_REVOKE,
        },
        Scope.ANY,
    ),
    _allow(
        "org-admin-accounts",
        ORG_ADMINS,
        {
            Action.ACCOUNT_CREATE,
            Action.ACCOUNT_DISABLE,
            Action.ACCOUNT_LIST,
            Action.ACCOUNT_READ,
            Action.SESSION_REVOKE,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "org-keeps-its-people",
        PEOPLE_KEEPERS,
        {Action.PERSON_CREATE, Action.PERSON_LIST, Action.PERSON_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "directory",
        ALL_ROLES,
        {Action.ORGANISATION_LIST, Action.ORGANISATION_READ, Action.REGIME_READ},
        Scope.ANY,
    ),
    _allow(
        "self-service",
        ALL_ROLES,
        {
            Action.ACCOUNT_READ,
            Action.API_TOKEN_CREATE,
            Action.API_TOKEN_REVOKE,
            Action.SESSION_LIST,
            Action.SESSION_REVOKE,
            Action.WEBAUTHN_MANAGE,
        },
        Scope.SELF,
    ),
    _allow(
        "person-reads-self", frozenset({Role.ASSESSED_PERSON}), {Action.PERSON_READ}, Scope.SELF
    ),
    _allow(
        "audit-oversight",
        AUDITORS,
        {Action.AUDIT_VERIFY, Action.AUDIT_CHECKPOINT, Action.AUDIT_PROVE, Action.AUDIT_READ},
        Scope.ANY,
    ),
    # -- suitability assessment (CESI.md §4, §6) ----------------------------------------------------
    _allow(
        "agency-assessment-office",
        frozenset({Role.ASSESSMENT_OFFICER}),  # not the account administrator: least privilege
        {
            Action.ASSESSMENT_NOMINATE,
            Action.ASSESSMENT_ISSUE_NOTICE,
            Action.ASSESSMENT_READ,
            Action.ELIGIBILITY_READ,
            Action.ELIGIBILITY_RECORD_SDS,
            Action.ELIGIBILITY_REPORT_CHANGE,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-assessment-officer",
        frozenset({Role.ASSESSMENT_OFFICER}),
        {Action.ASSESSMENT_CONSENT, Action.ASSESSMENT_NOTIFY},  # consent: a signed paper form
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-head",
        frozenset({Role.AGENCY_HEAD_DELEGATE}),
        {
            Action.ASSESSMENT_REQUEST_INVESTIGATION,
            Action.ASSESSMENT_CONFIRM_DECISION,
            Action.ASSESSMENT_NOTIFY,
            Action.ASSESSMENT_READ,
            Action.VETTING_READ,
            Action.ELIGIBILITY_READ,
            Action.COMPLAINT_HANDLE,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-adjudicator",
        frozenset({Role.ADJUDICATOR}),
        {
            Action.ASSESSMENT_DECIDE,
            Action.ASSESSMENT_CONFIRM_DECISION,
            Action.ASSESSMENT_READ,
            Action.VETTING_READ,
            Action.ELIGIBILITY_READ,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-complaints",
        frozenset({Role.COMPLAINTS_OFFICER}),
        {Action.COMPLAINT_HANDLE, Action.ASSESSMENT_READ, Action.VETTING_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-cesi-manager",
        frozenset({Role.CESI_MANAGER}),
        # to pick handlers, destroyers and witnesses among the agency's staff; never the file
        {Action.ELIGIBILITY_READ, Action.PERSON_LIST, Action.PERSON_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "investigation-unit",
        INVESTIGATION_UNIT,
        {Action.ASSESSMENT_INVESTIGATE, Action.ASSESSMENT_READ, Action.VETTING_READ},
        Scope.ANY,
    ),
    _allow(
        "operator-security-office",
        frozenset({Role.SECURITY_OFFICER}),
        {
            Action.ASSESSMENT_ADD_CANDIDATE,
            Action.ASSESSMENT_LISTING_CONSENT,
            Action.ROSTER_SUBMIT,
            Action.ELIGIBILITY_REPORT_CHANGE,
        },
        Scope.EMPLOYER,
    ),
    _allow(
        "operator-result-only",
        OPERATOR_READERS,
        {Action.ASSESSMENT_READ_RESULT, Action.ELIGIBILITY_READ},
        Scope.EMPLOYER,
    ),
    _allow(
        "person-own-assessment",
        frozenset({Role.ASSESSED_PERSON}),
        {
            Action.ASSESSMENT_CONSENT,
            Action.ASSESSMENT_READ,
            Action.QUESTIONNAIRE_WRITE,
            Action.COMPLAINT_FILE,
            Action.ELIGIBILITY_READ,
            Action.PERSON_EXPORT,
            Action.PERSON_CONTACT,  # their invitations and the address they are e-mailed to
        },
        Scope.SELF,
    ),
    _allow("vetting-retention", frozenset({Role.SYSTEM_ADMIN}), {Action.VETTING_PURGE}, Scope.ANY),
    # -- designations, operators, handlers, custody (CESI.md §2, §3, §5) ---------------------------
    _allow(
        "agency-cesi-manager-ledger",
        frozenset({Role.CESI_MANAGER}),
        {
            Action.DESIGNATION_MANAGE,
            Action.DESIGNATION_READ,
            Action.DESIGNATION_READ_RECEIVED,
            Action.DESIGNATION_ACKNOWLEDGE_NOTICE,
            Action.HANDLER_MANAGE,
            Action.HANDLER_READ,
            Action.HANDLER_ACKNOWLEDGE,
            Action.TRAINING_MANAGE,
            Action.CUSTODY_MANAGE,
            Action.CUSTODY_READ,
            Action.INCIDENT_REPORT,
            Action.INCIDENT_MANAGE,
            Action.ACCESS_DECIDE,
            Action.ACCESS_HISTORY,
            Action.OPERATOR_READ,  # to provide under Art. 10, the manager picks the contract
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-reads-ledger",
        frozenset({Role.AGENCY_HEAD_DELEGATE, Role.CERTIFICATION_OFFICER}),
        {Action.DESIGNATION_READ, Action.OPERATOR_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-certifies-operators",
        frozenset({Role.CERTIFICATION_OFFICER}),
        {Action.OPERATOR_CERTIFY},
        Scope.OWN_ORG,
    ),
    _allow(
        "operator-applies",
        frozenset({Role.OPERATOR_MANAGEMENT, Role.SECURITY_OFFICER}),
        {Action.OPERATOR_APPLY, Action.OPERATOR_READ},
        Scope.EMPLOYER,  # the certification concerns the operator named in employer_id
    ),
    _allow(
        "operator-security-office-custody",
        frozenset({Role.SECURITY_OFFICER}),
        {
            Action.DESIGNATION_READ_RECEIVED,  # what was provided to the company (Art. 10)
            Action.DESIGNATION_ACKNOWLEDGE_NOTICE,
            Action.HANDLER_MANAGE,
            Action.HANDLER_READ,
            Action.HANDLER_ACKNOWLEDGE,
            Action.TRAINING_MANAGE,
            Action.CUSTODY_MANAGE,
            Action.CUSTODY_READ,
            Action.INCIDENT_REPORT,
            Action.INCIDENT_MANAGE,
            Action.ACCESS_DECIDE,
        },
        Scope.OWN_ORG,
    ),
    _allow(
        "person-acknowledges-duties",
        frozenset({Role.ASSESSED_PERSON}),
        {Action.HANDLER_ACKNOWLEDGE},
        Scope.SELF,
    ),
    _allow(
        "inspector-oversight",
        frozenset({Role.INSPECTOR}),
        {
            Action.DESIGNATION_READ,
            Action.HANDLER_READ,
            Action.CUSTODY_READ,
            Action.ACCESS_DECIDE,
            Action.ACCESS_HISTORY,
        },
        Scope.ANY,
    ),
    # -- oversight, reporting, reminders (issue 6) --------------------------------------------
    _allow(
        "reminders-of-own-org",
        ORG_ROLES - {Role.SYSTEM_ADMIN},
        {Action.REMINDER_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "documents-of-own-org",  # reissue (再交付) a document the organisation issued
        ORG_ROLES - {Role.SYSTEM_ADMIN, Role.STATISTICS_VIEWER},
        {Action.DOCUMENT_ISSUE},
        Scope.OWN_ORG,
    ),
    _allow(
        "contact-of-own-org",
        ORG_ADMINS | {Role.SECURITY_OFFICER, Role.CESI_MANAGER},
        {Action.CONTACT_MANAGE, Action.DOCUMENT_SETTINGS},
        Scope.OWN_ORG,
    ),
    _allow(
        "platform-operations",
        frozenset({Role.SYSTEM_ADMIN}),
        {
            Action.JOBS_RUN,
            Action.CONTACT_MANAGE,
            Action.DOCUMENT_SETTINGS,
            Action.REPORT_READ,
            Action.BACKUP_CREATE,
            Action.BACKUP_RESTORE,
            Action.KEYS_MANAGE,
        },
        Scope.ANY,
    ),
    _allow(
        "national-aggregates",
        frozenset({Role.INSPECTOR, Role.STATISTICS_VIEWER}),
        {Action.REPORT_READ, Action.TIMELINESS_READ},
        Scope.ANY,
    ),
    _allow(
        "timeliness-own-agency",
        frozenset({Role.AGENCY_HEAD_DELEGATE, Role.ASSESSMENT_OFFICER, Role.ADJUDICATOR}),
        {Action.TIMELINESS_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "timeliness-investigation-unit", INVESTIGATION_UNIT, {Action.TIMELINESS_READ}, Scope.ANY
    ),
    _allow(
        "inspector-inspects",
        frozenset({Role.INSPECTOR}),
        {Action.INSPECTION_MANAGE, Action.INSPECTION_READ, Action.WHISTLE_READ},
        Scope.ANY,
    ),
    _allow(
        "agency-answers-inspections",
        frozenset({Role.CESI_MANAGER, Role.AGENCY_HEAD_DELEGATE}),
        {Action.INSPECTION_READ},
        Scope.OWN_ORG,
    ),
    _allow(
        "agency-responds-to-corrections",
        frozenset({Role.CESI_MANAGER}),
        {Action.INSPECTION_RESPOND},
        Scope.OWN_ORG,
    ),
    # Anyone with an account may blow the whistle; only the Inspector reads the reports.
    _allow("whistle-blowing", ALL_ROLES, {Action.WHISTLE_FILE}, Scope.ANY),
)
