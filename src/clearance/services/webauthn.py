"""WebAuthn security keys as a second factor (an option beside TOTP).

- Registration: a logged-in user asks for options, the browser creates a key, the answer is
  verified against a one-time server-side challenge and the public key stored.
- Login: user name and password first (throttled exactly like a TOTP login, same answer for every
  failure); then the key signs a one-time challenge. Challenges live 5 minutes and are consumed on
  first use — even a failed answer spends them — so a captured answer cannot be replayed.
- The signature counter must grow (a cloned key is refused by the library).
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from clearance.domain.model import new_id
from clearance.services.auth import (
    LoginResult,
    check_throttle,
    fail_login,
    start_session,
    throttle_keys,
    token_hash,
)
from clearance.services.context import Deps
from clearance.services.guard import authorize, record
from clearance.services.ports import UnitOfWork, WebAuthnChallenge, WebAuthnCredential

CHALLENGE_SECONDS = 300


@dataclass(frozen=True)
class Ceremony:
    handle: str  # give back with the answer
    options_json: str  # PublicKeyCredentialCreationOptions / RequestOptions for the browser


def _challenge(
    deps: Deps, uow: UnitOfWork, account_id: uuid.UUID, purpose: str
) -> tuple[str, bytes]:
    handle, challenge = secrets.token_urlsafe(32), secrets.token_bytes(32)
    expires = deps.clock.now() + dt.timedelta(seconds=CHALLENGE_SECONDS)
    uow.webauthn.add_challenge(
        WebAuthnChallenge(token_hash(handle), account_id, purpose, challenge, expires)
    )
    return handle, challenge


def _take(deps: Deps, uow: UnitOfWork, handle: str, purpose: str) -> WebAuthnChallenge | None:
    """Consume the challenge and commit at once, whatever the answer turns out to be."""
    c = uow.webauthn.take_challenge(token_hash(handle))
    uow.commit()
    if c is None or c.purpose != purpose or c.expires_at <= deps.clock.now():
        return None
    return c


def _self(actor: Subject) -> Resource:
    return Resource("account", actor.account_id, account_id=actor.account_id)


def register_begin(deps: Deps, actor: Subject) -> Ceremony:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.WEBAUTHN_MANAGE, _self(actor))
        assert actor.account_id is not None  # the self scope needs an account
        existing = [c.credential_id for c in uow.webauthn.credentials(actor.account_id)]
        handle, challenge = _challenge(deps, uow, actor.account_id, "register")
        options = deps.webauthn.registration_options(
            user_id=actor.account_id.bytes, user_name=actor.username, display_name=actor.username,
            challenge=challenge, exclude=existing,
        )  # fmt: skip
        uow.commit()
    return Ceremony(handle, options)


def register_finish(
    deps: Deps, actor: Subject, *, handle: str, name: str, credential: dict[str, Any]
) -> WebAuthnCredential:
    if not name.strip() or len(name) > 100:
        raise ValidationFailed(
            "Name the key.", (FieldProblem("name", "1-100 characters.", "required"),)
        )
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.WEBAUTHN_MANAGE, _self(actor))
        c = _take(deps, uow, handle, "register")
        if c is None or c.account_id != actor.account_id:
            raise ValidationFailed("The registration expired or was already used; start again.",
                                   (FieldProblem("handle", "Unknown or expired.", "expired"),))  # fmt: skip
        key = deps.webauthn.verify_registration(credential, c.challenge)
        if uow.webauthn.by_credential_id(key.credential_id) is not None:
            raise Conflict("This security key is already registered.")
        cred = WebAuthnCredential(new_id(), c.account_id, key.credential_id, key.public_key,
                                  key.sign_count, name.strip(), deps.clock.now())  # fmt: skip
        uow.webauthn.add_credential(cred)
        record(deps, uow, actor, Action.WEBAUTHN_MANAGE, f"account:{c.account_id}", decision,
               payload={"registered": str(cred.id)})  # fmt: skip
        uow.commit()
    return cred


def list_keys(deps: Deps, actor: Subject) -> list[WebAuthnCredential]:
    with deps.uow() as uow:
        authorize(deps, uow, actor, Action.WEBAUTHN_MANAGE, _self(actor))
        assert actor.account_id is not None
        return uow.webauthn.credentials(actor.account_id)


def delete_key(deps: Deps, actor: Subject, key_id: uuid.UUID) -> None:
    with deps.uow() as uow:
        decision = authorize(deps, uow, actor, Action.WEBAUTHN_MANAGE, _self(actor))
        assert actor.account_id is not None
        if key_id not in {c.id for c in uow.webauthn.credentials(actor.account_id)}:
            raise NotFound("security key", key_id)
        uow.webauthn.delete_credential(key_id)
        record(deps, uow, actor, Action.WEBAUTHN_MANAGE, f"account:{actor.account_id}", decision,
               payload={"deleted": str(key_id)})  # fmt: skip
        uow.commit()


def login_begin(deps: Deps, *, username: str, password: str, client: str) -> Ceremony:
    """Check user name and password; on success the browser gets a challenge for the account's keys."""
    now = deps.clock.now()
    keys = throttle_keys(deps, username, client)
    with deps.uow() as uow:
        check_throttle(deps, uow, keys, now)
        rec = uow.accounts.by_username(username.strip())
        creds: list[WebAuthnCredential] = []
        if rec is None:
            deps.hasher.dummy_verify(password)
        elif deps.hasher.verify(rec.password_hash, password) and not rec.account.disabled:
            creds = uow.webauthn.credentials(rec.account.id)
        if rec is None or not creds:
            fail_login(deps, uow, keys, now)
        handle, challenge = _challenge(deps, uow, rec.account.id, "login")
        options = deps.webauthn.authentication_options(
            challenge=challenge, allow=[c.credential_id for c in creds]
        )
        uow.commit()
    return Ceremony(handle, options)


def login_finish(
    deps: Deps, *, handle: str, credential: dict[str, Any], client: str
) -> LoginResult:
    now = deps.clock.now()
    with deps.uow() as uow:
        c = _take(deps, uow, handle, "login")
        rec = uow.accounts.get(c.account_id) if c else None
        keys = throttle_keys(deps, rec.account.username if rec else handle, client)
        check_throttle(deps, uow, keys, now)
        raw_id = deps.webauthn.credential_id_of(credential)
        cred = uow.webauthn.by_credential_id(raw_id) if raw_id else None
        if (
            c is None
            or rec is None
            or rec.account.disabled
            or cred is None
            or (cred.account_id != rec.account.id)
        ):
            fail_login(deps, uow, keys, now)
        try:
            count = deps.webauthn.verify_authentication(credential, c.challenge, cred.public_key,
                                                        cred.sign_count)  # fmt: skip
        except ValidationFailed:
            fail_login(deps, uow, keys, now)
        uow.webauthn.used(cred.id, count, now)
        uow.auth.clear_throttle(keys[0])
        result = start_session(deps, uow, rec, now, method="webauthn")
        uow.commit()
    return result
