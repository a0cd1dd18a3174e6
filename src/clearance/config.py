"""Typed settings, read from ``CLEARANCE_*`` environment variables once, in the entry point.

Nothing here runs at import time: call ``load_settings()``. In production mode missing or placeholder
secrets stop start-up with a message that says what to set (``check_production``).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from clearance.domain.errors import ConfigurationError

PLACEHOLDERS = frozenset({"", "changeme", "changethis", "secret", "dev", "development", "xxx"})


class Mode(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Every setting of Clearance. Documented in docs/configuration.md (a test keeps them in step)."""

    model_config = SettingsConfigDict(env_prefix="CLEARANCE_", frozen=True, extra="ignore")

    mode: Mode = Mode.DEVELOPMENT
    data_dir: Path = Field(default=Path(".clearance"))
    database_url: str | None = None  # default: SQLite file in data_dir
    secret_key: str | None = None  # field encryption + CSRF; generated into data_dir in development
    previous_secret_keys: str | None = None  # comma-separated: still opened, never sealed with
    checkpoint_key_file: Path | None = None  # Ed25519 private key (PEM); default data_dir/keys/
    checkpoint_dir: Path | None = None  # where signed checkpoints are written; default data_dir/
    checkpoint_origin: str = "clearance.local/audit"
    checkpoint_interval_seconds: int = Field(default=3600, ge=0)  # 0: only on demand
    regime_file: Path | None = None  # default: the packaged regime file
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_idle_seconds: int = Field(default=15 * 60, ge=60)
    session_absolute_seconds: int = Field(default=12 * 3600, ge=300)
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    cookie_secure: bool | None = None  # default: True in production, False in development
    login_max_failures: int = Field(default=5, ge=1)
    login_window_seconds: int = Field(default=15 * 60, ge=10)
    login_max_lockout_seconds: int = Field(default=15 * 60, ge=1)
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated addresses or networks).
    # Empty: the header is ignored and the client is the TCP peer (issue 15 §4).
    trusted_proxies: str = ""
    webauthn_rp_id: str = "localhost"  # the site's domain as WebAuthn sees it
    webauthn_rp_name: str = "Clearance"
    webauthn_origins: str = "http://localhost:8000"  # comma-separated origins allowed to sign
    smtp_host: str | None = None  # reminders by e-mail; unset: in the application only
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "clearance@localhost"
    public_url: str = "http://localhost:8000"  # where e-mailed invitations link to
    pdf_font: Path | None = None  # a Japanese TTF/OTF for PDF notices; default: system fonts
    argon2_memory_kib: int = Field(default=19_456, ge=8)  # ASVS floor: 19 MiB, t=2
    argon2_time_cost: int = Field(default=2, ge=1)
    db_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def _normalise_pg(cls, value: str | None) -> str | None:
        if value and value.startswith(("postgres://", "postgresql://")):
            # psycopg 3 is the one supported PostgreSQL driver.
            return "postgresql+psycopg://" + value.split("://", 1)[1]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: str) -> str:
        for part in filter(None, (p.strip() for p in value.split(","))):
            ipaddress.ip_network(part, strict=False)  # a ValueError names the bad entry
        return value

    @property
    def proxy_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(p.strip(), strict=False)
                     for p in self.trusted_proxies.split(",") if p.strip())  # fmt: skip

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'clearance.db').as_posix()}"

    @property
    def effective_checkpoint_dir(self) -> Path:
        return self.checkpoint_dir or self.data_dir / "checkpoints"

    @property
    def effective_checkpoint_key_file(self) -> Path:
        return self.checkpoint_key_file or self.data_dir / "keys" / "checkpoint-ed25519.pem"

    @property
    def previous_secrets(self) -> list[str]:
        return [s.strip() for s in (self.previous_secret_keys or "").split(",") if s.strip()]

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.mode is Mode.PRODUCTION

    @property
    def production(self) -> bool:
        return self.mode is Mode.PRODUCTION


def load_settings(environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
    """Build settings from the environment (or ``environ``), then ``overrides``; check them."""
    try:
        if environ is not None:
            values = {
                k[len("CLEARANCE_") :].lower(): v
                for k, v in environ.items()
                if k.startswith("CLEARANCE_")
            }
            values.update(overrides)
            settings = Settings.model_validate(values)
        else:
            settings = Settings(**overrides)
    except ValidationError as exc:
        lines = [
            f"  CLEARANCE_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}"
            for e in exc.errors()
        ]
        raise ConfigurationError("Invalid settings:\n" + "\n".join(lines)) from exc
    check_production(settings)
    return settings


def check_production(settings: Settings) -> None:
    """In production, refuse to start with missing or placeholder secrets or an implicit database."""
    if not settings.production:
        return
    problems = []
    if not settings.secret_key or settings.secret_key.strip().lower() in PLACEHOLDERS:
        problems.append("CLEARANCE_SECRET_KEY is missing or a placeholder (use 32+ random bytes)")
    elif len(settings.secret_key) < 32:
        problems.append("CLEARANCE_SECRET_KEY is shorter than 32 characters")
    if not settings.database_url:
        problems.append("CLEARANCE_DATABASE_URL must be set explicitly in production")
    if not settings.checkpoint_key_file:
        problems.append(
            "CLEARANCE_CHECKPOINT_KEY_FILE must name the audit signing key (kept outside the database)"
        )
    elif not settings.checkpoint_key_file.is_file():
        problems.append(
            f"CLEARANCE_CHECKPOINT_KEY_FILE {settings.checkpoint_key_file} does not exist"
        )
    if problems:
        raise ConfigurationError(
            "Refusing to start in production mode:\n" + "\n".join(f"  - {p}" for p in problems)
        )
