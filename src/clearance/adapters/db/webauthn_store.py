"""``SqlWebAuthnRepository``: security-key credentials and one-time ceremony challenges."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from clearance.adapters.db import tables as t
from clearance.services.ports import WebAuthnChallenge, WebAuthnCredential


def _cred(r: Row[Any]) -> WebAuthnCredential:
    return WebAuthnCredential(**dict(r._mapping))


class SqlWebAuthnRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_credential(self, cred: WebAuthnCredential) -> None:
        self.conn.execute(insert(t.webauthn_credentials).values(**asdict(cred)))

    def credentials(self, account_id: uuid.UUID) -> list[WebAuthnCredential]:
        c = t.webauthn_credentials.c
        rows = self.conn.execute(
            select(t.webauthn_credentials).where(c.account_id == account_id).order_by(c.created_at)
        )
        return [_cred(r) for r in rows]

    def by_credential_id(self, credential_id: bytes) -> WebAuthnCredential | None:
        c = t.webauthn_credentials.c
        r = self.conn.execute(
            select(t.webauthn_credentials).where(c.credential_id == credential_id)
        ).first()
        return _cred(r) if r else None

    def used(self, cred_id: uuid.UUID, sign_count: int, at: dt.datetime) -> None:
        self.conn.execute(
            update(t.webauthn_credentials)
            .where(t.webauthn_credentials.c.id == cred_id)
            .values(sign_count=sign_count, last_used_at=at)
        )

    def delete_credential(self, cred_id: uuid.UUID) -> None:
        self.conn.execute(
            delete(t.webauthn_credentials).where(t.webauthn_credentials.c.id == cred_id)
        )

    def add_challenge(self, challenge: WebAuthnChallenge) -> None:
        self.conn.execute(insert(t.webauthn_challenges).values(**asdict(challenge)))

    def take_challenge(self, challenge_id: str) -> WebAuthnChallenge | None:
        """Fetch and delete in one go: a challenge can be answered once."""
        c = t.webauthn_challenges.c
        r = self.conn.execute(select(t.webauthn_challenges).where(c.id == challenge_id)).first()
        if r is None:
            return None
        gone = self.conn.execute(delete(t.webauthn_challenges).where(c.id == challenge_id))
        return WebAuthnChallenge(**dict(r._mapping)) if gone.rowcount == 1 else None
