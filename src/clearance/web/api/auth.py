"""/api/v1/auth: login, logout, the current subject, API tokens."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response

from clearance.services import auth
from clearance.web import schemas as s
from clearance.web.deps import CurrentSubject, DepsDep, client_address, cookie_name, get_ctx

router = APIRouter(prefix="/auth", tags=["authentication"])


@router.post("/login", response_model=s.LoginOut, responses=s.ERRORS)
def login(body: s.LoginIn, request: Request, response: Response, deps: DepsDep) -> s.LoginOut:
    """Log in with user name, password and the current TOTP code. Sets the session cookie and
    returns the session token for API clients (send it as a Bearer token)."""
    result = auth.login(
        deps, username=body.username, password=body.password, code=body.totp,
        client=client_address(request),
    )  # fmt: skip
    return session_response(request, response, result)


def session_response(request: Request, response: Response, result: auth.LoginResult) -> s.LoginOut:
    """Set the session cookie and answer with the token (for API clients) after any login."""
    ctx = get_ctx(request)
    response.set_cookie(
        cookie_name(ctx), result.token, max_age=ctx.settings.session_absolute_seconds,
        httponly=True, secure=ctx.settings.secure_cookies, samesite="strict", path="/",
    )  # fmt: skip
    return s.LoginOut(
        token=result.token, csrf_token=result.csrf_token, expires_at=result.expires_at,
        account=s.AccountOut.of(result.account),
    )  # fmt: skip


@router.post("/logout", status_code=204, responses=s.ERRORS)
def logout(request: Request, subject: CurrentSubject, deps: DepsDep) -> Response:
    token = getattr(request.state, "session_token", None)
    if token:
        auth.logout(deps, subject, token)
    response = Response(status_code=204)
    response.delete_cookie(cookie_name(get_ctx(request)), path="/")
    return response


@router.get("/me", response_model=s.MeOut, responses=s.ERRORS)
def me(subject: CurrentSubject) -> s.MeOut:
    return s.MeOut(
        username=subject.username, roles=sorted(subject.roles), org_id=subject.org_id,
        org_kind=subject.org_kind, person_id=subject.person_id, via=subject.via,
    )  # fmt: skip


@router.post("/tokens", response_model=s.TokenOut, status_code=201, responses=s.ERRORS)
def create_token(body: s.TokenIn, subject: CurrentSubject, deps: DepsDep) -> s.TokenOut:
    issued = auth.create_api_token(
        deps, subject, name=body.name, expires_in_days=body.expires_in_days
    )
    return s.TokenOut(
        id=issued.record.id, name=issued.record.name, token=issued.token,
        expires_at=issued.record.expires_at,
    )  # fmt: skip


@router.delete("/tokens/{token_id}", status_code=204, responses=s.ERRORS)
def revoke_token(token_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Response:
    auth.revoke_api_token(deps, subject, token_id)
    return Response(status_code=204)
