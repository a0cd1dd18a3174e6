"""Tables of designations, provisions, operators, training, handlers, custody and incidents.

Part of the one ``metadata`` (``tables`` imports this module at its end). History is kept as spans
and events, never overwritten flags, so access decisions can be answered for any past time.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, Uuid

from clearance.adapters.db.tables_base import UTCDateTime, metadata

designations = Table(
    "designations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("category_code", String(8), nullable=False),
    Column("document_number", String(64), nullable=False, unique=True),
    Column("title", String(300), nullable=False),
    Column("marking", String(8), nullable=False),
    Column("start_on", Date, nullable=False),
    Column("expires_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("version", Integer, nullable=False),
    Column("cabinet_approval_on", Date, nullable=True),
    Column("cabinet_approval_ref", String(100), nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Column("cancel_reason", Text, nullable=True),
)

designation_events = Table(
    "designation_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # designate | extend | cancel | expire
    Column("at", UTCDateTime, nullable=False, index=True),  # the annual report
    Column("actor", String(200), nullable=False),
    Column("expires_on", Date, nullable=True),
)

provisions = Table(
    "provisions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("basis", String(8), nullable=False),
    Column("recipient_org_id", Uuid, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("recipient_name", String(200), nullable=False),
    Column("contract_id", Uuid, ForeignKey("contracts.id"), nullable=True),
    Column("provided_at", UTCDateTime, nullable=False),
    Column("provided_by", String(200), nullable=False),
)

designation_notices = Table(
    "designation_notices",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("provision_id", Uuid, ForeignKey("provisions.id"), nullable=False),
    Column("recipient_org_id", Uuid, ForeignKey("organisations.id"), nullable=True, index=True),
    Column("reason", String(16), nullable=False),  # expired | cancelled
    Column("sent_at", UTCDateTime, nullable=False),
    Column("acknowledged_at", UTCDateTime, nullable=True),
    Column("acknowledged_by", String(200), nullable=True),
)

certifications = Table(
    "certifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("operator_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("status", String(16), nullable=False),
    Column("checklist", JSON, nullable=False),  # criterion -> {met: bool, note: str}
    Column("status_since", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

certification_events = Table(
    "certification_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("certification_id", Uuid, ForeignKey("certifications.id"), nullable=False, index=True),
    Column("command", String(24), nullable=False),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("note", Text, nullable=True),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("certification_id", Uuid, ForeignKey("certifications.id"), nullable=False, index=True),
    Column("operator_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("reference", String(100), nullable=False),
    Column("designation_ids", JSON, nullable=False),
    Column("departments", JSON, nullable=False),
    Column("sites", JSON, nullable=False),
    Column("start_on", Date, nullable=False),
    Column("end_on", Date, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

contract_suspensions = Table(
    "contract_suspensions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("certification_id", Uuid, ForeignKey("certifications.id"), nullable=False, index=True),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=True),
)

training_modules = Table(
    "training_modules",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("title_ja", String(200), nullable=False),
    Column("title_en", String(200), nullable=False),
    Column("required", Boolean, nullable=False),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=True),  # None: everyone's
)

training_records = Table(
    "training_records",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("module_code", String(40), ForeignKey("training_modules.code"), nullable=False),
    Column("assigned_at", UTCDateTime, nullable=False),
    Column("due_on", Date, nullable=False, index=True),  # reminders
    Column("completed_at", UTCDateTime, nullable=True),
    Column("valid_until", UTCDateTime, nullable=True),
)

handlers = Table(
    "handlers",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("person_id", Uuid, ForeignKey("persons.id"), nullable=False, index=True),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("department", String(100), nullable=True),
    Column("start", UTCDateTime, nullable=False),
    Column("end", UTCDateTime, nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("assigned_by", String(200), nullable=False),
)

acknowledgements = Table(
    "acknowledgements",
    metadata,
    Column("person_id", Uuid, ForeignKey("persons.id"), primary_key=True),
    Column("acknowledged_at", UTCDateTime, nullable=False),
    Column("statement_version", String(16), nullable=False),
)

materials = Table(
    "materials",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("designation_id", Uuid, ForeignKey("designations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # document | file | medium
    Column("title", String(300), nullable=False),  # unclassified
    Column("copy_no", Integer, nullable=False),
    Column("copy_total", Integer, nullable=False),
    Column("holder_org_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("location", String(200), nullable=False),
    Column("status", String(16), nullable=False),  # held | in_transit | returned | destroyed
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False),
)

custody_events = Table(
    "custody_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("material_id", Uuid, ForeignKey("materials.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(200), nullable=False),
    Column("holder_org_id", Uuid, nullable=True),  # holder from this event on (None: nobody)
    Column("details", JSON, nullable=False),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("org_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("agency_id", Uuid, ForeignKey("organisations.id"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # loss | leak | suspected_leak | discrepancy
    Column("status", String(16), nullable=False),  # reported | investigating | closed
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("reported_at", UTCDateTime, nullable=False),
    Column("material_ids", JSON, nullable=False),
    Column("agency_notified_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column(
        "timeline", JSON, nullable=False
    ),  # [{at, by, text}] - no CESI content, descriptions only
)
