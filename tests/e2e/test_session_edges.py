"""Sessions, API tokens and log-in throttling at their exact edges (the session module's share of
the mutation run, docs/reliability.md): the idle and absolute limits to the second, the idle timer's
30-second step, token names and lifetimes at their bounds, who may revoke a token, every message a
refused client reads, and the audit entry of each step. Service level, on both databases."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from clearance.authz.model import Subject
from clearance.bootstrap import AppContext, build_context, cli_subject
from clearance.domain.errors import (
    AuthenticationRequired,
    InvalidCredentials,
    NotFound,
    Throttled,
    ValidationFailed,
)
from clearance.services import auth, demo
from clearance.web.app import create_app
from tests.conftest import FakeClock, make_settings


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


def test_guessers_from_many_addresses_cannot_lock_the_holder_out(
    seeded: AppContext, clock: FakeClock
) -> None:
    """Issue 15 §4 (NIST SP 800-63B §5.2.2): failures from many clients block the user name for
    guessers, but the holder of the password and a fresh code still gets in; everyone else gets
    the same 429, right password or not, so the block tells a guesser nothing."""
    p = seeded.deps.auth_policy
    for n in range(p.max_failures * auth.USER_LIMIT_FACTOR + 2):  # past the per-user-name limit
        with pytest.raises((InvalidCredentials, Throttled)):
            auth.login(seeded.deps, username="meti.officer", password=f"guess-{n}",
                       code="123456", client=f"10.0.{n}.1")  # fmt: skip

    def attempt(password: str, code: str, client: str,
                user: str = "meti.officer") -> type[Exception] | None:  # fmt: skip
        try:
            auth.login(seeded.deps, username=user, password=password, code=code,
                       client=client)  # fmt: skip
        except (InvalidCredentials, Throttled) as exc:
            return type(exc)
        return None

    clock.advance(seconds=31)
    good = pyotp.TOTP(demo.demo_totp_secret("meti.officer")).at(clock.now())
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    assert attempt("guess-x", good, "192.0.2.7") is Throttled  # a new guesser: blocked
    assert attempt(demo.DEMO_PASSWORD, wrong, "192.0.2.8") is Throttled  # same answer
    assert attempt(demo.DEMO_PASSWORD, good, "192.0.2.9") is None  # the holder gets in
    assert attempt(demo.DEMO_PASSWORD, good, "192.0.2.10") is Throttled  # a code is used once
    # The holder's success did not lift the block for the guessers.
    assert attempt("guess-y", wrong, "192.0.2.11") is Throttled
    # An unknown user name is answered exactly alike: 401 at first, then the same block.
    answers = {attempt(f"guess-{n}", wrong, f"10.1.{n}.1", "nobody.here") for n in range(3)}
    assert answers == {InvalidCredentials}
    for n in range(p.max_failures * auth.USER_LIMIT_FACTOR + 2):
        with pytest.raises((InvalidCredentials, Throttled)):
            auth.login(seeded.deps, username="nobody.here", password=f"guess-{n}",
                       code="123456", client=f"10.2.{n}.1")  # fmt: skip
    with pytest.raises(Throttled):
        auth.login(seeded.deps, username="nobody.here", password="x", code=wrong,
                   client="192.0.2.12")  # fmt: skip


def test_logout_is_audited(seeded: AppContext, clock: FakeClock) -> None:
    s = _login(seeded, clock)
    me: Subject = auth.authenticate_session(seeded.deps, s.token).subject
    auth.logout(seeded.deps, me, s.token)
    with pytest.raises(AuthenticationRequired):
        auth.authenticate_session(seeded.deps, s.token)
    assert (me.label, "auth:logout", f"account:{me.account_id}", {}) in _entries(seeded)


@pytest.mark.parametrize("trusted", ["", "10.9.0.0/16"])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(
    tmp_path: Path, db_url: str, clock: FakeClock, trusted: str
) -> None:
    """Issue 15 §4: a client cannot pick the address its failures count against. Without a
    configured proxy the header is ignored (the TCP peer is the client); behind one, each
    forwarded address is its own client, and a spoofed hop to the left of it changes nothing."""
    ctx = build_context(make_settings(tmp_path, db_url, trusted_proxies=trusted), clock=clock)
    ctx.migrate()
    demo.seed(ctx.deps, cli_subject())
    c = TestClient(create_app(ctx), client=("10.9.0.5", 40000), raise_server_exceptions=False)
    limit = ctx.deps.auth_policy.max_failures

    def fail(forwarded: str) -> int:
        r = c.post("/api/v1/auth/login", headers={"X-Forwarded-For": forwarded}, json={
            "username": "meti.officer", "password": "wrong-password-1", "totp": "000000"})  # fmt: skip
        return r.status_code

    # One address behind the proxy, with a different spoofed hop in front each time.
    codes = [fail(f"203.0.113.{n}, 198.51.100.7") for n in range(limit + 1)]
    assert codes[:limit] == [401] * limit and codes[limit] == 429, codes
    # Another client: blocked too when the header is ignored (one peer), free when believed.
    other = fail("198.51.100.8")
    assert other == (401 if trusted else 429), other
    ctx.close()


def test_a_new_data_directory_and_database_are_the_owners_only(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Issue 15 §4: the development data directory (database, keys, vetting ciphertext) is created
    0700 and the SQLite database 0600; SQLite gives its WAL the database's mode."""
    data = tmp_path / "fresh" / "data"
    url = f"sqlite:///{data / 'clearance.db'}"
    ctx = build_context(make_settings(tmp_path, url, data_dir=data), clock=clock)
    ctx.migrate()
    demo.seed(ctx.deps, cli_subject())
    for d in (tmp_path / "fresh", data, data / "keys"):
        assert d.stat().st_mode & 0o777 == 0o700, (d, oct(d.stat().st_mode))
    for f in data.glob("clearance.db*"):
        assert f.stat().st_mode & 0o077 == 0, (f, oct(f.stat().st_mode))
    assert (data / "clearance.db").stat().st_mode & 0o777 == 0o600
    ctx.close()
