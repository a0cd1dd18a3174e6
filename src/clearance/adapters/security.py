"""Password hashing (argon2id), TOTP (RFC 6238), AES-GCM sealing of secrets, key files, clock."""

from __future__ import annotations

import base64
import contextlib
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

from clearance.audit.checkpoint import (
    Checkpoint,
    TrustedKey,
    Verifier,
    cosign,
    parse_trust,
    sign,
    verifier_key,
)
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
    """AES-256-GCM under keys derived from the installation secrets (a key ring); context as AAD.

    Values are sealed as ``0x02 || key id (4) || nonce (12) || ciphertext`` under the current
    secret; the key id picks the key on opening, so values under a previous secret stay readable
    until ``clearance keys rewrap`` has re-sealed them (docs/operations.md, key rotation). Values
    of format 1 (no key id, before key rotation existed) are opened by trying each key.
    """

    def __init__(self, secret_key: str, previous: tuple[str, ...] = ()) -> None:
        self._keys: dict[bytes, bytes] = {}
        for material in (secret_key, *previous):
            key = hashlib.sha256(b"clearance/field-encryption/v1\x00" + material.encode()).digest()
            self._keys.setdefault(hashlib.sha256(b"clearance/key-id\x00" + key).digest()[:4], key)
        self._current = next(iter(self._keys))
        self._mac_key = hashlib.sha256(b"clearance/mac/v1\x00" + secret_key.encode()).digest()

    @property
    def current_key_id(self) -> str:
        return self._current.hex()

    def key_of(self, sealed: bytes) -> str:
        """The hex id of the key a value is sealed under; ``"v1"`` for the format without ids."""
        return sealed[1:5].hex() if sealed[:1] == b"\x02" else "v1"

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        nonce = os.urandom(12)
        head = b"\x02" + self._current
        return (
            head
            + nonce
            + AESGCM(self._keys[self._current]).encrypt(nonce, plaintext, head + context)
        )

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        version = sealed[:1]
        if version == b"\x02":
            key = self._keys.get(sealed[1:5])
            if key is None:
                raise InfrastructureError(
                    f"a sealed value is under key {sealed[1:5].hex()}, which is not configured: "
                    "add its secret to CLEARANCE_PREVIOUS_SECRET_KEYS"
                )
            try:
                return AESGCM(key).decrypt(sealed[5:17], sealed[17:], sealed[:5] + context)
            except InvalidTag as exc:
                raise InfrastructureError("a sealed value failed authentication") from exc
        if version == b"\x01":
            for key in self._keys.values():
                with contextlib.suppress(InvalidTag):
                    return AESGCM(key).decrypt(sealed[1:13], sealed[13:], context)
            raise InfrastructureError("a sealed value failed authentication (wrong key?)")
        raise InfrastructureError("sealed value has an unknown format version")

    def mac(self, data: bytes) -> str:
        # Keyed hashes only name login-throttle counters; a new secret just starts them afresh.
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


def private_directory(path: Path) -> None:
    """Create ``path`` (and missing parents) readable by its owner only (0700): the data
    directory holds the database, keys and vetting ciphertext (issue 15 §4). A directory that
    exists already is left as its owner set it."""
    missing = []
    for p in (path, *path.parents):
        if p.exists():
            break
        missing.append(p)
    path.mkdir(parents=True, exist_ok=True)
    for p in missing:
        os.chmod(p, 0o700)


def private_file(path: Path) -> None:
    """Create an empty file readable by its owner only (0600) if it does not exist: SQLite gives
    its journal and WAL files the database file's mode."""
    private_directory(path.parent)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def load_or_create_secret(path: Path) -> str:
    """Development only: a random secret key kept in the data directory."""
    if path.is_file():
        return path.read_text().strip()
    private_directory(path.parent)
    secret = base64.urlsafe_b64encode(os.urandom(32)).decode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secret + "\n")
    return secret


def load_previous_secrets(path: Path) -> list[str]:
    """Development only: secrets replaced by ``clearance keys rotate-secret``, newest first."""
    if not path.is_file():
        return []
    return [line.strip() for line in path.read_text().splitlines() if line.strip()][::-1]


def rotate_dev_secret(directory: Path) -> None:
    """Development only: a new ``secret.key``; the old one is kept in ``secret.previous``."""
    current = directory / "secret.key"
    old = load_or_create_secret(current)
    with (directory / "secret.previous").open("a") as fh:
        fh.write(old + "\n")
    os.chmod(directory / "secret.previous", 0o600)
    fresh = base64.urlsafe_b64encode(os.urandom(32)).decode()
    tmp = directory / f".secret.key.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(fresh + "\n")
    os.replace(tmp, current)


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    private_directory(path.parent)
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())


def _read_private(path: Path) -> Ed25519PrivateKey:
    try:
        loaded = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"cannot read the checkpoint signing key {path}: {exc}") from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise ConfigurationError(f"{path} is not an Ed25519 private key")
    return loaded


def load_signing_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    if not path.is_file():
        if not create:
            raise ConfigurationError(f"The checkpoint signing key {path} does not exist.")
        key = Ed25519PrivateKey.generate()
        _write_private(path, key)
        return key
    return _read_private(path)


class Ed25519Signer:
    """The checkpoint signing key in a file, with the public keys it replaced.

    ``<key file>.retired`` lists retired verifier keys, each trusted up to the tree size of its
    handover checkpoint (``TrustedKey``). The key file is re-read when it changes, so servers that
    are running pick up a rotation done by ``clearance keys rotate-signing`` in another process.
    A retired private key is deleted: old checkpoints need only its public half.
    """

    def __init__(self, name: str, key_file: Path, *, create: bool) -> None:
        self.name = name
        self._path = key_file
        self._retired = key_file.with_name(key_file.name + ".retired")
        self._pending = key_file.with_name(key_file.name + ".next")
        self._key = load_signing_key(key_file, create=create)
        self._stamp = self._stat()

    def _stat(self) -> tuple[int, int, int]:
        st = self._path.stat()
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _current(self) -> Ed25519PrivateKey:
        with contextlib.suppress(OSError):
            stamp = self._stat()
            if stamp != self._stamp:
                self._key, self._stamp = _read_private(self._path), stamp
        return self._key

    def sign(self, checkpoint: Checkpoint) -> str:
        return sign(checkpoint, name=self.name, key=self._current())

    def verifier_key(self) -> str:
        return verifier_key(self.name, self._current().public_key())

    def trusted(self) -> list[TrustedKey]:
        """The current key, then the retired ones with their size limits."""
        keys = [TrustedKey(Verifier.parse(self.verifier_key()))]
        if self._retired.is_file():
            keys += parse_trust(self._retired.read_text("utf-8"))
        return keys

    def next_verifier_key(self) -> str:
        """Start a rotation: the next key (made now, or left by an interrupted rotation)."""
        if not self._pending.is_file():
            _write_private(self._pending, Ed25519PrivateKey.generate())
        return verifier_key(self.name, _read_private(self._pending).public_key())

    def complete_rotation(self, handover: Checkpoint) -> str:
        """Co-sign the handover checkpoint with the old and next keys, retire the old key (its
        public key, trusted up to ``handover.size``), and make the next key current."""
        old, new = self._current(), _read_private(self._pending)
        text = cosign(handover, name=self.name, keys=[old, new])
        line = TrustedKey(Verifier.parse(verifier_key(self.name, old.public_key())),
                          handover.size).line()  # fmt: skip
        with self._retired.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(self._pending, self._path)
        self._key, self._stamp = new, self._stat()
        return text


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
