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
from clearance.domain.errors import (
    ConcurrentUpdate,
    Conflict,
    InfrastructureError,
    ValidationFailed,
)

# SQLSTATEs of PostgreSQL's transient failures: serialization_failure, deadlock_detected.
TRANSIENT_SQLSTATES = {"40001", "40P01"}


def translate(exc: sa_exc.DBAPIError) -> Exception:
    """The Clearance error for a driver error."""
    if isinstance(exc, sa_exc.IntegrityError):
        return Conflict("The change conflicts with existing data (a unique value is taken).")
    if isinstance(exc, sa_exc.DataError) and "NUL" in str(exc.orig):
        # A query parameter or form field with U+0000 (JSON bodies are refused at the schema).
        return ValidationFailed("Text may not contain the NUL character (U+0000).")
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in TRANSIENT_SQLSTATES or "database is locked" in str(exc.orig):
        return ConcurrentUpdate()
    if isinstance(exc, sa_exc.OperationalError):
        return InfrastructureError("The database is not available.")
    return InfrastructureError("The database refused the operation.")


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except sa_exc.DBAPIError as exc:
        raise translate(exc) from exc


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

    def __exit__(self, *args: object) -> None:
        exc = args[1] if len(args) > 1 else None
        try:
            if self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
        if isinstance(exc, sa_exc.DBAPIError):
            # A driver error inside the block (a deadlock mid-transaction, say): rolled back above;
            # nothing above the adapters ever sees sqlalchemy's exceptions.
            raise translate(exc) from exc

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
