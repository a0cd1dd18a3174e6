"""``Deps``: everything a service function needs, built once by ``bootstrap.build_context``."""

from __future__ import annotations

from dataclasses import dataclass

from clearance.regime import Regime
from clearance.services.ports import (
    CheckpointSigner,
    CheckpointStore,
    Clock,
    DataCipher,
    Mailer,
    PasswordHasher,
    SecretBox,
    Totp,
    UnitOfWorkFactory,
    WebAuthn,
)


@dataclass(frozen=True)
class AuthPolicy:
    idle_seconds: int = 15 * 60
    absolute_seconds: int = 12 * 3600
    max_failures: int = 5
    window_seconds: int = 15 * 60
    max_lockout_seconds: int = 15 * 60


@dataclass(frozen=True)
class Deps:
    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    totp: Totp
    box: SecretBox
    cipher: DataCipher
    signer: CheckpointSigner
    checkpoints: CheckpointStore
    regime: Regime
    auth_policy: AuthPolicy
    webauthn: WebAuthn
    mailer: Mailer
    public_url: str = ""  # the site's address, for links in e-mail
