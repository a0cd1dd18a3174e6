"""Request -> Subject (authentication only; authorization happens in the services).

Credentials, in order: ``Authorization: Bearer clr_…`` (API token), ``Authorization: Bearer <session
token>``, then the session cookie. Cookie-authenticated requests that change state must carry the
session's CSRF token (header ``X-CSRF-Token`` or form field ``csrf_token``); bearer requests carry no
ambient authority and need none.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated, Any

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
    """The client a login attempt is counted against. X-Forwarded-For is believed only when the
    TCP peer is a configured proxy (CLEARANCE_TRUSTED_PROXIES), and then only up to the first
    address that is not a trusted proxy, reading from the right: a client cannot choose its own
    address by sending the header (issue 15 §4). uvicorn's own proxy handling is switched off."""
    peer = request.client.host if request.client else "unknown"
    trusted = get_ctx(request).settings.proxy_networks
    if not trusted or not _within(peer, trusted):
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop
    return peer


def _within(address: str, networks: tuple[Any, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


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
