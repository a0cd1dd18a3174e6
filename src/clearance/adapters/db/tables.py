"""Table definitions (SQLAlchemy Core). Portable types only; ids are app-side UUIDs.

Alembic migrations in ``clearance/migrations`` create exactly these tables; a test compares them.
Times are stored as timezone-aware ``DateTime`` through ``UTCDateTime``; the audit log stores its
time as canonical text because its bytes are hashed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    Uuid,
)

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes in UTC; refuses naive ones; returns aware UTC on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


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
