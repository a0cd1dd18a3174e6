"""Pure authorization: ``decide(subject, action, resource) -> Decision``.

May import: the standard library, ``clearance.domain.organisations``. No I/O, no clock.
"""
