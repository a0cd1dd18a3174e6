"""Key rotation: the installation secret that seals small secrets, and the checkpoint signing key.

The installation secret wraps each person's data key, each TOTP seed and each whistle-blowing
report's key (envelope encryption: the vetting records themselves are under per-person keys, so a
rotation re-wraps a few hundred bytes per person, never the records). After a new secret is set
and the old one is listed in ``CLEARANCE_PREVIOUS_SECRET_KEYS``, ``rewrap`` re-seals every value
under the current key in audited batches; ``status`` counts the values under each key, so the
operator knows when the old secret can be dropped. Rewrapping is resumable and idempotent.

Signing-key rotation lives here too: the handover checkpoint is co-signed by the old and the new
key, and the old key stays trusted for trees up to that size (``audit.checkpoint.TrustedKey``).

May import: domain, authz, audit, services.context/guard/ports/audit.
"""

from __future__ import annotations

from collections import Counter

from clearance.authz.model import Action, Resource, Subject
from clearance.services.audit import WrittenCheckpoint, publish_checkpoint, signed_tree
from clearance.services.context import Deps
from clearance.services.guard import authorize, record
from clearance.services.sealing import CONTEXTS

BATCH = 500


def status(deps: Deps, actor: Subject) -> dict[str, dict[str, int]]:
    """Per kind, how many values are sealed under each key id (``"v1"``: the format before ids)."""
    counts: dict[str, dict[str, int]] = {}
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.KEYS_MANAGE, Resource("keys"))
        for kind in CONTEXTS:
            tally: Counter[str] = Counter()
            after = None
            while page := uow.sealed.page(kind, after, BATCH):
                tally.update(deps.box.key_of(value) for _, value in page)
                after = page[-1][0]
            counts[kind] = dict(tally)
    return counts


def rewrap(deps: Deps, actor: Subject, *, batch: int = BATCH) -> dict[str, int]:
    """Re-seal every value not under the current key; one transaction and audit entry per batch.

    Returns how many values of each kind were re-sealed. A value changed meanwhile is skipped by
    the compare-and-swap (it was just sealed under the current key anyway)."""
    done: dict[str, int] = {}
    current = deps.box.current_key_id
    for kind, context in CONTEXTS.items():
        done[kind] = 0
        after = None
        while True:
            with deps.uow() as uow:
                decision = authorize(deps, uow, actor, Action.KEYS_MANAGE, Resource("keys", kind))
                page = uow.sealed.page(kind, after, batch)
                if not page:
                    break
                after = page[-1][0]
                changed = 0
                for row_id, value in page:
                    if deps.box.key_of(value) == current:
                        continue
                    plain = deps.box.open(value, context=context(row_id))
                    fresh = deps.box.seal(plain, context=context(row_id))
                    changed += uow.sealed.replace(kind, row_id, value, fresh)
                if changed:
                    record(deps, uow, actor, Action.KEYS_MANAGE, f"keys:{kind}", decision,
                           payload={"rewrapped": changed, "to_key": current})  # fmt: skip
                    uow.commit()
                done[kind] += changed
    return done


def rotate_signing_key(deps: Deps, actor: Subject) -> WrittenCheckpoint:
    """Replace the checkpoint signing key. The audit entry names the old and new verifier keys;
    the handover checkpoint (the tree including that entry) is signed by both, and every later
    checkpoint by the new key alone. Safe to re-run after an interruption."""
    new_vkey = deps.signer.next_verifier_key()
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.KEYS_MANAGE, Resource("keys", "signing"))
        entry = record(deps, uow, actor, Action.KEYS_MANAGE, "keys:signing", decision,
                       payload={"old_key": deps.signer.verifier_key(), "new_key": new_vkey})  # fmt: skip
        uow.commit()
    handover = signed_tree(deps, entry.seq)
    return publish_checkpoint(deps, handover, deps.signer.complete_rotation(handover))
