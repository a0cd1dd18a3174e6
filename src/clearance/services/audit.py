"""Audit-log operations: verify, checkpoint, inclusion and consistency proofs, listing."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from clearance.audit.checkpoint import Checkpoint, CheckpointError, open_trusted
from clearance.audit.entry import AuditEntry
from clearance.audit.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    root_of,
    verify_inclusion,
)
from clearance.audit.offline import proof_name
from clearance.audit.verify import VerifyReport, verify_entries
from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import NotFound, ValidationFailed
from clearance.services.context import Deps
from clearance.services.guard import authorize, record


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def parse_checkpoint(deps: Deps, text: str) -> Checkpoint:
    """Open a checkpoint signed by this installation's key, or by a retired key within its
    limit; ValidationFailed when it is not."""
    try:
        return open_trusted(text, deps.signer.trusted())
    except CheckpointError as exc:
        raise ValidationFailed(f"The checkpoint cannot be used: {exc}") from exc


def verify_log(deps: Deps, actor: Subject, *, checkpoint_text: str | None = None) -> VerifyReport:
    checkpoint = parse_checkpoint(deps, checkpoint_text) if checkpoint_text else None
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.AUDIT_VERIFY, Resource("audit"))
        return verify_entries(uow.audit.entries(), checkpoint)


@dataclass(frozen=True)
class WrittenCheckpoint:
    path: str
    text: str
    checkpoint: Checkpoint


def write_checkpoint(deps: Deps, actor: Subject) -> WrittenCheckpoint:
    """Append the checkpoint's own audit entry, then sign the tree that includes it."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.AUDIT_CHECKPOINT, Resource("audit"))
        entry = record(deps, uow, actor, Action.AUDIT_CHECKPOINT, "audit", decision)
        uow.commit()
    cp = signed_tree(deps, entry.seq)
    return publish_checkpoint(deps, cp, deps.signer.sign(cp))


def signed_tree(deps: Deps, size: int) -> Checkpoint:
    """The checkpoint of the first ``size`` entries, after verifying them."""
    with deps.uow() as uow:
        report = verify_entries(uow.audit.entries(stop=size))
    if not report.ok:
        # Never sign a tree that does not verify: that would bless the tampering.
        raise ValidationFailed(
            f"The audit log does not verify; no checkpoint written. {report.problem}"
        )
    return Checkpoint(deps.signer.name, report.size, report.root)


def publish_checkpoint(deps: Deps, cp: Checkpoint, text: str) -> WrittenCheckpoint:
    """Write a signed checkpoint with what an inspector needs offline: the verifier keys and a
    proof that this tree extends the previous checkpoint's (docs/audit.md)."""
    previous = deps.checkpoints.latest()
    path = deps.checkpoints.write(text, size=cp.size, at=deps.clock.now())
    deps.checkpoints.write_file("verifier-key.txt", deps.signer.verifier_key() + "\n")
    deps.checkpoints.write_file("verifier-keys.txt",
                                "".join(t.line() + "\n" for t in deps.signer.trusted()))  # fmt: skip
    if previous:
        old = parse_checkpoint(deps, previous)
        if 1 <= old.size < cp.size:
            with deps.uow() as uow:
                leaves = uow.audit.leaf_hashes(cp.size)
            proof = {"old_size": old.size, "new_size": cp.size, "old_root": b64(old.root),
                     "new_root": b64(cp.root),
                     "proof": [b64(p) for p in consistency_proof(old.size, leaves)]}  # fmt: skip
            deps.checkpoints.write_file(proof_name(old.size, cp.size), json.dumps(proof, indent=2))
    return WrittenCheckpoint(path, text, cp)


def checkpoint_if_grown(deps: Deps, actor: Subject) -> WrittenCheckpoint | None:
    """Write a checkpoint when the log has grown since the latest one (for periodic use).

    A checkpoint covers its own audit entry, so an idle log is not grown by checkpointing it."""
    latest = deps.checkpoints.latest()
    with deps.uow() as uow:
        size = uow.audit.size()
    if latest and parse_checkpoint(deps, latest).size >= size:
        return None
    return write_checkpoint(deps, actor)


def prove_inclusion(
    deps: Deps, actor: Subject, seq: int, *, size: int | None = None
) -> dict[str, Any]:
    """An RFC 9162 inclusion proof of entry ``seq`` in the tree of ``size`` (default: the latest
    checkpoint's size if it covers the entry, else the whole log)."""
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.AUDIT_PROVE, Resource("audit", seq))
        total = uow.audit.size()
        if size is None:
            latest = deps.checkpoints.latest()
            cp = parse_checkpoint(deps, latest) if latest else None
            size = cp.size if cp and cp.size >= seq and cp.size <= total else total
        if not 1 <= seq <= size <= total:
            raise NotFound("audit entry", seq)
        entry = uow.audit.get(seq)
        assert entry is not None
        leaves = uow.audit.leaf_hashes(size)
    proof = inclusion_proof(seq - 1, leaves)
    root = root_of(leaves)
    leaf = leaf_hash(entry.canonical_bytes())
    assert verify_inclusion(seq - 1, size, leaf, proof, root)
    return {
        "seq": seq,
        "leaf_index": seq - 1,
        "tree_size": size,
        "entry": entry.canonical_bytes().decode(),
        "leaf_hash": b64(leaf),
        "proof": [b64(p) for p in proof],
        "root_hash": b64(root),
        "verifier_key": deps.signer.verifier_key(),
        "algorithm": "RFC 9162 section 2.1.3.2; leaf = SHA-256(0x00 || entry UTF-8 bytes)",
    }


def prove_consistency(deps: Deps, actor: Subject, old_size: int, new_size: int) -> dict[str, Any]:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.AUDIT_PROVE, Resource("audit"))
        if not 1 <= old_size <= new_size <= uow.audit.size():
            raise ValidationFailed("Sizes must satisfy 1 <= old <= new <= the log's size.")
        leaves = uow.audit.leaf_hashes(new_size)
    return {
        "old_size": old_size,
        "new_size": new_size,
        "old_root": b64(root_of(leaves[:old_size])),
        "new_root": b64(root_of(leaves)),
        "proof": [b64(p) for p in consistency_proof(old_size, leaves)],
    }


def recent_entries(
    deps: Deps, actor: Subject, *, limit: int = 50, before: int | None = None
) -> list[AuditEntry]:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.AUDIT_READ, Resource("audit"))
        return uow.audit.recent(limit=max(1, min(limit, 200)), before=before)


def record_operation(deps: Deps, actor: Subject, action: Action, payload: dict[str, Any]) -> None:
    """Authorize and audit an operation done outside the services (a backup, a restore)."""
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, action, Resource("installation"))
        record(deps, uow, actor, action, "installation", decision, payload=payload)
        uow.commit()
