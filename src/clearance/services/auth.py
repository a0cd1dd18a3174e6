"""Authentication: login with password and second factor, sessions, API tokens, throttling.

- Passwords: argon2id. Unknown users get a dummy hash check so timing does not reveal them.
- Second factor: TOTP for every account; a used time step cannot be used again.
- Sessions: 128-bit random tokens; only their SHA-256 is stored. 15-minute idle and 12-hour
  absolute limits (``AuthPolicy``). A new token at every login.
- Throttling: failures are counted per (user name, client) pair and per user name. After the limit a
  block starts whose length doubles with each further failure but never exceeds
  ``max_lockout_seconds``, and the count resets when the window passes, so an attacker can delay a
  victim but never lock them out for good. The same answer is given whether the account exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import NoReturn

from clearance.authz.model import Action, Resource, Subject
from clearance.domain.errors import (
    AuthenticationRequired,
    InvalidCredentials,
    NotFound,
    Throttled,
    ValidationFailed,
)
from clearance.domain.model import Account
from clearance.services.context import Deps
from clearance.services.guard import authorize, authorize_or_conceal, record
from clearance.services.ports import (
    AccountRecord,
    ApiTokenRecord,
    AuditDraft,
    SessionRecord,
    ThrottleRecord,
    UnitOfWork,
)
from clearance.services.sealing import totp_context

API_TOKEN_PREFIX = "clr_"  # noqa: S105 - a public prefix, not a secret
# The per-user-name limit is looser than the per-pair one: it slows a distributed guessing attack
# without letting one attacker block a user everywhere at the first few failures.
USER_LIMIT_FACTOR = 4


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoginResult:
    token: str
    csrf_token: str
    account: Account
    expires_at: dt.datetime


@dataclass(frozen=True)
class AuthenticatedSession:
    subject: Subject
    session: SessionRecord


def subject_for(deps: Deps, uow: UnitOfWork, record_: AccountRecord, via: str) -> Subject:
    account = record_.account
    org = uow.orgs.get(account.org_id) if account.org_id else None
    return Subject(
        account_id=account.id,
        username=account.username,
        roles=account.roles,
        org_id=account.org_id,
        org_kind=org.kind if org else None,
        person_id=account.person_id,
        disabled=account.disabled,
        via=via,
    )


def throttle_keys(deps: Deps, username: str, client: str) -> tuple[str, str]:
    name = username.strip().lower()
    pair = deps.box.mac(f"login-pair\x00{name}\x00{client}".encode())
    user = deps.box.mac(f"login-user\x00{name}".encode())
    return pair, user


def _wait(uow: UnitOfWork, key: str, now: dt.datetime) -> int:
    """Seconds until ``key`` may try again (0: not blocked)."""
    rec = uow.auth.get_throttle(key)
    if rec and rec.blocked_until and rec.blocked_until > now:
        return int((rec.blocked_until - now).total_seconds()) + 1
    return 0


def check_throttle(deps: Deps, uow: UnitOfWork, keys: tuple[str, str], now: dt.datetime) -> None:
    """Refuse while either key is blocked (security-key login; see ``login`` for the password and
    code login, where the per-user-name block is soft)."""
    waits = [_wait(uow, key, now) for key in keys]
    if any(waits):
        raise Throttled(max(waits))


def _note_failure(deps: Deps, uow: UnitOfWork, key: str, limit: int, now: dt.datetime) -> None:
    p = deps.auth_policy
    rec = uow.auth.get_throttle(key)
    if rec is None or (now - rec.window_start).total_seconds() > p.window_seconds:
        rec = ThrottleRecord(key, 0, now, None)
    failures = rec.failures + 1
    blocked = None
    if failures >= limit:
        over = failures - limit
        seconds = min(p.max_lockout_seconds, 2 ** min(over, 20) * 30)
        blocked = now + dt.timedelta(seconds=seconds)
    uow.auth.put_throttle(ThrottleRecord(key, failures, rec.window_start, blocked))


def login(deps: Deps, *, username: str, password: str, code: str, client: str) -> LoginResult:
    """Password and time-based code. Throttling cannot be turned against the account's holder
    (NIST SP 800-63B §5.2.2, ASVS V6; issue 15 §4):

    - the (user name, client) pair is blocked hard after ``login_max_failures``: that client gets
      429 without a check;
    - the user name alone, counted over every client, is blocked *softly*: while it is blocked
      every attempt is still checked, and one with the right password **and** a fresh right code
      is let in; any other answer is the same 429, so a distributed guesser learns nothing, not
      even whether the password was right, and the holder of both factors is never locked out.
    The holder's success clears its own pair only: the guessers stay blocked."""
    now = deps.clock.now()
    keys = throttle_keys(deps, username, client)
    with deps.uow() as uow:
        if wait := _wait(uow, keys[0], now):
            raise Throttled(wait)
        user_wait = _wait(uow, keys[1], now)
        rec = uow.accounts.by_username(username.strip())
        ok = False
        if rec is None:
            deps.hasher.dummy_verify(password)
        elif deps.hasher.verify(rec.password_hash, password) and not rec.account.disabled:
            secret = deps.box.open(rec.totp_secret_enc, context=totp_context(rec.account.id))
            step = deps.totp.matching_step(secret.decode(), code.strip(), now)
            ok = step is not None and uow.accounts.set_totp_last_step(rec.account.id, step)
        if not ok or rec is None:
            fail_login(deps, uow, keys, now, throttled=user_wait)
        uow.auth.clear_throttle(keys[0])
        result = start_session(deps, uow, rec, now, method="totp")
        uow.commit()
    return result


def fail_login(
    deps: Deps, uow: UnitOfWork, keys: tuple[str, str], now: dt.datetime, *, throttled: int = 0
) -> NoReturn:
    """Discard the attempt, count the failure for both throttle keys, audit it, and refuse with the
    one answer every failure gets (429 while the user name is blocked, else 401)."""
    uow.rollback()
    limit = deps.auth_policy.max_failures
    _note_failure(deps, uow, keys[0], limit, now)
    _note_failure(deps, uow, keys[1], limit * USER_LIMIT_FACTOR, now)
    uow.audit.append(
        AuditDraft(
            actor="anonymous",
            action="auth:login",
            target="account:" + keys[1][:16],  # a keyed hash, never the typed name
            decision="deny",
            rule="invalid_credentials",
        ),
        now,
    )
    uow.commit()
    if throttled:
        raise Throttled(throttled)
    raise InvalidCredentials()


def start_session(
    deps: Deps, uow: UnitOfWork, rec: AccountRecord, now: dt.datetime, *, method: str
) -> LoginResult:
    """A new session (a new token at every login) and its audit entry, in the caller's transaction."""
    token = secrets.token_urlsafe(16)  # 128 bits from the OS CSPRNG
    csrf = secrets.token_urlsafe(32)
    uow.auth.add_session(SessionRecord(token_hash(token), rec.account.id, csrf, now, now))
    subject = subject_for(deps, uow, rec, "session")
    record(deps, uow, subject, "auth:login", f"account:{rec.account.id}", None,
           payload={"second_factor": method})  # fmt: skip
    expires = now + dt.timedelta(seconds=deps.auth_policy.absolute_seconds)
    return LoginResult(token, csrf, rec.account, expires)


TOUCH_AFTER_SECONDS = 30


def authenticate_session(deps: Deps, token: str) -> AuthenticatedSession:
    """The subject behind a session token; refreshes the idle timer. Raises when expired."""
    now = deps.clock.now()
    p = deps.auth_policy
    with deps.uow() as uow:
        session = uow.auth.get_session(token_hash(token))
        if session is None:
            raise AuthenticationRequired("You are not logged in, or your session has ended.")
        idle = (now - session.last_seen_at).total_seconds()
        age = (now - session.created_at).total_seconds()
        rec = uow.accounts.get(session.account_id)
        if (
            idle >= p.idle_seconds
            or age >= p.absolute_seconds
            or rec is None
            or rec.account.disabled
        ):
            uow.auth.delete_session(session.token_hash)
            uow.commit()
            raise AuthenticationRequired("Your session has expired. Log in again.")
        # Session bookkeeping is not an audited change of state (it would double the log);
        # logins, logouts and revocations are audited. The idle timer moves at most every
        # TOUCH_AFTER seconds: a session may idle out up to that much early, and a busy client
        # does not cost a database write per request.
        if idle >= TOUCH_AFTER_SECONDS:
            uow.auth.touch_session(session.token_hash, now)
        subject = subject_for(deps, uow, rec, "session")
        uow.commit()
    return AuthenticatedSession(subject, session)


def authenticate_api_token(deps: Deps, token: str) -> Subject:
    now = deps.clock.now()
    with deps.uow() as uow:
        rec = (
            uow.auth.token_by_hash(token_hash(token))
            if token.startswith(API_TOKEN_PREFIX)
            else None
        )
        if rec is None or rec.revoked_at is not None or (rec.expires_at and rec.expires_at <= now):
            raise AuthenticationRequired("The API token is unknown, revoked or expired.")
        account = uow.accounts.get(rec.account_id)
        if account is None or account.account.disabled:
            raise AuthenticationRequired("The API token's account is disabled.")
        return subject_for(deps, uow, account, "api_token")


def logout(deps: Deps, actor: Subject, token: str) -> None:
    with deps.uow() as uow:
        uow.auth.delete_session(token_hash(token))
        record(deps, uow, actor, "auth:logout", f"account:{actor.account_id}", None)
        uow.commit()


@dataclass(frozen=True)
class IssuedToken:
    record: ApiTokenRecord
    token: str  # shown once


def create_api_token(
    deps: Deps, actor: Subject, *, name: str, expires_in_days: int | None
) -> IssuedToken:
    name = name.strip()
    if not 1 <= len(name) <= 100:
        raise ValidationFailed("A token needs a name of 1 to 100 characters.")
    if expires_in_days is not None and not 1 <= expires_in_days <= 366:
        raise ValidationFailed("expires_in_days must be between 1 and 366.")
    now = deps.clock.now()
    with deps.uow() as uow:
        decision = authorize(
            deps, uow, actor, Action.API_TOKEN_CREATE,
            Resource("api_token", account_id=actor.account_id, org_id=actor.org_id),
        )  # fmt: skip
        token = API_TOKEN_PREFIX + secrets.token_urlsafe(24)
        expires = now + dt.timedelta(days=expires_in_days) if expires_in_days else None
        assert actor.account_id is not None
        rec = ApiTokenRecord(uuid.uuid4(), actor.account_id, name, now, expires, None)
        uow.auth.add_token(rec, token_hash(token))
        record(deps, uow, actor, Action.API_TOKEN_CREATE, f"api_token:{rec.id}", decision)
        uow.commit()
    return IssuedToken(rec, token)


def revoke_api_token(deps: Deps, actor: Subject, token_id: uuid.UUID) -> None:
    with deps.uow() as uow:
        rec = uow.auth.get_token(token_id)
        if rec is None:
            raise NotFound("api_token", token_id)
        # Another account's token answers like a missing one (issue 15 §1); the denial is audited.
        decision = authorize_or_conceal(
            deps, uow, actor, Action.API_TOKEN_REVOKE,
            Resource("api_token", token_id, account_id=rec.account_id), what="api_token",
        )  # fmt: skip
        uow.auth.revoke_token(token_id, deps.clock.now())
        record(deps, uow, actor, Action.API_TOKEN_REVOKE, f"api_token:{token_id}", decision)
        uow.commit()
