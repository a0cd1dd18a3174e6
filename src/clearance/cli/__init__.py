"""The ``clearance`` command: a thin twin of the web API over the same services.

May import: ``clearance.services``, ``clearance.bootstrap``, ``clearance.config``,
``clearance.audit`` (offline verification), ``clearance.domain`` (types and errors).
Exit codes: 0 success; 1 verification failed; 2 bad input, refused or configuration error.
"""
