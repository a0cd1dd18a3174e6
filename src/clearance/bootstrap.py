"""The composition root: ``build_context(settings) -> AppContext``.

The only module that wires concrete adapters to the service layer. Entry points (web, CLI) and tests
call it; nothing else imports it. Nothing is built at import time.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from sqlalchemy import Engine

from clearance.adapters.db.engine import make_engine
from clearance.adapters.db.migrate import is_up_to_date, upgrade
from clearance.adapters.db.uow import SqlUnitOfWorkFactory
from clearance.adapters.mail import NoMailer, SmtpMailer
from clearance.adapters.security import (
    AesGcmBox,
    AesGcmDataCipher,
    Argon2PasswordHasher,
    DirectoryCheckpointStore,
    Ed25519Signer,
    PyOtpTotp,
    SystemClock,
    load_or_create_secret,
    load_previous_secrets,
    rotate_dev_secret,
)
from clearance.adapters.webauthn import PyWebAuthn
from clearance.authz.model import Subject
from clearance.config import Settings
from clearance.domain.errors import ConfigurationError
from clearance.domain.organisations import Role
from clearance.regime import load_regime
from clearance.services.context import AuthPolicy, Deps
from clearance.services.ports import Clock


@dataclass(frozen=True)
class AppContext:
    settings: Settings
    engine: Engine
    deps: Deps

    def migrate(self) -> None:
        upgrade(self.engine)

    def schema_ready(self) -> bool:
        return is_up_to_date(self.engine)

    def close(self) -> None:
        self.engine.dispose()


def build_context(settings: Settings, *, clock: Clock | None = None) -> AppContext:
    if settings.secret_key:
        secret = settings.secret_key
    elif settings.production:  # load_settings already refuses this; keep the guard local too
        raise ConfigurationError("CLEARANCE_SECRET_KEY is required in production")
    else:
        secret = load_or_create_secret(settings.data_dir / "keys" / "secret.key")
    previous = tuple(settings.previous_secrets)
    if not settings.production:
        previous += tuple(load_previous_secrets(settings.data_dir / "keys" / "secret.previous"))
    engine = make_engine(settings.effective_database_url, echo=settings.db_echo)
    deps = Deps(
        uow=SqlUnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        hasher=Argon2PasswordHasher(
            memory_kib=settings.argon2_memory_kib, time_cost=settings.argon2_time_cost
        ),
        totp=PyOtpTotp(),
        box=AesGcmBox(secret, previous),
        cipher=AesGcmDataCipher(),
        signer=Ed25519Signer(
            settings.checkpoint_origin,
            settings.effective_checkpoint_key_file,
            create=not settings.production,
        ),
        checkpoints=DirectoryCheckpointStore(settings.effective_checkpoint_dir),
        regime=load_regime(settings.regime_file),
        auth_policy=AuthPolicy(
            idle_seconds=settings.session_idle_seconds,
            absolute_seconds=settings.session_absolute_seconds,
            max_failures=settings.login_max_failures,
            window_seconds=settings.login_window_seconds,
            max_lockout_seconds=settings.login_max_lockout_seconds,
        ),
        mailer=mailer_for(settings),
        public_url=settings.public_url.rstrip("/"),
        webauthn=PyWebAuthn(
            rp_id=settings.webauthn_rp_id,
            rp_name=settings.webauthn_rp_name,
            origins=[o.strip() for o in settings.webauthn_origins.split(",") if o.strip()],
        ),
    )
    return AppContext(settings, engine, deps)


def rotate_development_secret(settings: Settings) -> None:
    """Development only (the secret generated into the data directory): a new secret; the old
    one is kept in ``keys/secret.previous`` so values under it still open until re-sealed."""
    if settings.production or settings.secret_key:
        raise ConfigurationError("The secret is configured, not generated: rotate it yourself.")
    rotate_dev_secret(settings.data_dir / "keys")


def mailer_for(settings: Settings) -> SmtpMailer | NoMailer:
    if not settings.smtp_host:
        return NoMailer()
    return SmtpMailer(host=settings.smtp_host, port=settings.smtp_port, sender=settings.mail_from,
                      user=settings.smtp_user, password=settings.smtp_password,
                      starttls=settings.smtp_starttls)  # fmt: skip


def cli_subject() -> Subject:
    """The local operator who runs the CLI on the server (shell access to the database host)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Subject(account_id=None, username=user, roles=frozenset({Role.SYSTEM_ADMIN}), via="cli")
