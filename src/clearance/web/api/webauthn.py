"""/api/v1/auth/webauthn: security keys as a second factor (registration, login, management).

Options are returned as the JSON the browser's ``navigator.credentials`` calls take; the browser's
answer is posted back as the standard JSON serialisation of the ``PublicKeyCredential``."""

from __future__ import annotations

import json
import uuid
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import Field

from clearance.services import webauthn
from clearance.web import schemas as s
from clearance.web.api.auth import session_response
from clearance.web.deps import CurrentSubject, DepsDep, client_address

router = APIRouter(prefix="/auth/webauthn", tags=["authentication"], responses=s.ERRORS)


class CeremonyOut(s.Response):
    handle: str
    options: dict[str, Any]

    @classmethod
    def of(cls, c: webauthn.Ceremony) -> CeremonyOut:
        return cls(handle=c.handle, options=json.loads(c.options_json))


class RegisterIn(s.Request):
    handle: str = Field(max_length=100)
    name: str = Field(max_length=100)
    credential: dict[str, Any]


class LoginBeginIn(s.Request):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class LoginFinishIn(s.Request):
    handle: str = Field(max_length=100)
    credential: dict[str, Any]


class KeyOut(s.Response):
    id: uuid.UUID
    name: str
    created_at: Any
    last_used_at: Any
    sign_count: int


@router.post("/registration-options", response_model=CeremonyOut)
def registration_options(subject: CurrentSubject, deps: DepsDep) -> CeremonyOut:
    return CeremonyOut.of(webauthn.register_begin(deps, subject))


@router.post("/keys", response_model=KeyOut, status_code=201)
def register(body: RegisterIn, subject: CurrentSubject, deps: DepsDep) -> KeyOut:
    c = webauthn.register_finish(deps, subject, handle=body.handle, name=body.name,
                                 credential=body.credential)  # fmt: skip
    return KeyOut(id=c.id, name=c.name, created_at=c.created_at, last_used_at=c.last_used_at,
                  sign_count=c.sign_count)  # fmt: skip


@router.get("/keys", response_model=list[KeyOut])
def list_keys(subject: CurrentSubject, deps: DepsDep) -> list[KeyOut]:
    return [
        KeyOut(id=c.id, name=c.name, created_at=c.created_at, last_used_at=c.last_used_at,
               sign_count=c.sign_count)
        for c in webauthn.list_keys(deps, subject)
    ]  # fmt: skip


@router.delete("/keys/{key_id}", status_code=204)
def delete_key(key_id: uuid.UUID, subject: CurrentSubject, deps: DepsDep) -> Response:
    webauthn.delete_key(deps, subject, key_id)
    return Response(status_code=204)


@router.post("/login-options", response_model=CeremonyOut)
def login_options(body: LoginBeginIn, request: Request, deps: DepsDep) -> CeremonyOut:
    """Step 1 of a security-key login: user name and password (throttled like every login)."""
    return CeremonyOut.of(
        webauthn.login_begin(
            deps, username=body.username, password=body.password, client=client_address(request)
        )
    )


@router.post("/login", response_model=s.LoginOut)
def login(body: LoginFinishIn, request: Request, response: Response, deps: DepsDep) -> s.LoginOut:
    """Step 2: the key's signature over the challenge. Starts a session like ``/auth/login``."""
    result = webauthn.login_finish(deps, handle=body.handle, credential=body.credential,
                                   client=client_address(request))  # fmt: skip
    return session_response(request, response, result)
