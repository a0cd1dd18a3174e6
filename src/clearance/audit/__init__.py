"""Pure audit-log logic: canonical entries, RFC 6962 Merkle trees, C2SP checkpoints, verification.

May import: the standard library, ``cryptography`` (Ed25519 only, in ``checkpoint``), and
``clearance.domain``. No database, no clock, no files: callers pass bytes and rows in.
"""
