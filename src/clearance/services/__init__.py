"""The application layer: the only door through which state changes.

Every service function authorizes (``authz.decide``), applies the change, appends an audit entry and
commits, in one transaction. Denied attempts are audited too.

May import: ``clearance.domain``, ``clearance.authz``, ``clearance.audit``, ``clearance.regime``,
``clearance.services.*``. Must not import ``adapters``, SQLAlchemy, ``web``, ``cli`` or ``config``:
dependencies arrive through ``services.context.Deps``.
"""
