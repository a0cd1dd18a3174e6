"""The key rings behind rotation: the secret box (values under old secrets still open, format 1
values from before key ids, a clear error for a key not configured) and the checkpoint trust list
(a retired key vouches only up to its handover size)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from clearance.adapters.security import AesGcmBox, Ed25519Signer
from clearance.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    TrustedKey,
    Verifier,
    cosign,
    open_trusted,
    parse_trust,
    sign,
    verifier_key,
)
from clearance.audit.merkle import leaf_hash
from clearance.domain.errors import InfrastructureError

OLD, NEW = "o" * 40, "n" * 40


def _format1(secret: str, plaintext: bytes, context: bytes) -> bytes:
    """A value as sealed before key ids existed (format byte 1, no id, context as the AAD)."""
    key = hashlib.sha256(b"clearance/field-encryption/v1\x00" + secret.encode()).digest()
    nonce = os.urandom(12)
    return b"\x01" + nonce + AESGCM(key).encrypt(nonce, plaintext, context)


@given(st.binary(max_size=64), st.binary(max_size=32))
def test_values_under_a_previous_secret_open_and_reseal_under_the_current(
    plain: bytes, context: bytes
) -> None:
    old, rotated = AesGcmBox(OLD), AesGcmBox(NEW, (OLD,))
    sealed = old.seal(plain, context=context)
    assert rotated.key_of(sealed) == old.current_key_id != rotated.current_key_id
    assert rotated.open(sealed, context=context) == plain
    fresh = rotated.seal(plain, context=context)
    assert rotated.key_of(fresh) == rotated.current_key_id
    assert AesGcmBox(NEW).open(fresh, context=context) == plain


def test_format1_values_open_under_any_configured_secret() -> None:
    value = _format1(OLD, b"seed", b"ctx")
    assert AesGcmBox(NEW, (OLD,)).key_of(value) == "v1"
    assert AesGcmBox(NEW, (OLD,)).open(value, context=b"ctx") == b"seed"
    with pytest.raises(InfrastructureError, match="failed authentication"):
        AesGcmBox(NEW).open(value, context=b"ctx")


def test_a_key_not_configured_or_a_wrong_context_is_refused() -> None:
    sealed = AesGcmBox(OLD).seal(b"x", context=b"a")
    with pytest.raises(InfrastructureError, match="CLEARANCE_PREVIOUS_SECRET_KEYS"):
        AesGcmBox(NEW).open(sealed, context=b"a")
    with pytest.raises(InfrastructureError, match="failed authentication"):
        AesGcmBox(OLD).open(sealed, context=b"b")  # the context is bound
    tampered = sealed[:5] + bytes([sealed[5] ^ 1]) + sealed[6:]
    with pytest.raises(InfrastructureError):
        AesGcmBox(OLD).open(tampered, context=b"a")
    with pytest.raises(InfrastructureError, match="unknown format"):
        AesGcmBox(OLD).open(b"\x09" + sealed[1:], context=b"a")


def test_the_key_id_is_authenticated() -> None:
    """Swapping the id for another configured key's cannot make a value open under it."""
    box = AesGcmBox(NEW, (OLD,))
    sealed = AesGcmBox(OLD).seal(b"x", context=b"a")
    swapped = b"\x02" + bytes.fromhex(box.current_key_id) + sealed[5:]
    with pytest.raises(InfrastructureError):
        box.open(swapped, context=b"a")


def _trust(old: Ed25519PrivateKey, new: Ed25519PrivateKey, limit: int) -> list[TrustedKey]:
    text = (f"{verifier_key('log', new.public_key())}\n"
            f"# retired\n{verifier_key('log', old.public_key())} max-size={limit}\n")  # fmt: skip
    return parse_trust(text)


def test_a_retired_key_vouches_only_up_to_its_handover() -> None:
    old, new = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    trusted = _trust(old, new, 10)
    assert [t.max_size for t in trusted] == [None, 10]
    at = Checkpoint("log", 10, leaf_hash(b"a"))
    later = Checkpoint("log", 11, leaf_hash(b"b"))
    assert open_trusted(sign(at, name="log", key=old), trusted) == at
    assert open_trusted(cosign(at, name="log", keys=[old, new]), trusted) == at
    assert open_trusted(sign(later, name="log", key=new), trusted) == later
    with pytest.raises(CheckpointError, match="retired at 10"):
        open_trusted(sign(later, name="log", key=old), trusted)
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(CheckpointError, match="no signature by a trusted key"):
        open_trusted(sign(at, name="log", key=stranger), trusted)
    # A signature by an unknown key beside a trusted one is ignored; a trusted one must verify.
    assert open_trusted(cosign(at, name="log", keys=[stranger, new]), trusted) == at
    forged = sign(at, name="log", key=new)
    body, sep, sig = forged.partition("\n\n")
    with pytest.raises(CheckpointError, match="does not verify"):
        open_trusted(body.replace("\n10\n", "\n9\n") + sep + sig, trusted)


@pytest.mark.parametrize("text", ["", "# only a comment\n", "log+00+AA==\n",
                                  "{vkey} max-size=ten\n", "{vkey} until=3\n"])  # fmt: skip
def test_malformed_trust_lists_are_refused(text: str) -> None:
    vkey = verifier_key("log", Ed25519PrivateKey.generate().public_key())
    with pytest.raises(CheckpointError):
        parse_trust(text.format(vkey=vkey))


def test_a_running_signer_follows_a_rotation_made_by_another_process(tmp_path: Path) -> None:
    key_file = tmp_path / "k.pem"
    server = Ed25519Signer("log", key_file, create=True)
    operator = Ed25519Signer("log", key_file, create=False)
    before = server.verifier_key()
    nxt = operator.next_verifier_key()
    assert operator.next_verifier_key() == nxt  # an interrupted rotation resumes with the same key
    handover = Checkpoint("log", 3, leaf_hash(b"h"))
    operator.complete_rotation(handover)
    assert server.verifier_key() == nxt != before
    trusted = server.trusted()
    assert [t.max_size for t in trusted] == [None, 3]
    assert trusted[1].verifier == Verifier.parse(before)
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
