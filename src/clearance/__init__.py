"""Clearance: the reference system for Japan's CESI security clearance regime.

Package map (see docs/architecture.md for the import rules, which tests/architecture enforces):

- ``domain``   pure rules and value objects (stdlib only)
- ``authz``    the pure decision function ``decide(subject, action, resource) -> Decision``
- ``audit``    pure RFC 6962 Merkle tree, canonical encoding, C2SP checkpoints
- ``services`` the only door for change: authorize, apply, audit, commit
- ``adapters`` SQLAlchemy storage, password hashing, key files
- ``web``      FastAPI app factory, JSON API and browser pages
- ``cli``      the ``clearance`` command
- ``bootstrap`` the composition root

Importing this package has no side effects.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
