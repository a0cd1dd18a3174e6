"""Request -> Subject (authentication only; authorization happens in the services).

Credentials, in order: ``Authorization: Bearer clr_…`` (API token), ``Authorization: Bearer <session
token>``, then the session cookie. Cookie-authenticated requests that change state must carry the
session's CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``); bearer requests carry no
ambient authority and need none.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from clearance.authz.model import Subject
from clearance.bootstrap import AppContext
from clearance.domain.errors import AuthenticationRequired, CsrfFailed
from clearance.services import auth
from clearance.services.context import Deps

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def cookie_name(ctx: AppContext) -> str:
    return "__Host-clearance_session" if ctx.settings.secure_cookies else "clearance_session"


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


def get_deps(request: Request) -> Deps:
    return get_ctx(request).deps


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def _csrf_from(request: Request) -> str | None:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get("csrf_token")
        return value if isinstance(value, str) else None
    return None


async def current_subject(request: Request) -> Subject:
    deps = get_deps(request)
    authz = request.headers.get("authorization", "")
    if authz:
        scheme, _, token = authz.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationRequired("Use 'Authorization: Bearer <token>'.")
        token = token.strip()
        if token.startswith(auth.API_TOKEN_PREFIX):
            return auth.authenticate_api_token(deps, token)
        session = auth.authenticate_session(deps, token)
        request.state.session_token = token
        return session.subject
    cookie = request.cookies.get(cookie_name(get_ctx(request)))
    if not cookie:
        raise AuthenticationRequired("Log in first, or send an API token.")
    token = cookie
    session = auth.authenticate_session(deps, token)
    if request.method not in SAFE_METHODS:
        sent = await _csrf_from(request)
        if not sent or not hmac.compare_digest(sent, session.session.csrf_token):
            raise CsrfFailed()
    request.state.session_token = token
    request.state.csrf_token = session.session.csrf_token
    request.state.subject = session.subject  # a refusal page still shows who is logged in
    return session.subject


CurrentSubject = Annotated[Subject, Depends(current_subject)]
DepsDep = Annotated[Deps, Depends(get_deps)]
