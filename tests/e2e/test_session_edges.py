"""Sessions, API tokens and log-in throttling at their exact edges (the session module's share of
the mutation run, docs/reliability.md): the idle and absolute limits to the second, the idle timer's
30-second step, token names and lifetimes at their bounds, who may revoke a token, every message a
refused client reads, and the audit entry of each step. Service level, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pyotp
import pytest

from clearance.authz.model import Subject
from clearance.bootstrap import AppContext
from clearance.domain.errors import (
    AuthenticationRequired,
    InvalidCredentials,
    NotFound,
    Throttled,
    ValidationFailed,
)
from clearance.services import auth, demo
from tests.conftest import FakeClock


def _login(ctx: AppContext, clock: FakeClock, username: str = "meti.officer",
           client: str = "c1") -> auth.LoginResult:  # fmt: skip
    clock.advance(seconds=31)
    code = pyotp.TOTP(demo.demo_totp_secret(username)).at(clock.now())
    return auth.login(ctx.deps, username=username, password=demo.DEMO_PASSWORD, code=code,
                      client=client)  # fmt: skip


def _entries(ctx: AppContext) -> list[tuple[str, str, str, dict[str, object]]]:
    with ctx.deps.uow() as uow:
        return [
            (e.actor, e.action, e.target, json.loads(e.payload)) for e, _ in uow.audit.entries()
        ]


def test_session_limits_to_the_second(seeded: AppContext, clock: FakeClock) -> None:
    p = seeded.deps.auth_policy
    s = _login(seeded, clock)
    assert s.expires_at == clock.now() + dt.timedelta(seconds=p.absolute_seconds)
    who = auth.authenticate_session(seeded.deps, s.token)
    assert (who.subject.username, who.subject.via) == ("meti.officer", "session")
    assert who.subject.org_id is not None and who.subject.org_kind is not None
    assert ("session:meti.officer", "auth:login", f"account:{s.account.id}",
            {"second_factor": "totp"}) in _entries(seeded)  # fmt: skip
    # The idle timer moves only after 30 s; a session idle for exactly the limit is over.
    clock.advance(seconds=auth.TOUCH_AFTER_SECONDS - 1)
    assert auth.authenticate_session(seeded.deps, s.token).session.last_seen_at < clock.now()
    clock.advance(seconds=1)
    auth.authenticate_session(seeded.deps, s.token)
    touched = clock.now()
    clock.advance(seconds=p.idle_seconds - 1)
    assert auth.authenticate_session(seeded.deps, s.token).session.last_seen_at == touched
    clock.advance(seconds=p.idle_seconds)
    with pytest.raises(AuthenticationRequired) as err:
        auth.authenticate_session(seeded.deps, s.token)
    assert err.value.message == "Your session has expired. Log in again."
    with pytest.raises(AuthenticationRequired) as err:  # and it is gone
        auth.authenticate_session(seeded.deps, s.token)
    assert err.value.message == "You are not logged in, or your session has ended."


def test_the_absolute_limit_holds_for_a_busy_session(seeded: AppContext, clock: FakeClock) -> None:
    p = seeded.deps.auth_policy
    s = _login(seeded, clock)
    start = clock.now()
    while clock.now() < start + dt.timedelta(seconds=p.absolute_seconds - 600):
        clock.advance(seconds=600)
        auth.authenticate_session(seeded.deps, s.token)
    clock.current = start + dt.timedelta(seconds=p.absolute_seconds - 1)
    auth.authenticate_session(seeded.deps, s.token)
    clock.current = start + dt.timedelta(seconds=p.absolute_seconds)
    with pytest.raises(AuthenticationRequired):
        auth.authenticate_session(seeded.deps, s.token)


def test_a_disabled_account_loses_its_session(seeded: AppContext, clock: FakeClock) -> None:
    s = _login(seeded, clock)
    with seeded.deps.uow() as uow:
        uow.accounts.set_disabled(s.account.id, True)
        uow.commit()
    with pytest.raises(AuthenticationRequired) as err:
        auth.authenticate_session(seeded.deps, s.token)
    assert err.value.message == "Your session has expired. Log in again."


def test_api_tokens_at_their_bounds(seeded: AppContext, clock: FakeClock) -> None:
    s = _login(seeded, clock)
    me = auth.authenticate_session(seeded.deps, s.token).subject
    for name, days in (("", None), ("x" * 101, None), ("ok", 0), ("ok", 367)):
        with pytest.raises(ValidationFailed) as err:
            auth.create_api_token(seeded.deps, me, name=name, expires_in_days=days)
        assert err.value.message in ("A token needs a name of 1 to 100 characters.",
                                     "expires_in_days must be between 1 and 366.")  # fmt: skip
    longest = auth.create_api_token(seeded.deps, me, name="x" * 100, expires_in_days=366)
    assert longest.record.expires_at == clock.now() + dt.timedelta(days=366)
    assert longest.token.startswith("clr_") and len(longest.token) == 4 + 32
    forever = auth.create_api_token(seeded.deps, me, name=" ci ", expires_in_days=None)
    assert forever.record.expires_at is None and forever.record.name == "ci"
    short = auth.create_api_token(seeded.deps, me, name="one day", expires_in_days=1)
    assert auth.authenticate_api_token(seeded.deps, short.token).via == "api_token"
    clock.advance(days=1)
    with pytest.raises(AuthenticationRequired) as err:
        auth.authenticate_api_token(seeded.deps, short.token)
    assert err.value.message == "The API token is unknown, revoked or expired."
    with pytest.raises(AuthenticationRequired):
        auth.authenticate_api_token(seeded.deps, short.token.removeprefix("clr_"))
    entries = _entries(seeded)
    assert (me.label, "api_token:create", f"api_token:{forever.record.id}", {}) in entries


def test_only_the_owner_revokes_a_token(seeded: AppContext, clock: FakeClock) -> None:
    owner = auth.authenticate_session(seeded.deps, _login(seeded, clock).token).subject
    issued = auth.create_api_token(seeded.deps, owner, name="mine", expires_in_days=None)
    other = auth.authenticate_session(seeded.deps, _login(seeded, clock, "meti.head").token).subject
    with pytest.raises(NotFound):  # another's token looks missing (issue 15 §1)
        auth.revoke_api_token(seeded.deps, other, issued.record.id)
    assert auth.authenticate_api_token(seeded.deps, issued.token).username == "meti.officer"
    missing = uuid.uuid4()
    with pytest.raises(NotFound) as err:
        auth.revoke_api_token(seeded.deps, owner, missing)
    assert err.value.message == f"No api_token with id {missing} exists, or you may not see it."
    auth.revoke_api_token(seeded.deps, owner, issued.record.id)
    with pytest.raises(AuthenticationRequired):
        auth.authenticate_api_token(seeded.deps, issued.token)
    entries = _entries(seeded)
    assert (owner.label, "api_token:revoke", f"api_token:{issued.record.id}", {}) in entries
    denied = [e for e in entries if e[1] == "api_token:revoke" and e[0] == other.label]
    assert denied  # the refused attempt is audited too
    with seeded.deps.uow() as uow:
        rec = uow.auth.get_token(issued.record.id)
    assert rec is not None and rec.revoked_at == clock.now()


def test_a_disabled_accounts_token_is_refused(seeded: AppContext, clock: FakeClock) -> None:
    me = auth.authenticate_session(seeded.deps, _login(seeded, clock).token).subject
    issued = auth.create_api_token(seeded.deps, me, name="t", expires_in_days=None)
    with seeded.deps.uow() as uow:
        assert me.account_id is not None
        uow.accounts.set_disabled(me.account_id, True)
        uow.commit()
    with pytest.raises(AuthenticationRequired) as err:
        auth.authenticate_api_token(seeded.deps, issued.token)
    assert err.value.message == "The API token's account is disabled."


def test_throttling_counts_exactly(seeded: AppContext, clock: FakeClock) -> None:
    p = seeded.deps.auth_policy

    def bad(client: str) -> None:
        with pytest.raises(InvalidCredentials):
            auth.login(seeded.deps, username="Meti.Officer ", password="wrong-password-1",
                       code="000000", client=client)  # fmt: skip

    for _ in range(p.max_failures - 1):
        bad("c1")
    _login(seeded, clock, client="c1")  # still allowed; a success clears the pair's count
    for _ in range(p.max_failures):
        bad("c1")
    code = pyotp.TOTP(demo.demo_totp_secret("meti.officer")).at(clock.now())
    with pytest.raises(Throttled) as err:  # blocked for 30 s after the limit, right password or not
        auth.login(seeded.deps, username="meti.officer", password=demo.DEMO_PASSWORD, code=code,
                   client="c1")  # fmt: skip
    assert err.value.retry_after == 31
    clock.advance(seconds=31)
    _login(seeded, clock, client="c2")  # another client is not blocked by this pair
    entries = [e for e in _entries(seeded) if e[1] == "auth:login" and e[0] == "anonymous"]
    assert len(entries) == 2 * p.max_failures - 1
    assert all(e[2].startswith("account:") and "meti" not in e[2] for e in entries)


def test_logout_is_audited(seeded: AppContext, clock: FakeClock) -> None:
    s = _login(seeded, clock)
    me: Subject = auth.authenticate_session(seeded.deps, s.token).subject
    auth.logout(seeded.deps, me, s.token)
    with pytest.raises(AuthenticationRequired):
        auth.authenticate_session(seeded.deps, s.token)
    assert (me.label, "auth:logout", f"account:{me.account_id}", {}) in _entries(seeded)
