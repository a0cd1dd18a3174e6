"""One table from error class to HTTP status, and the one error shape (RFC 9457 problem details).

Every failure answers ``application/problem+json``::

    {"type": "urn:clearance:problem:<code>", "title": ..., "status": 4xx, "detail": ...,
     "code": "<code>", "errors": [{"field": ..., "message": ..., "code": ...}]}

No response carries a stack trace; an unexpected exception is logged server-side and answered as a
500 ``internal_error`` with a correlation id.
"""

from __future__ import annotations

import logging
import uuid
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from clearance.domain import errors as e

log = logging.getLogger("clearance.web")

STATUS: dict[type[e.ClearanceError], int] = {
    e.ValidationFailed: 422,
    e.InvalidTransition: 409,
    e.AuthenticationRequired: 401,
    e.InvalidCredentials: 401,
    e.Throttled: 429,
    e.NotAuthorized: 403,
    e.NotFound: 404,
    e.Conflict: 409,
    e.CsrfFailed: 403,
    e.ConfigurationError: 500,
    e.AuditIntegrityError: 500,
    e.InfrastructureError: 503,
}

HTTP_CODES = {
    400: e.ErrorCode.MALFORMED_REQUEST,
    401: e.ErrorCode.AUTHENTICATION_REQUIRED,
    403: e.ErrorCode.NOT_AUTHORIZED,
    404: e.ErrorCode.NOT_FOUND,
    405: e.ErrorCode.METHOD_NOT_ALLOWED,
    413: e.ErrorCode.PAYLOAD_TOO_LARGE,
    415: e.ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: e.ErrorCode.VALIDATION_FAILED,
}


def status_for(exc: e.ClearanceError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def problem(
    status: int,
    code: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"urn:clearance:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return JSONResponse(body, status, headers=headers, media_type="application/problem+json")


def _clearance_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, e.ClearanceError)
    status = status_for(exc)
    headers = {}
    errors = None
    extra: dict[str, Any] = {}
    if isinstance(exc, e.Throttled):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, e.AuthenticationRequired | e.InvalidCredentials):
        headers["WWW-Authenticate"] = 'Bearer realm="clearance"'
    if isinstance(exc, e.ValidationFailed):
        errors = [{"field": p.field, "message": p.message, "code": p.code} for p in exc.problems]
    if isinstance(exc, e.InvalidTransition):
        extra = {k: v for k, v in exc.details.items() if k in {"current", "allowed", "attempted"}}
    if status >= 500:
        incident = uuid.uuid4().hex[:12]
        log.error("incident %s: %s", incident, exc, exc_info=exc)
        return problem(status, exc.code.value, f"The service failed (incident {incident}).")
    return problem(status, exc.code.value, exc.message, errors=errors, headers=headers, extra=extra)


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = []
    malformed = False
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body",)]
        kind = str(err.get("type", "invalid"))
        if kind == "json_invalid":
            malformed = True
        errors.append(
            {"field": ".".join(loc) or "body", "message": str(err.get("msg")), "code": kind}
        )
    if malformed:
        return problem(
            400, e.ErrorCode.MALFORMED_REQUEST, "The body is not valid JSON.", errors=errors
        )
    return problem(
        422, e.ErrorCode.VALIDATION_FAILED, "The request does not match the schema.", errors=errors
    )


def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, e.ErrorCode.MALFORMED_REQUEST)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404:
        detail = "There is no such resource."
    headers = getattr(exc, "headers", None)
    if exc.status_code == 405:
        headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
    return problem(exc.status_code, code, detail, headers=headers)


def allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path. Starlette's own 405 names only the first
    route that matched the path, so a path with a GET and a POST route said just one of them."""
    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= set(getattr(route, "methods", None) or ())
    return sorted(methods - {"HEAD"} if "GET" in methods else methods)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    incident = uuid.uuid4().hex[:12]
    log.error("incident %s: unhandled %s", incident, type(exc).__name__, exc_info=exc)
    return problem(500, e.ErrorCode.INTERNAL, f"The service failed (incident {incident}).")


def install(app: FastAPI) -> None:
    app.add_exception_handler(e.ClearanceError, _clearance_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
