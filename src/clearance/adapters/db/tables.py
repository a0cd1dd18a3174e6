"""Table definitions (SQLAlchemy Core). Portable types only; ids are app-side UUIDs.

Alembic migrations in ``clearance/migrations`` create exactly these tables; a test compares them.
Times are stored as timezone-aware ``DateTime`` through ``UTCDateTime``; the audit log stores its
time as canonical text because its bytes are hashed.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
)

from clearance.adapters.db.tables_base import UTCDateTime as UTCDateTime
from clearance.adapters.db.tables_base import metadata as metadata

organisations = Table(
    "organisations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("code", String(64), nullable=False, unique=True),
    Column("name_ja", String(200), nullable=False),
    Column("name_en", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

persons = Table(
    "persons",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("family_name", String(100), nullable=False),
    Column("given_name", String(100), nullable=False),
    Column("family_name_kana", String(100), nullable=False),
    Column("given_name_kana", String(100), nullable=False),
    Column("date_of_birth", Date, nullable=False),
    Column("employer_id", Uuid, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    # A roster names a person by employer, name and date of birth: one index lookup per row.
    Index("ix_persons_identity", "employer_id", "family_name", "given_name", "date_of_birth"),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=True, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret_enc", LargeBinary, nullable=False),  # AES-GCM under the secret key
    Column("totp_last_step", BigInteger, nullable=False, default=0),  # replay protection
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", UTCDateTime, nullable=False),
)

account_roles = Table(
    "account_roles",
    metadata,
    Column("account_id", Uuid, ForeignKey("accounts.id"), primary_key=True),
    Column("role", String(40), primary_key=True),
)

sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),  # SHA-256 hex of the 128-bit token
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
)

login_throttle = Table(
    "login_throttle",
    metadata,
    Column("key", String(64), primary_key=True),  # HMAC of the username / client address
    Column("failures", Integer, nullable=False),
    Column("window_start", UTCDateTime, nullable=False),
    Column("blocked_until", UTCDateTime, nullable=True),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=False
    ),
    Column("occurred_at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(80), nullable=False),
    Column("target", String(200), nullable=False),
    Column("purpose", String(80), nullable=True),
    Column("decision", String(16), nullable=False),
    Column("rule", String(80), nullable=True),
    Column("payload", Text, nullable=False),
    Column("tree_root", String(64), nullable=False),
)
Index("ix_audit_log_target", audit_log.c.target)
Index("ix_audit_log_actor", audit_log.c.actor)

audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("size", BigInteger, nullable=False),
    Column("frontier", JSON, nullable=False),  # list of hex subtree hashes (the compact range)
)

webauthn_credentials = Table(
    "webauthn_credentials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("credential_id", LargeBinary, nullable=False, unique=True),
    Column("public_key", LargeBinary, nullable=False),  # COSE key; public, so not encrypted
    Column("sign_count", BigInteger, nullable=False),
    Column("name", String(100), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime, nullable=True),
)

webauthn_challenges = Table(
    "webauthn_challenges",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the handle given to the client
    Column("account_id", Uuid, ForeignKey("accounts.id"), nullable=False, index=True),
    Column("purpose", String(16), nullable=False),  # register | login
    Column("challenge", LargeBinary, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
)

# -- suitability assessment (issue 3) ---------------------------------------------------------------
# Vetting content (answers, inquiries, interview, findings, reasons, complaint texts) lives only in
# ``vetting_records`` and ``questionnaire_sections`` as AES-GCM ciphertext under the person's data
# key; the other tables hold statuses, dates and ids.

rosters = Table(
    "rosters",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("operator_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("submitted_at", UTCDateTime, nullable=False),
    Column("submitted_by", String(200), nullable=False),
    Column("size", Integer, nullable=False),
)

assessments = Table(
    "assessments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("origin", String(32), nullable=False),
    Column("employer_id", Uuid, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("dispatching_employer_id", Uuid, ForeignKey("organisations.id"), nullable=True),
    Column("trigger", String(16), nullable=False),
    Column("status", String(40), nullable=False, index=True),
    Column("status_since", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("outcome", String(16), nullable=True),
    Column("roster_id", Uuid, ForeignKey("rosters.id"), nullable=True),
    Column("previous_id", Uuid, ForeignKey("assessments.id"), nullable=True),
    Column("reused_from_id", Uuid, ForeignKey("assessments.id"), nullable=True),
    Column("investigation_reported_at", UTCDateTime, nullable=True),
    Column("notified_at", UTCDateTime, nullable=True),
)

assessment_events = Table(
    "assessment_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False, index=True),
    Column("command", String(40), nullable=False),
    Column("from_status", String(40), nullable=True),
    Column("to_status", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("actor_account_id", Uuid, nullable=True),
    Column("at", UTCDateTime, nullable=False, index=True),  # reports and timeliness
)

person_keys = Table(
    "person_keys",
    metadata,
    Column("person_id", Uuid, ForeignKey("persons.id"), primary_key=True),
    Column("wrapped_key", LargeBinary, nullable=True),  # NULL once destroyed (crypto-shredding)
    Column("created_at", UTCDateTime, nullable=False),
    Column("destroyed_at", UTCDateTime, nullable=True),
)

questionnaire_sections = Table(
    "questionnaire_sections",
    metadata,
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), primary_key=True),
    Column("section", String(40), primary_key=True),
    Column("state", String(16), nullable=False),  # open | locked
    Column("carried_over", Boolean, nullable=False),  # prefilled from the previous assessment
    Column("confirmed", Boolean, nullable=False),  # the person confirmed or changed it
    Column("saved_at", UTCDateTime, nullable=True),
    Column("ciphertext", LargeBinary, nullable=True),
)

vetting_records = Table(
    "vetting_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False, index=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("ref", String(64), nullable=True),  # e.g. the complaint id a complaint text belongs to
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("ciphertext", LargeBinary, nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), primary_key=True),
    Column("outcome", String(16), nullable=False),
    Column("reasons_withheld", Boolean, nullable=False),
    Column("proposed_by", Uuid, nullable=True),
    Column("proposed_at", UTCDateTime, nullable=False),
    Column("confirmed_by", Uuid, nullable=True),
    Column("confirmed_at", UTCDateTime, nullable=True),
)

notices = Table(
    "notices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False, index=True),
    Column("kind", String(32), nullable=False),  # matters | result | not_conducted
    Column("recipient", String(32), nullable=False),  # person | employer | dispatching_employer
    Column("recipient_org_id", Uuid, ForeignKey("organisations.id"), nullable=True),
    Column("result", String(16), nullable=True),  # favourable | unfavourable | not_conducted
    Column("reasons_included", Boolean, nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String(200), nullable=False),
)

complaints = Table(
    "complaints",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("subject", String(16), nullable=False),  # result | process
    Column("status", String(16), nullable=False),  # filed | under_review | answered
    Column("filed_at", UTCDateTime, nullable=False),
    Column("answered_at", UTCDateTime, nullable=True),
)

eligibilities = Table(
    "eligibilities",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("source", String(8), nullable=False),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=True),
    Column("sds_reference", String(100), nullable=True),
    Column("valid_from", UTCDateTime, nullable=False),
    Column("valid_until", UTCDateTime, nullable=False, index=True),  # reminders
    Column("suspended_at", UTCDateTime, nullable=True),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("end_reason", String(40), nullable=True),
)

# Designations, operators, custody (issue 4) extend the same metadata; imported last on purpose.
from clearance.adapters.db import tables_cesi as _tables_cesi  # noqa: E402, F401
from clearance.adapters.db import tables_ops as _tables_ops  # noqa: E402, F401  (issue 6)
