"""``create_app(ctx)``: the FastAPI application factory. No app object exists at import time."""

from __future__ import annotations

from importlib import resources

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text

from clearance import __version__
from clearance.bootstrap import AppContext
from clearance.web import errors, pages, ui
from clearance.web.api import (
    assessments,
    audit,
    auth,
    casework,
    custody,
    designations,
    directory,
    oversight,
    webauthn,
)
from clearance.web.middleware import BodySizeLimit, RetryTransient, SecurityHeaders
from clearance.web.schemas import Health

DESCRIPTION = """Clearance JSON API for the CESI security clearance regime (Act No. 27 of 2024).

Authenticate with `POST /api/v1/auth/login` (password and TOTP code), then send the returned token
as `Authorization: Bearer <token>`, or create a long-lived API token at `POST /api/v1/auth/tokens`.
Every error is an RFC 9457 problem document with a stable `code`."""


def create_app(ctx: AppContext) -> FastAPI:
    app = FastAPI(
        title="Clearance",
        version=__version__,
        description=DESCRIPTION,
        docs_url=None,  # the Swagger UI loads scripts from a CDN; /openapi.json is served
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.ctx = ctx
    errors.install(app)

    @app.get("/healthz", response_model=Health, tags=["operations"])
    def healthz() -> Health:
        """Liveness: the process answers."""
        return Health(status="ok")

    @app.get("/readyz", response_model=Health, tags=["operations"], responses={503: {}})
    def readyz() -> Health:
        """Readiness: the database answers and its schema is at the current migration."""
        from clearance.domain.errors import InfrastructureError

        try:
            with ctx.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            ready = ctx.schema_ready()
        except Exception as exc:  # any driver failure means "not ready", never a 500
            raise InfrastructureError("The database is not reachable.") from exc
        if not ready:
            raise InfrastructureError(
                "The database schema is not up to date; run 'clearance db upgrade'."
            )
        return Health(status="ready")

    for router in (
        auth.router, webauthn.router, directory.router, audit.router, assessments.router,
        casework.router, designations.router, custody.router, oversight.router,
    ):  # fmt: skip
        app.include_router(router, prefix="/api/v1")
    app.include_router(pages.router)
    for page_router in ui.routers():
        app.include_router(page_router)
    static = resources.files("clearance.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    # Outermost first: headers are added to every response, the 413 included.
    app.add_middleware(RetryTransient)  # inside the size limit: it buffers the (limited) body
    app.add_middleware(BodySizeLimit, limit=ctx.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders, hsts=ctx.settings.production)
    return app


def from_environment() -> FastAPI:
    """For process managers and several workers: ``uvicorn --factory
    clearance.web.app:from_environment --workers N`` (settings from ``CLEARANCE_*``). Every
    process keeps its state in the database, so any number of them can serve one PostgreSQL."""
    from clearance.bootstrap import build_context
    from clearance.config import load_settings

    return create_app(build_context(load_settings()))
