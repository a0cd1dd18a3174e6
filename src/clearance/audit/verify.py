"""Recompute the Merkle tree over stored entries and find the first bad one.

Each stored entry carries the root of the tree that ends with it (``tree_root``). Recomputing those
roots in order detects any changed byte, insertion, deletion or reordering and names the first bad
entry. Removing the newest entries, or rolling the database back, leaves a self-consistent shorter
log; that is detected against a signed checkpoint taken earlier (size and root).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from clearance.audit.checkpoint import Checkpoint
from clearance.audit.entry import AuditEntry
from clearance.audit.merkle import Frontier


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    size: int
    root: bytes
    first_bad_seq: int | None = None
    problem: str | None = None
    checked_against: int | None = None  # size of the checkpoint compared, if any


def verify_entries(
    rows: Iterable[tuple[AuditEntry, str]], checkpoint: Checkpoint | None = None
) -> VerifyReport:
    """``rows`` are (entry, stored tree_root hex) in ascending ``seq`` order."""
    frontier = Frontier()
    expected = 1
    cp_size = checkpoint.size if checkpoint else None

    def fail(seq: int, problem: str) -> VerifyReport:
        return VerifyReport(False, frontier.size, frontier.root(), seq, problem, cp_size)

    # The hot loop: per entry one leaf hash, the frontier merges and the root of the prefix.
    # Written out with local names (no method calls) because it runs for every entry of the log.
    sha = hashlib.sha256
    hashes = frontier.hashes
    size = 0
    for entry, stored_root in rows:
        if entry.seq != expected:
            frontier.size = size
            return fail(
                expected,
                f"entry {expected} is missing: the next stored entry is {entry.seq}"
                if entry.seq > expected
                else f"entry {entry.seq} is out of order (expected {expected})",
            )
        hashes.append(sha(b"\x00" + entry.canonical_bytes()).digest())
        size += 1
        n = size
        while not n & 1:
            right = hashes.pop()
            hashes[-1] = sha(b"\x01" + hashes[-1] + right).digest()
            n >>= 1
        root = hashes[-1]
        for i in range(len(hashes) - 2, -1, -1):
            root = sha(b"\x01" + hashes[i] + root).digest()
        if root.hex() != stored_root:
            frontier.size = size
            return fail(
                entry.seq,
                f"entry {entry.seq} does not match the tree recorded with it "
                "(its content, its position or its recorded tree head was changed)",
            )
        if cp_size == entry.seq and checkpoint and root != checkpoint.root:
            frontier.size = size
            return fail(
                entry.seq,
                f"the tree of the first {checkpoint.size} entries differs from the checkpoint: "
                f"entries up to {entry.seq} were rewritten or the database was rolled back",
            )
        expected += 1
    frontier.size = size
    if checkpoint and frontier.size < checkpoint.size:
        return fail(
            frontier.size + 1,
            f"the log is truncated or rolled back: the checkpoint covers {checkpoint.size} entries "
            f"but the database holds {frontier.size}; entry {frontier.size + 1} onwards is missing",
        )
    if (
        checkpoint
        and checkpoint.size == 0
        and frontier.size == 0
        and checkpoint.root != frontier.root()
    ):
        return fail(1, "the empty-tree checkpoint has a wrong root")
    return VerifyReport(True, frontier.size, frontier.root(), None, None, cp_size)
