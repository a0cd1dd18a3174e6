"""HTTP entry point: the FastAPI app factory, the JSON API under /api/v1 and browser pages.

May import: ``clearance.services``, ``clearance.bootstrap`` (types), ``clearance.config``,
``clearance.authz.model``, ``clearance.domain`` (types and errors). Must not import ``adapters``.
"""
