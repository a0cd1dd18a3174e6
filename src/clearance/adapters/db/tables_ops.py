"""Tables of oversight and follow-up: inspections, whistle-blowing reports, the reminder outbox,
organisation contacts, inventories, the person's invitations and contact address, and the official
documents issued (issuer profiles, document numbers). Part of the one ``metadata`` (tables_base)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)

from clearance.adapters.db.tables_base import UTCDateTime, metadata

inspections = Table(
    "inspections",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("status", String(24), nullable=False),
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_by", String(200), nullable=False),
    Column("findings", Text, nullable=False),
    Column("request", Text, nullable=True),
    Column("requested_at", UTCDateTime, nullable=True, index=True),
    Column("response", Text, nullable=True),
    Column("responded_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

whistle_reports = Table(
    "whistle_reports",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("wrapped_key", LargeBinary, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),  # one reminder per due thing
    Column("kind", String(32), nullable=False),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("object_ref", String(100), nullable=False),
    Column("due_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True, index=True),
    Column("emailed_to", String(320), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    Column("claimed_by", String(100), nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("version", Integer, nullable=False),
)

org_contacts = Table(
    "org_contacts",
    metadata,
    Column("org_id", Uuid, ForeignKey("organisations.id"), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

inventories = Table(
    "inventories",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("expected", Integer, nullable=False),
    Column("found", Integer, nullable=False),
    Column("missing", Integer, nullable=False),
)

job_locks = Table(
    "job_locks",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(100), nullable=True),
    Column("until", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("kind", String(24), nullable=False),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("assessment_id", Uuid, ForeignKey("assessments.id"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True, index=True),
    Column("emailed_to", String(320), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("claimed_until", UTCDateTime, nullable=True),
    Column("claimed_by", String(100), nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("version", Integer, nullable=False),
)

person_contacts = Table(
    "person_contacts",
    metadata,
    Column("person_id", Uuid, ForeignKey("persons.id"), primary_key=True),
    Column("email", String(320), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

issuer_profiles = Table(
    "issuer_profiles",
    metadata,
    Column("org_id", Uuid, ForeignKey("organisations.id"), primary_key=True),
    Column("number_format", String(40), nullable=False),
    Column("title_ja", String(100), nullable=False),
    Column("title_en", String(100), nullable=False),
    Column("name_ja", String(100), nullable=False),
    Column("name_en", String(100), nullable=False),
    Column("complaints_ja", String(300), nullable=False),
    Column("complaints_en", String(300), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

# One row per document issued: the number is unique per issuer and fiscal year, and a serial is
# taken only by inserting here, so a rolled-back issue leaves no gap.
issued_documents = Table(
    "issued_documents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("key", String(200), nullable=False, unique=True),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("fiscal_year", Integer, nullable=False),
    Column("serial", Integer, nullable=True),
    Column("number", String(100), nullable=False),
    Column("issued_at", UTCDateTime, nullable=False),
    Column("issued_by", String(200), nullable=False),
    Column("reissues", Integer, nullable=False),
    Column("reissued_at", UTCDateTime, nullable=True),
    Column("version", Integer, nullable=False),
    UniqueConstraint("org_id", "fiscal_year", "serial"),
)
