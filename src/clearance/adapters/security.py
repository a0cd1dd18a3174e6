"""Password hashing (argon2id), TOTP (RFC 6238), AES-GCM sealing of secrets, key files, clock."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pyotp
from argon2 import PasswordHasher as Argon2Hasher
from argon2 import Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from clearance.audit.checkpoint import Checkpoint, sign, verifier_key
from clearance.domain.errors import ConfigurationError, InfrastructureError


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class Argon2PasswordHasher:
    """argon2id with parameters at or above the ASVS floor (m >= 19 MiB, t >= 2)."""

    def __init__(self, *, memory_kib: int, time_cost: int) -> None:
        self._h = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=1, type=Type.ID
        )
        self._dummy = self._h.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return str(self._h.hash(password))

    def verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._h.verify(password_hash, password))
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def dummy_verify(self, password: str) -> None:
        """Spend the same time as a real check, so timing does not reveal unknown accounts."""
        self.verify(self._dummy, password)


class PyOtpTotp:
    """RFC 6238, 30-second steps, one step of clock drift either way."""

    issuer = "Clearance"

    def new_secret(self) -> str:
        return pyotp.random_base32()

    def matching_step(self, secret: str, code: str, at: dt.datetime) -> int | None:
        if not (len(code) == 6 and code.isdigit()):
            return None
        totp = pyotp.TOTP(secret)
        step = int(at.timestamp()) // 30
        for candidate in (step, step - 1, step + 1):
            if hmac.compare_digest(totp.at(candidate * 30), code):
                return candidate
        return None

    def uri(self, secret: str, *, username: str) -> str:
        return str(pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=self.issuer))


class AesGcmBox:
    """AES-256-GCM under a key derived from the secret key; the context is bound as AAD."""

    def __init__(self, secret_key: str) -> None:
        material = secret_key.encode()
        self._key = hashlib.sha256(b"clearance/field-encryption/v1\x00" + material).digest()
        self._mac_key = hashlib.sha256(b"clearance/mac/v1\x00" + material).digest()

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(12)
        return b"\x01" + nonce + AESGCM(self._key).encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        if sealed[:1] != b"\x01":
            raise InfrastructureError("sealed value has an unknown format version")
        try:
            return AESGCM(self._key).decrypt(sealed[1:13], sealed[13:], context)
        except InvalidTag as exc:
            raise InfrastructureError("a sealed value failed authentication (wrong key?)") from exc

    def mac(self, data: bytes) -> str:
        return hmac.new(self._mac_key, data, hashlib.sha256).hexdigest()


class AesGcmDataCipher:
    """Per-person data keys: 256-bit random keys, AES-GCM with the record's identity as AAD."""

    def new_key(self) -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def encrypt(self, key: bytes, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(12)
        return b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext, context)

    def decrypt(self, key: bytes, sealed: bytes, *, context: bytes) -> bytes:
        if sealed[:1] != b"\x01":
            raise InfrastructureError("encrypted record has an unknown format version")
        try:
            return AESGCM(key).decrypt(sealed[1:13], sealed[13:], context)
        except InvalidTag as exc:
            raise InfrastructureError("an encrypted record failed authentication") from exc


def load_or_create_secret(path: Path) -> str:
    """Development only: a random secret key kept in the data directory."""
    if path.is_file():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = base64.urlsafe_b64encode(os.urandom(32)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret + "\n")
    return secret


def load_signing_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    if not path.is_file():
        if not create:
            raise ConfigurationError(f"The checkpoint signing key {path} does not exist.")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    loaded = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    return loaded


class Ed25519Signer:
    def __init__(self, name: str, key: Ed25519PrivateKey) -> None:
        self.name = name
        self._key = key

    def sign(self, checkpoint: Checkpoint) -> str:
        return sign(checkpoint, name=self.name, key=self._key)

    def verifier_key(self) -> str:
        return verifier_key(self.name, self._key.public_key())


class DirectoryCheckpointStore:
    """Signed checkpoints as files ``checkpoint-<size>-<UTC time>.txt`` plus ``latest.txt``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write(self, text: str, *, size: int, at: dt.datetime) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        stamp = at.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.directory / f"checkpoint-{size:012d}-{stamp}.txt"
        self._atomic(path, text)
        self._atomic(self.directory / "latest.txt", text)
        return str(path)

    @staticmethod
    def _atomic(path: Path, text: str) -> None:
        """Write then rename, with a temporary name of its own: several jobs or processes may
        write checkpoints at the same moment (a shared ``.tmp`` name made one of them fail)."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        tmp.write_text(text, "utf-8")
        os.replace(tmp, path)

    def write_file(self, name: str, text: str) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        self._atomic(path, text)
        return str(path)

    def latest(self) -> str | None:
        path = self.directory / "latest.txt"
        return path.read_text("utf-8") if path.is_file() else None
