"""``SqlRecordStore``: a small data mapper for the issue-4 and issue-6 records. Each record class maps to one
table whose columns carry the record's field names; enums and dates are converted explicitly."""

from __future__ import annotations

import dataclasses
import enum
import functools
import typing
from typing import Any, TypeVar

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy import exc as sa_exc

from clearance.adapters.db import tables_cesi as t
from clearance.adapters.db import tables_ops as ops
from clearance.domain.designation import Designation
from clearance.domain.documents import IssuedDocument, IssuerProfile
from clearance.domain.errors import Conflict
from clearance.domain.oversight import (
    Inspection,
    InventoryRecord,
    Invitation,
    JobLock,
    OrgContact,
    PersonContact,
    Reminder,
    WhistleReport,
)
from clearance.domain.records import (
    Acknowledgement,
    Certification,
    CertificationEvent,
    Contract,
    CustodyEvent,
    DesignationEvent,
    DesignationNotice,
    Handler,
    Incident,
    Material,
    Provision,
    Suspension,
    TrainingModule,
    TrainingRecord,
)

R = TypeVar("R")
KEYED = frozenset({Reminder, OrgContact, JobLock, Invitation, PersonContact, IssuedDocument,
                   IssuerProfile})  # fmt: skip
TABLES: dict[type, Table] = {
    Designation: t.designations, DesignationEvent: t.designation_events,
    Provision: t.provisions, DesignationNotice: t.designation_notices,
    Certification: t.certifications, CertificationEvent: t.certification_events,
    Contract: t.contracts, Suspension: t.contract_suspensions,
    TrainingModule: t.training_modules, TrainingRecord: t.training_records,
    Handler: t.handlers, Acknowledgement: t.acknowledgements, Material: t.materials,
    CustodyEvent: t.custody_events, Incident: t.incidents,
    Inspection: ops.inspections, WhistleReport: ops.whistle_reports, Reminder: ops.reminders,
    OrgContact: ops.org_contacts, InventoryRecord: ops.inventories, JobLock: ops.job_locks,
    Invitation: ops.invitations, PersonContact: ops.person_contacts,
    IssuerProfile: ops.issuer_profiles, IssuedDocument: ops.issued_documents,
}  # fmt: skip


@functools.cache
def _enums(cls: type) -> dict[str, type[enum.Enum]]:
    """Fields typed with an enum (possibly optional) -> the enum class."""
    out = {}
    for name, hint in typing.get_type_hints(cls).items():
        for candidate in (hint, *typing.get_args(hint)):
            if isinstance(candidate, type) and issubclass(candidate, enum.Enum):
                out[name] = candidate
    return out


def _values(obj: Any) -> dict[str, Any]:
    values = {}
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        values[f.name] = v.value if isinstance(v, enum.Enum) else v
    if "id" in values and values["id"] is None:
        del values["id"]  # autoincrement
    return values


def _record(cls: type[R], row: Any) -> R:
    m = row._mapping
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    enums = _enums(cls)  # type: ignore[arg-type]
    kwargs = {
        k: (enums[k](v) if k in enums and v is not None else v) for k, v in m.items() if k in names
    }
    return cls(**kwargs)


class SqlRecordStore:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add(self, obj: Any) -> None:
        """Insert. For records with a unique key besides the id (a reminder's key), a taken key
        raises ``Conflict`` inside a savepoint, so the caller's transaction goes on."""
        q = insert(TABLES[type(obj)]).values(**_values(obj))
        if type(obj) not in KEYED:
            self.conn.execute(q)
            return
        try:
            with self.conn.begin_nested():
                self.conn.execute(q)
        except sa_exc.IntegrityError as exc:
            raise Conflict(
                "The change conflicts with existing data (a unique value is taken)."
            ) from exc

    def get(self, cls: type[R], ident: Any) -> R | None:
        table = TABLES[cls]
        [key] = table.primary_key.columns
        row = self.conn.execute(select(table).where(key == ident)).first()
        return _record(cls, row) if row else None

    def update(self, obj: Any, *, expected_version: int | None = None) -> None:
        """Write ``obj`` over its row; with ``expected_version`` only if nobody changed it since."""
        table = TABLES[type(obj)]
        [key] = table.primary_key.columns
        values = _values(obj)
        q = update(table).where(key == values[key.name])
        if expected_version is not None:
            q = q.where(table.c.version == expected_version)
        if self.conn.execute(q.values(**values)).rowcount != 1:
            raise Conflict("The record changed at the same time; reload it and retry.")

    def find(
        self, cls: type[R], *, order: str | None = None, limit: int | None = None,
        offset: int = 0, **equals: Any,
    ) -> list[R]:  # fmt: skip
        table = TABLES[cls]
        q = select(table).where(*(_eq(table, k, v) for k, v in equals.items()))
        if order:
            q = q.order_by(*(table.c[c] for c in order.split(",")))
        if limit is not None:
            q = q.limit(limit).offset(offset)
        return [_record(cls, r) for r in self.conn.execute(q)]

    def count(self, cls: type, **equals: Any) -> int:
        table = TABLES[cls]
        q = (
            select(func.count())
            .select_from(table)
            .where(*(_eq(table, k, v) for k, v in equals.items()))
        )
        return int(self.conn.execute(q).scalar_one())


def _eq(table: Table, name: str, value: Any) -> Any:
    col = table.c[name]
    if isinstance(value, (list, tuple, set, frozenset)):
        return col.in_([v.value if isinstance(v, enum.Enum) else v for v in value])
    if value is None:
        return col.is_(None)
    return col == (value.value if isinstance(value, enum.Enum) else value)
