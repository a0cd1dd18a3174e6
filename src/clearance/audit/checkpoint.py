"""C2SP tlog-checkpoint text format, signed as a C2SP signed note with Ed25519.

A checkpoint is::

    <origin>\\n
    <tree size, decimal>\\n
    <root hash, base64>\\n
    \\n
    — <key name> <base64(4-byte key id || 64-byte signature)>\\n

The key id is the first 4 bytes of SHA-256(key name || 0x0A || 0x01 || public key). The verifier key
is published as ``<name>+<hex key id>+<base64(0x01 || public key)>`` (the ``note`` vkey format), so
an inspector needs only that one line to check a checkpoint offline.

Key rotation (docs/audit.md): the handover checkpoint is signed by the old and the new key, and the
old key is then trusted only for trees up to that size. A trust list is one verifier key per line,
a retired one followed by ``max-size=<n>``; ``open_trusted`` applies it.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ED25519_ALG = b"\x01"
SIG_PREFIX = "\u2014 "


class CheckpointError(ValueError):
    """The text is not a well-formed checkpoint or its signature does not verify."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes

    def body(self) -> str:
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(name: str, public: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519_ALG + public).digest()[:4]


def verifier_key(name: str, key: Ed25519PublicKey) -> str:
    raw = _raw_public(key)
    return f"{name}+{key_id(name, raw).hex()}+{base64.b64encode(ED25519_ALG + raw).decode()}"


@dataclass(frozen=True)
class Verifier:
    name: str
    key_id: bytes
    key: Ed25519PublicKey

    @classmethod
    def parse(cls, vkey: str) -> Verifier:
        try:
            name, hex_id, b64 = vkey.strip().split("+", 2)
            blob = base64.b64decode(b64, validate=True)
            if blob[:1] != ED25519_ALG or len(blob) != 33:
                raise CheckpointError("verifier key is not an Ed25519 key")
            kid = bytes.fromhex(hex_id)
            if kid != key_id(name, blob[1:]):
                raise CheckpointError("verifier key id does not match its key")
            return cls(name, kid, Ed25519PublicKey.from_public_bytes(blob[1:]))
        except CheckpointError:
            raise  # already says what is wrong (it is a ValueError too: not wrapped twice)
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"malformed verifier key: {exc}") from exc


def sign(checkpoint: Checkpoint, *, name: str, key: Ed25519PrivateKey) -> str:
    return cosign(checkpoint, name=name, keys=[key])


def cosign(checkpoint: Checkpoint, *, name: str, keys: list[Ed25519PrivateKey]) -> str:
    """A signed note with one signature line per key (two at a key rotation's handover)."""
    body = checkpoint.body()
    lines = []
    for key in keys:
        sig = key.sign(body.encode())
        kid = key_id(name, _raw_public(key.public_key()))
        lines.append(f"{SIG_PREFIX}{name} {base64.b64encode(kid + sig).decode()}\n")
    return f"{body}\n" + "".join(lines)


def parse(text: str) -> tuple[Checkpoint, list[tuple[str, bytes, bytes]]]:
    """Parse a signed checkpoint into the checkpoint and its (name, key id, signature) lines."""
    body, sep, sigs = text.partition("\n\n")
    if not sep:
        raise CheckpointError("no blank line between the checkpoint and its signatures")
    lines = body.split("\n")
    if len(lines) < 3:
        raise CheckpointError("a checkpoint needs an origin, a size and a root hash")
    origin, size_text, root_text = lines[0], lines[1], lines[2]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise CheckpointError(f"tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except ValueError as exc:
        raise CheckpointError("root hash is not base64") from exc
    if len(root) != 32:
        raise CheckpointError("root hash is not 32 bytes")
    signatures = []
    for line in sigs.splitlines():
        if not line.startswith(SIG_PREFIX):
            raise CheckpointError(f"unexpected line in the signature block: {line[:40]!r}")
        try:
            name, b64 = line[len(SIG_PREFIX) :].rsplit(" ", 1)
            blob = base64.b64decode(b64, validate=True)
        except ValueError as exc:
            raise CheckpointError("malformed signature line") from exc
        signatures.append((name, blob[:4], blob[4:]))
    return Checkpoint(origin, int(size_text), root), signatures


def open_signed(text: str, verifier: Verifier) -> Checkpoint:
    """Parse and check the signature by ``verifier``; raise ``CheckpointError`` otherwise."""
    checkpoint, signatures = parse(text)
    body = text.partition("\n\n")[0] + "\n"
    for name, kid, sig in signatures:
        if name == verifier.name and kid == verifier.key_id:
            try:
                verifier.key.verify(sig, body.encode())
            except InvalidSignature as exc:
                raise CheckpointError("the checkpoint's signature does not verify") from exc
            return checkpoint
    raise CheckpointError(f"the checkpoint carries no signature by key {verifier.name!r}")


@dataclass(frozen=True)
class TrustedKey:
    """A verifier key and, for a retired key, the largest tree it may have signed."""

    verifier: Verifier
    max_size: int | None = None

    def line(self) -> str:
        vkey = verifier_key(self.verifier.name, self.verifier.key)
        return vkey if self.max_size is None else f"{vkey} max-size={self.max_size}"


def parse_trust(text: str) -> list[TrustedKey]:
    """One verifier key per line; ``max-size=<n>`` after a retired one. Blank and # lines skipped."""
    trusted = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        vkey, _, rest = line.partition(" ")
        max_size = None
        if rest:
            label, _, number = rest.strip().partition("=")
            if label != "max-size" or not number.isdigit():
                raise CheckpointError(f"unexpected text after a verifier key: {rest.strip()!r}")
            max_size = int(number)
        trusted.append(TrustedKey(Verifier.parse(vkey), max_size))
    if not trusted:
        raise CheckpointError("no verifier key given")
    return trusted


def open_trusted(text: str, trusted: list[TrustedKey]) -> Checkpoint:
    """Accept a checkpoint signed by any trusted key, a retired key only up to its ``max_size``."""
    checkpoint, signatures = parse(text)
    problem = "the checkpoint carries no signature by a trusted key"
    for t in trusted:
        if not any(n == t.verifier.name and k == t.verifier.key_id for n, k, _ in signatures):
            continue
        if t.max_size is not None and checkpoint.size > t.max_size:
            problem = (f"the checkpoint of {checkpoint.size} entries is signed only by a key "
                       f"retired at {t.max_size} entries")  # fmt: skip
            continue
        return open_signed(text, t.verifier)
    raise CheckpointError(problem)
