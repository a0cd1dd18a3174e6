"""Repositories: explicit row <-> domain conversion over SQLAlchemy Core."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, or_, select, update

from clearance.adapters.db import tables as t
from clearance.domain.model import Account, Organisation, Person
from clearance.domain.organisations import OrgKind, Role
from clearance.services.ports import (
    AccountRecord,
    ApiTokenRecord,
    Page,
    SessionRecord,
    ThrottleRecord,
)


def _like(q: str) -> str:
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class SqlOrgRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @staticmethod
    def _row(r: Row[Any]) -> Organisation:
        return Organisation(r.id, OrgKind(r.kind), r.name_ja, r.name_en, r.code, r.created_at)

    def add(self, org: Organisation) -> None:
        self.conn.execute(
            insert(t.organisations).values(
                id=org.id, kind=org.kind.value, code=org.code, name_ja=org.name_ja,
                name_en=org.name_en, created_at=org.created_at,
            )
        )  # fmt: skip

    def get(self, org_id: uuid.UUID) -> Organisation | None:
        r = self.conn.execute(select(t.organisations).where(t.organisations.c.id == org_id)).first()
        return self._row(r) if r else None

    def by_code(self, code: str) -> Organisation | None:
        r = self.conn.execute(select(t.organisations).where(t.organisations.c.code == code)).first()
        return self._row(r) if r else None

    def list(
        self, *, kind: OrgKind | None, q: str | None, limit: int, offset: int
    ) -> Page[Organisation]:
        cond = []
        c = t.organisations.c
        if kind is not None:
            cond.append(c.kind == kind.value)
        if q:
            cond.append(
                or_(
                    c.name_ja.like(_like(q), escape="\\"),
                    c.name_en.ilike(_like(q), escape="\\"),
                    c.code.ilike(_like(q), escape="\\"),
                )
            )
        total = self.conn.execute(select(func.count()).select_from(t.organisations).where(*cond))
        rows = self.conn.execute(
            select(t.organisations).where(*cond).order_by(c.code).limit(limit).offset(offset)
        )
        return Page([self._row(r) for r in rows], total.scalar_one(), limit, offset)


def _person_values(p: Person) -> dict[str, Any]:
    return {"id": p.id, "family_name": p.family_name, "given_name": p.given_name,
            "family_name_kana": p.family_name_kana, "given_name_kana": p.given_name_kana,
            "date_of_birth": p.date_of_birth, "employer_id": p.employer_id,
            "created_at": p.created_at}  # fmt: skip


class SqlPersonRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @staticmethod
    def _row(r: Row[Any]) -> Person:
        return Person(
            r.id, r.family_name, r.given_name, r.family_name_kana, r.given_name_kana,
            r.date_of_birth, r.employer_id, r.created_at,
        )  # fmt: skip

    def add(self, person: Person) -> None:
        self.conn.execute(
            insert(t.persons).values(
                id=person.id, family_name=person.family_name, given_name=person.given_name,
                family_name_kana=person.family_name_kana, given_name_kana=person.given_name_kana,
                date_of_birth=person.date_of_birth, employer_id=person.employer_id,
                created_at=person.created_at,
            )
        )  # fmt: skip

    def get(self, person_id: uuid.UUID) -> Person | None:
        r = self.conn.execute(select(t.persons).where(t.persons.c.id == person_id)).first()
        return self._row(r) if r else None

    def add_many(self, persons: list[Person]) -> None:
        if persons:
            self.conn.execute(insert(t.persons), [_person_values(p) for p in persons])

    def by_identity(
        self, employer_id: uuid.UUID, family_names: set[str]
    ) -> dict[tuple[str, str, dt.date], Person]:
        c = t.persons.c
        out: dict[tuple[str, str, dt.date], Person] = {}
        names = sorted(family_names)
        for i in range(0, len(names), 500):
            rows = self.conn.execute(select(t.persons).where(
                c.employer_id == employer_id, c.family_name.in_(names[i:i + 500])))  # fmt: skip
            for r in rows:
                p = self._row(r)
                out.setdefault((p.family_name, p.given_name, p.date_of_birth), p)
        return out

    def find_exact(self, employer_id: uuid.UUID, family_name: str, given_name: str,
                   date_of_birth: dt.date) -> Person | None:  # fmt: skip
        c = t.persons.c
        r = self.conn.execute(select(t.persons).where(
            c.employer_id == employer_id, c.family_name == family_name,
            c.given_name == given_name, c.date_of_birth == date_of_birth).limit(1)).first()  # fmt: skip
        return self._row(r) if r else None

    def list(
        self, *, employer_id: uuid.UUID | None, q: str | None, limit: int, offset: int
    ) -> Page[Person]:
        c = t.persons.c
        cond = []
        if employer_id is not None:
            cond.append(c.employer_id == employer_id)
        if q:
            pattern = _like(q)
            cond.append(
                or_(
                    c.family_name.like(pattern, escape="\\"),
                    c.given_name.like(pattern, escape="\\"),
                    c.family_name_kana.like(pattern, escape="\\"),
                    c.given_name_kana.like(pattern, escape="\\"),
                )
            )
        total = self.conn.execute(select(func.count()).select_from(t.persons).where(*cond))
        rows = self.conn.execute(
            select(t.persons)
            .where(*cond)
            .order_by(c.family_name_kana, c.given_name_kana, c.id)
            .limit(limit)
            .offset(offset)
        )
        return Page([self._row(r) for r in rows], total.scalar_one(), limit, offset)


class SqlAccountRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _roles(self, account_ids: list[uuid.UUID]) -> dict[uuid.UUID, set[Role]]:
        out: dict[uuid.UUID, set[Role]] = {a: set() for a in account_ids}
        if account_ids:
            rows = self.conn.execute(
                select(t.account_roles).where(t.account_roles.c.account_id.in_(account_ids))
            )
            for r in rows:
                out[r.account_id].add(Role(r.role))
        return out

    @staticmethod
    def _account(r: Row[Any], roles: set[Role]) -> Account:
        return Account(
            r.id, r.username, r.display_name, r.org_id, r.person_id, frozenset(roles),
            r.disabled, r.created_at,
        )  # fmt: skip

    def _record(self, r: Row[Any] | None) -> AccountRecord | None:
        if r is None:
            return None
        roles = self._roles([r.id])[r.id]
        return AccountRecord(
            self._account(r, roles), r.password_hash, bytes(r.totp_secret_enc), r.totp_last_step
        )

    def add(self, record: AccountRecord) -> None:
        a = record.account
        self.conn.execute(
            insert(t.accounts).values(
                id=a.id, username=a.username, display_name=a.display_name, org_id=a.org_id,
                person_id=a.person_id, password_hash=record.password_hash,
                totp_secret_enc=record.totp_secret_enc, totp_last_step=record.totp_last_step,
                disabled=a.disabled, created_at=a.created_at,
            )
        )  # fmt: skip
        if a.roles:
            self.conn.execute(
                insert(t.account_roles), [{"account_id": a.id, "role": r.value} for r in a.roles]
            )

    def get(self, account_id: uuid.UUID) -> AccountRecord | None:
        return self._record(
            self.conn.execute(select(t.accounts).where(t.accounts.c.id == account_id)).first()
        )

    def by_username(self, username: str) -> AccountRecord | None:
        return self._record(
            self.conn.execute(select(t.accounts).where(t.accounts.c.username == username)).first()
        )

    def by_person(self, person_id: uuid.UUID) -> AccountRecord | None:
        return self._record(
            self.conn.execute(select(t.accounts).where(t.accounts.c.person_id == person_id)).first()
        )

    def list(self, *, org_id: uuid.UUID | None, limit: int, offset: int) -> Page[Account]:
        c = t.accounts.c
        cond = [c.org_id == org_id] if org_id is not None else []
        total = self.conn.execute(select(func.count()).select_from(t.accounts).where(*cond))
        rows = list(
            self.conn.execute(
                select(t.accounts).where(*cond).order_by(c.username).limit(limit).offset(offset)
            )
        )
        roles = self._roles([r.id for r in rows])
        return Page(
            [self._account(r, roles[r.id]) for r in rows], total.scalar_one(), limit, offset
        )

    def set_disabled(self, account_id: uuid.UUID, disabled: bool) -> None:
        self.conn.execute(
            update(t.accounts).where(t.accounts.c.id == account_id).values(disabled=disabled)
        )

    def set_totp_last_step(self, account_id: uuid.UUID, step: int) -> bool:
        """Record the used TOTP step; False when that step (or a later one) was already used."""
        c = t.accounts.c
        result = self.conn.execute(
            update(t.accounts)
            .where(c.id == account_id, c.totp_last_step < step)
            .values(totp_last_step=step)
        )
        return result.rowcount == 1

    def count(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(t.accounts)).scalar_one())


class SqlAuthRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_session(self, record: SessionRecord) -> None:
        self.conn.execute(
            insert(t.sessions).values(
                token_hash=record.token_hash, account_id=record.account_id,
                csrf_token=record.csrf_token, created_at=record.created_at,
                last_seen_at=record.last_seen_at,
            )
        )  # fmt: skip

    def get_session(self, token_hash: str) -> SessionRecord | None:
        r = self.conn.execute(
            select(t.sessions).where(t.sessions.c.token_hash == token_hash)
        ).first()
        if r is None:
            return None
        return SessionRecord(r.token_hash, r.account_id, r.csrf_token, r.created_at, r.last_seen_at)

    def touch_session(self, token_hash: str, at: dt.datetime) -> None:
        self.conn.execute(
            update(t.sessions).where(t.sessions.c.token_hash == token_hash).values(last_seen_at=at)
        )

    def delete_session(self, token_hash: str) -> None:
        self.conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == token_hash))

    def delete_sessions_for(self, account_id: uuid.UUID) -> int:
        result = self.conn.execute(delete(t.sessions).where(t.sessions.c.account_id == account_id))
        return int(result.rowcount)

    def count_sessions_for(self, account_id: uuid.UUID) -> int:
        q = (
            select(func.count())
            .select_from(t.sessions)
            .where(t.sessions.c.account_id == account_id)
        )
        return int(self.conn.execute(q).scalar_one())

    @staticmethod
    def _token(r: Row[Any]) -> ApiTokenRecord:
        return ApiTokenRecord(r.id, r.account_id, r.name, r.created_at, r.expires_at, r.revoked_at)

    def add_token(self, record: ApiTokenRecord, token_hash: str) -> None:
        self.conn.execute(
            insert(t.api_tokens).values(
                id=record.id, token_hash=token_hash, account_id=record.account_id,
                name=record.name, created_at=record.created_at, expires_at=record.expires_at,
                revoked_at=None,
            )
        )  # fmt: skip

    def token_by_hash(self, token_hash: str) -> ApiTokenRecord | None:
        r = self.conn.execute(
            select(t.api_tokens).where(t.api_tokens.c.token_hash == token_hash)
        ).first()
        return self._token(r) if r else None

    def get_token(self, token_id: uuid.UUID) -> ApiTokenRecord | None:
        r = self.conn.execute(select(t.api_tokens).where(t.api_tokens.c.id == token_id)).first()
        return self._token(r) if r else None

    def revoke_token(self, token_id: uuid.UUID, at: dt.datetime) -> None:
        self.conn.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.id == token_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )

    def revoke_tokens_for(self, account_id: uuid.UUID, at: dt.datetime) -> int:
        result = self.conn.execute(
            update(t.api_tokens)
            .where(t.api_tokens.c.account_id == account_id, t.api_tokens.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return int(result.rowcount)

    def get_throttle(self, key: str) -> ThrottleRecord | None:
        r = self.conn.execute(select(t.login_throttle).where(t.login_throttle.c.key == key)).first()
        return ThrottleRecord(r.key, r.failures, r.window_start, r.blocked_until) if r else None

    def put_throttle(self, record: ThrottleRecord) -> None:
        self.clear_throttle(record.key)
        self.conn.execute(
            insert(t.login_throttle).values(
                key=record.key, failures=record.failures, window_start=record.window_start,
                blocked_until=record.blocked_until,
            )
        )  # fmt: skip

    def clear_throttle(self, key: str) -> None:
        self.conn.execute(delete(t.login_throttle).where(t.login_throttle.c.key == key))
