"""``SqlUnitOfWork``: one connection, one transaction, the repositories on it.

Driver errors are translated here (``_translate``) into ``Conflict`` or ``InfrastructureError`` so
nothing above ``adapters`` ever sees ``sqlalchemy.exc``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Self

from sqlalchemy import Connection, Engine
from sqlalchemy import exc as sa_exc

from clearance.adapters.db.audit_store import SqlAuditRepository
from clearance.adapters.db.cases import SqlCaseRepository
from clearance.adapters.db.record_store import SqlRecordStore
from clearance.adapters.db.repositories import (
    SqlAccountRepository,
    SqlAuthRepository,
    SqlOrgRepository,
    SqlPersonRepository,
)
from clearance.adapters.db.sealed import SqlSealedValues
from clearance.adapters.db.stats import SqlStatistics
from clearance.adapters.db.webauthn_store import SqlWebAuthnRepository
from clearance.domain.errors import Conflict, InfrastructureError


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except sa_exc.IntegrityError as exc:
        raise Conflict(
            "The change conflicts with existing data (a unique value is taken)."
        ) from exc
    except sa_exc.OperationalError as exc:
        if "could not serialize" in str(exc) or "database is locked" in str(exc):
            raise Conflict("The record changed at the same time; retry.") from exc
        raise InfrastructureError("The database is not available.") from exc
    except sa_exc.DBAPIError as exc:
        raise InfrastructureError("The database refused the operation.") from exc


class SqlUnitOfWork:
    orgs: SqlOrgRepository
    persons: SqlPersonRepository
    accounts: SqlAccountRepository
    auth: SqlAuthRepository
    audit: SqlAuditRepository
    cases: SqlCaseRepository
    webauthn: SqlWebAuthnRepository
    records: SqlRecordStore
    stats: SqlStatistics
    sealed: SqlSealedValues

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None

    def __enter__(self) -> Self:
        with translate_errors():
            self._conn = self._engine.connect()
            self._tx = self._conn.begin()
        conn = self._conn
        self.orgs = SqlOrgRepository(conn)
        self.persons = SqlPersonRepository(conn)
        self.accounts = SqlAccountRepository(conn)
        self.auth = SqlAuthRepository(conn)
        self.audit = SqlAuditRepository(conn)
        self.cases = SqlCaseRepository(conn)
        self.webauthn = SqlWebAuthnRepository(conn)
        self.records = SqlRecordStore(conn)
        self.stats = SqlStatistics(conn)
        self.sealed = SqlSealedValues(conn)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def commit(self) -> None:
        with translate_errors():
            self.audit.flush()
            self._tx.commit()
        assert self._conn is not None
        self._tx = self._conn.begin()

    def rollback(self) -> None:
        self.audit.discard()
        self._tx.rollback()
        assert self._conn is not None
        self._tx = self._conn.begin()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
