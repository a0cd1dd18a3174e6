"""C2SP signed checkpoints: format, signature, key ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clearance.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    Verifier,
    open_signed,
    parse,
    sign,
    verifier_key,
)
from clearance.audit.merkle import leaf_hash


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_round_trip_and_text_format(key: Ed25519PrivateKey) -> None:
    cp = Checkpoint("example.org/log", 42, leaf_hash(b"x"))
    text = sign(cp, name="example.org/log", key=key)
    lines = text.split("\n")
    assert lines[0] == "example.org/log" and lines[1] == "42" and lines[3] == ""
    assert lines[4].startswith("\u2014 example.org/log ")
    verifier = Verifier.parse(verifier_key("example.org/log", key.public_key()))
    assert open_signed(text, verifier) == cp


def test_a_changed_body_or_another_key_is_refused(key: Ed25519PrivateKey) -> None:
    cp = Checkpoint("o", 7, leaf_hash(b"x"))
    text = sign(cp, name="o", key=key)
    verifier = Verifier.parse(verifier_key("o", key.public_key()))
    with pytest.raises(CheckpointError, match="does not verify"):
        open_signed(text.replace("\n7\n", "\n8\n", 1), verifier)
    other = Verifier.parse(verifier_key("o", Ed25519PrivateKey.generate().public_key()))
    with pytest.raises(CheckpointError, match="no signature"):
        open_signed(text, other)


@pytest.mark.parametrize(
    "text",
    ["", "o\n1\n", "o\n01\nAAAA\n\n", "o\nx\nAAAA\n\n", "o\n1\n!!!\n\n", "o\n1\nAAAA\n\n",
     "o\n1\n" + "A" * 43 + "=\n\nnot a signature\n"],
)  # fmt: skip
def test_malformed_checkpoints_are_refused(text: str) -> None:
    with pytest.raises(CheckpointError):
        parse(text)


def test_verifier_key_with_a_wrong_id_is_refused(key: Ed25519PrivateKey) -> None:
    name, _kid, blob = verifier_key("o", key.public_key()).split("+", 2)
    with pytest.raises(CheckpointError):
        Verifier.parse(f"{name}+00000000+{blob}")


def test_checkpoints_written_at_the_same_moment_do_not_collide(tmp_path: Path) -> None:
    """Found by CI: three `jobs run` at once wrote through one shared temporary name."""
    import datetime as dt
    import threading

    from clearance.adapters.security import DirectoryCheckpointStore

    store = DirectoryCheckpointStore(tmp_path)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for k in range(20):
                store.write(f"cp {n} {k}\n", size=n, at=dt.datetime.now(dt.UTC))
                store.write_file("verifier-key.txt", f"key {n}\n")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:1]
    assert (tmp_path / "latest.txt").read_text("utf-8").startswith("cp ")
    assert not list(tmp_path.glob("*.tmp"))
