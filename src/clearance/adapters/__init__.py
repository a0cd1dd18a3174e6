"""Infrastructure: SQLAlchemy storage, password hashing, TOTP, field encryption, key and checkpoint
files, the system clock.

May import: ``clearance.services.ports``, ``clearance.domain``, ``clearance.audit``, ``clearance.authz``
(model only), SQLAlchemy, argon2, pyotp, cryptography. Must not import ``web`` or ``cli``.
"""
