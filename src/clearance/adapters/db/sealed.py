"""The columns that hold values sealed under the installation secret, for key rotation.

Each kind names a table, its id column and its sealed column. ``replace`` is a compare-and-swap on
the old value, so a value rewritten meanwhile (a new TOTP enrolment) is left alone, not clobbered.
May import: sqlalchemy and the table definitions.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Column, Connection, Table, and_, select, update

from clearance.adapters.db.tables import accounts, person_keys
from clearance.adapters.db.tables_ops import whistle_reports
from clearance.domain.errors import ValidationFailed

KINDS: dict[str, tuple[Table, str, str]] = {
    "person_key": (person_keys, "person_id", "wrapped_key"),
    "totp_secret": (accounts, "id", "totp_secret_enc"),
    "whistle_key": (whistle_reports, "id", "wrapped_key"),
}


class SqlSealedValues:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @staticmethod
    def _columns(kind: str) -> tuple[Table, Column[uuid.UUID], Column[bytes]]:
        if kind not in KINDS:
            raise ValidationFailed(f"Unknown kind of sealed value: {kind}")
        table, id_name, value_name = KINDS[kind]
        return table, table.c[id_name], table.c[value_name]

    def page(self, kind: str, after: uuid.UUID | None, limit: int) -> list[tuple[uuid.UUID, bytes]]:
        _, id_col, value_col = self._columns(kind)
        query = select(id_col, value_col).where(value_col.is_not(None))
        if after is not None:
            query = query.where(id_col > after)
        rows = self._conn.execute(query.order_by(id_col).limit(limit))
        return [(r[0], bytes(r[1])) for r in rows]

    def replace(self, kind: str, row_id: uuid.UUID, old: bytes, new: bytes) -> bool:
        table, id_col, value_col = self._columns(kind)
        done = self._conn.execute(
            update(table).where(and_(id_col == row_id, value_col == old)).values({value_col: new})
        )
        return done.rowcount == 1
