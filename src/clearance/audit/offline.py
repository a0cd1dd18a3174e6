"""Offline checks an inspector runs on a copy of the checkpoint directory, with only the public
verifier keys: no database, no signing key, no network.

The directory holds signed checkpoints (``checkpoint-<size>-<time>.txt``) and, for each checkpoint,
a consistency proof from the one before it (``consistency-<old>-<new>.json``). ``consistency``
verifies every signature and walks the chain of proofs from an old checkpoint to a new one, so a
checkpoint from another log (another key) or a rewritten history (a fork) is refused.
``inclusion`` checks that an entry is in a signed tree. Pure: imports only ``clearance.audit``.
"""

from __future__ import annotations

import base64
import itertools
import json
from pathlib import Path
from typing import Any

from clearance.audit.checkpoint import (
    Checkpoint,
    CheckpointError,
    TrustedKey,
    open_trusted,
    parse_trust,
)
from clearance.audit.merkle import leaf_hash, verify_consistency, verify_inclusion


class OfflineCheckFailed(ValueError):
    """The check did not hold; the message says which step and why."""


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def trust(vkeys: str) -> list[TrustedKey]:
    """The verifier keys: one line, or ``verifier-keys.txt`` (current and retired keys)."""
    try:
        return parse_trust(vkeys)
    except CheckpointError as exc:
        raise OfflineCheckFailed(f"the verifier keys cannot be read: {exc}") from exc


def read_checkpoint(text: str, verifier: list[TrustedKey], what: str) -> Checkpoint:
    try:
        return open_trusted(text, verifier)
    except CheckpointError as exc:
        raise OfflineCheckFailed(
            f"{what}: not signed by this log's key ({exc}); it comes from another log or was altered"
        ) from exc


def proof_name(old_size: int, new_size: int) -> str:
    return f"consistency-{old_size:012d}-{new_size:012d}.json"


def consistency(directory: Path, old_text: str, new_text: str, vkey: str) -> list[int]:
    """Verify that the log of ``old`` is a prefix of the log of ``new``; returns the sizes walked."""
    verifier = trust(vkey)
    old = read_checkpoint(old_text, verifier, "the old checkpoint")
    new = read_checkpoint(new_text, verifier, "the new checkpoint")
    if old.size > new.size:
        raise OfflineCheckFailed(
            f"the new checkpoint ({new.size} entries) is smaller than the old one ({old.size}): "
            "the log was rolled back"
        )
    if old.size == new.size:
        if old.root != new.root:
            raise OfflineCheckFailed(
                "two checkpoints of the same size with different roots: a fork"
            )
        return [old.size]
    # Signed checkpoints between the two, by size (their roots are the stepping stones).
    roots = {old.size: old.root, new.size: new.root}
    for path in sorted(directory.glob("checkpoint-*.txt")):
        cp = read_checkpoint(path.read_text("utf-8"), verifier, path.name)
        if old.size < cp.size < new.size and roots.setdefault(cp.size, cp.root) != cp.root:
            raise OfflineCheckFailed(f"two checkpoints of size {cp.size} disagree: a fork")
    sizes = sorted(roots)
    for a, b in itertools.pairwise(sizes):
        proof_file = directory / proof_name(a, b)
        if not proof_file.is_file():
            raise OfflineCheckFailed(f"no consistency proof from {a} to {b} ({proof_file.name})")
        data: dict[str, Any] = json.loads(proof_file.read_text("utf-8"))
        hops = [_b64(p) for p in data.get("proof", [])]
        if not verify_consistency(a, b, roots[a], roots[b], hops):
            raise OfflineCheckFailed(
                f"the log of {b} entries does not extend the log of {a} entries: the history "
                "was rewritten (a fork), or one checkpoint comes from another log"
            )
    return sizes


def inclusion(proof_json: str, checkpoint_text: str, vkey: str) -> Checkpoint:
    """Verify an inclusion proof (``clearance audit prove``) against a signed checkpoint."""
    verifier = trust(vkey)
    cp = read_checkpoint(checkpoint_text, verifier, "the checkpoint")
    data = json.loads(proof_json)
    if int(data["tree_size"]) != cp.size:
        raise OfflineCheckFailed(
            f"the proof is for a tree of {data['tree_size']} entries, the checkpoint has {cp.size}"
        )
    leaf = leaf_hash(data["entry"].encode())
    if leaf != _b64(data["leaf_hash"]):
        raise OfflineCheckFailed("the entry does not hash to the proof's leaf: it was altered")
    if not verify_inclusion(int(data["leaf_index"]), cp.size, leaf,
                            [_b64(p) for p in data["proof"]], cp.root):  # fmt: skip
        raise OfflineCheckFailed("the entry is not in the signed tree")
    return cp
